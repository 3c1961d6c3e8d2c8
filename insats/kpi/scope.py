"""Urval: which units' enrolments a figure counts.

Every indicator (`services.compute`), the enrolments behind a figure (`services.enrolments_behind`)
and cost per measure (`insats.insights.services.cost_summary`) take `unit_ids`:

- `None`: the whole database. Only the `insats kpi` command and the benchmarks use this (the
  interchange README's machine interface computes over the whole database);
- a collection of unit ids: only enrolments held by those units (and the placements, follow-ups
  and costs of those enrolments). An empty collection counts nothing.

This module maps who is asking to those unit ids, so every page picks its scope the same way:
the statistics pages use the user's municipality, the goal outcomes and the board report use the
board's own units (Unit → Administration → Board). A unit outside every board
(`units_outside_boards`, e.g. one an import created without an administration) is counted on the
statistics pages but in no board's report; the report warns about them and data quality lists
them (`insats.insights.quality`, rule `enhet_utan_namnd`).

Summer-job applications (`YouthApplication`) belong to a municipality but to no unit, so the
summer-job figures (ferie_*) of a non-empty scope count the applications of the municipalities
the scope's units belong to: the user's municipality on the statistics pages, the board's
municipality in its report and goal outcomes. An empty scope counts none of them either.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from django.db.models import F, QuerySet

from insats.accounts.models import User
from insats.organisation.models import Board, Unit

UnitIds = frozenset[int] | None


def normalise(unit_ids: Collection[int] | None) -> UnitIds:
    """`None` stays the whole database; anything else becomes a frozenset of unit ids."""
    if unit_ids is None:
        return None
    ids = frozenset(unit_ids)
    if any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise TypeError(f"unit_ids must be unit primary keys (int), got {sorted(ids, key=str)}")
    return ids


def units_of_municipality(municipality_id: int | None) -> frozenset[int]:
    """The ids of the municipality's units; none for no municipality."""
    if municipality_id is None:
        return frozenset()
    units = Unit.objects.filter(municipality_id=municipality_id)
    return frozenset(units.values_list("pk", flat=True))


def units_of_board(board: Board | int) -> frozenset[int]:
    """The ids of the board's own units: those under one of its administrations (förvaltningar).

    A unit must also belong to the board's municipality, so a misconfigured unit (another
    municipality's unit filed under this board's administration) is never counted.
    """
    board_id = board.pk if isinstance(board, Board) else board
    return frozenset(
        Unit.objects.filter(
            administration__board_id=board_id,
            municipality_id=Board.objects.filter(pk=board_id).values("municipality_id")[:1],
        ).values_list("pk", flat=True)
    )


def units_outside_boards(municipality_id: int | None = None) -> QuerySet[Unit]:
    """The units no board counts: `units_of_board` of every board leaves them out, so no board's
    report or goal outcomes include their enrolments. A unit without an administration (e.g. one
    created by `insats import_data`), or one under another municipality's board. Of one
    municipality, or of every municipality for None; by name."""
    units = Unit.objects.exclude(administration__board__municipality_id=F("municipality_id"))
    if municipality_id is not None:
        units = units.filter(municipality_id=municipality_id)
    return units.order_by("name", "code")


def units_for_user(user: User) -> frozenset[int]:
    """The statistics scope of a user (dashboard, cost, drill-down, start-page key figures):
    every unit of the user's municipality. A user without a municipality, or not signed in or
    inactive, gets no units, i.e. sees nothing rather than everything."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    return units_of_municipality(user.municipality_id)


def cache_key(unit_ids: Collection[int] | None) -> str:
    """A short, stable cache-key part for a scope: "all", or a digest of the sorted ids."""
    ids = normalise(unit_ids)
    if ids is None:
        return "all"
    text = ",".join(str(i) for i in sorted(ids))
    return "u" + hashlib.sha256(text.encode()).hexdigest()[:24]
