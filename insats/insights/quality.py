"""Datakvalitet: the checks that find what makes the statistics wrong, each with a count per unit
and a list of what to fix.

Rules (all evaluated on `today`):

- `plan_saknas` – open enrolments without a genomförandeplan more than three calendar months after
  the start (the plans app's own deadline: on the deadline day itself the plan is still in time);
- `efteruppfoljning_forsenad` – efteruppföljningar 3, 6 or 12 months after closure that are due
  and not recorded (the enrolments app's rule); counted per follow-up, listed per enrolment;
- `placering_utanfor` – placements that start before their enrolment, or run past (or have no end
  while) the enrolment is closed; counted per placement;
- `ingen_aktivitet` – open enrolments with no activity for 60 days: no attendance, case note,
  trepartssamtal, plan established or followed up, or placement started after the day 60 days
  ago, and started on or before that day. Activity 59 days ago is recent enough; 60 is not;
- `ovrigt_utan_kommentar` – closures with the reason Övrigt (OVRIGT) and no closure comment,
  which the reason's definition requires.

Counts are aggregates (no personal data) and cover the user's municipality. Lists show persons
and come only from `insats.core.access.visible_enrolments(user)`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, Greatest, Length, Trim, TruncDate
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.accounts.models import Role, User
from insats.enrolments.models import CaseNote, Enrolment, Followup, ThreePartyMeeting
from insats.enrolments.services import FOLLOWUP_MONTHS, OTHER_REASON, latest_end_date_due
from insats.measures.models import Attendance, Placement
from insats.plans.models import ActionPlan, PlanFollowup
from insats.plans.services import PlanStatus, plans_due

INACTIVE_DAYS = 60
QUALITY_ROLES = (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)


def can_see_data_quality(user: User) -> bool:
    """Counts for unit staff, controllers and administrators; remittenter have no use for them."""
    return user.is_authenticated and user.is_active and user.role in QUALITY_ROLES


def counted_enrolments(user: User | None) -> QuerySet[Enrolment]:
    """What the counts cover: the user's municipality (everything for the nightly command)."""
    qs = Enrolment.objects.all()
    if user is not None and user.municipality_id is not None:
        qs = qs.filter(unit__municipality_id=user.municipality_id)
    return qs


# --- The rules as querysets ------------------------------------------------------------------


def plan_missing(enrolments: QuerySet[Enrolment], today: dt.date) -> QuerySet[Enrolment]:
    return plans_due(enrolments, today).filter(has_plan=False, plan_status=PlanStatus.OVERDUE)


def _missing_followup(months: int, today: dt.date) -> Q:
    recorded = Followup.objects.filter(enrolment=OuterRef("pk"), months_after=months)
    return Q(end_date__lte=latest_end_date_due(today, months)) & ~Exists(recorded)


def followups_overdue(enrolments: QuerySet[Enrolment], today: dt.date) -> QuerySet[Enrolment]:
    """Closed enrolments with at least one due, unrecorded follow-up; `missing_3/6/12` say which."""
    conditions = {m: _missing_followup(m, today) for m in FOLLOWUP_MONTHS}
    any_missing = Q()
    for condition in conditions.values():
        any_missing |= condition
    return enrolments.filter(end_date__isnull=False).annotate(**{
        f"missing_{m}": ExpressionWrapper(c, output_field=BooleanField())
        for m, c in conditions.items()
    }).filter(any_missing)


def placements_outside(enrolments: QuerySet[Enrolment]) -> QuerySet[Placement]:
    outside = Q(start_date__lt=F("enrolment__start_date")) | (
        Q(enrolment__end_date__isnull=False)
        & (Q(end_date__isnull=True) | Q(end_date__gt=F("enrolment__end_date")))
    )
    return Placement.objects.filter(enrolment__in=enrolments.values("pk")).filter(outside)


def _latest(model, day, enrolment_path: str) -> Coalesce:
    """The latest `day` (a date column or expression) of an enrolment's `model` rows."""
    latest = (
        model.objects.filter(**{enrolment_path: OuterRef("pk")})
        .order_by()
        .values(enrolment_path)
        .annotate(last=Max(day))
        .values("last")
    )
    return Coalesce(Subquery(latest, output_field=DateField()), F("start_date"))


# (model, its date – a column or, for case notes, the local date of a timestamp, path to the
# enrolment). One list, so the rule and the "last activity" shown beside it agree.
ACTIVITIES = (
    (Attendance, "date", "placement__enrolment"),
    (CaseNote, "created_at__date", "enrolment"),
    (ThreePartyMeeting, "date", "enrolment"),
    (PlanFollowup, "held_on", "plan__enrolment"),
    (ActionPlan, "established_on", "enrolment"),
    (Placement, "start_date", "enrolment"),
)


def inactive(enrolments: QuerySet[Enrolment], today: dt.date) -> QuerySet[Enrolment]:
    """Open enrolments with no activity after the day INACTIVE_DAYS ago, annotated with
    `last_activity` (the start date when nothing has happened since)."""
    cutoff = today - dt.timedelta(days=INACTIVE_DAYS)
    qs = enrolments.filter(end_date__isnull=True, start_date__lte=cutoff)
    for model, day, path in ACTIVITIES:
        qs = qs.exclude(
            Exists(model.objects.filter(**{path: OuterRef("pk"), f"{day}__gt": cutoff}))
        )
    latest = [
        _latest(model, TruncDate("created_at") if day == "created_at__date" else F(day), path)
        for model, day, path in ACTIVITIES
    ]
    return qs.annotate(last_activity=Greatest(F("start_date"), *latest, output_field=DateField()))


def other_reason_without_note(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return (
        enrolments.filter(end_date__isnull=False, closure_reason_id=OTHER_REASON)
        .annotate(note_length=Length(Trim("closure_note")))
        .filter(Q(note_length=0) | Q(note_length__isnull=True))
    )


# --- Counts per unit ---------------------------------------------------------------------------


def _per_unit(rows: QuerySet, unit_path: str = "unit__code") -> dict[str, int]:
    return {
        r[unit_path]: r["n"]
        for r in rows.order_by().values(unit_path).annotate(n=Count("pk")).order_by(unit_path)
    }


def _enrolments_per_unit(rule_rows: QuerySet[Enrolment]) -> dict[str, int]:
    # Counted over the ids, so the rule's own annotations never enter the GROUP BY.
    return _per_unit(Enrolment.objects.filter(pk__in=rule_rows.values("pk")))


def _followups_per_unit(enrolments: QuerySet[Enrolment], today: dt.date) -> dict[str, int]:
    """Due, unrecorded follow-ups per unit (an enrolment may owe several)."""
    counts = (
        enrolments.filter(end_date__isnull=False).order_by().values("unit__code").annotate(**{
            f"n{m}": Count("pk", filter=_missing_followup(m, today)) for m in FOLLOWUP_MONTHS
        })
    )
    per_unit = {}
    for row in counts:
        n = sum(row[f"n{m}"] for m in FOLLOWUP_MONTHS)
        if n:
            per_unit[row["unit__code"]] = n
    return per_unit


# --- Rows of a list --------------------------------------------------------------------------


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else _("pågår")


def _plan_row(e: Enrolment, today: dt.date) -> dict:
    return {
        "facts": _("Startade %(start)s; planen skulle ha fastställts senast %(deadline)s.")
        % {"start": e.start_date.isoformat(), "deadline": e.plan_deadline.isoformat()},
        "fix_url": reverse("plans:create", args=[e.pk]),
        "fix_label": _("Upprätta plan"),
    }


def _followup_row(e: Enrolment, today: dt.date) -> dict:
    missing = ", ".join(str(m) for m in FOLLOWUP_MONTHS if getattr(e, f"missing_{m}"))
    return {
        "facts": _("Avslutad %(end)s; saknar uppföljning efter %(months)s månader.")
        % {"end": e.end_date.isoformat(), "months": missing},
        "fix_url": reverse("enrolments:followup", args=[e.pk]),
        "fix_label": _("Registrera efteruppföljning"),
    }


def _placement_row(p: Placement, today: dt.date) -> dict:
    e = p.enrolment
    return {
        "facts": _("Placering i %(measure)s %(start)s – %(end)s, men inskrivningen gäller "
                   "%(e_start)s – %(e_end)s.") % {
            "measure": p.measure.name, "start": p.start_date.isoformat(),
            "end": _date(p.end_date), "e_start": e.start_date.isoformat(),
            "e_end": _date(e.end_date),
        },
        "fix_url": reverse("enrolments:detail", args=[e.pk]),
        "fix_label": _("Rätta placeringen i ärendet"),
    }


def _inactive_row(e: Enrolment, today: dt.date) -> dict:
    return {
        "facts": _("Senaste aktivitet %(date)s (%(days)d dagar sedan).") % {
            "date": e.last_activity.isoformat(), "days": (today - e.last_activity).days,
        },
        "fix_url": reverse("enrolments:detail", args=[e.pk]),
        "fix_label": _("Öppna ärendet"),
    }


def _other_reason_row(e: Enrolment, today: dt.date) -> dict:
    return {
        "facts": _("Avslutad %(end)s med orsaken Övrigt utan kommentar.")
        % {"end": e.end_date.isoformat()},
        "fix_url": reverse("enrolments:detail", args=[e.pk]),
        "fix_label": _("Öppna ärendet"),
    }


# --- The registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    code: str
    name: Promise
    explanation: Promise
    # Counts per unit code over the counted enrolments on a day.
    counts: Callable[[QuerySet[Enrolment], dt.date], dict[str, int]]
    # The rows to list (enrolments or placements), drawn from the user's visible enrolments.
    rows: Callable[[QuerySet[Enrolment], dt.date], QuerySet]
    row: Callable[[object, dt.date], dict]
    counts_what: Promise = field(default=gettext_lazy("inskrivningar"))


def _enrolment_rows(select):
    return lambda qs, today: select(qs, today).select_related("person", "unit")


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule(
        "plan_saknas",
        gettext_lazy("Plan saknas efter tre månader"),
        gettext_lazy(
            "Pågående inskrivningar utan genomförandeplan när mer än tre kalendermånader gått "
            "sedan start. Sänker andelen med plan inom tre månader."
        ),
        lambda qs, today: _enrolments_per_unit(plan_missing(qs, today)),
        lambda qs, today: _enrolment_rows(plan_missing)(qs, today).order_by("start_date", "pk"),
        _plan_row,
    ),
    Rule(
        "efteruppfoljning_forsenad",
        gettext_lazy("Efteruppföljning försenad"),
        gettext_lazy(
            "Efteruppföljningar 3, 6 eller 12 månader efter avslut som skulle ha gjorts men inte "
            "är registrerade. Utan dem blir andelen utan försörjningsstöd efter 12 månader fel."
        ),
        _followups_per_unit,
        lambda qs, today: _enrolment_rows(followups_overdue)(qs, today).order_by("end_date", "pk"),
        _followup_row,
        gettext_lazy("uppföljningar"),
    ),
    Rule(
        "placering_utanfor",
        gettext_lazy("Placering utanför inskrivningen"),
        gettext_lazy(
            "Placeringar som börjar före inskrivningens start eller pågår efter (eller saknar "
            "slutdatum fast) inskrivningen avslutats. Ger fel kostnad och fel deltagande i insats."
        ),
        lambda qs, today: _per_unit(placements_outside(qs), "enrolment__unit__code"),
        lambda qs, today: placements_outside(qs)
        .select_related("enrolment", "enrolment__person", "enrolment__unit", "measure")
        .order_by("enrolment__start_date", "pk"),
        _placement_row,
        gettext_lazy("placeringar"),
    ),
    Rule(
        "ingen_aktivitet",
        gettext_lazy("Ingen aktivitet på 60 dagar"),
        gettext_lazy(
            "Pågående inskrivningar utan närvaro, journalanteckning, trepartssamtal, plan, "
            "planuppföljning eller ny placering de senaste 60 dagarna. Kan vara avslutade i "
            "praktiken och blåser då upp antalet deltagare."
        ),
        lambda qs, today: _enrolments_per_unit(inactive(qs, today)),
        lambda qs, today: _enrolment_rows(inactive)(qs, today).order_by("last_activity", "pk"),
        _inactive_row,
    ),
    Rule(
        "ovrigt_utan_kommentar",
        gettext_lazy("Avslut med Övrigt utan kommentar"),
        gettext_lazy(
            "Avslut med orsaken Övrigt där kommentar saknas. Orsaken ska alltid förklaras, annars "
            "går utfallet inte att tolka."
        ),
        lambda qs, today: _enrolments_per_unit(other_reason_without_note(qs)),
        lambda qs, today: other_reason_without_note(qs)
        .select_related("person", "unit")
        .order_by("end_date", "pk"),
        _other_reason_row,
    ),
)}


@dataclass
class RuleSummary:
    rule: Rule
    per_unit: dict[str, int]

    @property
    def count(self) -> int:
        return sum(self.per_unit.values())


def summary(enrolments: QuerySet[Enrolment], today: dt.date) -> list[RuleSummary]:
    """Every rule's count per unit over `enrolments` (aggregates only)."""
    return [RuleSummary(rule, rule.counts(enrolments, today)) for rule in RULES.values()]


def units_table(summaries: list[RuleSummary]) -> list[str]:
    """The unit codes that have any problem, in order."""
    units: dict[str, int] = defaultdict(int)
    for s in summaries:
        for unit, n in s.per_unit.items():
            units[unit] += n
    return sorted(units)


def list_rows(rule: Rule, visible: QuerySet[Enrolment], today: dt.date) -> QuerySet:
    """The rule's rows among the enrolments the user may see (`visible_enrolments(user)`)."""
    return rule.rows(visible, today)


def describe(rule: Rule, obj, today: dt.date) -> dict:
    """One list row: the enrolment and person it concerns, what is wrong, and where to fix it."""
    enrolment = obj.enrolment if isinstance(obj, Placement) else obj
    return {"enrolment": enrolment, "person": enrolment.person, **rule.row(obj, today)}
