"""Behörighet till skyddad identitet per person: granting and revoking, always logged.

A `ProtectedIdentityGrant` lets one user see one person with protected identity (within what
their role and unit already let them see; a grant opens no other unit). Grants are made with
the administrators' page /integritet/skyddad-identitet/ or `insats grant_protected` on the
server, never in the admin site (which writes no access log and holds no personal data). Each
grant and revocation is an access-log entry on the person (object type
"protectedidentitygrant", action create/delete) with the reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from insats.accounts.models import ProtectedIdentityGrant, User
from insats.audit import services as audit
from insats.persons.models import Person

REASON_LENGTH = ProtectedIdentityGrant._meta.get_field("reason").max_length
OBJECT_TYPE = "protectedidentitygrant"


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Ange skälet (t.ex. ”Ansvarig konsulent, beslut "
                                           "2026-03-02”).")})
    if len(reason) > REASON_LENGTH:
        raise ValidationError({"reason": _("Skälet får vara högst %(n)s tecken (nu %(len)s).")
                               % {"n": REASON_LENGTH, "len": len(reason)}})
    return reason


def _log(actor, action: str, grant_pk: int | None, user: User, person: Person,
         text: str, request=None) -> None:
    audit.write(request, actor, [audit.Pending(
        action, OBJECT_TYPE, grant_pk, person_id=person.pk,
        reason=f"{user.username}: {text}"[:300],
    )])


def grant(user: User, person: Person, *, reason: str, actor,
          granted_by: User | None = None, request=None) -> ProtectedIdentityGrant:
    """Let `user` see protected `person`. `actor` is who is logged (a User or a system name);
    `request`, from a page, adds where from (address, path) to the log entry."""
    reason = _reason(reason)
    if not person.protected_identity:
        raise ValidationError({"person": _(
            "Person %(id)s har inte skyddad identitet; ingen särskild behörighet behövs."
        ) % {"id": person.pk}})
    if not user.is_active:
        raise ValidationError({"user": _("Användaren %(user)s är inaktiverad.")
                               % {"user": user.username}})
    if user.may_see_protected_identity:
        raise ValidationError({"user": _(
            "Användaren %(user)s har redan behörighet till alla personer med skyddad identitet."
        ) % {"user": user.username}})
    existing = ProtectedIdentityGrant.objects.filter(user=user, person=person).first()
    if existing is not None:
        raise ValidationError({"user": _(
            "Användaren %(user)s har redan behörighet till person %(id)s (beviljad %(date)s)."
        ) % {"user": user.username, "id": person.pk,
             "date": existing.granted_at.date().isoformat()}})
    try:
        with transaction.atomic():
            created = ProtectedIdentityGrant.objects.create(
                user=user, person=person, reason=reason, granted_by=granted_by
            )
            _log(actor, audit.Action.CREATE, created.pk, user, person,
                 f"behörighet till skyddad identitet beviljad. Skäl: {reason}", request)
    except IntegrityError:  # the same grant made at the same moment by someone else
        raise ValidationError({"user": _(
            "Användaren %(user)s har redan behörighet till person %(id)s."
        ) % {"user": user.username, "id": person.pk}}) from None
    return created


def revoke(user: User, person: Person, *, reason: str, actor, request=None) -> None:
    """Take away `user`'s grant to `person`, logging who did it and why."""
    reason = _reason(reason)
    with transaction.atomic():
        existing = (ProtectedIdentityGrant.objects.select_for_update()
                    .filter(user=user, person=person).first())
        if existing is None:
            raise ValidationError({"user": _(
                "Användaren %(user)s har ingen behörighet till person %(id)s att ta bort."
            ) % {"user": user.username, "id": person.pk}})
        pk = existing.pk
        existing.delete()
        _log(actor, audit.Action.DELETE, pk, user, person,
             f"behörighet till skyddad identitet borttagen. Skäl: {reason}", request)


def log_all_protected_change(request, changed: User, *, by: User) -> None:
    """Log that an administrator turned `may_see_protected_identity` on or off (the admin)."""
    state = "på" if changed.may_see_protected_identity else "av"
    audit.write(request, by, [audit.Pending(
        audit.Action.UPDATE, "protectedidentityaccess", changed.pk,
        reason=f"{changed.username}: behörighet till alla personer med skyddad identitet {state}",
    )])
