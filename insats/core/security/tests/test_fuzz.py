"""Fuzzing: the REST API with schemathesis for every role, and the CSV reader with random bytes.

Both run in-process (no network). Half of the generated object ids are real objects of the test
world (every unit, both municipalities). The number of examples is small so the suite stays fast;
set INSATS_FUZZ_EXAMPLES (e.g. 200) for a thorough run by hand.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from insats.core.access_matrix import ROLES
from insats.core.security.testworld import build_world

EXAMPLES = int(os.environ.get("INSATS_FUZZ_EXAMPLES", "8"))
_django_app = get_wsgi_application()


def wsgi_app(environ, start_response):
    """The project's WSGI app inside the test transaction (as Django's test client does it:
    the connection must not be closed at the end of each request)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = _django_app(environ, start_response)
        body = list(response)
        if hasattr(response, "close"):
            response.close()
        return body
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _openapi() -> dict:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(raw))


schema = schemathesis.openapi.from_dict(_openapi())
# Primary keys of the test world's objects (every kind, every unit), filled by `tokens`.
REAL_IDS: list[int] = []


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half of the generated object ids are ids of real objects of the test world, so the
    checks below meet other units' and municipalities' real data, not only 404s for random
    numbers."""
    keys = [k for k, v in (path_parameters or {}).items() if isinstance(v, int)]
    if not REAL_IDS or not keys:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({k: st.sampled_from(REAL_IDS) for k in keys})
    return st.one_of(st.just(path_parameters), real.map(lambda ids: {**path_parameters, **ids}))

# The coverage phase generates every boundary case of every operation regardless of
# max_examples; the quick run keeps to generated examples (INSATS_FUZZ_COVERAGE=1 adds it).
if not os.environ.get("INSATS_FUZZ_COVERAGE"):
    schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def tokens(db):
    world = build_world()
    objects = [o for by_unit in world.objects.values() for o in by_unit.values()]
    objects += [world.protected_person, world.protected_enrolment]
    REAL_IDS[:] = sorted({o.pk for o in objects if isinstance(o.pk, int)})
    tokens = {"anonymous": None}
    for role in ROLES:
        tokens[role] = Token.objects.create(user=world.users[role]).key
    return world, tokens


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_and_never_shows_what_the_role_may_not_see(case, tokens):
    world, keys = tokens
    for role, key in keys.items():
        headers = {"Authorization": f"Token {key}"} if key else {}
        response = case.call(app=wsgi_app, headers=headers)
        text = response.text
        assert response.status_code < 500, (role, case.method, case.formatted_path, text[:500])
        if role == "anonymous":
            # 404 only when the generated path matches no route at all.
            assert response.status_code in (401, 404), (case.method, case.formatted_path)
        shown = [name for name in world.forbidden_names(role) if name in text]
        assert not shown, (role, case.method, case.formatted_path, shown)


# --- The CSV reader with random bytes -------------------------------------------------------

ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
HEADER = "person_id,personnummer,birth_date,gender\r\n"
ROW_TEXT = st.text(alphabet='PK0123456789-+;,"\r\n åäö\x00\ufeff', max_size=60)


@pytest.mark.django_db
@settings(max_examples=EXAMPLES * 10, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
@given(
    persons=st.one_of(
        st.binary(max_size=300),
        st.tuples(ROW_TEXT, ENCODINGS).map(
            lambda t: (HEADER + t[0]).encode(t[1], errors="replace")
        ),
    ),
    enrolments=st.binary(max_size=120),
)
def test_importer_reports_every_bad_file_as_a_structured_error(persons, enrolments):
    from insats.interchange.services.importer import import_folder
    from insats.persons.models import Person

    before = Person.objects.count()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "persons.csv").write_bytes(persons)
        (folder / "enrolments.csv").write_bytes(enrolments)
        result = import_folder(folder)  # must never raise
    if not result.ok:
        assert result.problems
        for problem in result.problems:
            assert str(problem).strip()
        assert Person.objects.count() == before  # nothing written on error
