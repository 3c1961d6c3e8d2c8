"""Datakvalitet: the checks that find what makes the statistics wrong, each with a count per unit
and a list of what to fix.

Rules (all evaluated on `today`):

- `plan_saknas` – enrolments, open or closed, that went on past their plan deadline (three
  calendar months after the start, the indicator plan_inom_3_man's own arithmetic) without a
  first plan date on or before it: no plan at all, or one established later. These are exactly
  the enrolments that count as "not met" in the indicator although a plan was due. A plan on the
  deadline day is in time; an enrolment closed on or before its deadline owed none;
- `efteruppfoljning_forsenad` – efteruppföljningar 3, 6 or 12 months after closure that are due
  and not recorded (the enrolments app's rule); counted per follow-up, listed per enrolment;
- `placering_utanfor` – placements that start before their enrolment, or run past (or have no end
  while) the enrolment is closed; counted per placement;
- `ingen_aktivitet` – open enrolments with no activity for 60 days: no attendance, case note,
  trepartssamtal, plan established or followed up, or placement started after the day 60 days
  ago, and started on or before that day. Activity 59 days ago is recent enough; 60 is not;
- `ovrigt_utan_kommentar` – closures with the reason Övrigt (OVRIGT) and no closure comment
  (empty or only whitespace), which the reason's definition requires;
- `enhet_utan_namnd` – units that belong to no board (`insats.kpi.scope.units_outside_boards`:
  no administration, as after `insats import_data`, or another municipality's), so that no
  board's report or goal outcomes count their enrolments; only units holding counted
  enrolments, since a unit without any makes no figure wrong. Counted per unit (1 each) and
  listed per unit, with its enrolments and, for an administrator, the unit's admin page to fix.

Counts are aggregates (no personal data) and cover the user's municipality. Lists of enrolments
show persons and come only from `insats.core.access.visible_enrolments(user)`; a rule that lists
units (`Rule.lists_units`) shows no personal data and lists over what the counts cover
(`listed_enrolments`). Each row links to the page where it is fixed.

The nightly check (`insats data_quality --record`) stores every rule's count per unit as a
`DataQualityRun`; the page shows the latest finished run and the change per rule since then.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insats.accounts.models import Role, User
from insats.core import access
from insats.core.dates import AddMonths
from insats.enrolments.models import CaseNote, Enrolment, Followup, ThreePartyMeeting
from insats.enrolments.services import FOLLOWUP_MONTHS, OTHER_REASON, latest_end_date_due
from insats.kpi import scope as kpi_scope
from insats.measures.models import Attendance, Placement
from insats.organisation.models import Unit
from insats.plans.models import ActionPlan, PlanFollowup
from insats.plans.services import PLAN_INTERVAL_MONTHS

from .models import DataQualityCount, DataQualityRun

INACTIVE_DAYS = 60
QUALITY_ROLES = (Role.COACH, Role.SAMORDNARE, Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)


def can_see_data_quality(user: User) -> bool:
    """Counts for unit staff, controllers and administrators; remittenter have no use for them."""
    return user.is_authenticated and user.is_active and user.role in QUALITY_ROLES


def counted_enrolments(user: User | None) -> QuerySet[Enrolment]:
    """What the counts cover: the user's municipality; a user without one sees nothing (as on
    every statistics page); everything for the nightly command (no user)."""
    qs = Enrolment.objects.all()
    if user is None:
        return qs
    if user.municipality_id is None:
        return qs.none()
    return qs.filter(unit__municipality_id=user.municipality_id)


# --- The rules as querysets ------------------------------------------------------------------


def plan_missing(enrolments: QuerySet[Enrolment], today: dt.date) -> QuerySet[Enrolment]:
    """Enrolments that lasted past `plan_deadline` without a first plan date by then.

    The deadline is the indicator's own (`AddMonths(start_date, 3)`, so 31 January →
    30 April), and "a plan by then" is the indicator's `plan_date <= deadline`, so the list is
    what lowers plan_inom_3_man. Open enrolments are listed from the day after the deadline;
    closed ones when they ended after it (an enrolment closed within three months owed no plan).
    """
    return enrolments.annotate(
        plan_deadline=AddMonths(F("start_date"), PLAN_INTERVAL_MONTHS),
    ).filter(
        Q(end_date__isnull=True, plan_deadline__lt=today)
        | Q(end_date__isnull=False, end_date__gt=F("plan_deadline")),
        Q(plan_date__isnull=True) | Q(plan_date__gt=F("plan_deadline")),
    )


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


# Empty or only whitespace (spaces, tabs, line breaks): SQL TRIM removes spaces only, so the
# check is a regular expression, which SQLite (through Django's REGEXP function) and PostgreSQL
# (`~`) both read the same way.
BLANK = r"^\s*$"


def other_reason_without_note(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.filter(end_date__isnull=False, closure_reason_id=OTHER_REASON).filter(
        closure_note__regex=BLANK
    )


def units_outside_boards(enrolments: QuerySet[Enrolment]) -> QuerySet[Unit]:
    """The units no board counts that hold any of `enrolments`, annotated with `held`: how many
    of them each holds (what no board's report counts)."""
    held = (
        Enrolment.objects.filter(pk__in=enrolments.values("pk"), unit=OuterRef("pk"))
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        kpi_scope.units_outside_boards()
        .filter(pk__in=enrolments.values("unit_id"))
        .annotate(held=Subquery(held, output_field=IntegerField()))
        .select_related("administration__board__municipality")
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


def _detail(e: Enrolment, section: str = "") -> str:
    url = reverse("enrolments:detail", args=[e.pk])
    return f"{url}#{section}" if section else url


def _reopen_or_detail(e: Enrolment, user: User | None, label: str, section: str = "") -> dict:
    """A closed enrolment is corrected by reopening it (only the enhetschef may); everyone else
    gets the case, where the enhetschef is named as the one to ask."""
    if user is not None and access.can_reopen_enrolment(user, e):
        return {"fix_url": reverse("enrolments:reopen", args=[e.pk]), "fix_label": label}
    return {"fix_url": _detail(e, section),
            "fix_label": _("Öppna ärendet (enhetschefen kan återöppna)")}


def _plan_row(e: Enrolment, today: dt.date, user: User | None) -> dict:
    when = {"start": e.start_date.isoformat(), "deadline": e.plan_deadline.isoformat(),
            "plan": e.plan_date.isoformat() if e.plan_date else "", "end": _date(e.end_date)}
    if e.plan_date is not None:
        facts = _("Startade %(start)s; planen fastställdes %(plan)s men skulle ha fastställts "
                  "senast %(deadline)s.") % when
    elif e.end_date is None:
        facts = _("Startade %(start)s; planen skulle ha fastställts senast %(deadline)s.") % when
    else:
        facts = _("Startade %(start)s och avslutades %(end)s utan plan; planen skulle ha "
                  "fastställts senast %(deadline)s.") % when
    plan = getattr(e, "plan", None)
    if plan is not None:
        # Right if the plan really was late; otherwise its date is corrected on the plan, which
        # keeps the enrolment's plan_date in step.
        fix = {"fix_url": reverse("plans:edit", args=[plan.pk]),
               "fix_label": _("Rätta planens datum")}
    elif e.plan_date is not None:
        # An imported first-plan date without a plan in Insats: corrected by the next import.
        fix = {"fix_url": _detail(e, "plan"), "fix_label": _("Öppna ärendet")}
    elif e.end_date is None:
        fix = {"fix_url": reverse("plans:create", args=[e.pk]), "fix_label": _("Upprätta plan")}
    else:
        fix = _reopen_or_detail(e, user, _("Återöppna och registrera planen"), "plan")
    return {"facts": facts, **fix}


def _followup_row(e: Enrolment, today: dt.date, user: User | None) -> dict:
    missing = ", ".join(str(m) for m in FOLLOWUP_MONTHS if getattr(e, f"missing_{m}"))
    return {
        "facts": _("Avslutad %(end)s; saknar uppföljning efter %(months)s månader.")
        % {"end": e.end_date.isoformat(), "months": missing},
        "fix_url": reverse("enrolments:followup", args=[e.pk]),
        "fix_label": _("Registrera efteruppföljning"),
    }


def _placement_row(p: Placement, today: dt.date, user: User | None) -> dict:
    e = p.enrolment
    facts = _("Placering i %(measure)s %(start)s – %(end)s, men inskrivningen gäller "
              "%(e_start)s – %(e_end)s.") % {
        "measure": p.measure.name, "start": p.start_date.isoformat(),
        "end": _date(p.end_date), "e_start": e.start_date.isoformat(),
        "e_end": _date(e.end_date),
    }
    if p.start_date >= e.start_date:
        # Only the end is wrong: the placement's end date is set on the placement.
        return {"facts": facts, "fix_url": reverse("measures:placement_end", args=[p.pk]),
                "fix_label": _("Rätta placeringens slutdatum")}
    return {"facts": facts, "fix_url": _detail(e, "insatser"),
            "fix_label": _("Rätta placeringen i ärendet")}


def _inactive_row(e: Enrolment, today: dt.date, user: User | None) -> dict:
    return {
        "facts": _("Senaste aktivitet %(date)s (%(days)d dagar sedan).") % {
            "date": e.last_activity.isoformat(), "days": (today - e.last_activity).days,
        },
        "fix_url": _detail(e, "journal"),
        "fix_label": _("Registrera aktivitet eller avsluta"),
    }


def _other_reason_row(e: Enrolment, today: dt.date, user: User | None) -> dict:
    return {
        "facts": _("Avslutad %(end)s med orsaken Övrigt utan kommentar.")
        % {"end": e.end_date.isoformat()},
        **_reopen_or_detail(e, user, _("Återöppna och avsluta med kommentar")),
    }


def can_fix_units(user: User | None) -> bool:
    """Who changes a unit's administration: an administrator in the Django admin."""
    return bool(
        user is not None and user.is_active and user.is_staff
        and user.has_perm("organisation.change_unit")
    )


def _unit_row(u: Unit, today: dt.date, user: User | None) -> dict:
    administration = u.administration
    uncounted = ngettext(
        "%(n)d inskrivning räknas inte i någon nämnds rapport eller måluppfyllelse.",
        "%(n)d inskrivningar räknas inte i någon nämnds rapport eller måluppfyllelse.",
        u.held,
    ) % {"n": u.held}
    if administration is None:
        where = _("Hör inte till någon förvaltning.")
    else:
        where = _("Hör till förvaltningen %(administration)s under %(board)s i en annan kommun "
                  "(%(municipality)s).") % {
            "administration": administration.name, "board": administration.board.name,
            "municipality": administration.board.municipality.name,
        }
    facts = f"{where} {uncounted}"
    if can_fix_units(user):
        return {"facts": facts,
                "fix_url": reverse("admin:organisation_unit_change", args=[u.pk]),
                "fix_label": _("Koppla enheten till en förvaltning")}
    return {"facts": facts, "fix_url": None,
            "fix_label": _("En administratör kopplar enheten till en förvaltning")}


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
    # One list row's facts and fix link (the user decides e.g. whether reopening is offered).
    row: Callable[[object, dt.date, User | None], dict]
    counts_what: Promise = field(default=gettext_lazy("inskrivningar"))
    # The rows are units, not enrolments: no personal data, listed for everyone who sees the
    # counts, over the counted enrolments (see `listed_enrolments`).
    lists_units: bool = False


def _enrolment_rows(select):
    return lambda qs, today: select(qs, today).select_related("person", "unit")


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule(
        "plan_saknas",
        gettext_lazy("Plan saknas efter tre månader"),
        gettext_lazy(
            "Inskrivningar, pågående eller avslutade, som varat mer än tre kalendermånader utan "
            "att en genomförandeplan fastställts inom tre månader från start. Sänker andelen med "
            "plan inom tre månader."
        ),
        lambda qs, today: _enrolments_per_unit(plan_missing(qs, today)),
        lambda qs, today: plan_missing(qs, today)
        .select_related("person", "unit", "plan")
        .order_by("start_date", "pk"),
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
    Rule(
        "enhet_utan_namnd",
        gettext_lazy("Enheter utan nämnd"),
        gettext_lazy(
            "Enheter som inte hör till någon förvaltning i kommunen, t.ex. enheter som skapats "
            "vid import. Deras inskrivningar räknas i statistiken men inte i någon nämnds rapport "
            "eller måluppfyllelse. En administratör kopplar enheten till en förvaltning."
        ),
        lambda qs, today: {u.code: 1 for u in units_outside_boards(qs).order_by("code")},
        lambda qs, today: units_outside_boards(qs).order_by("name", "code"),
        _unit_row,
        gettext_lazy("enheter"),
        lists_units=True,
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


def listed_enrolments(rule: Rule, user: User) -> QuerySet[Enrolment]:
    """What `user`'s list of a rule is drawn from: the enrolments they may see, or for a rule
    that lists units (no personal data) the enrolments the counts cover."""
    return counted_enrolments(user) if rule.lists_units else access.visible_enrolments(user)


def list_rows(
    rule: Rule, visible: QuerySet[Enrolment], today: dt.date, unit_code: str | None = None
) -> QuerySet:
    """The rule's rows among the enrolments the user may see (`visible_enrolments(user)`, or
    `listed_enrolments`), optionally only one unit's."""
    if unit_code:
        visible = visible.filter(unit__code=unit_code)
    return rule.rows(visible, today)


def rule_url(code: str, unit_code: str | None = None) -> str:
    """The page listing a rule's rows to fix, for one unit when given (`?enhet=`)."""
    url = reverse("insights:data_quality_rule", args=[code])
    return f"{url}?{urlencode({'enhet': unit_code})}" if unit_code else url


def describe(rule: Rule, obj, today: dt.date, user: User | None = None) -> dict:
    """One list row: the enrolment and person it concerns, what is wrong, and where to fix it
    (for `user`: reopening a closed enrolment is offered only to whom access.py allows it).
    A row of a rule that lists units is the unit, what is wrong and where to fix it."""
    if rule.lists_units:
        return {"unit": obj, **rule.row(obj, today, user)}
    enrolment = obj.enrolment if isinstance(obj, Placement) else obj
    return {"enrolment": enrolment, "person": enrolment.person, **rule.row(obj, today, user)}


# --- Recorded runs: the nightly check -----------------------------------------------------------


def record_run(today: dt.date) -> tuple[DataQualityRun, list[RuleSummary]]:
    """Evaluate every rule over all enrolments (as the nightly command does) and store the
    counts per rule and unit. The run is created first and marked finished only once all its
    counts are stored, so a failed run is never compared with."""
    run = DataQualityRun.objects.create(
        checked_on=today, started_at=timezone.now(), rules=list(RULES)
    )
    summaries = summary(counted_enrolments(None), today)
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    with transaction.atomic():
        DataQualityCount.objects.bulk_create([
            DataQualityCount(run=run, rule=s.rule.code, unit_id=unit_ids[code], count=n)
            for s in summaries
            for code, n in s.per_unit.items()
            if n
        ])
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
    return run, summaries


def last_run() -> DataQualityRun | None:
    """The latest run that finished."""
    return (
        DataQualityRun.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class RuleChange:
    """A rule's count at the last run and now, over one scope (a municipality or a unit)."""

    rule: Rule
    before: int | None  # None when that run did not check the rule (added since)
    now: int

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now - self.before


def changes_since(
    run: DataQualityRun,
    summaries: list[RuleSummary],
    *,
    municipality_id: int | None = None,
    unit_code: str | None = None,
) -> list[RuleChange]:
    """Per rule: the run's count and the live count (from `summaries`), over the units of
    `municipality_id` (all units when None) or over one unit."""
    stored = DataQualityCount.objects.filter(run=run)
    if municipality_id is not None:
        stored = stored.filter(unit__municipality_id=municipality_id)
    if unit_code is not None:
        stored = stored.filter(unit__code=unit_code)
    before = dict(
        stored.order_by().values("rule").annotate(n=Sum("count")).values_list("rule", "n")
    )
    changes = []
    for s in summaries:
        now = s.per_unit.get(unit_code, 0) if unit_code is not None else s.count
        then = before.get(s.rule.code, 0) if s.rule.code in run.rules else None
        changes.append(RuleChange(s.rule, then, now))
    return changes
