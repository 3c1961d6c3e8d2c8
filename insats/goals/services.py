"""Mål och måluppfyllelse: the goal chain, the one assessment rule, outcomes from the indicators
and the example goals of the demo municipality.

`assess` is the only place that decides whether a goal indicator is met (uppfyllt), partly met
(delvis uppfyllt), not met (ej uppfyllt) or cannot be assessed (kan inte bedömas).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.kpi import definitions as kpi_definitions
from insats.kpi import scope as kpi_scope
from insats.kpi import services as kpi_services
from insats.kpi.queries import Period
from insats.organisation.models import Board

from .models import Assessment, BoardGoal, CouncilGoal, Direction, GoalIndicator, IndicatorYear

MIN_YEAR, MAX_YEAR = 2000, 2100


# --- The assessment rule ------------------------------------------------------------------------


def tolerance() -> Decimal:
    """INSATS_GOAL_TOLERANCE: how far (relative to the target) an outcome may fall short and
    still count as delvis uppfyllt."""
    return Decimal(str(getattr(settings, "INSATS_GOAL_TOLERANCE", "0.10")))


def assess(
    outcome: Decimal | None,
    target: Decimal | None,
    direction: str,
    tol: Decimal | None = None,
) -> str:
    """Bedömning of one indicator year (an `Assessment` value).

    Uppfyllt when the outcome reaches the target in the indicator's direction; delvis uppfyllt
    when it misses by at most the tolerance (relative to the target); ej uppfyllt otherwise;
    kan inte bedömas without a target or an outcome.
    """
    if outcome is None or target is None:
        return Assessment.UNKNOWN
    tol = tolerance() if tol is None else tol
    margin = abs(target) * tol
    if direction == Direction.LOWER:
        if outcome <= target:
            return Assessment.MET
        return Assessment.PARTLY if outcome <= target + margin else Assessment.NOT_MET
    if outcome >= target:
        return Assessment.MET
    return Assessment.PARTLY if outcome >= target - margin else Assessment.NOT_MET


# --- Outcomes -----------------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 4)))


def kpi_outcome(
    kpi_code: str, year: int, today: dt.date | None = None, *, unit_ids: kpi_scope.UnitIds = None
) -> Decimal | None:
    """Utfall of an Insats indicator over the calendar year (so far, for the current year),
    counting the enrolments of `unit_ids` (a board's: `kpi_scope.units_of_board`; None: all)."""
    period = Period.year_to_date(year, today or dt.date.today())
    if period is None:
        return None
    return _decimal(kpi_services.compute(
        kpi_code, period.date_from, period.date_to, unit_ids=unit_ids
    ).value)


def outcome_base(
    kpi_code: str, year: int, today: dt.date | None = None, *, unit_ids: kpi_scope.UnitIds = None
) -> int | None:
    """How many cases the year's outcome of an Insats indicator rests on, for small-cell
    suppression when it is published: the count itself for counts, the denominator for shares
    and kostnad per deltagare (participants), the closed enrolments for the median."""
    period = Period.year_to_date(year, today or dt.date.today())
    if period is None:
        return None
    kind = kpi_definitions.INDICATORS[kpi_code].kind
    code = MEDIAN_BASE if kind is kpi_definitions.Kind.MEDIAN else kpi_code
    result = kpi_services.compute(code, period.date_from, period.date_to, unit_ids=unit_ids)
    if kind in (kpi_definitions.Kind.SHARE, kpi_definitions.Kind.AMOUNT):
        return int(result.denominator or 0)
    return int(result.value or 0)


# The count a median of closure times rests on: the enrolments closed in the period.
MEDIAN_BASE = "avslutade"


def check_indicator(indicator: GoalIndicator) -> None:
    """An indicator is an Insats indicator with a known code, or external with a unit."""
    if indicator.kpi_code and kpi_definitions.get(indicator.kpi_code) is None:
        raise ValidationError({"kpi_code": _("Okänd indikator ”%(code)s”. Giltiga: %(codes)s.") % {
            "code": indicator.kpi_code, "codes": ", ".join(kpi_definitions.INDICATORS),
        }})
    if not indicator.kpi_code and not indicator.unit.strip():
        raise ValidationError({"unit": _(
            "En extern indikator behöver en enhet, t.ex. procent eller antal."
        )})


# --- Status of an indicator year ----------------------------------------------------------------


@dataclass
class IndicatorStatus:
    """What the röd tråd shows for one indicator and year."""

    indicator: GoalIndicator
    year: int
    row: IndicatorYear | None
    outcome: Decimal | None
    computed: str
    percent: bool

    @property
    def target(self) -> Decimal | None:
        return self.row.target_value if self.row else None

    @property
    def target_missing(self) -> bool:
        return self.target is None

    @property
    def override(self) -> str:
        return self.row.assessment_override if self.row else ""

    @property
    def assessment(self) -> str:
        """The assessment that counts: the override when there is one."""
        return self.override or self.computed

    @property
    def computed_label(self) -> str:
        return Assessment(self.computed).label

    @property
    def assessment_label(self) -> str:
        return Assessment(self.assessment).label

    @property
    def override_label(self) -> str:
        return Assessment(self.override).label if self.override else ""

    @property
    def definition(self) -> str:
        """The indicator's written definition from the kpi registry (empty for external)."""
        found = kpi_definitions.get(self.indicator.kpi_code) if self.indicator.kpi_code else None
        return str(found.definition) if found else ""

    @property
    def outcome_source(self) -> str:
        """Where a manual (external) outcome comes from; empty when there is none."""
        if self.row is None or self.row.manual_outcome is None or not self.indicator.is_external:
            return ""
        return self.row.outcome_source

    @property
    def forecast(self) -> Decimal | None:
        return self.row.forecast_value if self.row else None

    @property
    def target_text(self) -> str:
        return self.show(self.target)

    @property
    def outcome_text(self) -> str:
        return self.show(self.outcome)

    @property
    def forecast_text(self) -> str:
        return self.show(self.forecast)

    def show(self, value: Decimal | None) -> str:
        """A value as the reader expects it: shares as per cent, others with the unit."""
        if value is None:
            return "–"
        if self.percent:
            return f"{(value * 100):.1f} %".replace(".", ",")
        if not self.indicator.is_external:
            value = value.quantize(Decimal("0.1"))  # computed figures: one decimal, as reported
        text = f"{value.normalize():f}".replace(".", ",")
        return f"{text} {self.indicator.unit}".strip()


def is_share(indicator: GoalIndicator) -> bool:
    definition = kpi_definitions.get(indicator.kpi_code) if indicator.kpi_code else None
    return definition is not None and definition.kind is kpi_definitions.Kind.SHARE


def indicator_status(
    indicator: GoalIndicator, year: int, today: dt.date | None = None
) -> IndicatorStatus:
    row = IndicatorYear.objects.filter(indicator=indicator, year=year).first()
    if indicator.kpi_code:
        # The board's own units only (Unit → Administration → Board).
        outcome = kpi_outcome(indicator.kpi_code, year, today,
                              unit_ids=kpi_scope.units_of_board(indicator.board_goal.board_id))
    else:
        outcome = row.manual_outcome if row else None
    target = row.target_value if row else None
    return IndicatorStatus(
        indicator, year, row, outcome, assess(outcome, target, indicator.direction),
        is_share(indicator),
    )


@dataclass
class BoardGoalSection:
    goal: BoardGoal
    statuses: list[IndicatorStatus] = field(default_factory=list)

    @property
    def without_indicator(self) -> bool:
        return not self.statuses

    @property
    def target_missing(self) -> bool:
        return any(s.target_missing for s in self.statuses)


@dataclass
class CouncilGoalSection:
    goal: CouncilGoal
    board_goals: list[BoardGoalSection] = field(default_factory=list)


def board_overview(
    board: Board, year: int, today: dt.date | None = None
) -> list[CouncilGoalSection]:
    """Röd tråd for a board and year: council goal → board goal → indicator statuses."""
    sections: dict[int, CouncilGoalSection] = {}
    goals = (
        BoardGoal.objects.filter(board=board)
        .select_related("council_goal")
        .prefetch_related("indicators")
        .order_by("council_goal__order", "council_goal__pk", "order", "pk")
    )
    for goal in goals:
        section = sections.setdefault(goal.council_goal_id, CouncilGoalSection(goal.council_goal))
        section.board_goals.append(BoardGoalSection(goal, [
            indicator_status(indicator, year, today) for indicator in goal.indicators.all()
        ]))
    return list(sections.values())


# --- Editing an indicator year ------------------------------------------------------------------


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": _("Året måste vara mellan %(min)s och %(max)s.") % {
            "min": MIN_YEAR, "max": MAX_YEAR,
        }})
    return year


EDITABLE = (
    "target_value", "manual_outcome", "outcome_source", "analysis", "forecast_value",
    "forecast_text", "assessment_override", "override_reason",
)


@transaction.atomic
def update_indicator_year(
    indicator: GoalIndicator, year: int, user, *, seen: str | None = None, **data
) -> IndicatorYear:
    """Spara målvärde, utfall, analys, prognos och egen bedömning for one indicator and year.

    An override needs a reason (motivering); who and when are recorded whenever the override or
    its reason changes. A manual outcome is only for external indicators and needs a source
    (`outcome_source`). `seen` is the
    `version_token` of the row the user edited (empty for a row that did not exist); when
    someone saved in between, nothing is written and the user is told (no lost update).
    """
    check_year(year)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    row, _created = IndicatorYear.objects.select_for_update().get_or_create(
        indicator=indicator, year=year
    )
    if seen is not None and seen != version_token(row, created=_created):
        raise ConcurrentEdit(_(
            "Någon annan har sparat värden för %(name)s %(year)s medan du skrev. Sidan visar nu "
            "de sparade värdena; gör om din ändring."
        ) % {"name": indicator.name, "year": year})
    before = (row.assessment_override, row.override_reason)
    for name, value in data.items():
        setattr(row, name, value if value is not None or name not in _TEXT else "")
    errors = {}
    if row.assessment_override and row.assessment_override not in Assessment.values:
        errors["assessment_override"] = _("Okänd bedömning.")
    if row.assessment_override and not row.override_reason.strip():
        errors["override_reason"] = _("Motivera den egna bedömningen.")
    errors |= manual_outcome_errors(indicator, row)
    if errors:
        raise ValidationError(errors)
    if not row.assessment_override:
        row.override_reason = ""
        row.override_by, row.override_at = None, None
    elif (row.assessment_override, row.override_reason) != before:
        row.override_by, row.override_at = user, timezone.now()
    row.save()
    return row


def manual_outcome_errors(indicator: GoalIndicator, row: IndicatorYear) -> dict[str, str]:
    """A manual outcome is only for external indicators, and only with its source (källa), so
    that every reader of the figure can see where it comes from. {field: message}."""
    if row.manual_outcome is None:
        return {}
    if indicator.kpi_code:
        return {"manual_outcome": _(
            "Utfallet räknas fram ur Insats för den här indikatorn; manuellt utfall gäller bara "
            "externa indikatorer."
        )}
    if not (row.outcome_source or "").strip():
        return {"outcome_source": _(
            "Ange källa för utfallet %(year)s för ”%(name)s”, t.ex. ”Arbetsförmedlingen, "
            "december %(year)s”. Ett manuellt utfall måste ha en källa."
        ) % {"year": row.year, "name": indicator.name}}
    return {}


class ConcurrentEdit(ValidationError):
    """Someone else saved the indicator year after the user opened it."""


def version_token(row: IndicatorYear | None, created: bool = False) -> str:
    """What the edit form carries to detect a save by someone else: the row's last change."""
    if row is None or created:
        return ""
    return row.updated_at.isoformat()


def to_percent(value: Decimal | None) -> Decimal | None:
    """A share (0.45) as the per-cent figure people type and read (45)."""
    return None if value is None else (value * 100).normalize()


def from_percent(value: Decimal | None) -> Decimal | None:
    return None if value is None else value / 100


_TEXT = {"outcome_source", "analysis", "forecast_text", "assessment_override", "override_reason"}


def parse_decimal(text: str, field_name: str) -> Decimal | None:
    """A number typed by a person: comma or point as decimal sign; empty is None."""
    text = (text or "").strip().replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError({field_name: _("”%(value)s” är inget tal.") % {"value": text}}) \
            from None


# --- For other apps -----------------------------------------------------------------------------


def target_for(kpi_code: str, year: int, board: Board | None = None) -> Decimal | None:
    """Målvärde set for an Insats indicator and year (in the board's goals when given); None
    when no goal carries one."""
    rows = IndicatorYear.objects.filter(
        indicator__kpi_code=kpi_code, year=year, target_value__isnull=False
    )
    if board is not None:
        rows = rows.filter(indicator__board_goal__board=board)
    row = rows.order_by("indicator__board_goal__order", "indicator__order", "pk").first()
    return row.target_value if row else None


# --- Example goals (demo) -----------------------------------------------------------------------

# Andel öppet arbetslösa och sökande i program 16–64 år (Arbetsförmedlingen), per cent.
EXTERNAL_UNEMPLOYMENT = {2024: Decimal("7.1"), 2025: Decimal("6.8"), 2026: Decimal("6.6")}


@transaction.atomic
def create_example_goals(
    board: Board, years: list[int] | range, today: dt.date | None = None
) -> list[BoardGoal]:
    """Realistic example goals for a board, the way many municipalities write them (målvärde
    45 % till arbete eller studier as in Haninge). One board goal deliberately has no target so
    that the flag "Målvärde saknas" shows. `today` decides which year is the current one (the
    demo passes its own date, so the same seed and date give the same goals). Safe to run
    twice."""
    today = today or dt.date.today()
    municipality = board.municipality
    work, _c = CouncilGoal.objects.get_or_create(
        municipality=municipality, title=_("Fler invånare är självförsörjande"),
        defaults={"order": 1, "description": _(
            "Kommunen ska verka för att fler invånare i arbetsför ålder försörjer sig själva "
            "genom arbete eller studier."
        )},
    )
    quality, _c = CouncilGoal.objects.get_or_create(
        municipality=municipality, title=_("Invånarna möter en effektiv och rättssäker verksamhet"),
        defaults={"order": 2},
    )
    specs = [
        (work, 1, _("Fler deltagare går vidare till arbete eller studier"), [
            ("andel_arbete_studier", _("Andel avslutade till arbete eller studier"),
             Decimal("0.45")),
            ("ej_forsorjningsstod_12_man",
             _("Andel utan försörjningsstöd 12 månader efter avslut"), Decimal("0.85")),
        ]),
        (work, 2, _("Arbetslösheten i kommunen minskar"), [
            ("", _("Andel öppet arbetslösa och sökande i program 16–64 år"), None),
        ]),
        (quality, 3, _("Deltagare får en planering snabbt"), [
            ("plan_inom_3_man", _("Andel med fastställd plan inom 3 månader"), Decimal("0.90")),
        ]),
        (quality, 4, _("Deltagarna ska uppleva att insatsen stärkt dem"), [
            ("median_veckor", _("Mediantid i insats (veckor)"), None),
        ]),
    ]
    goals = []
    for council, order, title, indicators in specs:
        goal, _c = BoardGoal.objects.get_or_create(
            board=board, title=title, defaults={"council_goal": council, "order": order}
        )
        goals.append(goal)
        for index, (code, name, target) in enumerate(indicators):
            _example_indicator(goal, index, code, name, target, years, today.year)
    return goals


def _example_indicator(goal, index, code, name, target, years, this_year: int) -> None:
    external = not code
    indicator, _c = GoalIndicator.objects.get_or_create(
        board_goal=goal, name=name, defaults={
            "kpi_code": code, "order": index,
            "unit": _("procent") if external else "",
            "source": _("Arbetsförmedlingen, månadsstatistik") if external else "",
            "direction": Direction.LOWER if external or code == "median_veckor"
            else Direction.HIGHER,
        },
    )
    for year in years:
        defaults = {"target_value": Decimal("6.5") if external else target}
        if code == "andel_arbete_studier" and year == this_year:
            defaults |= {
                "forecast_value": Decimal("0.42"),
                "forecast_text": _(
                    "Fler deltagare med lång tid utanför arbetsmarknaden väntas avsluta under "
                    "hösten; andelen bedöms sjunka något mot årets slut."
                ),
            }
        elif code == "andel_arbete_studier" and year == this_year - 1:
            defaults["analysis"] = _(
                "Färre platser i extratjänst och lönebidrag än planerat under våren. Jobbspåren "
                "inom vård och lager gav flest övergångar till arbete."
            )
        if external and year in EXTERNAL_UNEMPLOYMENT and year < this_year:
            defaults |= {
                "manual_outcome": EXTERNAL_UNEMPLOYMENT[year],
                "outcome_source": _("Arbetsförmedlingen, december %(year)s") % {"year": year},
            }
        IndicatorYear.objects.get_or_create(indicator=indicator, year=year, defaults=defaults)
