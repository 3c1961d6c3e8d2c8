"""`insats flush`: Django's flush, let through the append-only log triggers on SQLite.

Flush removes every row of every table (Django's test runner uses it between transactional
tests). On PostgreSQL it uses TRUNCATE, which row triggers do not see; on SQLite it deletes row
by row, so it runs inside `log_maintenance()` (insats/audit/append_only.py).
"""

from django.core.management.commands.flush import Command as FlushCommand

from insats.audit.append_only import log_maintenance


class Command(FlushCommand):
    def handle(self, **options):
        with log_maintenance():
            return super().handle(**options)
