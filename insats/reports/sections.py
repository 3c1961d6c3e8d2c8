"""Parts of the board's report built from other apps' figures, each published through the one
suppression module (`suppression`):

- goal outcomes (`goal_sections`): the röd tråd of `goals.services.board_overview` with each
  computed outcome hidden when it rests on fewer than the threshold;
- cost (`cost_section`): `insights.services.cost_summary`/`cost_totals` per measure for the
  period, and budget against outcome per measure for the report's year;
- participant views (`survey_tables`): `surveys.services.results_summary` per question and
  measure/unit for the surveys answered in the period;
- the written definitions of the indicators shown (`definitions`), from the kpi registry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from insats.goals import services as goal_services
from insats.goals.services import IndicatorStatus
from insats.insights import services as insights
from insats.kpi import definitions as kpi_definitions
from insats.kpi.definitions import Kind
from insats.kpi.scope import UnitIds
from insats.surveys import services as surveys
from insats.surveys.models import Audience

from . import suppression
from .suppression import Cell

# --- Goals --------------------------------------------------------------------------------------


@dataclass
class GoalLine:
    """One goal indicator as published: the status, and its outcome after suppression."""

    status: IndicatorStatus
    outcome: Cell
    is_count: bool = False

    @property
    def suppressed(self) -> bool:
        return self.outcome.suppressed

    @property
    def outcome_value(self) -> Decimal | None:
        return None if self.suppressed else self.status.outcome

    @property
    def outcome_text(self) -> str:
        if not self.suppressed:
            return self.status.outcome_text
        return self.outcome.hidden_text if self.is_count else "–"

    @property
    def assessment_label(self) -> str:
        """A computed assessment of a hidden outcome would tell what the outcome is; an own
        assessment (with its reason) is a published judgement and is shown."""
        if self.suppressed and not self.status.override:
            return hidden_assessment()
        return self.status.assessment_label

    @property
    def computed_label(self) -> str:
        return hidden_assessment() if self.suppressed else self.status.computed_label


def hidden_assessment() -> str:
    return _("Redovisas inte (för få i underlaget)")


@dataclass
class GoalSection:
    goal: Any  # BoardGoal
    lines: list[GoalLine] = field(default_factory=list)

    @property
    def without_indicator(self) -> bool:
        return not self.lines


@dataclass
class CouncilSection:
    goal: Any  # CouncilGoal
    board_goals: list[GoalSection] = field(default_factory=list)


def goal_line(status: IndicatorStatus, today: dt.date | None, unit_ids: UnitIds) -> GoalLine:
    """Counts under the threshold are hidden ("<5"); shares, medians and cost per participant
    whose base (`goals.services.outcome_base`) is under it are hidden ("–"). External figures
    are published by their source and shown as entered."""
    code = status.indicator.kpi_code
    if not code or status.outcome is None:
        return GoalLine(status, Cell(status.outcome))
    if kpi_definitions.INDICATORS[code].kind is Kind.COUNT:
        return GoalLine(status, suppression.count_cell(int(status.outcome)), is_count=True)
    base = goal_services.outcome_base(code, status.year, today, unit_ids=unit_ids)
    return GoalLine(status, suppression.based_cell(status.outcome, base))


def goal_sections(
    overview: list, today: dt.date | None, unit_ids: UnitIds
) -> list[CouncilSection]:
    """`board_overview` sections with every status wrapped as a published `GoalLine`; the
    bases are counted over `unit_ids` (the board's units), as the outcomes are."""
    return [
        CouncilSection(council.goal, [
            GoalSection(section.goal, [goal_line(s, today, unit_ids) for s in section.statuses])
            for section in council.board_goals
        ])
        for council in overview
    ]


# --- Definitions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    name: str
    code: str  # the kpi code; empty for an external indicator
    text: str


def definitions(sections: list[CouncilSection], tables: list) -> list[Definition]:
    """Every indicator whose figure the report shows, once, with its written definition from
    the kpi registry (external goal indicators: their source)."""
    found: dict[str, Definition] = {}
    for council in sections:
        for section in council.board_goals:
            for line in section.lines:
                indicator = line.status.indicator
                if indicator.kpi_code:
                    key = indicator.kpi_code
                    registry = kpi_definitions.INDICATORS[key]
                    name = indicator.name if indicator.name == str(registry.name) else \
                        f"{indicator.name} ({registry.name})"
                    found.setdefault(key, Definition(name, key, str(registry.definition)))
                else:
                    text = _("Extern indikator. Källa: %(source)s.") % {
                        "source": indicator.source or _("anges inte")}
                    found.setdefault(f"external-{indicator.pk}", Definition(
                        indicator.name, "", text))
    for table in tables:
        registry = kpi_definitions.INDICATORS[table.code]
        found.setdefault(table.code, Definition(
            str(registry.name), table.code, str(registry.definition)))
    return list(found.values())


# --- Cost ---------------------------------------------------------------------------------------


@dataclass
class CostRow:
    label: str
    code: str
    category: str
    participants: Cell
    cost: Cell
    per_participant: Cell
    work_studies: Cell
    per_work_studies: Cell
    is_total: bool = False
    heading: str = ""  # the category, on the first measure of each category


@dataclass
class BudgetRow:
    label: str
    budget: Cell
    outcome: Cell
    deviation: Cell
    is_total: bool = False


@dataclass
class CostSection:
    date_from: dt.date
    date_to: dt.date
    year: int
    year_from: dt.date
    rows: list[CostRow]
    budget_rows: list[BudgetRow]
    days_per_month: Decimal = insights.DAYS_PER_MONTH

    @property
    def same_period(self) -> bool:
        return self.year_from == self.date_from


def _hidden_like(cell: Cell) -> Cell:
    return Cell(None, suppressed=True, secondary=cell.secondary)


def _cost_cells(rows: list[dict], totals: dict) -> tuple[Cell, dict[int, Cell]]:
    """The cost of each measure rests on its participants; the measures add up to the total."""
    return suppression.based_group(
        {r["measure_id"]: r["cost_sek"] for r in rows},
        {r["measure_id"]: r["participants"] for r in rows},
        totals["cost_sek"], totals["participants"],
    )


def _cost_row(figures: dict, cost: Cell, label: str = "", is_total=False) -> CostRow:
    """A hidden cost hides what it could be worked back from (cost per participant × the shown
    participants); counts of persons are hidden under the threshold. Participant counts are not
    a partition (a person counts in every measure), so they get no secondary suppression."""
    if cost.suppressed:
        per_participant = per_work = _hidden_like(cost)
    else:
        per_participant = Cell(figures["cost_per_participant_sek"])
        per_work = suppression.based_cell(
            figures["cost_per_work_studies_sek"], figures["participants_work_studies"]
        )
    return CostRow(
        label or figures["name"], figures.get("measure_code", ""),
        figures.get("category_name", ""), suppression.count_cell(figures["participants"]), cost,
        per_participant, suppression.count_cell(figures["participants_work_studies"]), per_work,
        is_total,
    )


def _budget_rows(rows: list[dict], totals: dict, cells: dict[int, Cell]) -> list[BudgetRow]:
    """Budget against outcome for the measures with a budget, and their sum. The outcome is
    the measure's cost cell (the same suppression as in the cost table); the deviation is
    hidden with it, since budget − deviation is the outcome."""
    result = []
    for r in rows:
        if r["budget_sek"] is None:
            continue
        outcome = cells[r["measure_id"]]
        deviation = _hidden_like(outcome) if outcome.suppressed else Cell(
            r["budget_deviation_sek"])
        result.append(BudgetRow(r["name"], Cell(r["budget_sek"]), outcome, deviation))
    if result:
        budget, deviation = totals["budget_sek"], totals["budget_deviation_sek"]
        inside = [cells[r["measure_id"]] for r in rows if r["budget_sek"] is not None]
        outside = [cells[r["measure_id"]] for r in rows if r["budget_sek"] is None]
        outcome = suppression.subtotal_cell(
            budget - deviation, totals["participants"], inside, outside
        )
        result.append(BudgetRow(
            _("Summa"), Cell(budget), outcome,
            _hidden_like(outcome) if outcome.suppressed else Cell(deviation), is_total=True,
        ))
    return result


def cost_section(
    date_from: dt.date, date_to: dt.date, today: dt.date, unit_ids: UnitIds
) -> CostSection:
    """Cost per measure for the period, and budget against outcome for the year the period
    ends in (1 January up to the end of the period; the same figures when the period starts on
    1 January), over the placements of enrolments of `unit_ids` (the board's units)."""
    rows = insights.cost_summary(date_from, date_to, today, unit_ids=unit_ids)
    totals = insights.cost_totals(rows, date_from, date_to, today, unit_ids=unit_ids)
    total_cost, cells = _cost_cells(rows, totals)
    cost_rows = [_cost_row(r, cells[r["measure_id"]]) for r in rows]
    for index, row in enumerate(cost_rows):  # rows come ordered by category
        if index == 0 or row.category != cost_rows[index - 1].category:
            row.heading = row.category
    if rows:
        cost_rows.append(_cost_row(totals, total_cost, _("Summa"), is_total=True))
    year_from = dt.date(date_to.year, 1, 1)
    if year_from == date_from:
        year_rows, year_totals, year_cells = rows, totals, cells
    else:
        year_rows = insights.cost_summary(year_from, date_to, today, unit_ids=unit_ids)
        year_totals = insights.cost_totals(
            year_rows, year_from, date_to, today, unit_ids=unit_ids
        )
        year_cells = _cost_cells(year_rows, year_totals)[1]
    return CostSection(
        date_from, date_to, date_to.year, year_from, cost_rows,
        _budget_rows(year_rows, year_totals, year_cells),
    )


# --- Participant views --------------------------------------------------------------------------


@dataclass
class SurveyRow:
    label: str
    answers: Cell
    values: list[Cell]
    heading: str = ""  # set on the first row of a group kind ("Per insats", "Per enhet")


@dataclass
class SurveyTable:
    survey: str
    audience: str
    question: str
    kind: str
    columns: list[tuple[str, str]]  # (label, value format)
    rows: list[SurveyRow] = field(default_factory=list)


def _columns(row: dict) -> list[tuple[str, str]]:
    if row["kind"] == "scale":
        return [(_("Medelvärde (1–5)"), "decimal")]
    return [(_("Andel %(option)s") % {"option": label}, "percent") for label in row["shares"]]


def _values(row: dict) -> list[Any]:
    if row["kind"] == "scale":
        return [row["mean"]]
    return list(row["shares"].values())


def survey_tables(
    date_from: dt.date, date_to: dt.date, unit_ids: UnitIds
) -> list[SurveyTable]:
    """One table per survey question (free text is never published): per measure and per
    unit the number of answers and the mean (scales) or the share per option, for the answers
    given at `unit_ids` (the board's units; None: all). A group marked suppressed by
    `results_summary` (fewer answers than the threshold, or the one that would reveal a smaller
    unit) shows neither its count nor its figures."""
    responses = surveys.responses_between(date_from, date_to)
    if unit_ids is not None:
        responses = responses.filter(unit_id__in=sorted(unit_ids))
    tables: dict[int, SurveyTable] = {}
    headings = {surveys.GROUP_MEASURE: _("Per insats"), surveys.GROUP_UNIT: _("Per enhet")}
    limit = surveys.min_cell()
    for row in surveys.results_summary(date_from, date_to, responses=responses):
        table = tables.get(row["question_id"])
        if table is None:
            audience = Audience(row["audience"]).label
            table = tables[row["question_id"]] = SurveyTable(
                row["survey"], str(audience), row["question"], row["kind"], _columns(row)
            )
        heading = "" if any(r.heading == headings[row["group_kind"]] for r in table.rows) \
            else headings[row["group_kind"]]
        if row["suppressed"]:
            answers = Cell(None, suppressed=True, secondary=row["answers"] >= limit)
            values = [_hidden_like(answers) for _c in table.columns]
        else:
            answers = Cell(row["answers"])
            values = [Cell(v) for v in _values(row)]
        table.rows.append(SurveyRow(row["group"], answers, values, heading))
    return list(tables.values())
