"""Small-cell suppression (röjandekontroll) for the board's report: the one place that decides
which figures are hidden so that no individual can be singled out.

- A count under INSATS_SUPPRESSION_THRESHOLD (default 5), zero included, is shown as "<5".
- A share or median based on fewer than the threshold is shown as "–".
- Secondary suppression: within a group of cells whose total is shown, a single hidden cell could
  be recomputed as total − the other cells, so the next smallest cell is hidden as well. Hence a
  group with a shown total has either no hidden cell or at least two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NOTE = _(
    "Antal under %(n)s visas som ”<%(n)s” och andelar och medianer som bygger på färre än %(n)s "
    "visas som ”–”. Ytterligare en cell döljs när en dold cell annars kan räknas fram ur totalen."
)


def threshold() -> int:
    return int(getattr(settings, "INSATS_SUPPRESSION_THRESHOLD", 5))


def note() -> str:
    return str(NOTE) % {"n": threshold()}


@dataclass(frozen=True)
class Cell:
    """A figure as published: the value (None when hidden) and the text shown."""

    value: Any
    suppressed: bool = False
    secondary: bool = False

    @property
    def hidden_text(self) -> str:
        return f"<{threshold()}"


def count_cell(value: int | None, limit: int | None = None) -> Cell:
    limit = threshold() if limit is None else limit
    if value is not None and value < limit:
        return Cell(None, suppressed=True)
    return Cell(value)


def based_cell(value: Any, base: int | None, limit: int | None = None) -> Cell:
    """A share or median: hidden ("–") when based on fewer than the threshold."""
    limit = threshold() if limit is None else limit
    if base is None or base < limit:
        return Cell(None, suppressed=True)
    return Cell(value)


def suppress_group(
    counts: Mapping[Any, int], total: int | None, limit: int | None = None
) -> tuple[Cell, dict[Any, Cell]]:
    """(total cell, {key: cell}) for counts of one breakdown that add up to `total`.

    Primary: every count under the limit is hidden. Secondary: when the total is shown and
    exactly one cell is hidden, the smallest shown cell is hidden too, so the hidden cell cannot
    be recovered as total minus the others.
    """
    limit = threshold() if limit is None else limit
    total_cell = count_cell(total, limit)
    cells = {key: count_cell(value, limit) for key, value in counts.items()}
    hidden = [key for key, cell in cells.items() if cell.suppressed]
    if len(hidden) == 1 and not total_cell.suppressed:
        shown = sorted((v, str(k), k) for k, v in counts.items() if not cells[k].suppressed)
        if shown:
            key = shown[0][2]
            cells[key] = Cell(None, suppressed=True, secondary=True)
        else:  # the only cell is hidden: the total would reveal it
            total_cell = Cell(None, suppressed=True, secondary=True)
    return total_cell, cells
