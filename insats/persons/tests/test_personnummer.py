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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # The audit's example: twelve digits with century 00 are not the year 90.
        ("00" + number("900101"), "Födelseåret 0090 i personnumret är före 1900"),
        ("18" + number("991231")[:6] + "-" + number("991231")[6:], "Födelseåret 1899"),
        # '+' on a ten-digit number whose year would then be 1830.
        (number("300101")[:6] + "+" + number("300101")[6:], "blir födelseåret 1830"),
        # '+' on a twelve-digit number of someone turning 35 this year.
        ("19" + number("900101")[:6] + "+" + number("900101")[6:],
         "Skriv bindestreck i stället: 19900101-1239"),
        ("20" + number("250602"), "framtiden"),
    ],
)
def test_century_bounds_say_why_in_swedish(text, message):
    with pytest.raises(pnr.PersonnummerError, match=message):
        pnr.parse(text, TODAY)


def test_bounds_themselves_are_accepted():
    first = number("000101")
    assert pnr.parse("19" + first, TODAY).birth_date == dt.date(1900, 1, 1)
    assert pnr.parse(f"{first[:6]}+{first[6:]}", TODAY).birth_date == dt.date(1900, 1, 1)
    # Turns 100 on New Year's Eve 2025: '+' agrees with the year all through 2025.
    late = number("251231")
    assert pnr.parse(f"19{late[:6]}+{late[6:]}", TODAY).birth_date == dt.date(1925, 12, 31)
    today = number("250601")
    assert pnr.parse("20" + today, TODAY).birth_date == TODAY
