"""Pages of the goals app: the röd tråd for a board and year, and editing one indicator year.

Goals hold no personal data; who may read and write them is decided in insats.core.access.
Boards are looked up among `visible_boards` (404 otherwise).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from insats.core import access
from insats.core.forms import add_service_errors

from . import services
from .forms import IndicatorYearForm, OverviewForm
from .models import GoalIndicator

NUMBERS = ("target_value", "manual_outcome", "forecast_value")
PERCENT_FIELDS = ("target_value", "forecast_value")  # entered in per cent for share indicators


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _number_text(value, percent: bool) -> str:
    if value is None:
        return ""
    value = services.to_percent(value) if percent else value.normalize()
    return f"{value:f}".replace(".", ",")


def _initial(status: services.IndicatorStatus) -> dict:
    """The stored row as the form shows it: per cent for shares, decimal comma."""
    initial = {"seen": services.version_token(status.row)}
    if status.row is None:
        return initial
    for name in services.EDITABLE:
        value = getattr(status.row, name)
        percent = status.percent and name in PERCENT_FIELDS
        initial[name] = _number_text(value, percent) if name in NUMBERS else value
    return initial


def _cleaned(form: IndicatorYearForm, percent: bool) -> dict:
    data = dict(form.cleaned_data)
    seen = data.pop("seen")
    for name in NUMBERS:
        if name in data:
            value = services.parse_decimal(data[name], name)
            data[name] = services.from_percent(value) if percent and name in PERCENT_FIELDS \
                else value
    return {"seen": seen, **data}


def _refreshed(status, indicator) -> IndicatorYearForm:
    """A form filled with what is stored now, so the user redoes the change on top of it."""
    stored = {k: ("" if v is None else v) for k, v in _initial(status).items()}
    fresh = IndicatorYearForm(stored, external=indicator.is_external, percent=status.percent)
    fresh.is_valid()
    return fresh


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Mål och måluppfyllelse: council goal → board goal → indicators for a board and year."""
    if not access.can_read_goals(request.user):
        raise PermissionDenied
    boards = list(access.visible_boards(request.user))
    data = request.GET.copy()
    data.setdefault("year", str(dt.date.today().year))
    if boards:
        data.setdefault("board", str(boards[0].pk))
    form = OverviewForm(boards, data)
    board = sections = year = None
    if form.is_valid():
        board = next(b for b in boards if b.pk == form.cleaned_data["board"])
        year = form.cleaned_data["year"]
        sections = services.board_overview(board, year)
    return render(request, "goals/overview.html", {
        "form": form, "board": board, "year": year, "sections": sections,
        "may_edit": access.can_edit_goals(request.user),
    })


@login_required
def edit_year(request: HttpRequest) -> HttpResponse:
    """Målvärde, utfall, analys, prognos and own assessment of one indicator and year
    (?indikator=<id>&ar=<year>)."""
    if not access.can_edit_goals(request.user):
        raise PermissionDenied
    indicator = GoalIndicator.objects.filter(
        pk=_int(request.GET.get("indikator")) or 0,
        board_goal__board__in=access.visible_boards(request.user),
    ).select_related("board_goal__board").first()
    year = _int(request.GET.get("ar"))
    if indicator is None or year is None:
        raise Http404
    try:
        services.check_year(year)
    except ValidationError:
        raise Http404 from None
    status = services.indicator_status(indicator, year)
    form = IndicatorYearForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(status), external=indicator.is_external, percent=status.percent,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_indicator_year(
                indicator, year, request.user, **_cleaned(form, status.percent)
            )
        except services.ConcurrentEdit as exc:
            # Someone else saved: show what is stored now, with the message.
            status = services.indicator_status(indicator, year)
            form = _refreshed(status, indicator)
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            url = reverse("goals:overview") + "?" + urlencode(
                {"board": indicator.board_goal.board_id, "year": year}
            )
            return redirect(url)
    return render(request, "goals/edit_year.html", {
        "form": form, "indicator": indicator, "year": year, "status": status,
    })
