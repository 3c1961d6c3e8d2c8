"""Business rules for placements in measures (deltagande i insats) and attendance (närvaro).

Pages, the REST API and imports all call these functions, so a rule lives in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from insats.accounts.models import User
from insats.enrolments.models import Enrolment

from .models import Attendance, Measure, Placement

MAX_HOURS = Decimal(24)
QUARTER = Decimal("0.25")


def _day(day: dt.date) -> str:
    """A date as shown in messages, e.g. 'tisdag 2024-03-05'."""
    return dateformat.format(day, "l Y-m-d")


def total_hours(placement: Placement) -> Decimal:
    """Timmar i insatsen: imported reported_hours plus recorded attendance (one definition,
    `PlacementQuerySet.with_total_hours`)."""
    return Placement.objects.with_total_hours().values_list("total_hours", flat=True).get(
        pk=placement.pk
    )


# --- Placements -------------------------------------------------------------------------------


def _check_within_enrolment(
    enrolment: Enrolment, start_date: dt.date, end_date: dt.date | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start_date < enrolment.start_date:
        errors["start_date"] = _(
            "Placeringen kan inte börja före inskrivningens startdatum %(date)s."
        ) % {"date": enrolment.start_date}
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("Slutdatum kan inte vara före startdatum.")
    if enrolment.end_date is not None:
        if start_date > enrolment.end_date:
            errors["start_date"] = _(
                "Placeringen kan inte börja efter inskrivningens slutdatum %(date)s."
            ) % {"date": enrolment.end_date}
        if end_date is None:
            errors.setdefault("end_date", _(
                "Inskrivningen är avslutad %(date)s; ange placeringens slutdatum."
            ) % {"date": enrolment.end_date})
        elif end_date > enrolment.end_date:
            errors.setdefault("end_date", _(
                "Placeringen kan inte sluta efter inskrivningens slutdatum %(date)s."
            ) % {"date": enrolment.end_date})
    return errors


def occupied_places(measure: Measure, day: dt.date, exclude: Placement | None = None) -> int:
    """Number of placements in the measure running on `day`."""
    qs = Placement.objects.filter(measure=measure).active_on(day)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.count()


def _overlapping(
    enrolment: Enrolment, measure: Measure, start: dt.date, end: dt.date | None,
    exclude: Placement | None = None,
):
    qs = Placement.objects.filter(enrolment=enrolment, measure=measure)
    qs = qs.exclude(end_date__lt=start)
    if end is not None:
        qs = qs.exclude(start_date__gt=end)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


@transaction.atomic
def place(
    enrolment: Enrolment,
    measure: Measure,
    start_date: dt.date,
    end_date: dt.date | None,
    workplace: str,
    supervisor: str,
    by: User | None,
    allow_over_capacity: bool = False,
    cost_sek: Decimal | None = None,
) -> Placement:
    """Placera i insats. The dates lie within the enrolment, the measure is active, and a full
    measure (no free place on the start date) is refused unless `allow_over_capacity`."""
    # Lock the measure so two simultaneous placements cannot both take its last place.
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    errors = _check_within_enrolment(enrolment, start_date, end_date)
    if not measure.active:
        errors["measure"] = _("Insatsen ”%(name)s” är inte aktiv.") % {"name": measure.name}
    if errors:
        raise ValidationError(errors)
    if _overlapping(enrolment, measure, start_date, end_date).exists():
        raise ValidationError({"measure": _(
            "Personen har redan en placering i ”%(name)s” under samma period."
        ) % {"name": measure.name}})
    if measure.capacity is not None and not allow_over_capacity:
        occupied = occupied_places(measure, start_date)
        if occupied >= measure.capacity:
            raise ValidationError({"allow_over_capacity": _(
                "Insatsen ”%(name)s” är fullbelagd %(date)s: %(occupied)s av %(capacity)s "
                "platser är upptagna. Välj ett annat startdatum eller en annan insats, eller "
                "markera att du vill placera ändå (överbeläggning)."
            ) % {"name": measure.name, "date": start_date, "occupied": occupied,
                 "capacity": measure.capacity}})
    return Placement.objects.create(
        enrolment=enrolment, measure=measure, start_date=start_date, end_date=end_date,
        workplace=workplace.strip(), supervisor=supervisor.strip(), created_by=by,
        cost_sek=cost_sek,
    )


def _check_attendance_inside(placement: Placement, start: dt.date, end: dt.date | None) -> None:
    """Attendance already recorded must stay inside the placement's period."""
    outside = Q(date__lt=start)
    if end is not None:
        outside |= Q(date__gt=end)
    first = placement.attendance.filter(outside).order_by("date").first()
    if first is not None:
        field = "start_date" if first.date < start else "end_date"
        raise ValidationError({field: _(
            "Det finns närvaro registrerad %(date)s, utanför den nya perioden. Ta bort den "
            "först."
        ) % {"date": first.date}})


@transaction.atomic
def update_placement(
    placement: Placement,
    *,
    start_date: dt.date,
    end_date: dt.date | None,
    workplace: str,
    supervisor: str,
    by: User | None,
) -> Placement:
    """Ändra placering: period, arbetsplats and handledare (the measure itself is not changed;
    end the placement and make a new one instead)."""
    errors = _check_within_enrolment(placement.enrolment, start_date, end_date)
    if errors:
        raise ValidationError(errors)
    if _overlapping(placement.enrolment, placement.measure, start_date, end_date,
                    exclude=placement).exists():
        raise ValidationError({"start_date": _(
            "Personen har redan en placering i ”%(name)s” under samma period."
        ) % {"name": placement.measure.name}})
    _check_attendance_inside(placement, start_date, end_date)
    placement.start_date, placement.end_date = start_date, end_date
    placement.workplace, placement.supervisor = workplace.strip(), supervisor.strip()
    placement.save(update_fields=["start_date", "end_date", "workplace", "supervisor"])
    return placement


@transaction.atomic
def end_placement(placement: Placement, end_date: dt.date, by: User | None) -> Placement:
    """Avsluta placering on `end_date` (its last day in the measure)."""
    if end_date < placement.start_date:
        raise ValidationError({"end_date": _(
            "Slutdatum kan inte vara före placeringens startdatum %(date)s."
        ) % {"date": placement.start_date}})
    enrolment_end = placement.enrolment.end_date
    if enrolment_end is not None and end_date > enrolment_end:
        raise ValidationError({"end_date": _(
            "Placeringen kan inte sluta efter inskrivningens slutdatum %(date)s."
        ) % {"date": enrolment_end}})
    _check_attendance_inside(placement, placement.start_date, end_date)
    placement.end_date = end_date
    placement.save(update_fields=["end_date"])
    return placement


# --- Attendance -------------------------------------------------------------------------------


def parse_hours(value: Decimal | int | float | str | None) -> Decimal | None:
    """Hours from a number or text ('7,5' or '7.5'); None when empty. Raises ValueError."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not value:
            return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not hours.is_finite():
        raise ValueError(value)
    return hours


def attendance_errors(
    placement: Placement, date: dt.date, hours: Decimal | None, absence_reason: str
) -> dict[str, str]:
    """What is wrong with one day's attendance, by field (empty when it is fine)."""
    errors: dict[str, str] = {}
    if date < placement.start_date or (placement.end_date and date > placement.end_date):
        period_end = placement.end_date or _("tills vidare")
        errors["date"] = _(
            "Datumet ligger utanför placeringen (%(start)s – %(end)s)."
        ) % {"start": placement.start_date, "end": period_end}
    if hours is None:
        hours = Decimal(0)
    if hours < 0 or hours > MAX_HOURS:
        errors["hours"] = _("Timmar måste vara mellan 0 och 24.")
    elif hours % QUARTER != 0:
        errors["hours"] = _("Timmar anges i kvartstimmar, t.ex. 7,25 eller 7,5.")
    elif hours > 0 and date > timezone.localdate():
        errors["hours"] = _("Närvaro kan inte registreras för en dag som inte har varit.")
    if absence_reason and absence_reason not in Attendance.AbsenceReason.values:
        errors["absence_reason"] = _("Okänd frånvaroorsak.")
    elif hours == 0 and not absence_reason:
        errors["absence_reason"] = _("Ange frånvaroorsak när timmarna är 0.")
    return errors


def _upsert(placement: Placement, date: dt.date, hours: Decimal, reason: str, by) -> Attendance:
    attendance, _created = Attendance.objects.update_or_create(
        placement=placement, date=date,
        defaults={"hours": hours, "absence_reason": reason, "recorded_by": by},
    )
    return attendance


@transaction.atomic
def record_attendance(
    placement: Placement,
    date: dt.date,
    hours: Decimal | int | str | None,
    absence_reason: str,
    by: User | None,
) -> Attendance:
    """Registrera närvaro for one day: hours (0–24, quarter hours) and, for an absence, its
    reason. A second registration of the same day replaces the first."""
    try:
        parsed = parse_hours(hours)
    except ValueError:
        raise ValidationError({"hours": _("Timmar måste vara ett tal, t.ex. 7,5.")}) from None
    absence_reason = absence_reason or ""
    errors = attendance_errors(placement, date, parsed, absence_reason)
    if errors:
        raise ValidationError(errors)
    return _upsert(placement, date, parsed or Decimal(0), absence_reason, by)


@transaction.atomic
def clear_attendance(placement: Placement, date: dt.date, by: User | None) -> bool:
    """Ta bort närvaro for one day; True when there was a row."""
    deleted, _rows = Attendance.objects.filter(placement=placement, date=date).delete()
    return deleted > 0


@dataclass(frozen=True)
class GridCell:
    """One cell of the weekly grid: an empty cell (no hours, no reason) clears the day."""

    placement: Placement
    date: dt.date
    hours: Decimal | str | None
    absence_reason: str = ""

    @property
    def key(self) -> str:
        return cell_key(self.placement.pk, self.date)


def cell_key(placement_id: int, date: dt.date) -> str:
    return f"{placement_id}-{date.isoformat()}"


def week_days(week_start: dt.date) -> list[dt.date]:
    """Monday to Friday of the week starting on `week_start`."""
    return [week_start + dt.timedelta(days=i) for i in range(5)]


@transaction.atomic
def save_week_grid(
    measure: Measure, week_start: dt.date, rows: Iterable[GridCell], by: User | None
) -> int:
    """Spara veckans närvaro for a group in a measure: every cell is checked first and, if any
    is wrong, nothing is saved; each error names the person and the day. Returns the number of
    days written or cleared."""
    if week_start.weekday() != 0:
        raise ValidationError({NON_FIELD_ERRORS: _("Veckan måste börja på en måndag.")})
    week_end = week_start + dt.timedelta(days=6)
    errors: dict[str, str] = {}
    valid: list[tuple[GridCell, Decimal | None]] = []
    for cell in rows:
        who = f"{cell.placement.enrolment.person}, {_day(cell.date)}"
        if cell.placement.measure_id != measure.pk:
            errors[cell.key] = _("%(who)s: placeringen hör inte till insatsen.") % {"who": who}
            continue
        if not week_start <= cell.date <= week_end:
            errors[cell.key] = _("%(who)s: dagen ligger utanför veckan.") % {"who": who}
            continue
        try:
            hours = parse_hours(cell.hours)
        except ValueError:
            errors[cell.key] = _("%(who)s: timmar måste vara ett tal, t.ex. 7,5.") % {"who": who}
            continue
        if hours is None and not cell.absence_reason:
            valid.append((cell, None))
            continue
        problems = attendance_errors(cell.placement, cell.date, hours, cell.absence_reason)
        if problems:
            errors[cell.key] = f"{who}: " + " ".join(problems.values())
            continue
        valid.append((cell, hours or Decimal(0)))
    if errors:
        raise ValidationError(errors)
    written = 0
    for cell, hours in valid:
        if hours is None:
            written += clear_attendance(cell.placement, cell.date, by)
        else:
            _upsert(cell.placement, cell.date, hours, cell.absence_reason, by)
            written += 1
    return written
