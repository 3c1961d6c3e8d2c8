"""The access log: append-only, what each request writes, flags, follow-up pages and command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import Role
from insats.audit import services
from insats.audit.models import AccessLogEntry, Action, AppendOnlyError
from insats.core import testing

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolment(unit, coach):
    person = testing.make_person(first_name="Amina", last_name="Loggsdotter")
    return testing.make_enrolment(person, unit, coach=coach)


def _entry(user, person_id=1, **kw):
    return AccessLogEntry.objects.create(
        username=user.username, user=user, role=user.role, unit_id=user.unit_id,
        action=kw.pop("action", Action.READ), object_type="person", object_id=person_id,
        person_id=person_id, **kw,
    )


# --- Append-only --------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_the_orm(coach):
    entry = _entry(coach)
    entry.action = Action.UPDATE
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(action=Action.DELETE)
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().action == Action.READ


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
def test_the_database_refuses_update_and_delete_on_postgresql(coach):
    entry = _entry(coach)
    table = AccessLogEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'delete' WHERE id = %s",
                f"DELETE FROM {table} WHERE id = %s"):
        with pytest.raises(DatabaseError, match="kan inte ändras"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    assert AccessLogEntry.objects.get().action == Action.READ


# --- What requests write ----------------------------------------------------------------------


def test_opening_an_enrolment_logs_who_what_and_from_where(client, coach, enrolment):
    client.force_login(coach)
    response = client.get(reverse("enrolments:detail", args=[enrolment.pk]),
                          HTTP_USER_AGENT="Testläsare/1.0", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.username, entry.role, entry.unit_id) == (
        coach, "coach", Role.COACH, coach.unit_id)
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "enrolment",
                                                                 enrolment.pk)
    assert (entry.person_id, entry.enrolment_id) == (enrolment.person_id, enrolment.pk)
    assert entry.path == f"/inskrivningar/{enrolment.pk}/" and entry.method == "GET"
    assert entry.ip == "10.1.2.3" and entry.user_agent == "Testläsare/1.0"
    assert not entry.outside_caseload and not entry.protected_person


def test_a_change_is_logged_as_the_change_only(client, coach, enrolment):
    client.force_login(coach)
    response = client.post(reverse("enrolments:add_note", args=[enrolment.pk]),
                           {"text": "Ringde om praktikplats."})
    assert response.status_code == 302
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.person_id, entry.enrolment_id) == (
        "create", "casenote", enrolment.person_id, enrolment.pk)


def test_a_form_shown_again_with_errors_is_a_read(client, coach, enrolment):
    client.force_login(coach)
    response = client.post(reverse("enrolments:add_note", args=[enrolment.pk]), {"text": ""})
    assert response.status_code == 400
    assert list(AccessLogEntry.objects.values_list("action", flat=True)) == ["read"]


def test_a_list_logs_every_person_shown(client, coach, unit, enrolment):
    for _ in range(3):
        testing.make_enrolment(unit=unit, coach=coach)
    client.force_login(coach)
    client.get(reverse("enrolments:caseload"))
    assert AccessLogEntry.objects.filter(action="read", object_type="enrolment").count() == 4


def test_outside_caseload_and_protected_identity_are_flagged(client, unit, coach, enrolment):
    colleague = testing.make_user(Role.COACH, unit, may_see_protected_identity=True)
    protected = testing.make_person(last_name="Skyddad", protected_identity=True)
    testing.make_enrolment(protected, unit, coach=coach)
    client.force_login(colleague)
    client.get(reverse("persons:detail", args=[enrolment.person_id]))
    client.get(reverse("persons:detail", args=[protected.pk]))
    flags = dict(AccessLogEntry.objects.values_list("person_id", "outside_caseload"))
    assert flags == {enrolment.person_id: True, protected.pk: True}
    assert list(AccessLogEntry.objects.filter(protected_person=True)
                .values_list("person_id", flat=True)) == [protected.pk]
    # The coach's own caseload is not flagged; roles without a caseload never are.
    client.force_login(coach)
    client.get(reverse("persons:detail", args=[enrolment.person_id]))
    assert not AccessLogEntry.objects.filter(username="coach", outside_caseload=True).exists()


def test_api_lists_details_and_creates_are_logged(client, coach, enrolment):
    client.force_login(coach)
    assert client.get("/api/v1/persons/?search=Loggsdotter").status_code == 200
    assert client.get(f"/api/v1/enrolments/{enrolment.pk}/").status_code == 200
    response = client.post("/api/v1/persons/", {
        "birth_date": "1991-05-05", "first_name": "Ny", "last_name": "Apiperson", "gender": "K",
    }, content_type="application/json")
    assert response.status_code == 201
    rows = list(AccessLogEntry.objects.order_by("pk").values_list("action", "object_type",
                                                                  "object_id"))
    assert rows == [("search", "person", enrolment.person_id),
                    ("read", "enrolment", enrolment.pk),
                    ("create", "person", response.json()["id"])]


def test_a_failed_api_change_writes_nothing(client, coach, enrolment):
    client.force_login(coach)
    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/close/", {},
                           content_type="application/json")
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_outside_a_request_the_entry_is_written_at_once(coach, enrolment):
    services.log_access(coach, Action.EXPORT, enrolment=enrolment, reason="Export")
    services.log_access("gallring", Action.UPDATE, person=enrolment.person)
    rows = list(AccessLogEntry.objects.order_by("pk").values_list("username", "action", "path"))
    assert rows == [("coach", "export", ""), ("gallring", "update", "")]


# --- Follow-up ---------------------------------------------------------------------------------


def test_follow_up_pages_are_for_enhetschef_and_admin_only(client, coach, enhetschef,
                                                          admin_user, controller):
    for user, status in ((coach, 403), (controller, 403), (enhetschef, 200), (admin_user, 200)):
        client.force_login(user)
        for name in ("audit:index", "audit:person", "audit:user"):
            assert client.get(reverse(name)).status_code == status, (user, name)


def test_enhetschef_follows_up_own_unit_staff_only(client, unit, other_unit, coach, enhetschef,
                                                   enrolment):
    stranger = testing.make_user(Role.COACH, other_unit, username="granne")
    _entry(coach, enrolment.person_id)
    _entry(stranger, enrolment.person_id)
    client.force_login(enhetschef)
    response = client.get(reverse("audit:person"), {"person": enrolment.person_id})
    html = response.content.decode()
    assert "Amina Loggsdotter" in html and ">coach<" in html and "granne" not in html
    # The lookup itself is logged, as a read of the person's access log.
    looked = AccessLogEntry.objects.get(username=enhetschef.username)
    assert (looked.object_type, looked.person_id) == ("accesslog", enrolment.person_id)
    response = client.get(reverse("audit:user"), {"anvandare": "granne"})
    assert "Inga loggposter" in response.content.decode()
    response = client.get(reverse("audit:user"), {"anvandare": "coach"})
    assert f"?person={enrolment.person_id}" in response.content.decode()


def test_person_lookup_by_personnummer_and_clear_errors(client, enhetschef, unit):
    person = testing.make_person(personnummer="199001011239")
    testing.make_enrolment(person, unit)
    client.force_login(enhetschef)
    response = client.get(reverse("audit:person"), {"person": "900101-1239"})
    assert response.context["person"] == person
    response = client.get(reverse("audit:person"), {"person": "900101-1234"})
    assert "kontrollsiffra" in response.content.decode()
    response = client.get(reverse("audit:person"), {"person": "99999"})
    assert "Det finns ingen sådan person" in response.content.decode()


def _at(when: dt.datetime, user, person_id, **kw):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return _entry(user, person_id, **kw)


def test_unusual_patterns_are_computed_in_the_database(unit, coach, enhetschef,
                                                       django_assert_max_num_queries):
    tz = timezone.get_current_timezone()
    monday = dt.datetime(2024, 3, 4, 10, 0, tzinfo=tz)
    for person_id in range(1, 5):
        _at(monday, coach, person_id, outside_caseload=True)
    _at(monday, coach, 99, outside_caseload=False)
    _at(monday.replace(hour=22), coach, 7)
    _at(dt.datetime(2024, 3, 9, 11, 0, tzinfo=tz), coach, 8)  # a Saturday
    _at(monday, coach, 9, protected_person=True)
    qs = services.visible_entries(enhetschef)
    with django_assert_max_num_queries(3):
        patterns = services.unusual_patterns(qs, threshold=3)
        assert [(r["username"], r["persons"]) for r in patterns.many_outside_caseload] == [
            ("coach", 4)]
        assert [e.person_id for e in patterns.outside_hours] == [8, 7]
        assert [e.person_id for e in patterns.protected_opens] == [9]
    assert services.unusual_patterns(qs, threshold=4).many_outside_caseload == []


def test_index_page_shows_the_patterns(client, enhetschef, coach, settings):
    settings.INSATS_AUDIT_OUTSIDE_CASELOAD_PER_DAY = 1
    _entry(coach, 1, outside_caseload=True)
    _entry(coach, 2, outside_caseload=True, protected_person=True)
    client.force_login(enhetschef)
    html = client.get(reverse("audit:index")).content.decode()
    assert "Fler än 1 personer utanför egen ärendelista" in html
    assert "?anvandare=coach" in html and "Skyddad identitet" in html


def test_audit_log_command(coach, enrolment):
    _entry(coach, enrolment.person_id, path="/personer/1/")
    out = StringIO()
    call_command("audit_log", "--person", str(enrolment.person_id), stdout=out)
    assert "coach" in out.getvalue() and "/personer/1/" in out.getvalue()
    out = StringIO()
    call_command("audit_log", "--user", "coach", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["person_id"] == enrolment.person_id and rows[0]["action"] == "read"
    out = StringIO()
    call_command("audit_log", "--user", "coach", "--from", "2000-01-01", "--to", "2000-01-02",
                 stdout=out)
    assert "Inga loggposter" in out.getvalue()
