"""Walks every URL pattern and API route with every role and checks the access matrix.

For each route in the URL configuration: the matrix (insats/core/access_matrix.py) must have an
entry; the route is requested by an anonymous client and by a user of every role in unit A,
naming an object of unit A, of unit B (same municipality) and of unit C (another
municipality); the outcome must be the one in the matrix, and no response may contain a person
the user may not see. Each request runs in a savepoint that is rolled back, so a request that
changes something (closing an enrolment, deleting attendance) leaves the world as it was.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from insats.core import access_matrix
from insats.core.access_matrix import ROLES, routes_for
from insats.core.security.testworld import build_world

DOC = Path(settings.BASE_DIR) / "docs" / "access-matrix.md"
LOGIN_PREFIXES = ("/konto/logga-in/", "/admin/login/")


def walk(patterns=None, prefix: str = "", namespace: str = ""):
    """(full name, route text, URLPattern) for every named pattern, recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name or f'<unnamed {prefix}{pattern.pattern}>'}"
            yield name, prefix + str(pattern.pattern), pattern


def all_routes():
    return list(walk())


def outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        path = location.split("://", 1)[-1]
        path = path[path.find("/"):] if "://" in location else location
        return "login" if path.startswith(LOGIN_PREFIXES) else "ok"
    if status == 401:
        return "login"
    if status in (400, 403, 404, 405):
        return str(status)
    if status >= 500:
        return f"error {status}"
    return "ok"


def _request(client: Client, method: str, url: str, is_api: bool):
    if method == "GET":
        return client.get(url)
    if is_api:
        return client.generic(method, url, json.dumps({}), content_type="application/json")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded")


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _path_params(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def test_every_route_has_a_matrix_entry():
    missing = [name for name, route, _ in all_routes() if not routes_for(name)]
    assert not missing, (
        "Routes without an entry in insats/core/access_matrix.py (add them, then regenerate "
        f"docs/access-matrix.md): {missing}"
    )


def test_matrix_has_no_stale_entries():
    names = {name for name, _, _ in all_routes()}
    stale = [route.name for route in access_matrix.MATRIX if route.name not in names]
    assert not stale, f"Matrix entries for routes that no longer exist: {stale}"


def test_api_methods_are_all_in_the_matrix():
    for name, _, pattern in all_routes():
        actions = getattr(pattern.callback, "actions", None)
        entries = routes_for(name)
        if actions and entries:
            offered = {m.upper() for m in actions} - {"HEAD", "OPTIONS"}
            listed = {m for entry in entries for m in entry.methods}
            assert offered <= listed, f"{name}: methods {offered - listed} not in the matrix"


def test_routes_naming_objects_say_which_object():
    for name, _, pattern in all_routes():
        for entry in routes_for(name):
            if entry.kind == "admin":
                continue
            params = _path_params(pattern)
            assert bool(params) == bool(entry.obj), f"{name}: path {params} vs object {entry.obj}"


def test_doc_is_generated_from_the_matrix():
    assert DOC.read_text(encoding="utf-8") == access_matrix.markdown(), (
        "docs/access-matrix.md is out of date: "
        "python -m insats.core.access_matrix > docs/access-matrix.md"
    )


def test_no_personal_data_in_the_admin_site():
    """Administrators configure; they never see case data, so no such model is in the admin."""
    personal = {"persons", "enrolments", "referrals", "plans"}
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not personal & registered
    from insats.measures.models import Attendance, Placement

    assert Placement not in admin.site._registry and Attendance not in admin.site._registry


@pytest.mark.django_db
def test_every_route_for_every_role_matches_the_matrix():
    world = build_world()
    clients = {"anonymous": Client()}
    for role in ROLES:
        client = Client()
        client.force_login(world.users[role])
        clients[role] = client
    mismatches: list[str] = []
    leaks: list[str] = []
    for name, _route, pattern in all_routes():
        for entry in routes_for(name):
            _check_route(world, clients, name, pattern, entry, mismatches, leaks)
    assert not leaks, "Personal data shown to users who may not see it:\n" + "\n".join(leaks)
    assert not mismatches, "Outcomes differ from the access matrix:\n" + "\n".join(mismatches)


def _check_route(world, clients, name, pattern, entry, mismatches, leaks) -> None:
    params = _path_params(pattern)
    if entry.kind == "admin":
        if params:
            return  # admin object pages: configuration only, covered by the prefix rule
        targets = [("none", {})]
    elif entry.obj:
        objects = world.objects[entry.obj]
        targets = [
            (relation, {param: objects[letter].pk for param in params})
            for relation, letter in (("own", "A"), ("other", "B"), ("other", "C"))
        ]
    else:
        targets = [("none", {})]
    for relation, kwargs in targets:
        url = reverse(name, kwargs=kwargs)
        for role, client in clients.items():
            if role == "anonymous" and relation == "other":
                continue
            expected = entry.expected(role, relation)
            forbidden = world.forbidden_names(role)
            for method in entry.methods:
                cookies = copy.deepcopy(client.cookies)
                with transaction.atomic():
                    response = _request(client, method, url, entry.kind == "api")
                    body = _body(response)
                    transaction.set_rollback(True)
                client.cookies = cookies
                got = outcome(response)
                if got != expected:
                    mismatches.append(
                        f"{name} {method} {relation} as {role}: expected {expected}, "
                        f"got {got} ({response.status_code})"
                    )
                shown = [n for n in forbidden if n in body]
                if shown:
                    leaks.append(f"{name} {method} {relation} as {role} shows {shown}")
