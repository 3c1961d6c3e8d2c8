"""The SQL behind the indicators: set-based, identical on SQLite and PostgreSQL.

Each indicator is computed in two steps, both in the database:

1. a *row set*: a Django queryset that yields one row per counted thing (an enrolment, a person,
   a placement, an application) with the columns `rk` (the row's key), `grp` (the group key,
   only with a breakdown) and the measured column (`met` 0/1 for shares, `d` days for medians,
   `amt` kronor for costs). It is DISTINCT, so the placement join that a breakdown by measure
   category needs cannot count a row twice within a group;
2. a small aggregate query wrapped around the row set's SQL (`COUNT`, `SUM`, and for the median
   a window-function query that both backends run the same way).

The few expressions whose SQL differs between the backends (calendar-month arithmetic, days
between dates, a date as the number YYYYMMDD) are `Func`s with one method per backend.

Scope (urval, see `scope`): every enrolment row set takes `units`, None for the whole database
or a non-empty frozenset of unit ids. When scoped, the row set's base queryset gets one
parameterised `unit_id IN (...)` predicate (placements: their enrolment's unit) before anything
is ranked, joined or grouped, so a person's "latest enrolment" is their latest in the scope. The
unscoped SQL is exactly what it was without a scope. An empty scope is answered by the caller
(`services`) without a query, since `IN ()` has no SQL. Summer-job applications have a
municipality but no unit: scoped, they are narrowed by one parameterised
`municipality_id IN (SELECT municipality_id FROM unit WHERE id IN (...))` predicate to the
applications of the scope's municipalities.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import NotSupportedError, connections
from django.db.models import (
    Case,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber, Substr

from insats.core.dates import AddMonths
from insats.enrolments.models import Enrolment, Followup
from insats.measures.models import Placement
from insats.organisation.models import Unit
from insats.youth.models import YouthApplication

from . import definitions
from .definitions import Indicator, Population

Units = frozenset[int] | None


@dataclass(frozen=True)
class Period:
    """An inclusive date range [date_from, date_to]."""

    date_from: dt.date
    date_to: dt.date

    @classmethod
    def year_to_date(cls, year: int, today: dt.date) -> Period | None:
        """The calendar year, or 1 January → today for the current year; None for a year that
        has not begun. Goals, dashboard and reports all report a year this way."""
        if year > today.year:
            return None
        return cls(dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))


# --- Backend-specific expressions -------------------------------------------------------------


class DaysBetween(Func):
    """Whole days from `start` to `end` (end − start) as an integer."""

    output_field = IntegerField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"DaysBetween is not implemented for {connection.vendor}")

    def _compiled(self, compiler):
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        return end_sql, start_sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        end_sql, start_sql, params = self._compiled(compiler)
        return f"(({end_sql}) - ({start_sql}))", params

    def as_sqlite(self, compiler, connection, **extra_context):
        end_sql, start_sql, params = self._compiled(compiler)
        return f"CAST(JULIANDAY({end_sql}) - JULIANDAY({start_sql}) AS INTEGER)", params


# --- Group keys --------------------------------------------------------------------------------


def _int(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=IntegerField())


class DateNumber(Func):
    """A date as the integer YYYYMMDD, with each backend's own native date formatting."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"DateNumber is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(TO_CHAR({sql}, 'YYYYMMDD') AS INTEGER)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        # %% because Django's SQLite cursor turns "%%" into "%" when converting placeholders.
        return f"CAST(STRFTIME('%%Y%%m%%d', {sql}) AS INTEGER)", params


def age_at(birth_date: F, on_date: F) -> ExpressionWrapper:
    """Age in whole years on `on_date`: (YYYYMMDD on − YYYYMMDD birth) integer-divided by 10000.

    Both backends divide integers by truncation, which for these non-negative values is the
    floor, so a person is one year older on their birthday and not the day before.
    """
    return _int((DateNumber(on_date) - DateNumber(birth_date)) / 10000)


AGE_BAND_UPPER_LIMITS = (19, 24, 29, 49)  # of every band but the last, in definitions.AGE_BANDS


class AgeBand(Func):
    """The age band (-19, 20-24, 25-29, 30-49, 50-) of an age in whole years.

    The age expression is evaluated once per row: a plain CASE would repeat it in every WHEN,
    and computing an age from two dates is what costs. PostgreSQL looks the band up with
    WIDTH_BUCKET; SQLite computes the age in a one-row subquery and the CASE reads that.
    """

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"AgeBand is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        age_sql, age_params = compiler.compile(self.source_expressions[0])
        labels = ", ".join("%s" for _ in definitions.AGE_BANDS)
        lower_bounds = ", ".join(str(limit + 1) for limit in AGE_BAND_UPPER_LIMITS)
        sql = f"(ARRAY[{labels}]::text[])[WIDTH_BUCKET({age_sql}, ARRAY[{lower_bounds}]) + 1]"
        return sql, (*definitions.AGE_BANDS, *age_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        age_sql, age_params = compiler.compile(self.source_expressions[0])
        whens = " ".join(
            f"WHEN kpi_age.years <= {limit} THEN %s" for limit in AGE_BAND_UPPER_LIMITS
        )
        sql = f"(SELECT CASE {whens} ELSE %s END FROM (SELECT {age_sql} AS years) kpi_age)"
        return sql, (*definitions.AGE_BANDS, *age_params)


def age_band(age) -> AgeBand:
    """The age bands -19, 20-24, 25-29, 30-49, 50-."""
    return AgeBand(age)


def enrolment_group(dimension: str, prefix: str = ""):
    """The group key of an enrolment (reached through `prefix`, e.g. "enrolment__")."""
    p = prefix
    expressions = {
        "gender": lambda: F(f"{p}person__gender"),
        "age_band": lambda: age_band(age_at(F(f"{p}person__birth_date"), F(f"{p}start_date"))),
        "need_category": lambda: Coalesce(F(f"{p}need_category"), Value("")),
        "unit": lambda: F(f"{p}unit__code"),
        "referral_source": lambda: F(f"{p}referral_source_id"),
        # A join to every placement of the enrolment: one row per (enrolment, placement).
        "measure_category": lambda: F(f"{p}placements__measure__category_id"),
    }
    return expressions[dimension]()


def season_year():
    return Substr("season", 1, 4)


def youth_group(dimension: str):
    """The group key of a summer-job application; age is season year − birth year."""
    if dimension == "age_band":
        birth_year = _int(DateNumber("birth_date") / 10000)
        age = _int(Cast(season_year(), IntegerField()) - birth_year)
        return age_band(age)
    return F({"gender": "gender", "season": "season"}[dimension])


# --- Populations ---------------------------------------------------------------------------------


def in_units(qs: QuerySet, units: Units, prefix: str = "") -> QuerySet:
    """`qs` narrowed to rows whose enrolment (reached through `prefix`) is held by one of
    `units`; unchanged for the whole database (None)."""
    if units is None:
        return qs
    return qs.filter(**{f"{prefix}unit_id__in": sorted(units)})


def _enrolments(units: Units) -> QuerySet[Enrolment]:
    return in_units(Enrolment.objects.all(), units)


def active_in(period: Period, prefix: str = "") -> Q:
    """Active on at least one day: started by the last day, not ended before the first."""
    return Q(**{f"{prefix}start_date__lte": period.date_to}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": period.date_from})
    )


def started_in(period: Period) -> Q:
    return Q(start_date__gte=period.date_from, start_date__lte=period.date_to)


def closed_in(period: Period) -> Q:
    return Q(end_date__gte=period.date_from, end_date__lte=period.date_to)


def _twelve_month_followups() -> QuerySet[Followup]:
    return Followup.objects.filter(enrolment=OuterRef("pk"), months_after=12)


def _latest_first() -> Window:
    """ROW_NUMBER over each person's enrolments, latest start first (higher id on a tie): one
    sort instead of a correlated subquery per row."""
    return Window(
        RowNumber(),
        partition_by=[F("person_id")],
        order_by=[F("start_date").desc(), F("pk").desc()],
    )


def deltagare_enrolments(
    period: Period, dimension: str | None, units: Units = None
) -> QuerySet[Enrolment]:
    """The enrolments that place each participant in a group.

    One per person (the latest started in the period), so the groups add up; with a breakdown by
    measure category all active enrolments, since a person counts in each category anyway.
    """
    active = _enrolments(units).filter(active_in(period))
    if dimension == "measure_category":
        return active
    latest = active.order_by().annotate(person_rank=_latest_first()).filter(person_rank=1)
    return Enrolment.objects.filter(pk__in=latest.values("pk"))


def enrolment_population(
    code: str, period: Period, dimension: str | None, units: Units = None
) -> QuerySet[Enrolment]:
    """The enrolments behind an enrolment indicator (its denominator for shares), of `units`."""
    if code == "deltagare":
        return deltagare_enrolments(period, dimension, units)
    enrolments = _enrolments(units)
    if code in ("nya", "plan_inom_3_man"):
        return enrolments.filter(started_in(period))
    if code in ("avslutade", "andel_arbete_studier", "median_veckor"):
        return enrolments.filter(closed_in(period))
    if code == "ej_forsorjningsstod_12_man":
        known = _twelve_month_followups().exclude(status_id=definitions.FOLLOWUP_UNKNOWN)
        return enrolments.filter(closed_in(period)).filter(Exists(known))
    if code == "kostnad_per_deltagare":
        costed = Placement.objects.filter(
            enrolment=OuterRef("pk"),
            start_date__gte=period.date_from,
            start_date__lte=period.date_to,
        )
        participants = deltagare_enrolments(period, dimension, units).values("pk")
        return enrolments.filter(Q(pk__in=participants) | Exists(costed))
    raise ValueError(f"not an enrolment indicator: {code}")


def _measured_column(code: str) -> dict[str, Any]:
    """The per-row column an indicator aggregates, beside the row key and group."""
    if code == "andel_arbete_studier":
        return {"met": Case(
            When(closure_reason__outcome_group__in=definitions.WORK_OR_STUDIES, then=Value(1)),
            default=Value(0), output_field=IntegerField(),
        )}
    if code == "plan_inom_3_man":
        deadline = AddMonths(F("start_date"), 3)
        return {"met": Case(
            When(plan_date__lte=deadline, then=Value(1)), default=Value(0),
            output_field=IntegerField(),
        )}
    if code == "median_veckor":
        return {"d": DaysBetween(F("end_date"), F("start_date"))}
    return {}


def _row_set(
    qs: QuerySet, key: str, columns: dict[str, Any], group=None, dimension: str | None = None
) -> QuerySet:
    """Distinct rows (rk, columns..., [grp]) of a queryset."""
    qs = qs.order_by().annotate(rk=F(key), **columns)
    names = ["rk", *columns]
    if group is not None:
        qs = qs.annotate(grp=group)
        if dimension == "measure_category":
            # The placement join is a LEFT JOIN: enrolments without placements have no category.
            qs = qs.filter(grp__isnull=False)
        names.append("grp")
    rows = qs.values(*names)
    # Every other group is reached through to-one joins, so rows keyed by the primary key are
    # unique already; only the placement join, or a key that repeats, needs the (sorting) DISTINCT.
    if dimension == "measure_category" or key != "pk":
        rows = rows.distinct()
    return rows


def participant_rows(period: Period, dimension: str | None, units: Units = None) -> QuerySet:
    """One row per participant (rk = person) and group: the row set of `deltagare`."""
    active = _enrolments(units).filter(active_in(period))
    if dimension is None or dimension == "measure_category":
        # No ranking needed: in total a person counts once, by category once in each category.
        group = enrolment_group(dimension) if dimension else None
        return _row_set(active, "person_id", {}, group, dimension)
    # The group of the person's latest enrolment, ranked and grouped in one pass (the same rule
    # as deltagare_enrolments, without joining the ranked ids back to the enrolments).
    ranked = active.order_by().annotate(
        person_rank=_latest_first(), rk=F("person_id"), grp=enrolment_group(dimension)
    )
    return ranked.filter(person_rank=1).values("rk", "grp")


def followup_rows(period: Period, dimension: str | None, units: Units = None) -> QuerySet:
    """Enrolments closed in the period with a known 12-month follow-up status, `met` = not on
    försörjningsstöd: the row set of `ej_forsorjningsstod_12_man`.

    The same enrolments as `enrolment_population`, but the follow-up is joined (an enrolment has
    at most one per interval) instead of looked up by two EXISTS per enrolment.
    """
    twelve = FilteredRelation("followups", condition=Q(followups__months_after=12))
    closed = (
        _enrolments(units).filter(closed_in(period))
        .annotate(twelve=twelve, status12=F("twelve__status_id"))
        .filter(status12__isnull=False)
        .exclude(status12=definitions.FOLLOWUP_UNKNOWN)
    )
    met = Case(
        When(status12=definitions.FOLLOWUP_SUPPORT, then=Value(0)), default=Value(1),
        output_field=IntegerField(),
    )
    group = enrolment_group(dimension) if dimension else None
    return _row_set(closed, "pk", {"met": met}, group, dimension)


def enrolment_rows(
    code: str, period: Period, dimension: str | None, units: Units = None
) -> QuerySet:
    # deltagare counts persons; every other enrolment indicator counts enrolments.
    if code == "deltagare":
        return participant_rows(period, dimension, units)
    if code == "ej_forsorjningsstod_12_man":
        return followup_rows(period, dimension, units)
    group = enrolment_group(dimension) if dimension else None
    population = enrolment_population(code, period, dimension, units)
    return _row_set(population, "pk", _measured_column(code), group, dimension)


def cost_rows(period: Period, dimension: str | None, units: Units = None) -> QuerySet:
    """Placements started in the period with their cost, grouped by their enrolment's group."""
    placements = in_units(Placement.objects.all(), units, "enrolment__").filter(
        start_date__gte=period.date_from, start_date__lte=period.date_to
    )
    group = enrolment_group(dimension, "enrolment__") if dimension else None
    return _row_set(placements, "pk", {"amt": F("cost_sek")}, group, dimension)


def in_municipalities_of(qs: QuerySet, units: Units) -> QuerySet:
    """`qs` (rows with a `municipality`) narrowed to the municipalities of `units`, in one
    subquery; unchanged for the whole database (None)."""
    if units is None:
        return qs
    municipalities = Unit.objects.filter(pk__in=sorted(units)).values("municipality_id")
    return qs.filter(municipality_id__in=municipalities)


def youth_rows(
    indicator: Indicator, period: Period, dimension: str | None, units: Units = None
) -> QuerySet:
    """Applications whose season year lies within from.year … to.year, with the funnel flag.

    Scoped, only the applications of the municipalities the scope's units belong to: an
    application has a municipality but no unit (see `scope`)."""
    apps = in_municipalities_of(YouthApplication.objects.all(), units)
    apps = apps.annotate(season_year=season_year()).filter(
        season_year__gte=f"{period.date_from.year:04d}",
        season_year__lte=f"{period.date_to.year:04d}",
    )
    if indicator.youth_flag:
        apps = apps.filter(**{f"status__{indicator.youth_flag}": True})
    group = youth_group(dimension) if dimension else None
    return _row_set(apps, "pk", {}, group, dimension)


def row_set(
    indicator: Indicator, period: Period, dimension: str | None, units: Units = None
) -> QuerySet:
    if indicator.population is Population.YOUTH:
        return youth_rows(indicator, period, dimension, units)
    return enrolment_rows(indicator.code, period, dimension, units)


# --- Aggregation -------------------------------------------------------------------------------


def _run(rows: QuerySet, sql_for) -> list[tuple]:
    inner_sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql_for(f"({inner_sql})"), params)
        return cursor.fetchall()


def aggregate(rows: QuerySet, select: str, grouped: bool) -> dict[str | None, tuple]:
    """`SELECT [grp,] <select> FROM rows [GROUP BY grp]` → {group key or None: values}."""

    def sql_for(inner: str) -> str:
        if grouped:
            return f"SELECT t.grp, {select} FROM {inner} t GROUP BY t.grp"
        return f"SELECT {select} FROM {inner} t"

    result = _run(rows, sql_for)
    if grouped:
        return {row[0]: row[1:] for row in result}
    return {None: result[0]}


def median(rows: QuerySet, grouped: bool) -> dict[str | None, float | None]:
    """Median of `d` (days) ÷ 7 per group: the middle row, or the mean of the two middle rows.

    ROW_NUMBER and COUNT over the same partition pick rows (n+1)/2 and (n+2)/2 (integer
    division), which is one row for odd n and the two middle rows for even n.
    """
    partition = "PARTITION BY t.grp" if grouped else ""
    grp = "r.grp, " if grouped else ""

    def sql_for(inner: str) -> str:
        numbered = (
            f"SELECT {'t.grp, ' if grouped else ''}t.d, "
            f"ROW_NUMBER() OVER ({partition} ORDER BY t.d) AS rn, "
            f"COUNT(*) OVER ({partition}) AS cnt FROM {inner} t"
        )
        return (
            f"SELECT {grp}AVG(CAST(r.d AS DOUBLE PRECISION)) / 7 FROM ({numbered}) r "
            f"WHERE r.rn IN ((r.cnt + 1) / 2, (r.cnt + 2) / 2)"
            + (" GROUP BY r.grp" if grouped else "")
        )

    result = _run(rows, sql_for)
    if grouped:
        return {row[0]: _float(row[1]) for row in result}
    return {None: _float(result[0][0]) if result else None}


def _float(value) -> float | None:
    return None if value is None else float(value)
