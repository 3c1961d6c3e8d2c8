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

from insats.core.security.spreadsheet import neutralise

from . import suppression
from .services import BoardReport, Row, Table
from .suppression import Cell

EXCEL_FORMATS = {"integer": "0", "percent": "0.0%", "decimal": "0.0"}


# --- Text of a cell -----------------------------------------------------------------------------


def value_text(cell: Cell | None, fmt: str) -> str:
    """How a published figure reads: Swedish decimal comma, shares in per cent."""
    if cell is None:
        return ""
    if cell.suppressed:
        return cell.hidden_text if fmt == "integer" else "–"
    if cell.value is None:
        return "–"
    if fmt == "integer":
        return f"{int(cell.value):,}".replace(",", "\u00a0")
    if fmt == "percent":
        return f"{float(cell.value) * 100:.1f}\u00a0%".replace(".", ",")
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


def context(report: BoardReport) -> dict:
    return {
        "report": report,
        "tables": [
            {"table": t, "rows": table_rows(t), "chart": mark_safe(bar_chart(t)),  # noqa: S308 - escaped above
             "has_base": any(r.base is not None for r in t.rows)}
            for t in report.tables
        ],
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
    """One sheet for the goals and one per key table; numbers are numbers with a number
    format, text goes through `neutralise`."""
    book = Workbook()
    used: set[str] = set()
    sheet = book.active
    sheet.title = _sheet_title(_("Mål"), used)
    _goals_sheet(sheet, report)
    for table in report.tables:
        _table_sheet(book.create_sheet(_sheet_title(table.title, used)), table, report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value) -> str:
    return neutralise(str(value)) if value not in (None, "") else value


def _goals_sheet(sheet, report: BoardReport) -> None:
    sheet.append([_text(report.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    header = [_("Kommunfullmäktiges mål"), _("Nämndmål"), _("Indikator"), _("Målvärde"),
              _("Utfall"), _("Prognos"), _("Enhet"), _("Bedömning"), _("Beräknad bedömning"),
              _("Motivering"), _("Analys"), _("Anmärkning")]
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for council in report.goals:
        for section in council.board_goals:
            if section.without_indicator:
                sheet.append([_text(council.goal.title), _text(section.goal.title)] + [None] * 9
                             + [_("Nämndmålet saknar indikator")])
                continue
            for s in section.statuses:
                fmt = "0.0%" if s.percent else "0.0"
                row = [
                    _text(council.goal.title), _text(section.goal.title), _text(s.indicator.name),
                    _number(s.target), _number(s.outcome), _number(s.forecast),
                    _text(_("andel") if s.percent else s.indicator.unit),
                    _text(s.assessment_label), _text(s.computed_label),
                    _text(s.row.override_reason if s.override else ""),
                    _text(s.row.analysis if s.row else ""),
                    _("Målvärde saknas") if s.target_missing else None,
                ]
                sheet.append(row)
                for column in (4, 5, 6):
                    sheet.cell(row=sheet.max_row, column=column).number_format = fmt
    for letter, width in zip("ABCDEFGHIJKL", (30, 30, 36, 10, 10, 10, 10, 16, 16, 30, 50, 18),
                             strict=True):
        sheet.column_dimensions[letter].width = width


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
