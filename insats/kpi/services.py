"""Indicators (indikatorer): compute a figure for a period, optionally per group, and find the
enrolments behind it.

Everything is computed in the database (see `queries`); this module checks the request and turns
the aggregates into a `KpiResult`. Access control for the drill-down is the caller's business:
`enrolments_behind` returns all matching enrolments of the scope, to be narrowed with
`insats.core.access.visible_enrolments`.

Both take `unit_ids` (see `scope`): None for the whole database (the `insats kpi` command), or
the units whose enrolments count, e.g. `scope.units_for_user(user)` or
`scope.units_of_board(board)`. An empty scope counts nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from insats.enrolments.models import Enrolment

from . import definitions, queries, scope
from .definitions import Indicator, Kind, Population
from .queries import Period, Units

Number = int | float | None
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class KpiGroup:
    key: str
    value: Number
    numerator: Number
    denominator: Number


@dataclass(frozen=True)
class KpiResult:
    """One indicator figure (nyckeltal) for a period, with its groups when broken down."""

    code: str
    date_from: dt.date
    date_to: dt.date
    value: Number
    numerator: Number
    denominator: Number
    dimension: str | None = None
    groups: list[KpiGroup] = field(default_factory=list)

    @property
    def indicator(self) -> Indicator:
        return definitions.INDICATORS[self.code]

    def as_json(self) -> dict[str, Any]:
        """The machine format of `insats kpi --json` (interchange README, "Machine interface")."""
        return {
            "kpi": self.code,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "groups": [
                {
                    self.dimension: g.key,
                    "value": g.value,
                    "numerator": g.numerator,
                    "denominator": g.denominator,
                }
                for g in self.groups
            ],
        }


# --- Checking the request ------------------------------------------------------------------------


def parse_date(text: str, field_name: str) -> dt.date:
    """A date written YYYY-MM-DD; anything else is a ValidationError on `field_name`."""
    try:
        if not _ISO_DATE.fullmatch(text or ""):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        message = _("”%(value)s” är inget giltigt datum; skriv ÅÅÅÅ-MM-DD.") % {"value": text}
        raise ValidationError({field_name: message}) from None


def get_indicator(code: str) -> Indicator:
    indicator = definitions.get(code)
    if indicator is None:
        raise ValidationError({"kpi": _("Okänd indikator ”%(code)s”. Giltiga: %(codes)s.") % {
            "code": code, "codes": ", ".join(definitions.INDICATORS),
        }})
    return indicator


def check_request(code: str, date_from: dt.date, date_to: dt.date, by: str | None) -> Indicator:
    indicator = get_indicator(code)
    if date_from > date_to:
        raise ValidationError({"date_to": _(
            "Periodens slutdatum %(to)s är före startdatum %(from)s."
        ) % {"to": date_to.isoformat(), "from": date_from.isoformat()}})
    if by is not None and by not in definitions.ALL_DIMENSIONS:
        raise ValidationError({"by": _("Okänd uppdelning ”%(by)s”. Giltiga: %(dims)s.") % {
            "by": by, "dims": ", ".join(definitions.ALL_DIMENSIONS),
        }})
    if by is not None and by not in indicator.dimensions:
        raise ValidationError({"by": _(
            "Indikatorn %(code)s kan inte delas upp på ”%(by)s”. Möjliga uppdelningar: %(dims)s."
        ) % {"code": code, "by": by, "dims": ", ".join(indicator.dimensions)}})
    return indicator


# --- Computing ------------------------------------------------------------------------------------


def _nothing_counted(indicator: Indicator, grouped: bool) -> dict[Any, tuple]:
    """The figures of an empty scope: what the queries give when no row is counted (no groups,
    a count of 0, a share and a cost of 0 over 0 without a value, no median)."""
    if grouped:
        return {}
    empty = {
        Kind.COUNT: (0, None, None),
        Kind.SHARE: (None, 0, 0),
        Kind.MEDIAN: (None, None, None),
        Kind.AMOUNT: (None, 0.0, 0),
    }
    return {None: empty[indicator.kind]}


def _figures(
    indicator: Indicator, period: Period, by: str | None, units: Units = None
) -> dict[Any, tuple]:
    """{group key (None for the total): (value, numerator, denominator)}."""
    grouped = by is not None
    if units is not None and not units:
        return _nothing_counted(indicator, grouped)
    rows = queries.row_set(indicator, period, by, units)
    if indicator.kind is Kind.COUNT:
        counts = queries.aggregate(rows, "COUNT(*)", grouped)
        return {key: (int(n), None, None) for key, (n,) in counts.items()}
    if indicator.kind is Kind.SHARE:
        shares = queries.aggregate(rows, "SUM(t.met), COUNT(*)", grouped)
        return {key: _share(num, den) for key, (num, den) in shares.items()}
    if indicator.kind is Kind.MEDIAN:
        return {key: (weeks, None, None) for key, weeks in queries.median(rows, grouped).items()}
    return _cost_per_participant(period, by, units)


def _share(numerator, denominator) -> tuple:
    numerator, denominator = int(numerator or 0), int(denominator or 0)
    value = numerator / denominator if denominator else None
    return value, numerator, denominator


def _cost_per_participant(period: Period, by: str | None, units: Units) -> dict[Any, tuple]:
    grouped = by is not None
    costs = queries.aggregate(queries.cost_rows(period, by, units), "SUM(t.amt)", grouped)
    participants = queries.aggregate(
        queries.enrolment_rows("deltagare", period, by, units), "COUNT(*)", grouped
    )
    figures = {}
    for key in costs.keys() | participants.keys():
        cost = float(costs.get(key, (None,))[0] or 0)
        count = int(participants.get(key, (0,))[0] or 0)
        figures[key] = (cost / count if count else None, cost, count)
    return figures


def compute(
    code: str,
    date_from: dt.date,
    date_to: dt.date,
    by: str | None = None,
    *,
    unit_ids: Collection[int] | None = None,
) -> KpiResult:
    """Compute indicator `code` for the inclusive period, optionally broken down `by` a dimension.

    `unit_ids`: None counts the whole database; otherwise only the enrolments of those units
    (with their placements, costs and follow-ups), and nothing for an empty collection. The
    summer-job figures (ferie_*) count applications, which belong to a municipality but to no
    unit: with a non-empty scope those of the municipalities of its units, with an empty scope
    none.

    Raises ValidationError (keyed kpi / date_to / by) for an unknown indicator, a reversed period
    or a breakdown the indicator does not have.
    """
    indicator = check_request(code, date_from, date_to, by)
    units = scope.normalise(unit_ids)
    period = Period(date_from, date_to)
    value, numerator, denominator = _figures(indicator, period, None, units)[None]
    groups = []
    if by is not None:
        per_group = _figures(indicator, period, by, units)
        groups = [
            KpiGroup(str(key), *per_group[key]) for key in sorted(per_group, key=str)
        ]
    return KpiResult(code, date_from, date_to, value, numerator, denominator, by, groups)


def enrolments_behind(
    code: str,
    date_from: dt.date,
    date_to: dt.date,
    group: tuple[str, str] | None = None,
    *,
    unit_ids: Collection[int] | None = None,
) -> QuerySet[Enrolment]:
    """The enrolments behind a figure (its denominator for shares), optionally of one group.

    `group` is (dimension, key) as in `KpiResult.groups`; `unit_ids` the scope as in `compute`,
    so the list is the one behind `compute(..., unit_ids=unit_ids)`. For `deltagare` these are
    the enrolments that place each person in their group; for `kostnad_per_deltagare` those plus
    the enrolments whose placements carry the cost. Not access-controlled: narrow the result
    with `insats.core.access.visible_enrolments(user)` before showing it.
    """
    dimension = group[0] if group else None
    indicator = check_request(code, date_from, date_to, dimension)
    if indicator.population is not Population.ENROLMENTS:
        raise ValidationError({"kpi": _(
            "Indikatorn %(code)s bygger på feriejobbsansökningar, inte inskrivningar."
        ) % {"code": code}})
    units = scope.normalise(unit_ids)
    if units is not None and not units:
        return Enrolment.objects.none()
    population = queries.enrolment_population(
        code, Period(date_from, date_to), dimension, units
    )
    if group is not None:
        population = population.annotate(grp=queries.enrolment_group(dimension)).filter(
            grp=group[1]
        )
    return Enrolment.objects.filter(pk__in=population.order_by().values("pk"))
