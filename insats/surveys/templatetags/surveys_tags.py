"""Template helpers of the surveys app: the enrolment page's survey section and result cells."""

from __future__ import annotations

from django import template
from django.urls import reverse

from insats.core import access
from insats.surveys import services
from insats.surveys.forms import OfferForm

register = template.Library()


@register.simple_tag(takes_context=True)
def participant_survey(context, enrolment) -> dict:
    """What the enrolment page's survey section shows: earlier offers, the waiting
    invitation with its link and code, and whether a survey may be offered now."""
    request = context.get("request")
    user = request.user
    offers = list(services.offers_for_enrolment(enrolment))
    pending = services.pending_for_enrolment(enrolment).first()
    offered_now = {o.survey_id for o in offers if o.closure_date == enrolment.end_date}
    form = OfferForm()
    available = [s for s in form.fields["survey"].queryset if s.pk not in offered_now]
    form.fields["survey"].queryset = form.fields["survey"].queryset.exclude(pk__in=offered_now)
    return {
        "offers": offers,
        "pending": pending,
        "link": request.build_absolute_uri(reverse("surveys:public", args=[pending.token]))
        if pending else "",
        "can_offer": enrolment.end_date is not None and bool(available)
        and access.can_work_on_enrolment(user, enrolment),
        "form": form,
        "several": len(available) > 1,
    }


@register.filter
def distribution(cell, question) -> list[dict]:
    """(label, count, share in per cent) for every option of the question, in order."""
    n = cell.n
    return [
        {"label": label, "count": cell.counts.get(key, 0),
         "percent": round(100 * cell.counts.get(key, 0) / n) if n else 0}
        for key, label in services.option_labels(question)
    ]


@register.filter
def column_count(question) -> int:
    """Columns of a result table: group, answers, mean (scales), one per option."""
    scale = 1 if question.kind == "scale" else 0
    return 2 + scale + len(services.option_labels(question))
