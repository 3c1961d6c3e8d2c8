"""Template helpers for the measures section of the enrolment page."""

from __future__ import annotations

from django import template

from insats.measures.models import Placement

register = template.Library()


@register.simple_tag
def enrolment_placements(enrolment):
    """The enrolment's placements with their hours (`total_hours`), oldest first."""
    return (
        Placement.objects.filter(enrolment=enrolment)
        .select_related("measure", "measure__category")
        .with_total_hours()
        .order_by("start_date", "pk")
    )


@register.filter
def hours(value) -> str:
    """Hours with a decimal comma and no trailing zeros: 7.50 → '7,5'."""
    if value is None or value == "":
        return ""
    text = f"{value.normalize():f}" if value else "0"
    return text.replace(".", ",")
