"""Planning the demo's persons and their enrolments (inskrivningar) in memory, before any row
is written: who, at which unit, when, from which uppdragsgivare, how long, and how it ended.

The shapes follow the seeds: need categories as Sundbyberg 2022, closure reasons as
Sundbyberg/Ystad, median time enrolled 19 weeks for women and 16 for men, about a fifth of the
enrolments still open, and a plan within three months for most.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from insats.persons.models import Person

from . import data
from .people import PersonnummerFactory, birth_date_for_age, make_person
from .rand import DemoRandom, add_months

FIRST_DAY = dt.date(data.START_YEAR, 1, 1)
# Share of persons whose latest enrolment is still open; with ~1.25 enrolments a person this
# leaves about 20 % of all enrolments open.
OPEN_SHARE_PER_PERSON = 0.21
ENROLMENT_COUNT_WEIGHTS = {1: 80, 2: 15, 3: 5}
AGE_BANDS_ADULT = {(18, 19): 4, (20, 24): 16, (25, 29): 16, (30, 49): 45, (50, 64): 19}
AGE_BANDS_YOUNG = {(16, 19): 60, (20, 24): 40}


@dataclass
class EnrolmentSpec:
    """One planned enrolment; `coach` and `referral` are filled in once staff exist."""

    number: int
    person_index: int
    unit: str
    source: str
    income: str | None
    referral_date: dt.date | None
    start: dt.date
    end: dt.date | None
    closure: str | None
    need: str
    plan_date: dt.date | None
    age: int
    coach: object | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.end is None

    def last_day(self, today: dt.date) -> dt.date:
        """The last day the enrolment ran (today for open ones)."""
        return self.end or today


@dataclass
class Plan:
    persons: list[Person]
    enrolments: list[EnrolmentSpec]
    # Persons with no enrolment yet: they are waiting in the referral queue.
    waiting: list[int]


class Planner:
    def __init__(
        self,
        rng: DemoRandom,
        today: dt.date,
        outcome_groups: dict[str, str],
        municipality_code: str,
    ) -> None:
        self.rng = rng
        self.today = today
        self.outcome_groups = outcome_groups
        self.municipality_code = municipality_code
        self.numbers = PersonnummerFactory(rng)
        self.enrolments: list[EnrolmentSpec] = []

    def plan(self, n_persons: int, n_waiting: int) -> Plan:
        persons: list[Person] = []
        waiting: list[int] = []
        for index in range(1, n_persons + 1):
            if index > n_persons - n_waiting:
                persons.append(self._waiting_person(index))
                waiting.append(index - 1)
            else:
                persons.append(self._person_with_enrolments(index))
        return Plan(persons=persons, enrolments=self.enrolments, waiting=waiting)

    # -- persons ---------------------------------------------------------------------------
    def _waiting_person(self, index: int) -> Person:
        gender = self.rng.weighted(data.GENDER_WEIGHTS)
        age = self._age(young=False)
        birth = birth_date_for_age(self.rng, age, self.today)
        return make_person(
            self.rng,
            self.numbers,
            index,
            birth=birth,
            gender=gender,
            young=False,
            municipality_code=self.municipality_code,
        )

    def _person_with_enrolments(self, index: int) -> Person:
        rng = self.rng
        gender = rng.weighted(data.GENDER_WEIGHTS)
        home = rng.weighted({code: share for code, _n, _r, share in data.UNITS})
        young = home == "UNG"
        periods = self._periods(gender, young)
        last_start = periods[-1][0]
        age_now = self._age(young=young)
        birth = birth_date_for_age(rng, age_now, last_start)
        # An earlier enrolment must not start before the person turned 16.
        periods = [p for p in periods if _age_on(birth, p[0]) >= 16]
        person = make_person(
            rng,
            self.numbers,
            index,
            birth=birth,
            gender=gender,
            young=young,
            municipality_code=self.municipality_code,
        )
        for start, end in periods:
            self._add_enrolment(index - 1, person, home, start, end, _age_on(birth, start))
        return person

    def _age(self, *, young: bool) -> int:
        low, high = self.rng.weighted(AGE_BANDS_YOUNG if young else AGE_BANDS_ADULT)
        return self.rng.randint(low, high)

    def _periods(self, gender: str, young: bool) -> list[tuple[dt.date, dt.date | None]]:
        """Start and end of each enrolment, oldest first; the latest may be open."""
        rng, today = self.rng, self.today
        median_days = data.MEDIAN_WEEKS[gender] * 7 * (0.9 if young else 1.0)
        count = rng.weighted(ENROLMENT_COUNT_WEIGHTS)
        periods: list[tuple[dt.date, dt.date | None]] = []
        if rng.chance(OPEN_SHARE_PER_PERSON):
            # Open enrolments are those still running: the longer ones are over-represented,
            # so the elapsed time is drawn from a longer distribution than completed ones.
            elapsed = rng.lognormal_days(median_days * 2.6, sigma=0.9) * rng.uniform(0.1, 1)
            elapsed = min(1000, max(1, round(elapsed)))
            start = today - dt.timedelta(days=elapsed)
            periods.append((start, None))
        else:
            length = rng.lognormal_days(median_days)
            latest_end = today - dt.timedelta(days=1)
            earliest_end = FIRST_DAY + dt.timedelta(days=length)
            end = rng.date_between(earliest_end, latest_end)
            if rng.chance(0.12):
                # Thin out recent closures so that, with the open ones, the number of new
                # enrolments per year stays roughly level instead of peaking this year.
                end = min(end, rng.date_between(earliest_end, latest_end))
            periods.append((end - dt.timedelta(days=length), end))
        for _ in range(count - 1):
            gap = rng.randint(30, 720)
            length = rng.lognormal_days(median_days)
            end = periods[0][0] - dt.timedelta(days=gap)
            start = end - dt.timedelta(days=length)
            if start < FIRST_DAY:
                break
            periods.insert(0, (start, end))
        return periods

    # -- enrolments ------------------------------------------------------------------------
    def _add_enrolment(
        self,
        person_index: int,
        person: Person,
        home: str,
        start: dt.date,
        end: dt.date | None,
        age: int,
    ) -> None:
        rng, today = self.rng, self.today
        unit = home
        if unit == "UNG" and age >= 25:
            unit = "AME"
        elif unit != "UNG" and rng.chance(0.12):
            unit = "JOBBTORG" if unit == "AME" else "AME"
        source = self._source(unit, person, age)
        elapsed = (today - start).days
        need = "" if end is None and elapsed < 14 else rng.weighted(data.NEED_WEIGHTS)
        closure = self._closure(need, age) if end is not None else None
        self.enrolments.append(
            EnrolmentSpec(
                number=len(self.enrolments) + 1,
                person_index=person_index,
                unit=unit,
                source=source,
                income=self._income(source),
                referral_date=(
                    start - dt.timedelta(days=rng.randint(2, 35)) if rng.chance(0.92) else None
                ),
                start=start,
                end=end,
                closure=closure,
                need=need,
                plan_date=self._plan_date(start, end),
                age=age,
            )
        )

    def _source(self, unit: str, person: Person, age: int) -> str:
        rng = self.rng
        source = rng.weighted(data.REFERRAL_SOURCE_WEIGHTS[unit])
        if source in ("KAA", "GYMNASIE") and age >= 20:
            source = "EKB"
        if source == "ETABLERING" and not person.born_abroad:
            source = "EKB"
        if person.newly_arrived and source == "EKB" and rng.chance(0.4):
            source = "ETABLERING"
        return source

    def _income(self, source: str) -> str | None:
        if self.rng.chance(0.03):
            return None
        return self.rng.weighted(data.INCOME_BY_SOURCE[source])

    def _closure(self, need: str, age: int) -> str:
        factor = data.WORK_STUDIES_FACTOR_BY_NEED[need]
        weights = {}
        for code, weight in data.CLOSURE_WEIGHTS.items():
            if self.outcome_groups.get(code) in ("arbete", "studier"):
                weight *= factor
            if code == "PENSION":
                weight = 5.0 if age >= 60 else 0.0
            if code == "FORALDRALEDIG" and age >= 45:
                weight = 0.0
            weights[code] = weight
        return self.rng.weighted(weights)

    def _plan_date(self, start: dt.date, end: dt.date | None) -> dt.date | None:
        """Most plans within three months, some late, some never made."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.80:
            plan = start + dt.timedelta(days=rng.randint(5, 80))
            if plan > add_months(start, 3):
                plan = add_months(start, 3)
        elif roll < 0.92:
            plan = add_months(start, 3) + dt.timedelta(days=rng.randint(3, 70))
        else:
            return None
        if plan > (end or self.today):
            # The enrolment ended (or today came) before a plan was made.
            return None
        return plan


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
