"""Start-page panel for coaches: plans in their own caseload that are overdue or due soon."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import Role, User
from insats.audit import services as audit
from insats.core import access

from .services import PlanStatus, plans_due

PANEL_LIMIT = 50


def plans_due_panel(user: User) -> dict | None:
    if not user.is_authenticated or user.role != Role.COACH:
        return None
    caseload = access.visible_enrolments(user).filter(coach=user)
    rows = list(
        plans_due(caseload, timezone.localdate())
        .filter(plan_status__in=[PlanStatus.OVERDUE, PlanStatus.DUE_SOON])
        .select_related("person")
        .order_by("plan_deadline", "pk")[:PANEL_LIMIT]
    )
    if not rows:
        return None
    audit.log_many(user, audit.Action.READ, rows)
    return {
        "title": _("Genomförandeplaner att upprätta eller följa upp"),
        "template": "plans/_due_panel.html",
        "context": {"rows": rows},
    }
