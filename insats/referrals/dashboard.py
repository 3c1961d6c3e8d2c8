"""Start-page panels: the samordnare's queue and the referrer's referrals by status."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.core import access
from insats.core.dashboard import register

from . import services
from .models import Referral

PANEL_ROWS = 5


@register
def queue_panel(user: User) -> dict | None:
    if not user.is_authenticated or user.role not in (Role.SAMORDNARE, Role.ENHETSCHEF):
        return None
    waiting = services.queue(user)
    oldest = list(waiting[:PANEL_ROWS])
    audit.log_many(user, audit.Action.READ, oldest)
    return {
        "title": _("Remisser att fördela"),
        "template": "referrals/_panel_queue.html",
        "context": {"count": waiting.count(), "oldest": oldest},
    }


@register
def referrer_panel(user: User) -> dict | None:
    if not user.is_authenticated or user.role != Role.REMITTENT:
        return None
    counts = dict(
        access.visible_referrals(user)
        .filter(sender=user)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [(label, counts.get(value, 0)) for value, label in Referral.Status.choices]
    return {
        "title": _("Mina remisser"),
        "template": "referrals/_panel_mine.html",
        "context": {"rows": rows, "total": sum(counts.values())},
    }
