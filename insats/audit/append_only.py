"""The logs are append-only in the database itself, on PostgreSQL and on SQLite.

The access log (`audit.AccessLogEntry`) and the sign-in log (`accounts.SignInEvent`) refuse
UPDATE and DELETE through triggers (migrations `audit/0002` and `audit/0003`), so not even raw
SQL from the application can alter them. The one change let through is the sign-in log's
`user_id` being set to NULL when an account is removed (the foreign key's SET NULL); the
username, time and address stay.

On SQLite the triggers call the function `insats_log_unlocked()`, which Insats registers on each
of its database connections (`register`, called for `connection_created`). It returns 1 only
inside `log_maintenance()`; a connection that does not have the function (the sqlite3 shell)
fails with "no such function", which refuses the change as well. `log_maintenance()` is used by
`insats flush` (which on SQLite empties every table with DELETE, as TRUNCATE does on
PostgreSQL, where row triggers do not fire) and by a database administrator who thins the logs
by the documented procedure (docs/privacy.md, "The access log"). Nothing else in the
application calls it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

SQLITE_FUNCTION = "insats_log_unlocked"

_state = threading.local()


def unlocked() -> int:
    """1 inside `log_maintenance()` in this thread, else 0 (the SQLite triggers ask this)."""
    return 1 if getattr(_state, "depth", 0) > 0 else 0


@contextmanager
def log_maintenance() -> Iterator[None]:
    """Let this thread's statements change or delete log rows on SQLite (see module docstring).

    On PostgreSQL it changes nothing: there the administrator disables the trigger.
    """
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def register(sender=None, connection=None, **kwargs) -> None:
    """Give a new SQLite connection the function its triggers call (`connection_created`)."""
    if connection is not None and connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, unlocked)
