"""Small-cell suppression (röjandekontroll) for the board's report: the one place that decides
which figures are hidden so that no individual can be singled out.

- A count under INSATS_SUPPRESSION_THRESHOLD (default 5), zero included, is shown as "<5".
- A share or median based on fewer than the threshold is shown as "–".
- Secondary suppression: within a group of cells whose total is shown, a single hidden cell could
  be recomputed as total − the other cells, so the next smallest cell is hidden as well. Hence a
  group with a shown total has either no hidden cell or at least two. A hidden cell that is
  known to be empty (no persons behind it, such as a measure nobody took part in) protects
  nothing, so it does not count as the second one. In a group where that happens, every hidden
  cell is shown as ".." : telling the small cell from the one hidden to protect it ("<5" beside
  "..") would pin both down from the total.
- Figures that rest on a number of persons without being counts (the cost of a measure, cost per
  participant, the outcome of a goal indicator) are hidden like shares when those persons are
  fewer than the threshold (`based_cell`, `based_group`), and a subtotal over part of such a
  group is hidden when it would reveal a single hidden figure (`subtotal_cell`).

The surveys app uses the same threshold (`insats.surveys.services.min_cell`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

NOTE = _(
    "Antal under %(n)s visas som ”<%(n)s”. Andelar, medianer, medelvärden och kostnader som "
    "bygger på färre än %(n)s personer eller svar visas som ”–”. Där en dold uppgift annars "
    "kan räknas fram ur totalen döljs ännu en, och de dolda uppgifterna i gruppen visas då som "
    "”..”."
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
        """"<5" for a count under the threshold, ".." for every hidden cell of a group with
        secondary suppression."""
        return SECONDARY_TEXT if self.secondary else f"<{threshold()}"


SECONDARY_TEXT = ".."


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
    return _secondary(cells, total_cell, sizes=counts, empty=lambda k: not counts[k])


def based_group(
    values: Mapping[Any, Any], bases: Mapping[Any, int | None], total: Any,
    total_base: int | None, limit: int | None = None,
) -> tuple[Cell, dict[Any, Cell]]:
    """(total cell, {key: cell}) for figures that add up to `total` (such as the cost of each
    measure) where each rests on a number of persons (`bases`, e.g. its participants).

    Primary: a figure whose base is under the limit is hidden, and so is the total when its own
    base is. Secondary: when the total is shown and exactly one figure is hidden, the smallest
    shown figure is hidden too (or the total, when no other figure is shown).
    """
    limit = threshold() if limit is None else limit
    total_cell = based_cell(total, total_base, limit)
    cells = {key: based_cell(value, bases.get(key), limit) for key, value in values.items()}
    sizes = {k: abs(float(v or 0)) for k, v in values.items()}
    return _secondary(cells, total_cell, sizes=sizes, empty=lambda k: not bases.get(k))


def _secondary(
    cells: dict[Any, Cell], total_cell: Cell, *, sizes: Mapping[Any, Any], empty
) -> tuple[Cell, dict[Any, Cell]]:
    """Secondary suppression of one group whose cells add up to the shown `total_cell`.

    A hidden cell that is `empty` (nothing behind it) protects nothing. When fewer than two
    hidden cells protect each other, the smallest shown cell (by `sizes`) is hidden too, or the
    total when no cell is shown; then every hidden cell of the group carries the same marker.
    """
    if total_cell.suppressed:
        return total_cell, cells
    protecting = [k for k, c in cells.items() if c.suppressed and not empty(k)]
    if len(protecting) != 1:
        return total_cell, cells
    shown = sorted((sizes[k], str(k), k) for k, c in cells.items() if not c.suppressed)
    if shown:
        cells[shown[0][2]] = Cell(None, suppressed=True, secondary=True)
    else:  # the only cell is hidden: the total would reveal it
        total_cell = Cell(None, suppressed=True, secondary=True)
    masked = Cell(None, suppressed=True, secondary=True)
    return total_cell, {k: masked if c.suppressed else c for k, c in cells.items()}


def subtotal_cell(
    value: Any, base: int | None, inside: Collection[Cell], outside: Collection[Cell],
    limit: int | None = None,
) -> Cell:
    """A subtotal over part of a group whose total is shown elsewhere (e.g. the cost of the
    measures that have a budget). Hidden when its base is under the limit, or when exactly one
    hidden cell lies inside the part (subtotal − shown cells) or outside it (total − subtotal −
    shown cells)."""
    cell = based_cell(value, base, limit)
    if cell.suppressed:
        return cell
    if sum(c.suppressed for c in inside) == 1 or sum(c.suppressed for c in outside) == 1:
        return Cell(None, suppressed=True, secondary=True)
    return cell
