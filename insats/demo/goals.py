"""The demo board's goal chain for the demo's current year: a written forecast (prognos) and an
analysis for the Insats indicators that have a target, so that the goal pages and the board's
report show forecasts as a board would see them mid-year.

The forecast is the year's outcome so far (from the demo's own enrolments, the board's units),
and its text says whether that reaches the target, using the one assessment rule
(`goals.services.assess`). Everything follows from the demo data and `today`, so the same seed
and date give the same forecasts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from insats.goals import services as goals
from insats.goals.models import Assessment, IndicatorYear
from insats.organisation.models import Board

# Analysis (analys) of the year so far, per Insats indicator.
ANALYSES = {
    "andel_arbete_studier": (
        "Jobbspåren inom vård och lager ger flest övergångar till arbete. Deltagare med lång tid "
        "utanför arbetsmarknaden avslutas oftare till annan aktör eller åter till "
        "uppdragsgivaren."
    ),
    "ej_forsorjningsstod_12_man": (
        "De flesta som gick till arbete är fortfarande självförsörjande ett år senare. De som "
        "åter har försörjningsstöd hade oftare korta visstidsanställningar."
    ),
    "plan_inom_3_man": (
        "Planen fastställs i regel vid det andra trepartssamtalet. Väntan har blivit längre på "
        "enheter med många nya deltagare under våren."
    ),
}

FORECAST_TEXTS = {
    Assessment.MET: (
        "Utfallet hittills i år, {outcome}, når målvärdet {target}. Prognosen är att målet nås "
        "för helåret om inflödet till insatserna håller i sig."
    ),
    Assessment.PARTLY: (
        "Utfallet hittills i år, {outcome}, ligger nära målvärdet {target}. Prognosen är att "
        "målet delvis nås; fler avslut till arbete och studier väntas under hösten."
    ),
    Assessment.NOT_MET: (
        "Utfallet hittills i år, {outcome}, når inte målvärdet {target}. Prognosen är att målet "
        "inte nås utan åtgärder; enheterna ser över matchningen mot arbetsgivarna."
    ),
}


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('1'))} %"


def fill_current_year(board: Board, today: dt.date) -> list[IndicatorYear]:
    """Write forecast and analysis on the board's indicator years of `today`'s year for the
    Insats indicators with a target and an outcome so far; returns the rows written. Nothing is
    written when the goal chain has no row for that year."""
    rows = (
        IndicatorYear.objects.filter(indicator__board_goal__board=board, year=today.year,
                                     target_value__isnull=False)
        .exclude(indicator__kpi_code="")
        .select_related("indicator", "indicator__board_goal")
        .order_by("indicator__board_goal__order", "indicator__order", "pk")
    )
    written = []
    for row in rows:
        indicator = row.indicator
        if indicator.kpi_code not in ANALYSES or not goals.is_share(indicator):
            continue
        outcome = goals.indicator_status(indicator, today.year, today).outcome
        if outcome is None:
            continue
        forecast = outcome.quantize(Decimal("0.01"))
        verdict = goals.assess(forecast, row.target_value, indicator.direction)
        text = FORECAST_TEXTS[verdict].format(outcome=_percent(outcome),
                                              target=_percent(row.target_value))
        written.append(goals.update_indicator_year(
            indicator, today.year, None, forecast_value=forecast, forecast_text=text,
            analysis=ANALYSES[indicator.kpi_code],
        ))
    return written
