"""The access log and the sign-in log refuse UPDATE and DELETE in the database itself, on
SQLite as on PostgreSQL (migrations audit/0002 and 0003, insats/audit/append_only.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from insats.accounts.models import Role, SignInEvent
from insats.audit.append_only import log_maintenance
from insats.audit.models import AccessLogEntry, Action
from insats.core import testing

pytestmark = pytest.mark.django_db

ACCESS_LOG = AccessLogEntry._meta.db_table
SIGN_IN_LOG = SignInEvent._meta.db_table


def _entry(user) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        username=user.username, user=user, role=user.role, action=Action.READ,
        object_type="person", object_id=1, person_id=1,
    )


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize("sql", [
    f"UPDATE {ACCESS_LOG} SET action = 'delete' WHERE id = %s",
    f"UPDATE {ACCESS_LOG} SET username = 'någon annan' WHERE id = %s",
    f"DELETE FROM {ACCESS_LOG} WHERE id = %s",
])
def test_raw_sql_cannot_change_or_delete_an_access_log_entry(coach, sql):
    entry = _entry(coach)
    with pytest.raises(DatabaseError, match="Åtkomstloggen kan inte ändras"):
        _raw(sql, [entry.pk])
    assert AccessLogEntry.objects.values_list("action", "username").get() == ("read", "coach")


@pytest.mark.parametrize("sql", [
    f"UPDATE {SIGN_IN_LOG} SET kind = 'success' WHERE id = %s",
    f"UPDATE {SIGN_IN_LOG} SET ip = '10.0.0.1' WHERE id = %s",
    f"UPDATE {SIGN_IN_LOG} SET user_id = NULL, username = 'x' WHERE id = %s",
    f"DELETE FROM {SIGN_IN_LOG} WHERE id = %s",
])
def test_raw_sql_cannot_change_or_delete_a_sign_in_event(coach, sql):
    event = SignInEvent.objects.create(kind="failure", username="coach", user=coach,
                                       ip="127.0.0.1")
    with pytest.raises(DatabaseError, match="Inloggningsloggen kan inte ändras"):
        _raw(sql, [event.pk])
    event.refresh_from_db()
    assert (event.kind, event.ip, event.username, event.user_id) == (
        "failure", "127.0.0.1", "coach", coach.pk)


def test_removing_an_account_keeps_its_sign_in_events(unit):
    user = testing.make_user(Role.COACH, unit, username="slutat")
    event = SignInEvent.objects.create(kind="success", username="slutat", user=user,
                                       ip="127.0.0.2", method="password")
    user.delete()
    event.refresh_from_db()
    assert (event.user_id, event.username, event.kind, event.ip) == (
        None, "slutat", "success", "127.0.0.2")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the unlock is SQLite's mechanism")
def test_log_maintenance_lets_the_documented_thinning_through_on_sqlite(coach):
    old, new = _entry(coach), _entry(coach)
    with log_maintenance():
        _raw(f"DELETE FROM {ACCESS_LOG} WHERE id = %s", [old.pk])
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [new.pk]
    # Outside the block the trigger holds again.
    with pytest.raises(DatabaseError):
        _raw(f"DELETE FROM {ACCESS_LOG} WHERE id = %s", [new.pk])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite flush deletes row by row")
def test_flush_empties_the_logs(coach):
    _entry(coach)
    SignInEvent.objects.create(kind="success", username="coach", user=coach)
    call_command("flush", interactive=False, verbosity=0)
    assert not AccessLogEntry.objects.exists() and not SignInEvent.objects.exists()
