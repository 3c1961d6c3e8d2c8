"""Business rules for the kartläggning (structured assessment).

The questions, the points of each answer option and the scoring bands that turn a total into a
need category (behovskategori AM1/AM2/AM3) are data an administrator edits; nothing here knows
any particular instrument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import User
from insats.enrolments.models import Enrolment

from .models import Answer, AnswerOption, Assessment, Instrument, Question, ScoringBand


@dataclass(frozen=True)
class Band:
    """A scoring band as plain values, so the admin form can check bands not yet saved."""

    min_score: int
    max_score: int
    need_category: str


def question_field(question: Question | int) -> str:
    """Form/error key of a question's answer."""
    pk = question if isinstance(question, int) else question.pk
    return f"question_{pk}"


def validate_bands(bands: Iterable[Band]) -> None:
    """Each band runs from its lowest to its highest score and no two bands overlap, so
    every total gives at most one need category."""
    ordered = sorted(bands, key=lambda b: (b.min_score, b.max_score))
    errors = []
    for band in ordered:
        if band.min_score > band.max_score:
            errors.append(
                _("Poänggränsen %(min)s–%(max)s (%(cat)s): lägsta poäng är större än högsta.")
                % {"min": band.min_score, "max": band.max_score, "cat": band.need_category}
            )
    for previous, band in zip(ordered, ordered[1:], strict=False):
        if band.min_score <= previous.max_score:
            errors.append(
                _("Poänggränserna %(a_min)s–%(a_max)s (%(a_cat)s) och %(b_min)s–%(b_max)s "
                  "(%(b_cat)s) överlappar.")
                % {
                    "a_min": previous.min_score, "a_max": previous.max_score,
                    "a_cat": previous.need_category, "b_min": band.min_score,
                    "b_max": band.max_score, "b_cat": band.need_category,
                }
            )
    if errors:
        raise ValidationError(errors)


def score_range(instrument: Instrument) -> tuple[int, int]:
    """Lowest and highest possible total: the sums of each question's min and max points."""
    per_question = (
        AnswerOption.objects.filter(question__instrument=instrument)
        .values("question")
        .annotate(low=Min("score"), high=Max("score"))
    )
    rows = list(per_question)
    return sum(row["low"] for row in rows), sum(row["high"] for row in rows)


def coverage_gaps(instrument: Instrument) -> list[tuple[int, int]]:
    """Ranges of possible totals that no band covers (shown to the admin as a warning)."""
    low, high = score_range(instrument)
    gaps = []
    cursor = low
    for band in instrument.bands.order_by("min_score"):
        if band.max_score < cursor:
            continue
        if band.min_score > cursor:
            gaps.append((cursor, min(band.min_score - 1, high)))
        cursor = max(cursor, band.max_score + 1)
        if cursor > high:
            break
    if cursor <= high:
        gaps.append((cursor, high))
    return [gap for gap in gaps if gap[0] <= gap[1]]


def score_answers(instrument: Instrument, answers: Mapping[int, int]) -> tuple[int, str]:
    """Räkna poäng: total points of the answers and the need category its band gives.

    `answers` maps question id → answer option id. Every question must be answered with one of
    its own options; a total that no band covers is an error of the instrument's configuration.
    """
    questions = list(instrument.questions.prefetch_related("options"))
    errors: dict[str, str] = {}
    total = 0
    known = {q.pk for q in questions}
    for number, question in enumerate(questions, start=1):
        option_id = answers.get(question.pk)
        options = {o.pk: o for o in question.options.all()}
        if option_id is None or option_id == "":
            errors[question_field(question)] = _(
                "Fråga %(n)s (”%(text)s”) är inte besvarad."
            ) % {"n": number, "text": question.text}
            continue
        option = options.get(int(option_id))
        if option is None:
            errors[question_field(question)] = _(
                "Fråga %(n)s (”%(text)s”): svaret hör inte till frågan."
            ) % {"n": number, "text": question.text}
            continue
        total += option.score
    unknown = [pk for pk in answers if int(pk) not in known]
    if unknown:
        errors[NON_FIELD_ERRORS] = _("Svar på frågor som inte finns i instrumentet: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in unknown)
        }
    if errors:
        raise ValidationError(errors)
    band = ScoringBand.objects.filter(
        instrument=instrument, min_score__lte=total, max_score__gte=total
    ).first()
    if band is None:
        raise ValidationError({NON_FIELD_ERRORS: _(
            "Ingen poänggräns i instrumentet ”%(name)s” täcker totalpoängen %(total)s. "
            "Be en administratör komplettera poänggränserna."
        ) % {"name": instrument.name, "total": total}})
    return total, band.need_category


@transaction.atomic
def perform_assessment(
    enrolment: Enrolment,
    instrument: Instrument,
    answers: Mapping[int, int],
    by: User,
    performed_on: dt.date,
    comment: str = "",
) -> Assessment:
    """Genomför kartläggning: store the assessment with its answers and give the enrolment the
    need category of its latest assessment."""
    if not instrument.active:
        raise ValidationError({"instrument": _("Instrumentet ”%(name)s” används inte längre.")
                               % {"name": instrument.name}})
    if performed_on < enrolment.start_date:
        raise ValidationError({"performed_on": _(
            "Kartläggningen kan inte göras före inskrivningens startdatum %(date)s."
        ) % {"date": enrolment.start_date}})
    if enrolment.end_date and performed_on > enrolment.end_date:
        raise ValidationError({"performed_on": _(
            "Kartläggningen kan inte göras efter inskrivningens slutdatum %(date)s."
        ) % {"date": enrolment.end_date}})
    if performed_on > timezone.localdate():
        raise ValidationError({"performed_on": _("Datum kan inte ligga i framtiden.")})
    total, category = score_answers(instrument, answers)
    assessment = Assessment.objects.create(
        enrolment=enrolment, instrument=instrument, performed_by=by, performed_on=performed_on,
        total_score=total, need_category=category, comment=comment.strip(),
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question_id=int(q), option_id=int(o))
        for q, o in answers.items()
    )
    latest = enrolment.assessments.order_by("-performed_on", "-pk").first()
    # The Enrolment model belongs to the enrolments app: change only need_category, and bump
    # its version so an enrolment form opened before this is not saved over it.
    Enrolment.objects.filter(pk=enrolment.pk).exclude(need_category=latest.need_category).update(
        need_category=latest.need_category, version=F("version") + 1
    )
    enrolment.refresh_from_db(fields=["need_category", "version"])
    return assessment
