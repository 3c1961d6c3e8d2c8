"""Rapport till nämnden (tertialrapport, delårsrapport, verksamhetsberättelse): the goals with
target, outcome, analysis, forecast and assessment, the key tables from the indicators, cost per
measure with budget against outcome, participant views from the surveys and the definitions of
the indicators (`sections`), with small cells suppressed (`suppression`). The same
`BoardReport` is rendered as HTML, PDF (`render.pdf_bytes`) and Excel (`render.xlsx_bytes`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insats.goals import services as goal_services
from insats.kpi import definitions as kpi_definitions
from insats.kpi import scope as kpi_scope
from insats.kpi import services as kpi_services
from insats.kpi.definitions import Kind
from insats.organisation.models import Board

from . import sections, suppression
from .suppression import Cell

REPORT_TYPES = {
    "tertialrapport": gettext_lazy("Tertialrapport"),
    "delarsrapport": gettext_lazy("Delårsrapport"),
    "verksamhetsberattelse": gettext_lazy("Verksamhetsberättelse"),
}
KEY_INDICATORS = (
    "deltagare", "nya", "avslutade", "andel_arbete_studier", "median_veckor",
    "plan_inom_3_man", "ej_forsorjningsstod_12_man", "kostnad_per_deltagare",
)
BREAKDOWNS = ("gender", "age_band")
GENDER_NAMES = {"K": gettext_lazy("Kvinnor"), "M": gettext_lazy("Män"),
                "X": gettext_lazy("Annat/okänt")}
# The count a median is based on: the enrolments closed in the period.
MEDIAN_BASE = "avslutade"


@dataclass
class Row:
    label: str
    value: Cell
    base: Cell | None = None  # for shares and medians: how many the figure is based on
    is_total: bool = False


@dataclass
class Table:
    code: str
    title: str
    definition: str
    kind: str
    rows: list[Row] = field(default_factory=list)

    @property
    def value_format(self) -> str:
        return {"share": "percent", "median": "decimal", "count": "integer",
                "amount": "amount"}.get(self.kind, "decimal")


@dataclass
class BoardReport:
    board: Board
    report_type: str
    date_from: dt.date
    date_to: dt.date
    year: int
    goals: list
    tables: list[Table]
    suppression_note: str
    created: dt.date
    # Filled by build_report: the goals as published (outcomes suppressed), cost, participant
    # views and the definitions of every indicator shown.
    goal_sections: list[sections.CouncilSection] = field(default_factory=list)
    cost: sections.CostSection | None = None
    surveys: list[sections.SurveyTable] = field(default_factory=list)
    definitions: list[sections.Definition] = field(default_factory=list)
    # The warning that some of the municipality's units are counted by no board (None: all are).
    uncounted_units: str | None = None

    @property
    def type_label(self) -> str:
        return str(REPORT_TYPES[self.report_type])

    @property
    def title(self) -> str:
        return _("%(type)s %(board)s %(from)s–%(to)s") % {
            "type": self.type_label, "board": self.board.name,
            "from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
        }


def check_request(report_type: str, date_from: dt.date, date_to: dt.date) -> None:
    if report_type not in REPORT_TYPES:
        raise ValidationError({"report_type": _(
            "Okänd rapporttyp ”%(type)s”. Giltiga: %(types)s."
        ) % {"type": report_type, "types": ", ".join(REPORT_TYPES)}})
    if date_from > date_to:
        raise ValidationError({"date_to": _(
            "Periodens slutdatum %(to)s är före startdatum %(from)s."
        ) % {"to": date_to.isoformat(), "from": date_from.isoformat()}})


def group_label(dimension: str, key: str) -> str:
    """Kvinnor/Män for gender; "under 20 år", "20–24 år", "50 år och äldre" for age bands."""
    if dimension == "gender":
        return str(GENDER_NAMES.get(key, key))
    if key.startswith("-"):
        return _("under %(n)s år") % {"n": int(key[1:]) + 1}
    if key.endswith("-"):
        return _("%(n)s år och äldre") % {"n": key[:-1]}
    return _("%(band)s år") % {"band": key.replace("-", "–")}


def _count_table(indicator, date_from, date_to, unit_ids: kpi_scope.UnitIds = None) -> Table:
    table = Table(indicator.code, str(indicator.name), str(indicator.definition), "count")
    total = kpi_services.compute(indicator.code, date_from, date_to, unit_ids=unit_ids)
    first = True
    for dimension in BREAKDOWNS:
        result = kpi_services.compute(indicator.code, date_from, date_to, by=dimension,
                                      unit_ids=unit_ids)
        counts = {g.key: int(g.value or 0) for g in result.groups}
        total_cell, cells = suppression.suppress_group(counts, int(total.value or 0))
        if first:
            table.rows.append(Row(_("Totalt"), total_cell, is_total=True))
            first = False
        table.rows += [Row(group_label(dimension, k), cell) for k, cell in cells.items()]
    return table


def _based_table(indicator, date_from, date_to, unit_ids: kpi_scope.UnitIds = None) -> Table:
    """Shares, medians and kostnad per deltagare, each with the number it is based on
    (suppressed like counts)."""
    kind = str(indicator.kind)
    table = Table(indicator.code, str(indicator.name), str(indicator.definition), kind)
    total = kpi_services.compute(indicator.code, date_from, date_to, unit_ids=unit_ids)
    base_total = _base(indicator, total, date_from, date_to, None, unit_ids)
    first = True
    for dimension in BREAKDOWNS:
        result = kpi_services.compute(indicator.code, date_from, date_to, by=dimension,
                                      unit_ids=unit_ids)
        bases = _base(indicator, result, date_from, date_to, dimension, unit_ids)
        total_base, base_cells = suppression.suppress_group(bases, base_total[None])
        if first:
            table.rows.append(Row(_("Totalt"), suppression.based_cell(
                total.value, base_total[None]), total_base, is_total=True))
            first = False
        for group in result.groups:
            base_cell = base_cells.get(group.key)
            value_cell = suppression.based_cell(group.value, bases.get(group.key))
            if base_cell is not None and base_cell.suppressed:
                # A share beside a hidden base would give the base back (7 of 11 is the only
                # base near 11 that shows 63.6 %); hide the figure with its base.
                value_cell = suppression.Cell(None, suppressed=True)
            table.rows.append(Row(group_label(dimension, group.key), value_cell, base_cell))
    return table


def _base(indicator, result, date_from, date_to, dimension, unit_ids=None) -> dict:
    """{group key (None for the total): number the figure is based on}."""
    if indicator.kind in (Kind.SHARE, Kind.AMOUNT):  # amount: divided by the participants
        if dimension is None:
            return {None: int(result.denominator or 0)}
        return {g.key: int(g.denominator or 0) for g in result.groups}
    counts = kpi_services.compute(MEDIAN_BASE, date_from, date_to, by=dimension,
                                  unit_ids=unit_ids)
    if dimension is None:
        return {None: int(counts.value or 0)}
    return {g.key: int(g.value or 0) for g in counts.groups}


def key_tables(
    date_from: dt.date, date_to: dt.date, *, unit_ids: kpi_scope.UnitIds = None
) -> list[Table]:
    """The key tables over the enrolments of `unit_ids` (the board's units in a report; None:
    the whole database)."""
    tables = []
    for code in KEY_INDICATORS:
        indicator = kpi_definitions.INDICATORS[code]
        if indicator.kind is Kind.COUNT:
            tables.append(_count_table(indicator, date_from, date_to, unit_ids))
        else:
            tables.append(_based_table(indicator, date_from, date_to, unit_ids))
    return tables


def uncounted_units_notice(board: Board) -> str | None:
    """The warning for the board's report when units of the board's municipality belong to no
    administration (förvaltning) of it, so that no board's report or goal outcomes count their
    enrolments (`kpi.scope.units_outside_boards`); None when every unit belongs to a board."""
    units = list(kpi_scope.units_outside_boards(board.municipality_id))
    if not units:
        return None
    names = ", ".join(f"{unit.name} ({unit.code})" if unit.name != unit.code else unit.code
                      for unit in units)
    return ngettext(
        "%(count)d enhet hör inte till någon förvaltning i kommunen och räknas inte i "
        "nämndens rapport: %(units)s.",
        "%(count)d enheter hör inte till någon förvaltning i kommunen och räknas inte i "
        "nämndens rapport: %(units)s.",
        len(units),
    ) % {"count": len(units), "units": names}


def build_report(
    board: Board, date_from: dt.date, date_to: dt.date, report_type: str,
    today: dt.date | None = None,
) -> BoardReport:
    """The board's report for the period; goals are those of the year the period ends in,
    with outcomes up to the end of the period."""
    check_request(report_type, date_from, date_to)
    today = today or dt.date.today()
    outcome_day = min(date_to, today)
    units = kpi_scope.units_of_board(board)
    report = BoardReport(
        board=board, report_type=report_type, date_from=date_from, date_to=date_to,
        year=date_to.year,
        goals=goal_services.board_overview(board, date_to.year, outcome_day),
        tables=key_tables(date_from, date_to, unit_ids=units),
        suppression_note=suppression.note(),
        created=today,
    )
    report.goal_sections = sections.goal_sections(report.goals, outcome_day, units)
    report.cost = sections.cost_section(date_from, date_to, today, units)
    report.surveys = sections.survey_tables(date_from, date_to, units)
    report.definitions = sections.definitions(report.goal_sections, report.tables)
    report.uncounted_units = uncounted_units_notice(board)
    return report
