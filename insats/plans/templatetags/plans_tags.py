"""Template helpers for plan sections: the plan of an enrolment and deadline badges."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from insats.plans import services
from insats.plans.models import ActionPlan

register = template.Library()


@register.simple_tag
def enrolment_plan(enrolment) -> ActionPlan | None:
    """The enrolment's plan, or None (the reverse one-to-one raises when there is none)."""
    return (
        ActionPlan.objects.filter(enrolment=enrolment)
        .prefetch_related("goals__subgoals", "followups__by")
        .first()
    )


@register.simple_tag
def first_plan_deadline(start_date: dt.date) -> dt.date:
    return services.first_plan_deadline(start_date)


@register.simple_tag
def plan_status_badge(deadline: dt.date | None) -> str:
    """' Försenad' / ' Snart' badge for a plan deadline relative to today, else nothing."""
    if deadline is None:
        return ""
    today = timezone.localdate()
    if deadline < today:
        return format_html(' <span class="badge overdue">{}</span>', _("Försenad"))
    if deadline <= today + dt.timedelta(days=services.DUE_SOON_DAYS):
        return format_html(' <span class="badge due">{}</span>', _("Snart"))
    return ""
