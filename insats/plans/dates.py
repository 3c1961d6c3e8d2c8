"""Calendar-month arithmetic for plan deadlines, in Python and in SQL.

"Within three calendar months" means the same day number three months later, clamped to the
last day of that month when it is shorter (30 Nov 2023 → 29 Feb 2024, 31 Jan 2024 → 30 Apr 2024).
The Python function and the SQL expression must agree, because the start page computes the
deadlines in SQL while forms and tests use Python.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import NotSupportedError
from django.db.models import DateField, Func


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months, clamped to the end of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


class AddMonths(Func):
    """SQL twin of `add_months` for a date expression and a constant number of months."""

    output_field = DateField()
    arity = 1

    def __init__(self, expression, months: int, **extra):
        if not isinstance(months, int):
            raise TypeError("months must be an int")
        self.months = months
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("AddMonths supports PostgreSQL and SQLite only.")

    def _compiled(self, compiler, connection):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL clamps month arithmetic to the month's end, exactly like add_months.
        sql, params = self._compiled(compiler, connection)
        return f"(({sql}) + INTERVAL '{self.months} months')::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite's date() rolls an overflowing day into the next month (31 Jan + 3 months =
        # 1 May); when the day number changed, step back to the last day of the intended month.
        sql, params = self._compiled(compiler, connection)
        shifted = f"date({sql}, '{self.months:+d} months')"
        intended_month = f"date({sql}, 'start of month', '{self.months:+d} months')"
        intended_end = f"date({sql}, 'start of month', '{self.months + 1:+d} months', '-1 day')"
        template = (
            f"(CASE WHEN date({shifted}, 'start of month') = {intended_month} "
            f"THEN {shifted} ELSE {intended_end} END)"
        )
        # The expression appears four times in the template, so its parameters do too.
        return template, (*params, *params, *params, *params)
