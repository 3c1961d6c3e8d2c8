"""Pages of Uppföljning: the indicator dashboard and its drill-down, cost per measure with the
budget page and Excel download, and data quality.

Figures are aggregates and shown to everyone the page is for. Lists of enrolments (drill-down,
data-quality lists) start from `access.visible_enrolments(user)`: a controller or an
administrator gets the figure without the list, with a note saying why.

The dashboard, drill-down and cost figures count the user's own municipality only
(`insats.kpi.scope.units_for_user`); a user without a municipality sees empty figures.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import Role
from insats.audit import services as audit
from insats.core import access
from insats.core.forms import add_service_errors
from insats.kpi import definitions, scope
from insats.kpi.dashboard import format_value
from insats.kpi.definitions import Kind, Population
from insats.kpi.services import compute, enrolments_behind
from insats.measures.models import Measure
from insats.organisation.models import Unit

from . import dashboard, excel, quality, services
from .forms import BudgetForm, YearForm
from .models import MIN_YEAR

PAGE_SIZE = 50
QUALITY_PREVIEW = 10
DRILL_ROLES = (Role.COACH, Role.SAMORDNARE)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _chosen_year(
    request: HttpRequest, today: dt.date, unit_ids: frozenset[int] | None = None
) -> tuple[YearForm, int]:
    """The year from ?year=, the current year when absent or not one of the choices."""
    years = dashboard.selectable_years(today, unit_ids)
    form = YearForm(years, request.GET if "year" in request.GET else None,
                    initial={"year": today.year})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else today.year
    return form, year


# --- Dashboard ---------------------------------------------------------------------------------


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Nyckeltal per år: every indicator with definition, target, months and breakdowns."""
    _require(services.can_see_statistics(request.user))
    today = timezone.localdate()
    units = scope.units_for_user(request.user)
    form, year = _chosen_year(request, today, units)
    data = dashboard.build(
        year, today, unit_ids=units, municipality_id=request.user.municipality_id
    )
    return render(request, "insights/dashboard.html", {
        "form": form,
        "year": year,
        "data": data,
        "can_drill": access.sees_personal_data(request.user),
        "no_municipality": request.user.municipality_id is None,
    })


def _drill_period(request: HttpRequest, today: dt.date) -> tuple[int, int | None, dt.date,
                                                                  dt.date]:
    try:
        year = int(request.GET.get("year") or today.year)  # default: the current year
        month = int(request.GET["month"]) if request.GET.get("month") else None
    except ValueError:
        raise Http404 from None
    if not MIN_YEAR <= year <= today.year or (month and not 1 <= month <= 12):
        raise Http404
    if month:
        span = dashboard.month_period(year, month, today)
        if span is None:
            raise Http404
        return year, month, *span
    period = dashboard.year_period(year, today)
    return year, None, period.date_from, period.date_to


@login_required
def drilldown(request: HttpRequest, code: str) -> HttpResponse:
    """Underlag: the enrolments behind one figure, as far as the user may see them."""
    user = request.user
    _require(services.can_see_statistics(user) or user.role in DRILL_ROLES)
    indicator = definitions.get(code)
    if indicator is None or indicator.population is not Population.ENROLMENTS:
        raise Http404
    today = timezone.localdate()
    year, month, date_from, date_to = _drill_period(request, today)
    dim, key = request.GET.get("dim") or None, request.GET.get("key")
    if dim is not None and (dim not in indicator.dimensions or key is None):
        raise Http404
    group = (dim, key) if dim else None
    units = scope.units_for_user(user)
    result = compute(code, date_from, date_to, by=dim, unit_ids=units)
    figure = result
    group_label = None
    if group:
        figure = next((g for g in result.groups if g.key == key), None)
        if figure is None:
            raise Http404
        group_label = dashboard.group_labels(dim, [key])[key]
    behind = enrolments_behind(code, date_from, date_to, group, unit_ids=units)
    sees_persons = access.sees_personal_data(user)
    page = None
    visible_count = 0
    if sees_persons:
        visible = access.visible_enrolments(user).filter(pk__in=behind.values("pk"))
        visible = visible.select_related("person", "unit", "closure_reason").order_by(
            "-start_date", "-pk"
        )
        page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("sida"))
        visible_count = page.paginator.count
        audit.log_many(request, audit.Action.READ, page.object_list)
    params = {k: v for k, v in {"year": year, "month": month or "", "dim": dim or "",
                                 "key": key if dim else ""}.items() if v != ""}
    return render(request, "insights/drilldown.html", {
        "indicator": indicator,
        "year": year,
        "month": month,
        "date_from": date_from,
        "date_to": date_to,
        "dimension_name": definitions.DIMENSION_NAMES.get(dim) if dim else None,
        "group_label": group_label,
        "value_text": format_value(indicator.kind, figure.value),
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "shows_fraction": indicator.kind in (Kind.SHARE, Kind.AMOUNT),
        "total_behind": behind.count(),
        "sees_persons": sees_persons,
        "page": page,
        "visible_count": visible_count,
        "extra_query": urlencode(params),
        "back_url": f"{reverse('insights:dashboard')}?year={year}#kpi-{code}",
    })


# --- Cost and budget ---------------------------------------------------------------------------


def _cost_context(request: HttpRequest):
    today = timezone.localdate()
    units = scope.units_for_user(request.user)
    form, year = _chosen_year(request, today, units)
    period = dashboard.year_period(year, today)
    rows = services.cost_summary(period.date_from, period.date_to, today, unit_ids=units)
    totals = services.cost_totals(rows, period.date_from, period.date_to, today,
                                  unit_ids=units)
    return form, period, rows, totals


@login_required
def cost(request: HttpRequest) -> HttpResponse:
    """Kostnad per insats: cost, per participant, per participant to work or studies, hours,
    and budget against outcome."""
    _require(services.can_see_statistics(request.user))
    form, period, rows, totals = _cost_context(request)
    return render(request, "insights/cost.html", {
        "form": form,
        "period": period,
        "rows": rows,
        "totals": totals,
        "days_per_month": services.DAYS_PER_MONTH,
        "can_edit_budgets": services.can_edit_budgets(request.user),
        "no_municipality": request.user.municipality_id is None,
    })


@login_required
def cost_excel(request: HttpRequest) -> HttpResponse:
    _require(services.can_see_statistics(request.user))
    _form, period, rows, totals = _cost_context(request)
    content = excel.cost_workbook(rows, totals, period.date_from, period.date_to)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="kostnad-per-insats-{period.year}.xlsx"'
    )
    return response


@login_required
def budget(request: HttpRequest) -> HttpResponse:
    """Budget per insats för ett år: one amount per measure; empty removes the budget."""
    user = request.user
    _require(services.can_edit_budgets(user))
    today = timezone.localdate()
    try:
        year = services.check_year(int(request.GET.get("year") or today.year))
    except (ValueError, ValidationError):
        year = today.year
    current = services.budgets_for_year(year)
    measures = list(
        Measure.objects.filter(Q(active=True) | Q(pk__in=list(current)))
        .select_related("category")
        .order_by("category__sort_order", "name", "pk")
    )
    form = BudgetForm(measures, current, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_budgets(year, form.amounts(), by=user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Budgeten för %(year)d är sparad (%(n)d ändringar).")
                             % {"year": year, "n": changed})
            return redirect(f"{reverse('insights:cost')}?year={year}")
    return render(request, "insights/budget.html", {
        "form": form,
        "year": year,
        "years": list(range(today.year + 1, today.year - 5, -1)),
        "total": sum((v for v in current.values()), start=0),
    })


# --- Data quality -----------------------------------------------------------------------------


def _unit_names(codes) -> dict[str, str]:
    return dict(Unit.objects.filter(code__in=list(codes)).values_list("code", "name"))


@login_required
def data_quality(request: HttpRequest) -> HttpResponse:
    """Datakvalitet: every rule's count per unit, and for staff who may see persons the first
    rows of each list with a link to fix them."""
    user = request.user
    _require(quality.can_see_data_quality(user))
    today = timezone.localdate()
    summaries = quality.summary(quality.counted_enrolments(user), today)
    unit_codes = quality.units_table(summaries)
    names = _unit_names(unit_codes)
    sees_persons = access.sees_personal_data(user)
    sections = []
    shown = []
    for s in summaries:
        section = {"summary": s, "rows": [], "visible_count": 0}
        if sees_persons or s.rule.lists_units:
            rows = quality.list_rows(s.rule, quality.listed_enrolments(s.rule, user), today)
            preview = list(rows[:QUALITY_PREVIEW])
            section["visible_count"] = rows.count()
            section["rows"] = [quality.describe(s.rule, obj, today, user) for obj in preview]
            shown += [r["enrolment"] for r in section["rows"] if "enrolment" in r]
        sections.append(section)
    if shown:
        audit.log_many(request, audit.Action.READ, list({e.pk: e for e in shown}.values()))
    table = [
        {"code": code, "name": names.get(code, code),
         "counts": [s.per_unit.get(code, 0) for s in summaries]}
        for code in unit_codes
    ]
    return render(request, "insights/data_quality.html", {
        "today": today,
        "summaries": summaries,
        "sections": sections,
        "table": table,
        "sees_persons": sees_persons,
        "preview": QUALITY_PREVIEW,
        **_quality_comparison(user, summaries),
    })


def _quality_comparison(user, summaries) -> dict:
    """The latest recorded nightly run and, per rule, the change since it: over the user's own
    unit when they have one, and over all units the counts cover."""
    run = quality.last_run()
    if run is None:
        return {"last_run": None}
    scopes = []
    unit = user.unit if user.unit_id else None
    if unit is not None:
        scopes.append((unit.name, quality.changes_since(
            run, summaries, municipality_id=user.municipality_id, unit_code=unit.code)))
    scopes.append((_("Alla enheter"), quality.changes_since(
        run, summaries, municipality_id=user.municipality_id)))
    return {
        "last_run": run,
        "change_scopes": [name for name, _changes in scopes],
        "change_rows": [
            (s.rule, [changes[i] for _name, changes in scopes]) for i, s in enumerate(summaries)
        ],
    }


@login_required
def data_quality_rule(request: HttpRequest, code: str) -> HttpResponse:
    """One data-quality rule: its count per unit and, for those who may see it, the full list."""
    user = request.user
    _require(quality.can_see_data_quality(user))
    rule = quality.RULES.get(code)
    if rule is None:
        raise Http404
    today = timezone.localdate()
    per_unit = rule.counts(quality.counted_enrolments(user), today)
    names = _unit_names(per_unit)
    sees_persons = access.sees_personal_data(user)
    unit = _quality_unit(request)
    page, rows = None, []
    if sees_persons or rule.lists_units:
        listed = quality.list_rows(rule, quality.listed_enrolments(rule, user), today,
                                   unit.code if unit else None)
        page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("sida"))
        rows = [quality.describe(rule, obj, today, user) for obj in page.object_list]
        audit.log_many(request, audit.Action.READ, list(
            {r["enrolment"].pk: r["enrolment"] for r in rows if "enrolment" in r}.values()
        ))
    return render(request, "insights/data_quality_rule.html", {
        "rule": rule,
        "today": today,
        "per_unit": [(names.get(c, c), c, n) for c, n in sorted(per_unit.items())],
        "count": sum(per_unit.values()),
        "sees_persons": sees_persons,
        "page": page,
        "rows": rows,
        "unit": unit,
        "extra_query": urlencode({"enhet": unit.code}) if unit else "",
    })


def _quality_unit(request: HttpRequest) -> Unit | None:
    """The unit chosen with ?enhet=<code> (the nightly check links to it), within the user's
    municipality; an unknown code is reported and the list shows every unit."""
    code = request.GET.get("enhet", "").strip()
    if not code:
        return None
    units = Unit.objects.filter(code=code)
    if request.user.municipality_id is not None:
        units = units.filter(municipality_id=request.user.municipality_id)
    unit = units.first()
    if unit is None:
        messages.error(request, _(
            "Adressens enhet=%(code)s är ingen enhet i kommunen. Listan visar alla enheter."
        ) % {"code": code})
    return unit
