"""Start-page panel for coaches: open caseload and efteruppföljningar that are due."""

from __future__ import annotations

from django.utils.translation import gettext as _

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.core import access
from insats.core.dashboard import register

from . import services

PANEL_ROWS = 10


@register
def coach_panel(user: User) -> dict | None:
    if not user.is_authenticated or user.role != Role.COACH:
        return None
    own = access.visible_enrolments(user).filter(coach=user)
    due = services.followups_due(own, limit=PANEL_ROWS)
    audit.log_many(user, audit.Action.READ, [slot.enrolment for slot in due.oldest])
    return {
        "title": _("Mitt ärendeläge"),
        "template": "enrolments/_panel_coach.html",
        "context": {
            "open_count": own.filter(end_date__isnull=True).count(),
            "due": due.oldest,
            "due_count": due.count,
        },
    }
