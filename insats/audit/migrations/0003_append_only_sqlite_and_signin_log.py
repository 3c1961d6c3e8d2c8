"""Append-only logs on SQLite too, and for the sign-in log on both databases.

* SQLite: triggers refuse UPDATE and DELETE on the access log, and on the sign-in log everything
  except setting `user_id` to NULL (the foreign key's SET NULL when an account is removed).
  They let a change through only when `insats_log_unlocked()` returns 1, which it does inside
  `insats.audit.append_only.log_maintenance()` (used by `insats flush` and the documented
  thinning procedure); see that module.
* PostgreSQL: the access log has had its trigger since 0002; the sign-in log gets one here with
  the same exception for SET NULL.

Note for later migrations on SQLite: Django alters a table there by copying it into a new table
and dropping the old one, which drops its triggers. A migration that alters either log table
must run `create_triggers` again (the tests in insats/audit/tests/test_append_only.py fail
otherwise).
"""

from django.db import migrations

ACCESS_LOG = "audit_accesslogentry"
SIGN_IN_LOG = "accounts_signinevent"
MESSAGE = "Åtkomstloggen kan inte ändras eller raderas"
SIGN_IN_MESSAGE = "Inloggningsloggen kan inte ändras eller raderas"
# The sign-in log's only permitted UPDATE: the user link cleared, every other column the same.
USER_CLEARED = (
    "NEW.user_id IS NULL AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind "
    "AND NEW.username IS OLD.username AND NEW.ip IS OLD.ip AND NEW.method IS OLD.method "
    "AND NEW.user_agent IS OLD.user_agent"
)

SQLITE_TRIGGERS = {
    "audit_accesslogentry_no_update": (
        f"BEFORE UPDATE ON {ACCESS_LOG} WHEN insats_log_unlocked() = 0",
        f"{MESSAGE} (UPDATE).",
    ),
    "audit_accesslogentry_no_delete": (
        f"BEFORE DELETE ON {ACCESS_LOG} WHEN insats_log_unlocked() = 0",
        f"{MESSAGE} (DELETE).",
    ),
    "accounts_signinevent_no_update": (
        f"BEFORE UPDATE ON {SIGN_IN_LOG} WHEN insats_log_unlocked() = 0 "
        f"AND NOT ({USER_CLEARED})",
        f"{SIGN_IN_MESSAGE} (UPDATE).",
    ),
    "accounts_signinevent_no_delete": (
        f"BEFORE DELETE ON {SIGN_IN_LOG} WHEN insats_log_unlocked() = 0",
        f"{SIGN_IN_MESSAGE} (DELETE).",
    ),
}

PG_SIGN_IN = f"""
CREATE OR REPLACE FUNCTION accounts_signinevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
       AND (NEW.id, NEW.at, NEW.kind, NEW.username, NEW.ip, NEW.method, NEW.user_agent)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.kind, OLD.username, OLD.ip, OLD.method, OLD.user_agent) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{SIGN_IN_MESSAGE} (%).', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_signinevent_append_only ON {SIGN_IN_LOG};
CREATE TRIGGER accounts_signinevent_append_only
    BEFORE UPDATE OR DELETE ON {SIGN_IN_LOG}
    FOR EACH ROW EXECUTE FUNCTION accounts_signinevent_append_only();
"""

PG_DROP = f"""
DROP TRIGGER IF EXISTS accounts_signinevent_append_only ON {SIGN_IN_LOG};
DROP FUNCTION IF EXISTS accounts_signinevent_append_only();
"""


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name, (when, message) in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
            schema_editor.execute(
                f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif vendor == "postgresql":
        # params=None: the SQL contains a literal '%' that must not be read as a placeholder.
        schema_editor.execute(PG_SIGN_IN, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("accounts", "0002_protectedidentitygrant_signinevent"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
