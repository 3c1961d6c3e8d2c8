"""Calendar-month arithmetic, once, in Python and in SQL.

"Three calendar months after" means the same day number three months later, clamped to the
last day of that month when it is shorter (30 Nov 2023 → 29 Feb 2024, 31 Jan 2024 → 30 Apr 2024).
Plan deadlines, follow-up due dates, the `plan_inom_3_man` indicator, data-quality rules and the
demo all use these two, so the start page, the indicator and the forms can never disagree; a
test checks that the Python function and the SQL expression give the same dates.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import NotSupportedError
from django.db.models import DateField, Func


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months (may be negative), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AddMonths(Func):
    """SQL twin of `add_months` for a date expression and a constant number of months.

    PostgreSQL's interval arithmetic clamps by itself. SQLite's date(d, '+3 months') overflows
    into the next month (2024-01-31 → 2024-05-01), so there the result is the smaller of that
    and the last day of the target month (ISO dates compare correctly as text).
    """

    output_field = DateField()

    def __init__(self, expression, months: int):
        if not isinstance(months, int):
            raise TypeError("months must be an int")
        self.months = months
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"AddMonths is not implemented for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(({sql}) + INTERVAL '{self.months} months' AS date)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        plain = f"DATE({sql}, '{self.months:+d} months')"
        month_end = f"DATE({sql}, 'start of month', '{self.months + 1:+d} months', '-1 day')"
        return f"MIN({plain}, {month_end})", (*params, *params)
