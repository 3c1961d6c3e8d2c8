"""Kostnad per insats as an Excel workbook: numbers as numbers, text never run as a formula."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from insats.core.security.spreadsheet import neutralise_row

INTEGER = "#,##0"
DECIMAL = "#,##0.00"

def _columns() -> list[tuple[str, str, str | None]]:
    """(key in a cost row, column heading, number format or None for text)."""
    return [
        ("measure_code", _("Kod"), None),
        ("name", _("Insats"), None),
        ("category_name", _("Kategori"), None),
        ("participants", _("Deltagare"), INTEGER),
        ("placements", _("Placeringar"), INTEGER),
        ("placement_months", _("Platsmånader"), DECIMAL),
        ("unit_cost_sek", _("Kostnad per plats och månad (kr)"), DECIMAL),
        ("place_cost_sek", _("Platskostnad (kr)"), DECIMAL),
        ("direct_cost_sek", _("Direkt kostnad (kr)"), DECIMAL),
        ("cost_sek", _("Kostnad totalt (kr)"), DECIMAL),
        ("cost_per_participant_sek", _("Kostnad per deltagare (kr)"), DECIMAL),
        ("participants_work_studies", _("Deltagare till arbete/studier"), INTEGER),
        ("cost_per_work_studies_sek", _("Kostnad per deltagare till arbete/studier (kr)"),
         DECIMAL),
        ("hours", _("Närvarotimmar"), DECIMAL),
        ("cost_per_hour_sek", _("Kostnad per närvarotimme (kr)"), DECIMAL),
        ("budget_sek", _("Budget (kr)"), DECIMAL),
        ("budget_deviation_sek", _("Avvikelse budget − utfall (kr)"), DECIMAL),
    ]


def cost_workbook(
    rows: list[dict[str, Any]], totals: dict[str, Any], date_from: dt.date, date_to: dt.date
) -> bytes:
    """One sheet: a title line, the column headings, one row per measure and a totals row."""
    columns = _columns()
    wb = Workbook()
    ws = wb.active
    ws.title = _("Kostnad per insats")[:31]
    ws.append([_("Kostnad per insats %(from)s – %(to)s") % {
        "from": date_from.isoformat(), "to": date_to.isoformat()}])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([heading for _key, heading, _fmt in columns])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(ws, columns, row)
    total_row = {"measure_code": "", "name": _("Summa"), "category_name": "", **totals,
                 "placement_months": None, "unit_cost_sek": None}
    _append(ws, columns, total_row)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for index, (_key, heading, _fmt) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(heading) + 2))
    ws.freeze_panes = "D3"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _append(ws, columns, row: dict[str, Any]) -> None:
    values = neutralise_row(row.get(key) for key, _heading, _fmt in columns)
    ws.append(values)
    for index, (_key, _heading, number_format) in enumerate(columns, start=1):
        if number_format:
            ws.cell(row=ws.max_row, column=index).number_format = number_format
