"""The indicator dashboard (nyckeltal per år): every indicator for one year with its definition,
target and gap, the value month by month, and its breakdowns.

Every figure comes from `insats.kpi.services.compute`, the one definition of each indicator:
the year's figure is `compute(code, 1 January, 31 December or today if earlier)`, each month is
one `compute` over that month (months that have not begun are left empty), each breakdown one
`compute(..., by=dimension)`. The result is aggregated only, so the whole municipality's figures
are shown; the list of enrolments behind a figure is a separate, access-controlled page.

Scope: `build` takes the `unit_ids` whose enrolments count (the pages pass
`insats.kpi.scope.units_for_user`, the user's municipality) and the municipality whose board
goals give the targets; every `compute` gets the same scope, and the cache is kept per scope.

Small cells (små tal): the dashboard is internal, so exact numbers are shown, but a figure that
rests on 1–4 counted persons, enrolments or applications is marked. The published board report
suppresses such cells.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from insats.codes.models import MeasureCategory, ReferralSource
from insats.enrolments.models import Enrolment, NeedCategory
from insats.goals.services import target_for as goals_target_for
from insats.kpi import definitions, scope
from insats.kpi.dashboard import format_value
from insats.kpi.definitions import Indicator, Kind, Population
from insats.kpi.services import KpiResult, compute
from insats.organisation.models import Board, Unit
from insats.persons.models import Gender

SMALL_CELL_LIMIT = 5  # counts 1..4 are marked
CACHE_SECONDS = 300
EARLIEST_YEARS_BACK = 10


@dataclass(frozen=True)
class YearPeriod:
    """A calendar year as far as it has gone: 1 January – 31 December, or today if earlier."""

    year: int
    date_from: dt.date
    date_to: dt.date

    @property
    def is_partial(self) -> bool:
        return self.date_to.month != 12 or self.date_to.day != 31


def year_period(year: int, today: dt.date) -> YearPeriod:
    if year > today.year:
        raise ValidationError({"year": _("Året %(year)d har inte börjat.") % {"year": year}})
    return YearPeriod(year, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))


def month_period(year: int, month: int, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The month's date range as far as it has gone, or None when it has not begun."""
    first = dt.date(year, month, 1)
    if first > today:
        return None
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return first, min(last, today)


def selectable_years(today: dt.date, unit_ids: Collection[int] | None = None) -> list[int]:
    """Years that can be chosen: from the first enrolment's year in the scope (at most ten
    back) to now."""
    enrolments = Enrolment.objects.all()
    if unit_ids is not None:
        enrolments = enrolments.filter(unit_id__in=sorted(scope.normalise(unit_ids)))
    first = enrolments.order_by("start_date").values_list("start_date", flat=True).first()
    start = max(first.year if first else today.year, today.year - EARLIEST_YEARS_BACK)
    return list(range(today.year, start - 1, -1))


# --- Targets (målvärden) from the goals app ----------------------------------------------------


def target_for(code: str, year: int, municipality_id: int | None = None) -> Decimal | None:
    """The indicator's target value (målvärde) for the year, as set in the goals app; shares
    are fractions there too, so outcome and target compare directly. With a municipality, only
    the goals of its boards (the first board, by id, that sets one)."""
    if municipality_id is None:
        return goals_target_for(code, year)
    for board in Board.objects.filter(municipality_id=municipality_id).order_by("pk"):
        target = goals_target_for(code, year, board)
        if target is not None:
            return target
    return None


def gap(kind: Kind, value, target: Decimal | None) -> float | None:
    """Outcome minus target in the indicator's own unit (fraction for shares)."""
    if value is None or target is None:
        return None
    return float(value) - float(target)


def format_gap(kind: Kind, difference: float | None) -> str:
    if difference is None:
        return "–"
    sign = "+" if difference > 0 else ("−" if difference < 0 else "±")
    size = abs(difference)
    if kind == Kind.SHARE:
        text = _("%(n)s procentenheter") % {"n": f"{size * 100:.1f}".replace(".", ",")}
    else:
        text = format_value(kind, size)
    return f"{sign}{text}"


# --- Group labels ----------------------------------------------------------------------------


def group_labels(dimension: str, keys: list[str]) -> dict[str, str]:
    """Readable names of a breakdown's group keys (codes stay visible for units)."""
    if dimension == "gender":
        return {k: str(Gender(k).label) if k in Gender.values else k for k in keys}
    if dimension == "need_category":
        labels = dict(NeedCategory.choices)
        return {k: str(labels.get(k, k)) if k else _("Okänd") for k in keys}
    if dimension == "unit":
        names = dict(Unit.objects.filter(code__in=keys).values_list("code", "name"))
        return {k: f"{names[k]} ({k})" if k in names else k for k in keys}
    if dimension == "referral_source":
        names = dict(ReferralSource.objects.filter(code__in=keys).values_list("code", "label_sv"))
        return {k: names.get(k, k) for k in keys}
    if dimension == "measure_category":
        names = dict(MeasureCategory.objects.filter(code__in=keys).values_list("code", "label_sv"))
        return {k: names.get(k, k) for k in keys}
    return {k: k or _("Okänd") for k in keys}


# --- Computing -------------------------------------------------------------------------------


def _counted(kind: Kind, value, numerator, denominator) -> int | None:
    """How many persons/enrolments/applications a figure rests on (None when unknown)."""
    if kind == Kind.COUNT:
        return int(value) if value is not None else None
    if kind in (Kind.SHARE, Kind.AMOUNT):
        return int(denominator) if denominator is not None else None
    return None


def is_small(n: int | None) -> bool:
    return n is not None and 0 < n < SMALL_CELL_LIMIT


def _chart_value(kind: Kind, value) -> float | None:
    """The number drawn in a chart: shares as percent, others as they are."""
    if value is None:
        return None
    return round(float(value) * 100, 1) if kind == Kind.SHARE else round(float(value), 1)


def _cell(indicator: Indicator, value, numerator, denominator, n_closed: int | None) -> dict:
    kind = indicator.kind
    n = n_closed if kind == Kind.MEDIAN else _counted(kind, value, numerator, denominator)
    return {
        "value": value,
        "text": format_value(kind, value),
        "numerator": numerator,
        "denominator": denominator,
        "shows_fraction": kind in (Kind.SHARE, Kind.AMOUNT),
        "numerator_text": format_value(Kind.AMOUNT if kind == Kind.AMOUNT else Kind.COUNT,
                                       numerator),
        "denominator_text": format_value(Kind.COUNT, denominator),
        "small": is_small(n),
        "chart": _chart_value(kind, value),
    }


def _compute_all(
    period: YearPeriod, today: dt.date, unit_ids: Collection[int] | None
) -> dict[str, dict[str, Any]]:
    """Every indicator's KpiResults: total, months and breakdowns (before formatting)."""
    raw: dict[str, dict[str, Any]] = {}
    months = [month_period(period.year, m, today) for m in range(1, 13)]
    for code, indicator in definitions.INDICATORS.items():
        total = compute(code, period.date_from, period.date_to, unit_ids=unit_ids)
        monthly: list[KpiResult | None] = []
        if indicator.population is Population.ENROLMENTS:
            monthly = [compute(code, *m, unit_ids=unit_ids) if m else None for m in months]
        by = {dim: compute(code, period.date_from, period.date_to, by=dim, unit_ids=unit_ids)
              for dim in indicator.dimensions}
        raw[code] = {"total": total, "months": monthly, "by": by}
    return raw


def _closed_counts(raw: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Number of closed enrolments per cell, which is what a median rests on."""
    closed = raw["avslutade"]
    return {
        "total": closed["total"].value,
        "months": [r.value if r else None for r in closed["months"]],
        "by": {dim: {g.key: g.value for g in r.groups} for dim, r in closed["by"].items()},
    }


def month_labels() -> list[str]:
    return [formats.date_format(dt.date(2000, m, 1), "M") for m in range(1, 13)]


def build(
    year: int,
    today: dt.date,
    *,
    unit_ids: Collection[int] | None = None,
    municipality_id: int | None = None,
) -> dict[str, Any]:
    """The dashboard for one year: a list of indicator panels and the charts' data.

    `unit_ids` as in `compute` (None: the whole database); `municipality_id` the municipality
    whose board goals give the targets (None: any board's)."""
    period = year_period(year, today)
    # Labels are translated when built, so each language has its own copy.
    key = (
        f"insights-dashboard:{get_language()}:{scope.cache_key(unit_ids)}:{municipality_id}:"
        f"{year}:{period.date_to.isoformat()}"
    )
    cached = cache.get(key)
    if cached is None:
        cached = _build(period, today, unit_ids, municipality_id)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _build(
    period: YearPeriod,
    today: dt.date,
    unit_ids: Collection[int] | None,
    municipality_id: int | None,
) -> dict[str, Any]:
    raw = _compute_all(period, today, unit_ids)
    closed = _closed_counts(raw)
    labels = month_labels()
    panels, charts = [], {}
    for code, indicator in definitions.INDICATORS.items():
        result = raw[code]
        total: KpiResult = result["total"]
        target = target_for(code, period.year, municipality_id)
        difference = gap(indicator.kind, total.value, target)
        panel = {
            "code": code,
            "name": indicator.name,
            "definition": indicator.definition,
            "kind": indicator.kind.value,
            "is_enrolment": indicator.population is Population.ENROLMENTS,
            "total": _cell(indicator, total.value, total.numerator, total.denominator,
                           closed["total"]),
            "target": target,
            "target_text": format_value(indicator.kind, float(target))
            if target is not None else "–",
            "gap": difference,
            "gap_text": format_gap(indicator.kind, difference),
            "months": [],
            "breakdowns": [],
        }
        for index, month in enumerate(result["months"], start=1):
            cell = (
                _cell(indicator, month.value, month.numerator, month.denominator,
                      closed["months"][index - 1])
                if month else None
            )
            panel["months"].append({"month": index, "label": labels[index - 1], "cell": cell})
        if panel["months"]:
            charts[f"trend-{code}"] = {
                "type": "line",
                "kind": indicator.kind.value,
                "labels": labels,
                "values": [m["cell"]["chart"] if m["cell"] else None for m in panel["months"]],
                "target": _chart_value(indicator.kind, target),
                "series": str(indicator.name),
                "target_label": _("Mål"),
            }
        for dim, by_result in result["by"].items():
            names = group_labels(dim, [g.key for g in by_result.groups])
            groups = [
                {
                    "key": g.key,
                    "label": names[g.key],
                    "cell": _cell(indicator, g.value, g.numerator, g.denominator,
                                  closed["by"].get(dim, {}).get(g.key)),
                }
                for g in by_result.groups
            ]
            panel["breakdowns"].append({
                "dimension": dim,
                "name": definitions.DIMENSION_NAMES[dim],
                "groups": groups,
                "chart_id": f"by-{code}-{dim}",
                "adds_up": dim != "measure_category",
            })
            charts[f"by-{code}-{dim}"] = {
                "type": "bar",
                "kind": indicator.kind.value,
                "labels": [g["label"] for g in groups],
                "values": [g["cell"]["chart"] for g in groups],
                "series": str(indicator.name),
            }
        panels.append(panel)
    return {
        "period": period,
        "panels": panels,
        "charts": charts,
        "has_small": any(_has_small(p) for p in panels),
    }


def _has_small(panel: dict) -> bool:
    cells = [panel["total"]] + [m["cell"] for m in panel["months"] if m["cell"]]
    cells += [g["cell"] for b in panel["breakdowns"] for g in b["groups"]]
    return any(c["small"] for c in cells)
