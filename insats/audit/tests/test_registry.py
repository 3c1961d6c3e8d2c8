"""Every route is classified in insats/audit/registry.py, and every personal route logs.

The URL configuration is walked (pages and API routes). A route missing from the registry
fails; so does a personal route without a probe below. Each probe is one request by a user who
may make it, on the access-test world (insats/core/security/testworld.py), inside a savepoint
that is rolled back; it must succeed and write at least one access-log entry naming a person.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import reverse

from insats.audit import registry
from insats.audit.models import AccessLogEntry
from insats.core.security.testworld import build_world
from insats.core.tests.test_access_matrix import all_routes


@dataclass(frozen=True)
class Probe:
    role: str
    obj: str | None = None  # kind in world.objects (unit A), for the path parameters
    method: str = "GET"
    query: str = ""
    data: dict[str, Any] | Any = field(default_factory=dict)
    api: bool = False
    kwargs: dict[str, Any] = field(default_factory=dict)  # path parameters that are not ids


TODAY = dt.date.today().isoformat()
PROBES: dict[str, Probe] = {
    "core:home": Probe("samordnare"),
    "persons:search": Probe("coach", query="q=Egenenhetsson"),
    "persons:create": Probe("coach", method="POST", data={
        "birth_date": "2000-02-02", "first_name": "Ny", "last_name": "Person", "gender": "M",
    }),
    "persons:detail": Probe("coach", "person"),
    "persons:edit": Probe("coach", "person"),
    "referrals:queue": Probe("samordnare"),
    "referrals:create": Probe("remittent", method="POST", data="referral"),
    "referrals:mine": Probe("remittent"),
    "referrals:allocate": Probe("samordnare", "referral"),
    "referrals:reject": Probe("samordnare", "referral"),
    "referrals:add_attachments": Probe("remittent", "referral"),
    "referrals:attachment": Probe("coach", "referral_attachment"),
    "enrolments:caseload": Probe("coach"),
    "enrolments:detail": Probe("coach", "enrolment"),
    "enrolments:edit": Probe("coach", "enrolment"),
    "enrolments:add_note": Probe("coach", "enrolment", method="POST",
                                 data={"text": "Samtal om praktik."}),
    "enrolments:add_meeting": Probe("coach", "enrolment", method="POST", data={
        "date": "2024-02-01", "participants": "Deltagaren, konsulenten", "notes": "",
    }),
    "enrolments:close": Probe("coach", "enrolment"),
    "enrolments:reopen": Probe("enhetschef", "closed_enrolment"),
    "enrolments:followup": Probe("coach", "enrolment"),
    "assessments:perform": Probe("coach", "enrolment"),
    "assessments:detail": Probe("coach", "assessment"),
    "plans:create": Probe("coach", "enrolment"),
    "plans:edit": Probe("coach", "plan"),
    "plans:goal_add": Probe("coach", "plan"),
    "plans:goal_edit": Probe("coach", "goal"),
    "plans:goal_achieved": Probe("coach", "goal", method="POST",
                                 data={"achieved": "1", "version": "1"}),
    "plans:followup_add": Probe("coach", "plan"),
    "measures:detail": Probe("coach", "measure"),
    "measures:placement_create": Probe("coach", "enrolment"),
    "measures:placement_end": Probe("coach", "placement"),
    "measures:placement_attendance": Probe("coach", "placement"),
    "measures:attendance_delete": Probe("coach", "attendance", method="POST"),
    "measures:attendance_grid": Probe("coach", query="measure={measure}&week=2024-W03"),
    "surveys:offer": Probe("coach", "closed_enrolment", method="POST"),
    "surveys:slip": Probe("coach", "closed_enrolment", query="__offer__"),
    "audit:person": Probe("enhetschef", query="person={person}"),
    "privacy:extract": Probe("enhetschef", method="POST",
                             data={"person": "{person}", "format": "json", "reason": ""}),
    "privacy:grants": Probe("admin"),
    "insights:drilldown": Probe("enhetschef", kwargs={"code": "deltagare"}, query="year=2024"),
    "insights:data_quality": Probe("enhetschef"),
    "insights:data_quality_rule": Probe("enhetschef", kwargs={"code": "ingen_aktivitet"}),
    "api:person-list": Probe("coach", api=True),
    "api:person-detail": Probe("coach", "person", api=True),
    "api:enrolment-list": Probe("coach", api=True),
    "api:enrolment-detail": Probe("coach", "enrolment", api=True),
    "api:enrolment-close": Probe("coach", "enrolment", method="POST", api=True, data="close"),
    "api:enrolment-reopen": Probe("enhetschef", "closed_enrolment", method="POST", api=True,
                                  data="reopen"),
    "api:enrolment-followups": Probe("coach", "enrolment", api=True),
    "api:referral-list": Probe("samordnare", api=True),
    "api:referral-detail": Probe("samordnare", "referral", api=True),
    "api:referral-suggestion": Probe("samordnare", "referral", api=True),
    "api:referral-allocate": Probe("samordnare", "referral", method="POST", api=True,
                                   data="allocate"),
    "api:referral-reject": Probe("samordnare", "referral", method="POST", api=True,
                                 data={"rejection_reason": "Fel målgrupp."}),
    "api:placement-list": Probe("coach", api=True),
    "api:placement-detail": Probe("coach", "placement", api=True),
    "api:placement-end": Probe("coach", "placement", method="POST", api=True,
                               data={"end_date": "2024-03-01"}),
    "api:attendance-list": Probe("coach", api=True),
    "api:attendance-detail": Probe("coach", "attendance", api=True),
}


def test_every_route_is_classified():
    missing = sorted({name for name, _, _ in all_routes() if registry.classify(name) is None})
    assert not missing, (
        "Routes not classified in insats/audit/registry.py (personal or not; personal routes "
        f"must log with insats.audit.services): {missing}"
    )


def test_registry_has_no_stale_entries():
    names = {name for name, _, _ in all_routes()}
    stale = [name for name in registry.ROUTES if name not in names]
    assert not stale, f"Registry entries for routes that no longer exist: {stale}"


def test_every_personal_route_has_a_probe():
    names = {name for name, _, _ in all_routes()}
    personal = {n for n in names if (r := registry.classify(n)) is not None and r.personal}
    assert personal - set(PROBES) == set(), "Add a probe for these personal routes"
    assert set(PROBES) <= personal, "Probes for routes not marked personal"


def test_no_personal_model_in_the_admin_site():
    labels = {model._meta.label_lower for model in admin.site._registry}
    personal = {"persons.person", "enrolments.enrolment", "referrals.referral",
                "measures.placement", "measures.attendance", "audit.accesslogentry",
                "accounts.protectedidentitygrant"}
    assert not labels & personal


def _world():
    world = build_world()
    from insats.codes.models import ClosureReason

    closed = world.objects["enrolment"]["A"]
    # A second, closed enrolment of unit A (reopen, survey offer).
    from insats.core import testing

    reason = ClosureReason.objects.order_by("sort_order").first()
    other = testing.make_enrolment(world.objects["person"]["A"], world.units["A"],
                                   coach=world.users["coach"], start_date=dt.date(2023, 1, 10),
                                   end_date=dt.date(2023, 6, 30), closure_reason=reason)
    world.objects["closed_enrolment"] = {"A": other}
    world.closure_reason = reason
    # A grant to the protected person for a second samordnare of unit A (the grants page lists
    # it; not a coach, who would change the allocation suggestion).
    from insats.accounts.models import ProtectedIdentityGrant, Role

    ProtectedIdentityGrant.objects.create(
        user=testing.make_user(Role.SAMORDNARE, world.units["A"], username="samordnare-a2"),
        person=world.protected_person, reason="Ansvarig konsulent",
    )
    assert closed.end_date is None
    return world


def _data(world, probe: Probe):
    if probe.data == "referral":
        return {"unit": world.units["A"].pk, "personnummer": "900101-1239", "first_name": "Ny",
                "last_name": "Remissdotter", "referral_source": "EKB", "reason": "Stöd."}
    if probe.data == "close":
        enrolment = world.objects["enrolment"]["A"]
        return {"version": enrolment.version, "end_date": "2024-06-30",
                "closure_reason": world.closure_reason.pk, "note": ""}
    if probe.data == "reopen":
        return {"version": world.objects["closed_enrolment"]["A"].version,
                "reason": "Avslutad av misstag."}
    if probe.data == "allocate":
        return {"coach": world.users["coach"].pk, "override_reason": ""}
    values = {}
    for key, value in probe.data.items():
        values[key] = value.format(person=world.objects["person"]["A"].pk) if isinstance(
            value, str) else value
    return values


def _url(world, name: str, pattern, probe: Probe) -> str:
    params = list(pattern.pattern.regex.groupindex)
    kwargs = dict(probe.kwargs) or {p: world.objects[probe.obj]["A"].pk for p in params}
    url = reverse(name, kwargs=kwargs)
    query = probe.query.format(person=world.objects["person"]["A"].pk,
                               measure=world.objects["measure"]["A"].pk)
    return f"{url}?{query}" if query and query != "__offer__" else url


@pytest.mark.django_db
def test_every_personal_route_writes_the_access_log():
    world = _world()
    patterns = {name: pattern for name, _, pattern in all_routes()}
    failures = []
    for name, probe in PROBES.items():
        client = Client()
        client.force_login(world.users[probe.role])
        url = _url(world, name, patterns[name], probe)
        with transaction.atomic():
            if probe.query == "__offer__":
                client.post(reverse("surveys:offer", args=[world.objects[probe.obj]["A"].pk]))
            before = AccessLogEntry.objects.count()
            if probe.method == "GET":
                response = client.get(url)
            elif probe.api:
                response = client.generic(probe.method, url, json.dumps(_data(world, probe)),
                                          content_type="application/json")
            else:
                response = client.post(url, _data(world, probe))
            written = list(AccessLogEntry.objects.order_by("pk")[before:])
            transaction.set_rollback(True)
        path = url.split("?")[0]
        if response.status_code >= 400:
            failures.append(f"{name}: status {response.status_code}")
        elif not written:
            failures.append(f"{name}: no access-log entry")
        elif not all(e.path == path and e.username == world.users[probe.role].username
                     and e.person_id for e in written):
            failures.append(f"{name}: entries without path, user or person: "
                            f"{[(e.path, e.username, e.person_id) for e in written]}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_refused_requests_write_nothing():
    world = _world()
    client = Client()
    client.force_login(world.users["coach"])
    other = world.objects["enrolment"]["B"]
    assert client.get(reverse("enrolments:detail", args=[other.pk])).status_code == 404
    remittent = Client()
    remittent.force_login(world.users["remittent"])
    own = world.objects["enrolment"]["A"]
    assert remittent.get(reverse("enrolments:detail", args=[own.pk])).status_code == 403
    assert client.get(f"/api/v1/enrolments/{other.pk}/").status_code == 404
    assert not AccessLogEntry.objects.exists()
