"""The board's report as HTML, PDF (WeasyPrint, A4) and Excel (openpyxl), and the bar chart as
server-side SVG that reads without colour (every bar carries its value as a label)."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from insats.core.security.spreadsheet import neutralise

from . import suppression
from .sections import CostSection, SurveyTable
from .services import BoardReport, Row, Table
from .suppression import Cell

EXCEL_FORMATS = {"integer": "0", "percent": "0.0%", "decimal": "0.0", "amount": '#,##0 "kr"'}


# --- Text of a cell -----------------------------------------------------------------------------


def value_text(cell: Cell | None, fmt: str) -> str:
    """How a published figure reads: Swedish decimal comma, shares in per cent."""
    if cell is None:
        return ""
    if cell.suppressed:
        return cell.hidden_text if fmt == "integer" or cell.secondary else "–"
    if cell.value is None:
        return "–"
    if fmt == "integer":
        return f"{int(cell.value):,}".replace(",", "\u00a0")
    if fmt == "percent":
        return f"{float(cell.value) * 100:.1f}\u00a0%".replace(".", ",")
    if fmt == "amount":  # whole kronor in the text (Excel keeps öre), minus sign for deficits
        text = f"{round(float(cell.value)):,}\u00a0kr".replace(",", "\u00a0")
        return text.replace("-", "\u2212")
    return f"{float(cell.value):.1f}".replace(".", ",")


def table_rows(table: Table) -> list[dict]:
    return [
        {"label": row.label, "is_total": row.is_total,
         "value": value_text(row.value, table.value_format),
         "base": value_text(row.base, "integer") if row.base is not None else None}
        for row in table.rows
    ]


# --- Bar chart ----------------------------------------------------------------------------------


def bar_chart(table: Table, width: int = 480) -> str:
    """Horizontal bars for the groups of a table, each labelled with its value (no colour
    needed); hidden figures get their "<5"/"–" text and no bar."""
    rows: list[Row] = [r for r in table.rows if not r.is_total]
    label_w, bar_h, gap = 150, 16, 6
    plot_w = width - label_w - 70
    shown = [float(r.value.value) for r in rows if not r.value.suppressed and r.value.value]
    top = max(shown, default=0) or 1
    height = len(rows) * (bar_h + gap) + gap
    title = escape(table.title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{title}">',
        f"<title>{title}</title>",
    ]
    for index, row in enumerate(rows):
        y = gap + index * (bar_h + gap)
        text = escape(value_text(row.value, table.value_format))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" font-size="11" '
            f'fill="#000">{escape(row.label)}</text>'
        )
        value = row.value.value if not row.value.suppressed and row.value.value else 0
        bar = round(float(value) / top * plot_w)
        if bar:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{bar}" height="{bar_h}" fill="#555" '
                f'stroke="#000" stroke-width="0.5"/>'
            )
        parts.append(
            f'<text x="{label_w + bar + 4}" y="{y + bar_h - 4}" font-size="11" '
            f'fill="#000">{text}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- HTML ---------------------------------------------------------------------------------------


def cost_rows(section: CostSection) -> list[dict]:
    return [
        {"label": r.label, "heading": r.heading, "is_total": r.is_total,
         "participants": value_text(r.participants, "integer"),
         "cost": value_text(r.cost, "amount"),
         "per_participant": value_text(r.per_participant, "amount"),
         "work_studies": value_text(r.work_studies, "integer"),
         "per_work_studies": value_text(r.per_work_studies, "amount")}
        for r in section.rows
    ]


def budget_rows(section: CostSection) -> list[dict]:
    return [
        {"label": r.label, "is_total": r.is_total, "budget": value_text(r.budget, "amount"),
         "outcome": value_text(r.outcome, "amount"),
         "deviation": value_text(r.deviation, "amount")}
        for r in section.budget_rows
    ]


def survey_rows(table: SurveyTable) -> list[dict]:
    return [
        {"label": r.label, "heading": r.heading, "answers": value_text(r.answers, "integer"),
         "values": [value_text(cell, fmt) for cell, (_label, fmt)
                    in zip(r.values, table.columns, strict=True)]}
        for r in table.rows
    ]


def context(report: BoardReport) -> dict:
    cost = report.cost
    return {
        "report": report,
        "tables": [
            {"table": t, "rows": table_rows(t), "chart": mark_safe(bar_chart(t)),  # noqa: S308 - escaped above
             "has_base": any(r.base is not None for r in t.rows)}
            for t in report.tables
        ],
        "cost": cost,
        "cost_rows": cost_rows(cost) if cost else [],
        "budget_rows": budget_rows(cost) if cost else [],
        "surveys": [{"table": t, "rows": survey_rows(t)} for t in report.surveys],
        "note": report.suppression_note,
    }


def html(report: BoardReport) -> str:
    return render_to_string("reports/pdf/report.html", context(report))


def pdf_bytes(report: BoardReport) -> bytes:
    from weasyprint import HTML  # imported here: heavy, only needed for PDF

    return HTML(string=html(report)).write_pdf()


# --- Excel --------------------------------------------------------------------------------------


def _number(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _excel_value(cell: Cell | None, fmt: str):
    if cell is None:
        return None
    if cell.suppressed or cell.value is None:
        return value_text(cell, fmt)
    return int(cell.value) if fmt == "integer" else float(cell.value)


def _sheet_title(text: str, used: set[str]) -> str:
    """Excel: at most 31 characters, none of []:*?/\\, unique."""
    clean = "".join(c for c in text if c not in '[]:*?/\\')[:31]
    title, n = clean, 2
    while title in used:
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(title)
    return title


def xlsx_bytes(report: BoardReport) -> bytes:
    """One sheet for the goals, one per key table, cost per measure, budget against outcome,
    the survey results and the definitions; numbers are numbers with a number format (hidden
    cells carry their "<5"/"–" text), text goes through `neutralise`."""
    book = Workbook()
    used: set[str] = set()
    sheet = book.active
    sheet.title = _sheet_title(_("Mål"), used)
    _goals_sheet(sheet, report)
    for table in report.tables:
        _table_sheet(book.create_sheet(_sheet_title(table.title, used)), table, report)
    if report.cost is not None:
        _cost_sheet(book.create_sheet(_sheet_title(_("Kostnad per insats"), used)), report)
        _budget_sheet(book.create_sheet(_sheet_title(_("Budget mot utfall"), used)), report)
    _survey_sheet(book.create_sheet(_sheet_title(_("Enkäter"), used)), report)
    _definitions_sheet(book.create_sheet(_sheet_title(_("Definitioner"), used)), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    return neutralise(str(value)) if value not in (None, "") else value


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _put(sheet, column: int, cell: Cell | None, fmt: str) -> None:
    """Write a published figure into the last row: a number with its format, or the text of a
    hidden cell."""
    target = sheet.cell(row=sheet.max_row, column=column)
    target.value = _excel_value(cell, fmt)
    target.number_format = EXCEL_FORMATS[fmt]


def _title(sheet, title: str, *lines: str) -> None:
    sheet.append([_text(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    for line in lines:
        sheet.append([_text(line)])
    sheet.append([])


def _widths(sheet, widths: tuple[int, ...]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _goals_sheet(sheet, report: BoardReport) -> None:
    sheet.append([_text(report.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    if report.uncounted_units:
        sheet.append([_text(report.uncounted_units)])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append([])
    header = [_("Kommunfullmäktiges mål"), _("Nämndmål"), _("Indikator"), _("Målvärde"),
              _("Utfall"), _("Prognos"), _("Enhet"), _("Bedömning"), _("Beräknad bedömning"),
              _("Motivering"), _("Analys"), _("Anmärkning"), _("Källa för utfallet"),
              _("Definition")]
    sheet.append(header)
    _bold_row(sheet)
    for council in report.goal_sections:
        for section in council.board_goals:
            if section.without_indicator:
                sheet.append([_text(council.goal.title), _text(section.goal.title)] + [None] * 9
                             + [_("Nämndmålet saknar indikator")])
                continue
            for line in section.lines:
                s = line.status
                fmt = "0.0%" if s.percent else "0.0"
                outcome = (line.outcome_text if line.suppressed
                           else _number(s.outcome))
                row = [
                    _text(council.goal.title), _text(section.goal.title), _text(s.indicator.name),
                    _number(s.target), outcome, _number(s.forecast),
                    _text(_("andel") if s.percent else s.indicator.unit),
                    _text(line.assessment_label), _text(line.computed_label),
                    _text(s.row.override_reason if s.override else ""),
                    _text(s.row.analysis if s.row else ""),
                    _("Målvärde saknas") if s.target_missing else None,
                    _text(s.outcome_source), _text(s.definition),
                ]
                sheet.append(row)
                for column in (4, 5, 6):
                    sheet.cell(row=sheet.max_row, column=column).number_format = fmt
    sheet.append([])
    sheet.append([_text(suppression.note())])
    _widths(sheet, (30, 30, 36, 10, 10, 10, 10, 16, 16, 30, 50, 18, 30, 60))


def _cost_sheet(sheet, report: BoardReport) -> None:
    cost = report.cost
    _title(sheet, _("Kostnad per insats"), _("Period") + f" {cost.date_from.isoformat()} – "
           f"{cost.date_to.isoformat()}")
    sheet.append([_("Insats"), _("Kod"), _("Kategori"), _("Deltagare"), _("Kostnad"),
                  _("Per deltagare"), _("Till arbete/studier"),
                  _("Per deltagare till arbete/studier")])
    _bold_row(sheet)
    for r in cost.rows:
        sheet.append([_text(r.label), _text(r.code), _text(r.category)])
        _put(sheet, 4, r.participants, "integer")
        _put(sheet, 5, r.cost, "amount")
        _put(sheet, 6, r.per_participant, "amount")
        _put(sheet, 7, r.work_studies, "integer")
        _put(sheet, 8, r.per_work_studies, "amount")
        if r.is_total:
            _bold_row(sheet)
    sheet.append([])
    sheet.append([_text(suppression.note())])
    _widths(sheet, (34, 18, 30, 12, 16, 16, 18, 22))


def _budget_sheet(sheet, report: BoardReport) -> None:
    cost = report.cost
    _title(sheet, _("Budget mot utfall %(year)s") % {"year": cost.year},
           _("Utfall") + f" {cost.year_from.isoformat()} – {cost.date_to.isoformat()}")
    sheet.append([_("Insats"), _("Budget"), _("Utfall"), _("Avvikelse")])
    _bold_row(sheet)
    for r in cost.budget_rows:
        sheet.append([_text(r.label)])
        _put(sheet, 2, r.budget, "amount")
        _put(sheet, 3, r.outcome, "amount")
        _put(sheet, 4, r.deviation, "amount")
        if r.is_total:
            _bold_row(sheet)
    if not cost.budget_rows:
        sheet.append([_("Ingen insats har budget för året.")])
    sheet.append([])
    sheet.append([_("Avvikelse = budget − utfall: positivt belopp betyder under budget, negativt "
                    "över budget. Summan jämför bara insatser som har budget.")])
    sheet.append([_text(suppression.note())])
    _widths(sheet, (34, 16, 16, 16))


def _survey_sheet(sheet, report: BoardReport) -> None:
    """Long format: one line per question, group and figure, so it can be filtered."""
    period = f"{report.date_from.isoformat()} – {report.date_to.isoformat()}"
    _title(sheet, _("Synpunkter från deltagare och arbetsgivare"), _("Period") + f" {period}")
    sheet.append([_("Enkät"), _("Målgrupp"), _("Fråga"), _("Grupp"), _("Antal svar"),
                  _("Mått"), _("Värde")])
    _bold_row(sheet)
    for table in report.surveys:
        for r in table.rows:
            for cell, (label, fmt) in zip(r.values, table.columns, strict=True):
                sheet.append([_text(table.survey), _text(table.audience), _text(table.question),
                              _text(r.label), None, _text(label)])
                _put(sheet, 5, r.answers, "integer")
                _put(sheet, 7, cell, fmt)
    if not report.surveys:
        sheet.append([_("Inga enkätsvar under perioden.")])
    sheet.append([])
    sheet.append([_text(suppression.note())])
    _widths(sheet, (26, 14, 50, 30, 12, 24, 10))


def _definitions_sheet(sheet, report: BoardReport) -> None:
    _title(sheet, _("Definitioner av indikatorerna"))
    sheet.append([_("Indikator"), _("Kod"), _("Definition")])
    _bold_row(sheet)
    for d in report.definitions:
        sheet.append([_text(d.name), _text(d.code), _text(d.text)])
    _widths(sheet, (40, 28, 100))


def _table_sheet(sheet, table: Table, report: BoardReport) -> None:
    sheet.append([_text(table.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_text(table.definition)])
    period = f"{report.date_from.isoformat()} – {report.date_to.isoformat()}"
    sheet.append([_("Period"), _text(period)])
    sheet.append([])
    has_base = any(r.base is not None for r in table.rows)
    header = [_("Grupp"), _("Värde")] + ([_("Antal i underlaget")] if has_base else [])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = [_text(row.label), _excel_value(row.value, table.value_format)]
        if has_base:
            values.append(_excel_value(row.base, "integer"))
        sheet.append(values)
        line = sheet.max_row
        sheet.cell(row=line, column=2).number_format = EXCEL_FORMATS[table.value_format]
        if has_base:
            sheet.cell(row=line, column=3).number_format = EXCEL_FORMATS["integer"]
        if row.is_total:
            sheet.cell(row=line, column=1).font = Font(bold=True)
    sheet.append([])
    sheet.append([_text(suppression.note())])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 18
