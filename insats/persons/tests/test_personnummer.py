import datetime as dt

import pytest
from stdnum import luhn

from insats.persons import personnummer as pnr


def number(yymmdd: str, serial: str = "123") -> str:
    """A valid 10-digit number for a date, with its check digit."""
    return yymmdd + serial + luhn.calc_check_digit(yymmdd + serial)


TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(
    "text",
    ["900101-1239", "9001011239", "19900101-1239", "199001011239", " 900101 1239 "],
)
def test_every_typed_form_gives_the_same_number(text):
    assert pnr.parse(text, TODAY).number == "199001011239"


def test_plus_means_a_hundred_or_older_even_late_in_the_year():
    # Born 1925-12-31: turns 100 in 2025 and has carried '+' since New Year.
    late = number("251231")
    assert pnr.parse(f"{late[:6]}+{late[6:]}", TODAY).birth_date == dt.date(1925, 12, 31)
    early = number("250101")
    assert pnr.parse(f"{early[:6]}+{early[6:]}", TODAY).birth_date == dt.date(1925, 1, 1)


def test_minus_gives_the_most_recent_past_century():
    n = number("251231")
    assert pnr.parse(f"{n[:6]}-{n[6:]}", TODAY).birth_date == dt.date(1925, 12, 31)
    n = number("240101")
    assert pnr.parse(n, TODAY).birth_date == dt.date(2024, 1, 1)


def test_samordningsnummer_has_day_plus_sixty():
    parsed = pnr.parse("900161-1236", TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date == dt.date(1990, 1, 1)
    assert parsed.number == "199001611236"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("900101-1234", "kontrollsiffra"),
        ("90010112", "10 eller 12 siffror"),
        ("abc", "10 eller 12 siffror"),
        (number("901301"), "finns inte"),
    ],
)
def test_invalid_numbers_say_why_in_swedish(text, message):
    with pytest.raises(pnr.PersonnummerError, match=message):
        pnr.parse(text, TODAY)
