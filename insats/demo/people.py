"""Demo persons (deltagare) with valid personnummer or samordningsnummer.

The numbers are generated with a correct Luhn check digit and an individual number whose
second-last digit matches the gender (odd for men, even for women). They are random, not
Skatteverket's official test numbers, so they can coincide with real people's numbers; the
names, addresses and phone numbers (from PTS's range reserved for fiction) do not.
"""

from __future__ import annotations

import datetime as dt

from stdnum import luhn

from insats.persons.models import Person

from . import data
from .rand import DemoRandom


class PersonnummerFactory:
    """Unique, valid personnummer (and samordningsnummer, day + 60) for given birth dates."""

    def __init__(self, rng: DemoRandom) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, birth: dt.date, gender: str, *, coordination: bool = False) -> str:
        day = birth.day + 60 if coordination else birth.day
        yymmdd = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}"
        for _attempt in range(5000):
            serial = self.rng.randint(0, 99)
            gender_digit = self._gender_digit(gender)
            individual = f"{serial:02d}{gender_digit}"
            check = luhn.calc_check_digit(yymmdd + individual)
            number = f"{birth.year:04d}{birth.month:02d}{day:02d}{individual}{check}"
            if number not in self.used:
                self.used.add(number)
                return number
        # More than 500 people of one gender born on one day: the series is used up.
        return ""

    def _gender_digit(self, gender: str) -> int:
        if gender == "K":
            return self.rng.choice((0, 2, 4, 6, 8))
        if gender == "M":
            return self.rng.choice((1, 3, 5, 7, 9))
        return self.rng.randint(0, 9)


def make_person(
    rng: DemoRandom,
    numbers: PersonnummerFactory,
    index: int,
    *,
    birth: dt.date,
    gender: str,
    young: bool,
    municipality_code: str,
) -> Person:
    """One unsaved Person; `young` makes an international background a bit less likely to be
    first generation (persons at the youth unit are more often born in Sweden)."""
    born_abroad = rng.chance(0.40 if young else 0.58)
    origin = rng.weighted({k: v[0] for k, v in data.ORIGINS.items()}) if born_abroad else None
    if origin is None and rng.chance(0.12):
        # Born in Sweden with parents born abroad: an international name, Swedish first language.
        first, last = _origin_name(
            rng, rng.weighted({k: v[0] for k, v in data.ORIGINS.items()}), gender
        )
    elif origin is None:
        first, last = _swedish_name(rng, gender)
    else:
        first, last = _origin_name(rng, origin, gender)
    newly_arrived = born_abroad and rng.chance(0.25)
    protected = rng.chance(0.01)
    number_kind = rng.random()
    if number_kind < 0.02:
        personnummer = ""
    else:
        coordination = born_abroad and number_kind < 0.07
        personnummer = numbers.make(birth, gender, coordination=coordination)
    return Person(
        external_id=f"DEMO-P{index:06d}",
        personnummer=personnummer,
        first_name=first,
        last_name=last,
        birth_date=birth,
        gender=gender,
        education_level=rng.weighted(data.EDUCATION_WEIGHTS),
        born_abroad=None if rng.chance(0.02) else born_abroad,
        newly_arrived=None if rng.chance(0.02) else newly_arrived,
        protected_identity=protected,
        municipality_code=municipality_code if rng.chance(0.96) else "",
        address="" if protected else _address(rng),
        phone="" if protected else _phone(rng),
        email="" if protected or rng.chance(0.4) else _email(first, last, index),
        language=origin or "svenska",
    )


def _swedish_name(rng: DemoRandom, gender: str) -> tuple[str, str]:
    if gender == "X":
        gender = rng.choice(("K", "M"))
    first = rng.pick(data.SWEDISH_FEMALE if gender == "K" else data.SWEDISH_MALE)
    return first, rng.pick(data.SWEDISH_LAST)


def _origin_name(rng: DemoRandom, origin: str, gender: str) -> tuple[str, str]:
    _weight, female, male, last = data.ORIGINS[origin]
    if gender == "X":
        gender = rng.choice(("K", "M"))
    return rng.pick(female if gender == "K" else male), rng.pick(last)


def _address(rng: DemoRandom) -> str:
    postcode = f"199 {rng.randint(30, 99)}"
    return f"{rng.pick(data.STREETS)} {rng.randint(1, 60)}, {postcode} {data.POSTAL_TOWN}"


def _phone(rng: DemoRandom) -> str:
    low, high = data.FICTIONAL_MOBILE_RANGE
    return f"{data.FICTIONAL_MOBILE_PREFIX}{rng.randint(low, high):02d}"


def _email(first: str, last: str, index: int) -> str:
    ascii_only = "".join(
        c for c in f"{first}.{last}".lower() if c.isascii() and (c.isalnum() or c == ".")
    )
    return f"{ascii_only or 'deltagare'}{index}@example.org"


def birth_date_for_age(rng: DemoRandom, age: int, on: dt.date) -> dt.date:
    """A birth date making the person `age` years old on `on`."""
    latest = dt.date(on.year - age, on.month, min(on.day, 28))
    return latest - dt.timedelta(days=rng.randint(0, 364))
