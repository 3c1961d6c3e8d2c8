from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "insats.audit"
    label = "audit"
    verbose_name = _("Loggning")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .append_only import register

        # The SQLite append-only triggers call a function of this process (append_only.py).
        connection_created.connect(register, dispatch_uid="insats_audit_append_only")
