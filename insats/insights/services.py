"""Uppföljning: who may see the statistics pages, cost per measure (kostnad per insats) and
budget per measure and year (budget mot utfall).

Cost of a measure in a period (kostnad per insats):

- *platskostnad*: the catalogue's unit cost (`Measure.unit_cost_sek`, per place and month) ×
  placement months, where placement months = the placement's days within the period ÷ 30.4375
  (the average length of a month). A placement without an end date runs until today, so the
  outcome never includes days that have not happened yet;
- *direkt kostnad*: `Placement.cost_sek` of placements that started in the period (the same
  rule as the indicator `kostnad_per_deltagare`);
- cost = platskostnad + direkt kostnad.

Participants (deltagare i insatsen) are distinct persons with a placement in the measure on at
least one day of the period up to today. Participants to work or studies are those of them whose
enrolment closed in the period with a closure reason in the outcome group arbete or studier; a
person with placements in several measures counts in each. Hours are attendance hours dated in
the period plus imported hours (`reported_hours`) of placements that started in the period.

Everything is aggregated in the database, one row per measure; only the multiplication of a
measure's summed days by its unit cost is done on that one row.

Scope (`unit_ids`, see `insats.kpi.scope`): None counts every placement in the database;
otherwise only placements (and their attendance) of enrolments held by those units, and the
measures shown are those with such placements plus the active or budgeted measures that belong
to one of those units or to no unit (the shared catalogue). Budgets belong to a measure, not to
a municipality, so a shared measure shows its whole budget. An empty scope shows nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import Role, User
from insats.codes.models import OutcomeGroup
from insats.kpi import scope
from insats.kpi.queries import DaysBetween, Units
from insats.measures.models import Attendance, Measure, Placement

from .models import MAX_YEAR, MIN_YEAR, MeasureBudget

DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12
WORK_OR_STUDIES = (OutcomeGroup.ARBETE, OutcomeGroup.STUDIER)
MONEY = Decimal("0.01")
STATISTICS_ROLES = (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)
BUDGET_ROLES = (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)
_MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


# --- Who may see what -----------------------------------------------------------------------


def can_see_statistics(user: User) -> bool:
    """The dashboard and cost pages: enhetschef, controller and administrator (aggregates)."""
    return user.is_authenticated and user.is_active and user.role in STATISTICS_ROLES


def can_edit_budgets(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in BUDGET_ROLES


# --- Cost per measure -----------------------------------------------------------------------


def _money(value: Decimal | int | float | None) -> Decimal:
    return Decimal(value or 0).quantize(MONEY, rounding=ROUND_HALF_UP)


def _per(amount: Decimal, count: int | Decimal | None) -> Decimal | None:
    """amount ÷ count in kronor, or None when there is nobody to divide by."""
    if not count:
        return None
    return (amount / Decimal(count)).quantize(MONEY, rounding=ROUND_HALF_UP)


def outcome_end(date_to: dt.date, today: dt.date) -> dt.date:
    """The last day that counts for what has happened: the period's end, or today if earlier."""
    return min(date_to, today)


def _placement_filters(
    date_from: dt.date, date_to: dt.date, today: dt.date, prefix: str, units: Units = None
):
    """(ran in the period up to today, started in the period, closed to work/studies) as Q,
    each limited to placements of enrolments of `units` when scoped (non-empty)."""
    p = prefix
    end = outcome_end(date_to, today)
    if end < date_from:
        # A period that has not begun: nothing has run in it (an empty date range).
        ran = Q(**{f"{p}start_date__gt": end, f"{p}start_date__lte": end})
    else:
        ran = Q(**{f"{p}start_date__lte": end}) & (
            Q(**{f"{p}end_date__isnull": True}) | Q(**{f"{p}end_date__gte": date_from})
        )
    started = Q(**{f"{p}start_date__gte": date_from, f"{p}start_date__lte": date_to})
    success = ran & Q(
        **{
            f"{p}enrolment__end_date__gte": date_from,
            f"{p}enrolment__end_date__lte": date_to,
            f"{p}enrolment__closure_reason__outcome_group__in": WORK_OR_STUDIES,
        }
    )
    if units is not None:
        in_scope = Q(**{f"{p}enrolment__unit_id__in": sorted(units)})
        ran, started, success = ran & in_scope, started & in_scope, success & in_scope
    return ran, started, success


def _days_in_period(date_from: dt.date, date_to: dt.date, today: dt.date, prefix: str):
    """Days of a placement within [date_from, min(date_to, today)]; only summed over the
    placements that ran then (`ran`), for which the first day is never after the last."""
    p = prefix
    end = Value(outcome_end(date_to, today), output_field=DateField())
    first = Greatest(F(f"{p}start_date"), Value(date_from, output_field=DateField()))
    last = Least(Coalesce(F(f"{p}end_date"), end), end)
    return ExpressionWrapper(DaysBetween(last, first) + 1, output_field=IntegerField())


def _hours_subquery(
    date_from: dt.date, date_to: dt.date, today: dt.date, units: Units = None
) -> Subquery:
    attended = Attendance.objects.filter(
        placement__measure=OuterRef("pk"),
        date__gte=date_from,
        date__lte=outcome_end(date_to, today),
    )
    if units is not None:
        attended = attended.filter(placement__enrolment__unit_id__in=sorted(units))
    attended = (
        attended.order_by()
        .values("placement__measure")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return Subquery(attended, output_field=_MONEY_FIELD)


def _budget_subquery(date_from: dt.date, date_to: dt.date) -> Subquery:
    budgets = (
        MeasureBudget.objects.filter(
            measure=OuterRef("pk"), year__gte=date_from.year, year__lte=date_to.year
        )
        .order_by()
        .values("measure")
        .annotate(total=Sum("amount_sek"))
        .values("total")
    )
    return Subquery(budgets, output_field=_MONEY_FIELD)


def measure_cost_queryset(
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
    *,
    unit_ids: Collection[int] | None = None,
) -> QuerySet[Measure]:
    """Measures annotated with the period's aggregates (one row per measure).

    Included: active measures, and any measure with a placement or a budget in the period;
    scoped to `unit_ids` (non-empty), the active and budgeted measures only when they belong to
    one of the units or to no unit (the module docstring says more).
    """
    today = today or timezone.localdate()
    units = scope.normalise(unit_ids)
    ran, started, success = _placement_filters(date_from, date_to, today, "placements__", units)
    zero = Value(Decimal(0), output_field=_MONEY_FIELD)
    qs = Measure.objects.select_related("category").annotate(
        n_placements=Count("placements", filter=ran, distinct=True),
        n_participants=Count("placements__enrolment__person", filter=ran, distinct=True),
        n_success=Count("placements__enrolment__person", filter=success, distinct=True),
        placement_days=Coalesce(
            Sum(_days_in_period(date_from, date_to, today, "placements__"), filter=ran),
            Value(0),
        ),
        direct_cost=Coalesce(Sum("placements__cost_sek", filter=started), zero),
        reported_hours=Coalesce(Sum("placements__reported_hours", filter=started), zero),
        attended_hours=Coalesce(_hours_subquery(date_from, date_to, today, units), zero),
        budget=_budget_subquery(date_from, date_to),
    )
    activity = Q(n_placements__gt=0) | Q(direct_cost__gt=0)
    if units is None:
        listed = Q(active=True) | activity | Q(budget__isnull=False)
    else:
        own = Q(unit__isnull=True) | Q(unit_id__in=sorted(units))
        listed = ((Q(active=True) | Q(budget__isnull=False)) & own) | activity
    return qs.filter(listed).order_by("category__sort_order", "name", "pk")


def _row(measure: Measure) -> dict[str, Any]:
    rate = measure.unit_cost_sek
    days = int(measure.placement_days or 0)
    place_cost = _money(Decimal(days) / DAYS_PER_MONTH * rate) if rate is not None else _money(0)
    direct = _money(measure.direct_cost)
    cost = place_cost + direct
    hours = (Decimal(measure.attended_hours or 0) + Decimal(measure.reported_hours or 0)).quantize(
        MONEY, rounding=ROUND_HALF_UP
    )
    budget = _money(measure.budget) if measure.budget is not None else None
    return {
        "measure_id": measure.pk,
        "measure_code": measure.code,
        "name": measure.name,
        "category": measure.category_id,
        "category_name": measure.category.label_sv,
        "participants": measure.n_participants,
        "placements": measure.n_placements,
        "placement_days": days,
        "placement_months": (Decimal(days) / DAYS_PER_MONTH).quantize(MONEY),
        "unit_cost_sek": rate,
        "place_cost_sek": place_cost,
        "direct_cost_sek": direct,
        "cost_sek": cost,
        "cost_per_participant_sek": _per(cost, measure.n_participants),
        "participants_work_studies": measure.n_success,
        "cost_per_work_studies_sek": _per(cost, measure.n_success),
        "hours": hours,
        "cost_per_hour_sek": _per(cost, hours),
        "budget_sek": budget,
        "budget_deviation_sek": budget - cost if budget is not None else None,
    }


def cost_summary(
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
    *,
    unit_ids: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """Kostnad per insats for the inclusive period: one dict per measure.

    `unit_ids`: the scope (None: the whole database; pages pass
    `insats.kpi.scope.units_for_user(user)`); an empty scope gives no rows.

    Keys: measure_id, measure_code, name, category (code), category_name, participants,
    placements, placement_days, placement_months, unit_cost_sek (per place and month),
    place_cost_sek, direct_cost_sek, cost_sek, cost_per_participant_sek,
    participants_work_studies, cost_per_work_studies_sek, hours, cost_per_hour_sek, budget_sek
    (sum of the budgets of the calendar years the period touches; None without a budget) and
    budget_deviation_sek (budget − cost: positive is under budget, negative over budget).
    Money is Decimal in kronor with öre; per-person figures are None when nobody is counted.
    """
    if date_from > date_to:
        raise ValidationError({"date_to": _(
            "Periodens slutdatum %(to)s är före startdatum %(from)s."
        ) % {"to": date_to.isoformat(), "from": date_from.isoformat()}})
    units = scope.normalise(unit_ids)
    if units is not None and not units:
        return []
    return [_row(m) for m in measure_cost_queryset(date_from, date_to, today, unit_ids=units)]


def cost_totals(
    rows: list[dict[str, Any]],
    date_from: dt.date,
    date_to: dt.date,
    today: dt.date | None = None,
    *,
    unit_ids: Collection[int] | None = None,
) -> dict[str, Any]:
    """The totals row (summa): money and hours add up over the measures; persons are counted
    once even when they took part in several measures, so they are counted again in SQL, in
    the same scope (`unit_ids`) as the rows."""
    today = today or timezone.localdate()
    units = scope.normalise(unit_ids)
    if units is not None and not units:
        people = {"participants": 0, "success": 0, "placements": 0}
    else:
        ran, _started, success = _placement_filters(date_from, date_to, today, "", units)
        people = Placement.objects.aggregate(
            participants=Count("enrolment__person", filter=ran, distinct=True),
            success=Count("enrolment__person", filter=success, distinct=True),
            placements=Count("pk", filter=ran),
        )

    def total(key: str) -> Decimal:
        return sum((r[key] for r in rows if r[key] is not None), Decimal(0))

    cost = total("cost_sek")
    hours = total("hours")
    budgets = [r["budget_sek"] for r in rows if r["budget_sek"] is not None]
    budget = sum(budgets, Decimal(0)) if budgets else None
    return {
        "participants": people["participants"],
        "placements": people["placements"],
        "placement_days": sum(r["placement_days"] for r in rows),
        "place_cost_sek": total("place_cost_sek"),
        "direct_cost_sek": total("direct_cost_sek"),
        "cost_sek": cost,
        "cost_per_participant_sek": _per(cost, people["participants"]),
        "participants_work_studies": people["success"],
        "cost_per_work_studies_sek": _per(cost, people["success"]),
        "hours": hours,
        "cost_per_hour_sek": _per(cost, hours),
        "budget_sek": budget,
        # Only measures with a budget are compared, so a missing budget is not an overrun.
        "budget_deviation_sek": (
            budget - sum((r["cost_sek"] for r in rows if r["budget_sek"] is not None),
                         Decimal(0))
            if budget is not None else None
        ),
    }


# --- Budget per measure and year ------------------------------------------------------------


def check_year(year: int, field: str = "year") -> int:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({field: _("Året ska vara mellan %(min)d och %(max)d.") % {
            "min": MIN_YEAR, "max": MAX_YEAR}})
    return year


def budget_field(measure: Measure) -> str:
    """The form field (and error key) of one measure's budget on the budget page."""
    return f"budget_{measure.pk}"


@transaction.atomic
def save_budgets(year: int, amounts: dict[Measure, Decimal | None], *, by: User) -> int:
    """Spara budget per insats för ett år. None removes a measure's budget for the year.

    Every amount is checked before anything is written; returns how many budgets changed.
    """
    if not can_edit_budgets(by):
        raise ValidationError(_("Du har inte behörighet att ändra budget."))
    check_year(year)
    errors = {}
    for measure, amount in amounts.items():
        if amount is not None and amount < 0:
            errors[budget_field(measure)] = _(
                "Budgeten för %(measure)s kan inte vara negativ."
            ) % {"measure": measure.name}
        elif amount is not None and amount.as_tuple().exponent < -2:
            errors[budget_field(measure)] = _(
                "Budgeten för %(measure)s får ha högst två decimaler (öre)."
            ) % {"measure": measure.name}
    if errors:
        raise ValidationError(errors)
    current = {
        b.measure_id: b
        for b in MeasureBudget.objects.select_for_update().filter(
            year=year, measure__in=list(amounts)
        )
    }
    changed = 0
    for measure, amount in amounts.items():
        existing = current.get(measure.pk)
        if amount is None:
            if existing is not None:
                existing.delete()
                changed += 1
        elif existing is None:
            MeasureBudget.objects.create(measure=measure, year=year, amount_sek=amount,
                                         updated_by=by)
            changed += 1
        elif existing.amount_sek != amount:
            existing.amount_sek = amount
            existing.updated_by = by
            existing.save(update_fields=["amount_sek", "updated_by", "updated_at"])
            changed += 1
    return changed


def budgets_for_year(year: int) -> dict[int, Decimal]:
    """{measure id: budget} for one year."""
    return dict(MeasureBudget.objects.filter(year=year).values_list("measure_id", "amount_sek"))
