"""Start-page panel for enhetschef, controller and admin: this year's key figures (nyckeltal).

The figures come from `services.compute`, the one definition of every indicator, and each is
shown with its written definition. They are aggregates only, so no access check on persons is
needed, but they count only the user's own municipality (`scope.units_for_user`): a user without
a municipality sees no figures. Computing them touches every enrolment of the municipality, so
the panel is cached for a few minutes per scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.accounts.models import Role, User

from . import definitions, scope
from .definitions import Kind
from .services import compute

PANEL_CODES = (
    "deltagare",
    "nya",
    "avslutade",
    "andel_arbete_studier",
    "median_veckor",
    "plan_inom_3_man",
    "ej_forsorjningsstod_12_man",
    "kostnad_per_deltagare",
)
PANEL_ROLES = (Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN)
CACHE_SECONDS = 300


def format_value(kind: Kind, value) -> str:
    """A figure as a Swedish reader expects it: percent for shares, weeks, kronor."""
    if value is None:
        return "–"
    if kind == Kind.SHARE:
        text = f"{value * 100:.1f} %"
    elif kind == Kind.MEDIAN:
        text = _("%(weeks)s veckor") % {"weeks": f"{value:.1f}"}
    elif kind == Kind.AMOUNT:
        text = f"{value:,.0f} kr".replace(",", "\u00a0")
    else:
        text = f"{value:,}".replace(",", "\u00a0")
    return text.replace(".", ",")


def year_figures(today: dt.date, unit_ids: Collection[int] | None = None) -> list[dict]:
    """This year's key figures of the scope (`unit_ids` as in `services.compute`)."""
    date_from = dt.date(today.year, 1, 1)
    key = f"kpi-panel:{scope.cache_key(unit_ids)}:{date_from}:{today}"
    rows = cache.get(key)
    if rows is None:
        rows = []
        for code in PANEL_CODES:
            indicator = definitions.get(code)
            result = compute(code, date_from, today, unit_ids=unit_ids)
            rows.append(
                {
                    "code": code,
                    "name": indicator.name,
                    "definition": indicator.definition,
                    "value": format_value(indicator.kind, result.value),
                    "numerator": result.numerator if indicator.kind == Kind.SHARE else None,
                    "denominator": result.denominator if indicator.kind == Kind.SHARE else None,
                }
            )
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def key_figures_panel(user: User) -> dict | None:
    if not user.is_authenticated or user.role not in PANEL_ROLES:
        return None
    today = timezone.localdate()
    return {
        "title": _("Nyckeltal %(year)s, hela kommunen (1 januari – %(today)s)")
        % {"year": today.year, "today": today.isoformat()},
        "template": "kpi/_key_figures_panel.html",
        "context": {"rows": year_figures(today, scope.units_for_user(user))},
    }
