"""Enkäter: offering surveys, answering them anonymously, and results with small-cell
suppression. See models.py for how answers are kept apart from identity.

Functions other apps call:
* `offer_participant_survey(enrolment, by)` – deltagarenkät when an enrolment is closed;
* `create_employer_invitation(...)` – arbetsgivarenkät for a measure (jobbspår);
* `submit_response(token, answers)` – the public page's submit;
* `results_summary(date_from, date_to)` – one dict per question × group for the board report;
* `create_demo_responses(rng_seed, ...)` – plausible answers for the demo municipality.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import Role, User
from insats.core import access
from insats.enrolments.models import Enrolment
from insats.measures.models import Measure, Placement
from insats.organisation.models import Unit
from insats.reports import suppression

from .models import (
    NO,
    SCALE_VALUES,
    YES,
    Audience,
    QuestionKind,
    ResponseMeasure,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyOffer,
    SurveyQuestion,
    SurveyResponse,
    new_code,
    normalise_code,
)


def min_cell() -> int:
    """Groups with fewer answers than this are not shown separately (small-cell suppression):
    the one configured threshold of `insats.reports.suppression` (INSATS_SUPPRESSION_THRESHOLD).
    """
    return suppression.threshold()


TEXT_MAX_LENGTH = 2000
GROUP_MEASURE, GROUP_UNIT = "measure", "unit"

# Codes the public page reacts to with its own friendly message.
UNKNOWN, USED, EXPIRED = "unknown", "used", "expired"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- Invitations --------------------------------------------------------------------------


def active_surveys(audience: str) -> QuerySet[Survey]:
    return Survey.objects.filter(audience=audience, active=True).order_by("name", "pk")


def _survey_for(audience: str, survey: Survey | None) -> Survey:
    label = _("deltagarenkät") if audience == Audience.PARTICIPANT else _("arbetsgivarenkät")
    if survey is None:
        survey = active_surveys(audience).first()
        if survey is None:
            raise ValidationError({"survey": _(
                "Det finns ingen aktiv %(kind)s. Be en administratör lägga upp en."
            ) % {"kind": label}})
    if survey.audience != audience or not survey.active:
        raise ValidationError({"survey": _("Välj en aktiv %(kind)s.") % {"kind": label}})
    if not survey.questions.exists():
        raise ValidationError({"survey": _("Enkäten %(name)s har inga frågor ännu.") % {
            "name": survey.name}})
    return survey


def _new_invitation(survey: Survey, now: dt.datetime, **context) -> SurveyInvitation:
    """A new invitation; a new short code is drawn in the unlikely case it is taken."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return SurveyInvitation.objects.create(
                    survey=survey, code=new_code(),
                    expires_at=now + dt.timedelta(days=survey.valid_days), **context,
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not draw a free survey code")


def enrolment_measures(enrolment: Enrolment) -> list[Measure]:
    """The measures the enrolment's placements were in (insatserna enkäten gäller)."""
    ids = Placement.objects.filter(enrolment=enrolment).values("measure_id")
    return list(Measure.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def offer_participant_survey(
    enrolment: Enrolment, by: User, *, survey: Survey | None = None,
    now: dt.datetime | None = None,
) -> SurveyInvitation:
    """Erbjud deltagarenkät: for a closed enrolment, once per closure and survey.

    The invitation concerns the enrolment's unit, its measures and the closure month; it
    keeps the enrolment only until answered or expired.
    """
    if not access.can_work_on_enrolment(by, enrolment):
        raise PermissionDenied(_("Du har inte behörighet att ändra i den här inskrivningen."))
    now = now or timezone.now()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.end_date is None:
        raise ValidationError(_("Enkäten erbjuds när inskrivningen är avslutad."))
    survey = _survey_for(Audience.PARTICIPANT, survey)
    offer = SurveyOffer.objects.filter(
        enrolment=enrolment, survey=survey, closure_date=enrolment.end_date
    ).first()
    if offer is not None:
        raise ValidationError(_(
            "Enkäten %(name)s erbjöds redan %(date)s för det här avslutet."
        ) % {"name": survey.name, "date": offer.offered_on.isoformat()})
    invitation = _new_invitation(
        survey, now, unit=enrolment.unit, period_month=month_start(enrolment.end_date),
        enrolment=enrolment, created_by=by,
    )
    invitation.measures.set(enrolment_measures(enrolment))
    SurveyOffer.objects.create(
        enrolment=enrolment, survey=survey, closure_date=enrolment.end_date,
        offered_on=timezone.localtime(now).date(), offered_by=by,
    )
    return invitation


@transaction.atomic
def create_employer_invitation(
    *, measure: Measure | None, employer_name: str, by: User, survey: Survey | None = None,
    now: dt.datetime | None = None,
) -> SurveyInvitation:
    """Arbetsgivarenkät for a measure (typically a jobbspår): one invitation per employer."""
    if not access.can_create_employer_survey(by):
        raise PermissionDenied(_("Bara konsulenter och enhetschefer på en enhet kan skicka "
                                 "arbetsgivarenkäter."))
    now = now or timezone.now()
    errors: dict[str, str] = {}
    try:
        survey = _survey_for(Audience.EMPLOYER, survey)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if measure is None:
        errors["measure"] = _("Välj vilken insats enkäten gäller.")
    elif not measure.active:
        errors["measure"] = _("Insatsen %(name)s är inte aktiv.") % {"name": measure.name}
    employer_name = (employer_name or "").strip()
    if not employer_name:
        errors["employer_name"] = _("Ange arbetsgivarens namn.")
    elif len(employer_name) > 150:
        errors["employer_name"] = _("Arbetsgivarens namn får vara högst 150 tecken.")
    if errors:
        raise ValidationError(errors)
    invitation = _new_invitation(
        survey, now, unit_id=by.unit_id, period_month=month_start(timezone.localtime(now).date()),
        employer_name=employer_name, created_by=by,
    )
    invitation.measures.set([measure])
    return invitation


def pending_invitations(now: dt.datetime | None = None) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.filter(used=False, expires_at__gt=now or timezone.now())


def pending_for_enrolment(enrolment: Enrolment, now: dt.datetime | None = None):
    return pending_invitations(now).filter(enrolment=enrolment).select_related("survey")


def employer_invitations_of_unit(unit_id: int | None, now: dt.datetime | None = None):
    """Waiting employer invitations made at a unit, newest first (expiry is creation + days)."""
    return (
        pending_invitations(now)
        .filter(unit_id=unit_id, survey__audience=Audience.EMPLOYER)
        .select_related("survey")
        .prefetch_related("measures")
        .order_by("-expires_at")
    )


def clear_expired_invitations(now: dt.datetime | None = None) -> int:
    """Gallra: expired, unanswered invitations forget their enrolment and employer name."""
    now = now or timezone.now()
    return (
        SurveyInvitation.objects.filter(used=False, expires_at__lte=now)
        .filter(Q(enrolment__isnull=False) | ~Q(employer_name="") | Q(created_by__isnull=False))
        .update(enrolment=None, employer_name="", created_by=None)
    )


def offers_for_enrolment(enrolment: Enrolment) -> QuerySet[SurveyOffer]:
    return SurveyOffer.objects.filter(enrolment=enrolment).select_related("survey", "offered_by")


# --- Answering ------------------------------------------------------------------------------


def invitation_by_code(code: str) -> SurveyInvitation | None:
    return SurveyInvitation.objects.filter(code=normalise_code(code)).first()


# Guessing codes: after this many wrong codes from one address within the window, the code
# page refuses further tries until the window has passed (the code space is large; this keeps
# a script from walking it).
CODE_TRIES = 10
CODE_WINDOW_SECONDS = 15 * 60


def _tries_key(ip: str | None) -> str:
    return f"surveys:code-tries:{ip or 'unknown'}"


def code_tries_exhausted(ip: str | None) -> bool:
    return cache.get(_tries_key(ip), 0) >= CODE_TRIES


def record_wrong_code(ip: str | None) -> None:
    key = _tries_key(ip)
    if cache.add(key, 1, CODE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, CODE_WINDOW_SECONDS)


def invitation_state(
    invitation: SurveyInvitation | None, now: dt.datetime | None = None
) -> str | None:
    """None when the invitation can be answered, else UNKNOWN, USED or EXPIRED."""
    if invitation is None:
        return UNKNOWN
    if invitation.used:
        return USED
    if invitation.expires_at <= (now or timezone.now()):
        return EXPIRED
    return None


def state_error(state: str) -> ValidationError:
    messages = {
        UNKNOWN: _("Vi hittar ingen enkät med den länken eller koden. Kontrollera att du har "
                   "skrivit rätt."),
        USED: _("Du har redan svarat på enkäten. Tack för dina svar!"),
        EXPIRED: _("Tiden för att svara på enkäten har gått ut."),
    }
    return ValidationError(messages[state], code=state)


def _clean_answer(question: SurveyQuestion, raw) -> dict | None:
    """One answer in stored form, None when left empty; ValidationError if not allowed."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if question.required and question.kind != QuestionKind.TEXT:
            raise ValidationError(_("Välj ett svar."))
        return None
    if question.kind == QuestionKind.SCALE:
        if text not in {str(v) for v in SCALE_VALUES}:
            raise ValidationError(_("Välj ett svar från 1 till 5."))
        return {"value": int(text)}
    if question.kind == QuestionKind.YESNO:
        if text not in (str(YES), str(NO)):
            raise ValidationError(_("Välj ja eller nej."))
        return {"value": int(text)}
    if question.kind == QuestionKind.CHOICE:
        if text not in question.option_list:
            raise ValidationError(_("Välj ett av svarsalternativen."))
        return {"choice": text}
    if len(text) > TEXT_MAX_LENGTH:
        raise ValidationError(_("Svaret får vara högst %(n)d tecken.") % {"n": TEXT_MAX_LENGTH})
    return {"text": text}


@transaction.atomic
def submit_response(
    token: str, answers: Mapping[int, object], *, now: dt.datetime | None = None
) -> SurveyResponse:
    """Besvara enkät: store the answers with the invitation's context and spend the invitation.

    `answers` maps question id to the raw value ('1'–'5', '1'/'0' for yes/no, an option's
    text, free text). A used, expired or unknown invitation is refused with code
    'used'/'expired'/'unknown'; invalid answers with errors keyed 'q<id>'; nothing is written.
    """
    invitation = (
        SurveyInvitation.objects.select_for_update().filter(token=token).first()
        if token else None
    )
    state = invitation_state(invitation, now)
    if state:
        raise state_error(state)
    questions = list(invitation.survey.questions.order_by("order", "pk"))
    cleaned: dict[SurveyQuestion, dict] = {}
    errors: dict[str, list[str]] = {}
    for question in questions:
        try:
            value = _clean_answer(question, answers.get(question.pk))
        except ValidationError as exc:
            errors[f"q{question.pk}"] = exc.messages
            continue
        if value is not None:
            cleaned[question] = value
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Svara på minst en fråga innan du skickar."))
    response = SurveyResponse.objects.create(
        survey=invitation.survey, audience=invitation.survey.audience,
        unit_id=invitation.unit_id,
        period_month=invitation.period_month or month_start(timezone.localtime(now).date()),
    )
    ResponseMeasure.objects.bulk_create(
        ResponseMeasure(response=response, measure=m, category_id=m.category_id)
        for m in invitation.measures.all()
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=q, **value) for q, value in cleaned.items()
    )
    _spend(invitation, now)
    return response


def _spend(invitation: SurveyInvitation, now: dt.datetime | None) -> None:
    """After the answer the invitation keeps only token, code and survey."""
    invitation.measures.clear()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        used=True, enrolment=None, employer_name="", created_by=None, unit=None,
        period_month=None, expires_at=now or timezone.now(),
    )


# --- Results --------------------------------------------------------------------------------


@dataclass
class Cell:
    """Answers to one question in one group: counts per option, the mean for scales."""

    group_kind: str
    key: object
    label: str
    code: str = ""
    counts: dict = field(default_factory=dict)
    suppressed: bool = False

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum(k * c for k, c in self.counts.items()) / self.n


def _option_keys(question: SurveyQuestion) -> list:
    if question.kind == QuestionKind.SCALE:
        return list(SCALE_VALUES)
    if question.kind == QuestionKind.YESNO:
        return [YES, NO]
    return question.option_list


def option_labels(question: SurveyQuestion) -> list[tuple[object, str]]:
    """(stored key, shown label) for every answer option of a closed question."""
    if question.kind == QuestionKind.SCALE:
        return [(v, f"{v} – {label}") for v, label in zip(SCALE_VALUES, question.scale_labels(),
                                                          strict=True)]
    if question.kind == QuestionKind.YESNO:
        return [(YES, _("Ja")), (NO, _("Nej"))]
    return [(o, o) for o in question.option_list]


def _collect(answers: QuerySet[SurveyAnswer], group_path: str) -> dict:
    """{(question id, group key): {option key: count}} in one grouped query."""
    result: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        answers.exclude(**{f"{group_path}__isnull": True})
        .values("question_id", group_path, "value", "choice")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        key = row["choice"] if row["value"] is None else row["value"]
        result[(row["question_id"], row[group_path])][key] += row["n"]
    return result


def suppress(cells: list[Cell], partition: bool) -> None:
    """Mark cells under `min_cell()`. In a partition (each answer in exactly one group, such as
    units) a single hidden cell could be worked out from the total, so then the next smallest
    cell is hidden as well (secondary suppression)."""
    limit = min_cell()
    for cell in cells:
        cell.suppressed = cell.n < limit
    hidden = [c for c in cells if c.suppressed]
    shown = sorted((c for c in cells if not c.suppressed), key=lambda c: c.n)
    if partition and len(hidden) == 1 and shown:
        shown[0].suppressed = True


@dataclass
class QuestionResult:
    question: SurveyQuestion
    total: Cell
    groups: dict[str, list[Cell]]
    texts: list[str] = field(default_factory=list)


def question_results(
    responses: QuerySet[SurveyResponse], *, with_texts: bool = False
) -> list[tuple[Survey, list[QuestionResult]]]:
    """Per survey and question: the total, and one cell per measure and per unit."""
    answers = SurveyAnswer.objects.filter(response__in=responses)
    by_unit = _collect(answers, "response__unit_id")
    by_measure = _collect(answers, "response__measures__measure_id")
    totals = _collect(answers, "response__survey_id")
    units = {u.pk: u for u in Unit.objects.filter(pk__in={k[1] for k in by_unit})}
    measures = {m.pk: m for m in Measure.objects.filter(pk__in={k[1] for k in by_measure})}
    survey_ids = responses.values("survey_id")
    surveys = Survey.objects.filter(pk__in=survey_ids).prefetch_related("questions")
    texts: dict[int, list[str]] = defaultdict(list)
    if with_texts:
        for question_id, text in answers.exclude(text="").order_by("-pk").values_list(
            "question_id", "text"
        ):
            texts[question_id].append(text)
    result = []
    for survey in surveys.order_by("audience", "name"):
        questions = []
        for question in survey.questions.all():
            total = Cell("total", survey.pk, _("Totalt"),
                         counts=dict(totals.get((question.pk, survey.pk), {})))
            unit_cells = [
                Cell(GROUP_UNIT, uid, units[uid].name, units[uid].code, dict(counts))
                for (qid, uid), counts in by_unit.items() if qid == question.pk
            ]
            measure_cells = [
                Cell(GROUP_MEASURE, mid, measures[mid].name, measures[mid].code, dict(counts))
                for (qid, mid), counts in by_measure.items() if qid == question.pk
            ]
            suppress([total], partition=False)
            suppress(unit_cells, partition=True)
            suppress(measure_cells, partition=False)
            questions.append(QuestionResult(
                question, total,
                {GROUP_MEASURE: sorted(measure_cells, key=lambda c: c.label),
                 GROUP_UNIT: sorted(unit_cells, key=lambda c: c.label)},
                texts.get(question.pk, []) if question.kind == QuestionKind.TEXT else [],
            ))
        result.append((survey, questions))
    return result


def responses_between(date_from: dt.date | None, date_to: dt.date | None) -> QuerySet:
    """Responses whose period month (closure month, or month of an employer invitation)
    falls within the dates; a month counts when any of it is inside."""
    qs = SurveyResponse.objects.all()
    if date_from:
        qs = qs.filter(period_month__gte=month_start(date_from))
    if date_to:
        qs = qs.filter(period_month__lte=date_to)
    return qs


def results_summary(
    date_from: dt.date | None, date_to: dt.date | None,
    *, responses: QuerySet[SurveyResponse] | None = None,
) -> list[dict]:
    """Enkätresultat for reports: one dict per survey question × group (measure or unit).

    Keys: survey, survey_id, audience, question, question_id, question_order, kind
    ('scale'/'yesno'/'choice'), group_kind ('measure'/'unit'), group (label), group_code,
    answers (number of answers), mean (scale questions: 1–5; else None), shares and counts
    per option label (shares 0–1), suppressed (True when the cell must not be published: fewer
    than `min_cell()` answers, or the one cell that would reveal a suppressed unit cell).
    Free-text questions are left out: their answers are never published.
    Counts and values are given also for suppressed cells; the report must not print them.
    """
    if responses is None:
        responses = responses_between(date_from, date_to)
    rows = []
    for survey, questions in question_results(responses):
        for result in questions:
            question = result.question
            if question.kind == QuestionKind.TEXT:
                continue
            labels = option_labels(question)
            for group_kind in (GROUP_MEASURE, GROUP_UNIT):
                for cell in result.groups[group_kind]:
                    n = cell.n
                    counts = {label: cell.counts.get(key, 0) for key, label in labels}
                    rows.append({
                        "survey": survey.name, "survey_id": survey.pk,
                        "audience": survey.audience,
                        "question": question.text, "question_id": question.pk,
                        "question_order": question.order, "kind": question.kind,
                        "group_kind": group_kind, "group": cell.label,
                        "group_code": cell.code, "answers": n,
                        "mean": round(cell.mean, 2) if question.kind == QuestionKind.SCALE
                        and n else None,
                        "shares": {k: (round(c / n, 4) if n else 0.0) for k, c in counts.items()},
                        "counts": counts,
                        "suppressed": cell.suppressed,
                    })
    return rows


def results_for(user: User, date_from=None, date_to=None, survey_id: int | None = None):
    """The results page's data for a user: their responses (access decides), free text only
    for those allowed to read it."""
    responses = access.visible_survey_responses(user)
    responses = responses.filter(pk__in=responses_between(date_from, date_to).values("pk"))
    if survey_id:
        responses = responses.filter(survey_id=survey_id)
    return question_results(responses, with_texts=access.can_read_survey_free_text(user))


# --- Demo -----------------------------------------------------------------------------------

DEMO_TEXTS_GOOD = (
    "Min handledare var alltid lugn och förklarade bra.",
    "Bra att få komma ut och träffa folk varje dag.",
    "Jag lärde mig mycket om hur man söker jobb.",
    "Tack för att ni trodde på mig.",
)
DEMO_TEXTS_BAD = (
    "Det var för lite att göra vissa dagar.",
    "Jag hade velat ha mer hjälp med svenskan.",
    "Svårt att komma dit med buss.",
)
DEMO_EMPLOYERS = (
    "Förskolan Solrosen", "Förskolan Ekorren", "Äldreboendet Lindgården",
    "Hemtjänsten Norr", "Fastighetsbolaget Demohem", "Vårdcentralen Torget",
)


def _demo_answers(rng: random.Random, survey: Survey, mood: float) -> dict[int, str]:
    """Answers leaning to `mood` (0 unhappy – 1 happy); some optional ones left out."""
    answers: dict[int, str] = {}
    for question in survey.questions.all():
        if question.kind == QuestionKind.SCALE:
            centre = 1 + 4 * mood
            answers[question.pk] = str(min(5, max(1, round(rng.gauss(centre, 0.9)))))
        elif question.kind == QuestionKind.YESNO:
            answers[question.pk] = str(YES if rng.random() < 0.35 + 0.6 * mood else NO)
        elif question.kind == QuestionKind.CHOICE:
            answers[question.pk] = rng.choice(question.option_list)
        elif rng.random() < 0.25:
            answers[question.pk] = rng.choice(DEMO_TEXTS_GOOD if mood > 0.5 else DEMO_TEXTS_BAD)
    return answers


def _demo_actor(enrolment: Enrolment, chefs: dict[int, User]) -> User | None:
    coach = enrolment.coach
    if coach is not None and coach.is_active and access.can_work_on_enrolment(coach, enrolment):
        return coach
    return chefs.get(enrolment.unit_id)


def create_demo_responses(
    rng_seed: int, *, answer_share: float = 0.4, limit: int | None = None,
    employer_invitations: int = 24,
) -> dict[str, int]:
    """Demo: offer the participant survey at every closed enrolment (newest first, up to
    `limit`) and let about `answer_share` of them answer, leaning on the closure outcome; plus
    employer surveys for the jobbspår measures. Everything goes through the services above,
    offered on the closure date and answered within a week, so anonymity holds as in real use.
    """
    rng = random.Random(rng_seed)
    counts = {"offered": 0, "answered": 0, "employer_offered": 0, "employer_answered": 0}
    chefs = {u.unit_id: u for u in User.objects.filter(role=Role.ENHETSCHEF, is_active=True)
             .exclude(unit=None).order_by("pk")}
    if not active_surveys(Audience.PARTICIPANT).exists():
        return counts
    closed = (
        Enrolment.objects.filter(end_date__isnull=False)
        .exclude(survey_offers__isnull=False)
        .select_related("coach", "unit", "closure_reason", "person")
        .order_by("-end_date", "pk")
    )
    if limit is not None:
        closed = closed[:limit]
    for enrolment in closed:
        actor = _demo_actor(enrolment, chefs)
        if actor is None:
            continue
        offered_at = timezone.make_aware(dt.datetime.combine(enrolment.end_date, dt.time(10)))
        invitation = offer_participant_survey(enrolment, actor, now=offered_at)
        counts["offered"] += 1
        if rng.random() >= answer_share:
            continue
        good = enrolment.closure_reason and enrolment.closure_reason.is_work_or_studies
        mood = min(1.0, max(0.0, rng.gauss(0.78 if good else 0.55, 0.18)))
        submit_response(invitation.token, _demo_answers(rng, invitation.survey, mood),
                        now=offered_at + dt.timedelta(days=rng.randint(0, 6)))
        counts["answered"] += 1
    _demo_employer_responses(rng, chefs, employer_invitations, counts)
    return counts


def _demo_employer_responses(rng, chefs, wanted: int, counts: dict[str, int]) -> None:
    jobbspar = list(Measure.objects.filter(
        Q(code__istartswith="JOBBSPAR") | Q(name__icontains="jobbspår"), active=True
    ).order_by("code"))
    actor = next(iter(chefs.values()), None)
    if not jobbspar or actor is None or not active_surveys(Audience.EMPLOYER).exists():
        return
    today = timezone.localdate()
    for index in range(wanted):
        measure = jobbspar[index % len(jobbspar)]
        month = today - dt.timedelta(days=rng.randint(20, 700))
        created = timezone.make_aware(dt.datetime.combine(month, dt.time(9)))
        invitation = create_employer_invitation(
            measure=measure, employer_name=rng.choice(DEMO_EMPLOYERS), by=actor, now=created
        )
        counts["employer_offered"] += 1
        if rng.random() < 0.7:
            submit_response(invitation.token,
                            _demo_answers(rng, invitation.survey, rng.uniform(0.5, 0.95)),
                            now=created + dt.timedelta(days=rng.randint(1, 10)))
            counts["employer_answered"] += 1

