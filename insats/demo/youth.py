"""Summer-job applications (feriepraktik) for the demo: seasons 2021–2026 with a funnel like
Sundbyberg 2022 (663 applied, 639 valid, all valid offered, 552 started)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import data
from .rand import DemoRandom

INVALID_SHARE = 0.036  # 24 of 663
# Only 2021 (the pandemic summer) left valid applicants without an offer.
NO_OFFER_SHARE = {2021: 0.08}
OFFER_OUTCOMES = {"TACKAT_NEJ": 8.0, "ERBJUDEN": 2.0, "TACKAT_JA": 3.5, "STARTED": 86.5}
STARTED_OUTCOMES = {"GENOMFORT": 93, "AVBROTT": 5, "BORJAT": 2}
BIRTH_YEAR_OFFSET = {"9": 16, "GY1": 17, "GY2": 18}


def seasons(today: dt.date) -> list[tuple[int, str, int]]:
    """(year, season kind, applicants at the default size) for the seasons that have begun."""
    result = []
    for year, applicants in data.YOUTH_SUMMER_APPLICANTS.items():
        if dt.date(year, 6, 10) <= today:
            result.append((year, "SOMMAR", applicants))
        if year in data.YOUTH_AUTUMN_APPLICANTS and dt.date(year, 10, 25) <= today:
            result.append((year, "HOST", data.YOUTH_AUTUMN_APPLICANTS[year]))
    return result


def build_applications(
    rng: DemoRandom, today: dt.date, scale: float, municipality_id: int
) -> list[dict]:
    """Application rows (dicts for insert_rows) to the demo municipality, season by season."""
    rows = []
    for year, kind, base in seasons(today):
        for _ in range(max(1, round(base * scale))):
            rows.append(_application(rng, len(rows) + 1, year, kind, municipality_id))
    return rows


def _application(
    rng: DemoRandom, number: int, year: int, kind: str, municipality_id: int
) -> dict:
    school_year = rng.weighted(data.YOUTH_SCHOOL_YEARS)
    birth = dt.date(year - BIRTH_YEAR_OFFSET[school_year], 1, 1) + dt.timedelta(
        days=rng.randint(0, 364)
    )
    status = _status(rng, year)
    administration = ""
    hours = wage = None
    if status not in ("OGILTIG", "ANSOKT"):
        administration = rng.weighted(dict(data.YOUTH_EMPLOYERS))
    if status in ("GENOMFORT", "AVBROTT", "BORJAT"):
        hours = _hours(rng, kind, status)
        wage = (
            hours * Decimal(data.YOUTH_HOURLY_WAGE[year]) * Decimal(str(data.YOUTH_EMPLOYER_FEE))
        ).quantize(Decimal("0.01"))
    return {
        "external_id": f"DEMO-F{year}{kind[0]}{number:06d}",
        "municipality_id": municipality_id,
        "birth_date": birth,
        "gender": rng.weighted({"K": 50, "M": 48, "X": 2}),
        "season": f"{year}-{kind}",
        "status_id": status,
        "school_year": school_year,
        "administration": administration,
        "hours": hours,
        "wage_cost_sek": wage,
    }


def _status(rng: DemoRandom, year: int) -> str:
    if rng.chance(INVALID_SHARE):
        return "OGILTIG"
    if rng.chance(NO_OFFER_SHARE.get(year, 0.0)):
        return "ANSOKT"
    outcome = rng.weighted(OFFER_OUTCOMES)
    if outcome == "STARTED":
        return rng.weighted(STARTED_OUTCOMES)
    return outcome


def _hours(rng: DemoRandom, kind: str, status: str) -> Decimal:
    if kind == "SOMMAR":
        low, high = (72, 90) if status == "GENOMFORT" else (8, 60)
    else:
        low, high = (25, 35) if status == "GENOMFORT" else (5, 20)
    return Decimal(rng.randint(low * 2, high * 2)) / 2
