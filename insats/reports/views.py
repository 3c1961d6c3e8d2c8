"""Rapport till nämnden: choose board, report type and period; preview as HTML or download as
PDF or Excel. Aggregates only (no personal data); small cells are suppressed in the report."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from insats.core import access
from insats.core.forms import add_service_errors

from . import render as report_render
from . import services
from .forms import ReportForm

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filename(report: services.BoardReport, fmt: str) -> str:
    return f"{report.report_type}-{report.date_from.isoformat()}-{report.date_to.isoformat()}.{fmt}"


@login_required
def board_report(request: HttpRequest) -> HttpResponse:
    if not access.can_make_board_report(request.user):
        raise PermissionDenied
    boards = list(access.visible_boards(request.user))
    today = dt.date.today()
    initial = {"report_type": "tertialrapport", "date_from": dt.date(today.year, 1, 1),
               "date_to": today, "board": boards[0].pk if boards else None}
    submitted = "board" in request.GET
    form = ReportForm(boards, request.GET if submitted else None, initial=initial)
    report = None
    if submitted and form.is_valid():
        data = form.cleaned_data
        board = next(b for b in boards if b.pk == data["board"])
        try:
            report = services.build_report(
                board, data["date_from"], data["date_to"], data["report_type"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            fmt = request.GET.get("format", "html")
            if fmt in CONTENT_TYPES:
                body = (report_render.pdf_bytes(report) if fmt == "pdf"
                        else report_render.xlsx_bytes(report))
                response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
                response["Content-Disposition"] = (
                    f'attachment; filename="{filename(report, fmt)}"'
                )
                return response
    context = {"form": form, "report": report}
    if report is not None:
        context |= report_render.context(report)
    return render(request, "reports/board_report.html", context)
