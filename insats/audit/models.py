"""Access log (loggning): who read or changed which person's data, when and from where.

The log is append-only. Through the ORM an entry can be created but never changed or deleted
(`save` of an existing row, `delete`, and queryset `update`/`delete` raise); in the database a
trigger refuses UPDATE and DELETE as well, so not even raw SQL from the application can alter
it. SQLite has the same triggers (migration 0003, `append_only.py`). The log is never thinned
by the application: keeping or purging old entries is a task for the database administrator
(docs/privacy.md, "The access log").

Ids are plain integers rather than foreign keys so that an entry outlives what it names (a
deleted case note, an anonymised person) and no cascade can ever touch the log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an access-log entry."""


APPEND_ONLY_MESSAGE = "Åtkomstloggen kan inte ändras eller raderas."


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    def delete(self):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)

    # bulk_update goes through update(); refusing it keeps the rule in one place.
    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)


class Action(models.TextChoices):
    READ = "read", _("Läst")
    CREATE = "create", _("Skapat")
    UPDATE = "update", _("Ändrat")
    DELETE = "delete", _("Raderat")
    SEARCH = "search", _("Sökt")
    EXPORT = "export", _("Exporterat")
    IMPORT = "import", _("Importerat")
    EXTRACT = "extract", _("Registerutdrag")


CHANGE_ACTIONS = (Action.CREATE, Action.UPDATE, Action.DELETE)


class AccessLogEntry(models.Model):
    """One access to one data subject's personal data (or to an object that is personal data)."""

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # A copy, so the entry still says who it was after the account is renamed or removed.
    username = models.CharField(_("användarnamn"), max_length=150, db_index=True)
    role = models.CharField(_("roll"), max_length=20, blank=True)
    unit_id = models.BigIntegerField(_("användarens enhet"), null=True, blank=True)
    action = models.CharField(_("åtgärd"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("objekttyp"), max_length=40)
    object_id = models.BigIntegerField(_("objekt-id"), null=True, blank=True)
    person_id = models.BigIntegerField(_("person"), null=True, blank=True, db_index=True)
    enrolment_id = models.BigIntegerField(_("inskrivning"), null=True, blank=True)
    path = models.CharField(_("adress"), max_length=300, blank=True)
    method = models.CharField(_("metod"), max_length=10, blank=True)
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    user_agent = models.CharField(_("webbläsare"), max_length=120, blank=True)
    outside_caseload = models.BooleanField(_("utanför egen ärendelista"), default=False)
    protected_person = models.BooleanField(_("skyddad identitet"), default=False)
    reason = models.CharField(_("skäl"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("loggpost")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["person_id", "at"], name="audit_person_at_idx"),
            models.Index(fields=["user", "at"], name="audit_user_at_idx"),
            models.Index(fields=["unit_id", "at"], name="audit_unit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(APPEND_ONLY_MESSAGE)
        kwargs.pop("force_update", None)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(APPEND_ONLY_MESSAGE)
