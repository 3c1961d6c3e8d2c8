"""A seeded random source with the few helpers the demo generator needs.

All randomness in the demo goes through one `DemoRandom` so that a seed gives the same
municipality every time (on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from typing import TypeVar

from insats.core.dates import add_months  # noqa: F401  (the demo's calendar arithmetic)

T = TypeVar("T")


class DemoRandom(random.Random):
    def chance(self, p: float) -> bool:
        return self.random() < p

    def weighted(self, weights: Mapping[T, float]) -> T:
        """One key of `weights`, drawn in proportion to its value (keys in insertion order)."""
        keys = list(weights)
        return self.choices(keys, weights=[weights[k] for k in keys], k=1)[0]

    def pick(self, items: Sequence[T]) -> T:
        return items[self.randrange(len(items))]

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        """A date in [first, last]; `first` when the range is empty."""
        span = (last - first).days
        if span <= 0:
            return first
        return first + dt.timedelta(days=self.randint(0, span))

    def lognormal_days(self, median_days: float, sigma: float = 0.65) -> int:
        """A duration whose median is `median_days` and whose tail is long, as enrolments are."""
        return max(1, round(self.lognormvariate(math.log(median_days), sigma)))


def weekdays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Monday–Friday dates from `first` to `last` inclusive."""
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days
