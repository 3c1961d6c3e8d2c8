"""Property tests of personnummer and samordningsnummer parsing (insats/persons/personnummer.py).

Skatteverket's separator rule: from the calendar year a person turns 100, the 10-digit form
carries `+` instead of `-`. Every form is bounded to birth years from 1900 up to today; the
12-digit form takes `+` only when it agrees with the written year.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from insats.persons import personnummer as pnr

TODAY = dt.date(2025, 6, 15)


def is_hundred_this_year_or_older(birth: dt.date) -> bool:
    return TODAY.year - birth.year >= 100


def hundredth_birthday(birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=birth.year + 100)
    except ValueError:  # born 29 February
        return dt.date(birth.year + 100, 3, 1)


@st.composite
def numbers(draw, coordination=None):
    """(birth date, is samordningsnummer, 10 digits YYMMDDNNNC, canonical 12 digits)."""
    birth = draw(st.dates(dt.date(pnr.MIN_BIRTH_YEAR, 1, 1), TODAY))
    is_coordination = draw(coordination if coordination is not None else st.booleans())
    day = birth.day + (60 if is_coordination else 0)
    body = f"{birth:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    digits = body + luhn.calc_check_digit(body)
    return birth, is_coordination, digits, f"{birth.year // 100:02d}{digits}"


def ten_digit_forms(birth: dt.date, digits: str) -> list[str]:
    """The 10-digit forms of a number: '+' from the year of the 100th birthday, else '-' or none."""
    if is_hundred_this_year_or_older(birth):
        return [f"{digits[:6]}+{digits[6:]}"]
    return [f"{digits[:6]}-{digits[6:]}", digits]


def twelve_digit_forms(birth: dt.date, canonical: str) -> list[str]:
    """The 12-digit forms: bare or with '-', and with '+' when that agrees with the year."""
    forms = [canonical, f"{canonical[:8]}-{canonical[8:]}"]
    if is_hundred_this_year_or_older(birth):
        forms.append(f"{canonical[:8]}+{canonical[8:]}")
    return forms


@given(numbers())
def test_every_form_parses_to_the_same_number_and_birth_date(number):
    birth, is_coordination, digits, canonical = number
    forms = [*twelve_digit_forms(birth, canonical), *ten_digit_forms(birth, digits)]
    for text in forms:
        parsed = pnr.parse(text, today=TODAY)
        assert parsed.number == canonical, text
        assert parsed.birth_date == birth, text
        assert parsed.is_coordination_number == is_coordination, text
        assert parsed.formatted == f"{canonical[:8]}-{canonical[8:]}"


@given(numbers(), st.integers(1, 9))
def test_a_changed_check_digit_is_rejected(number, change):
    birth, _coordination, digits, canonical = number
    wrong = str((int(canonical[-1]) + change) % 10)
    for text in [canonical[:-1] + wrong, *(f[:-1] + wrong for f in ten_digit_forms(birth, digits))]:
        with pytest.raises(pnr.PersonnummerError, match="kontrollsiffra"):
            pnr.parse(text, today=TODAY)
        assert not pnr.is_valid(text, today=TODAY)


@given(
    st.integers(1900, 2024),
    st.integers(0, 99),
    st.integers(0, 99),
    st.integers(0, 999),
    st.booleans(),
)
def test_impossible_dates_are_rejected(year, month, day, serial, with_century):
    def exists(in_year: int) -> bool:
        try:
            dt.date(in_year, month, day - 60 if day > 60 else day)
        except ValueError:
            return False
        return True

    # Without the century the parser picks the year, so the date must be impossible in any
    # year: a day that does not exist in the leap year 2000 exists in no year.
    assume(not exists(year) if with_century else not exists(2000))
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    digits = body + luhn.calc_check_digit(body)
    text = f"{year // 100}{digits}" if with_century else digits
    with pytest.raises(pnr.PersonnummerError, match="finns inte"):
        pnr.parse(text, today=TODAY)


@given(numbers(coordination=st.just(True)))
def test_samordningsnummer_has_sixty_added_to_the_day(number):
    birth, _coordination, _digits, canonical = number
    parsed = pnr.parse(canonical, today=TODAY)
    assert int(canonical[6:8]) == birth.day + 60
    assert parsed.birth_date == birth
    assert parsed.is_coordination_number


@given(numbers())
def test_century_follows_the_separator(number):
    """'-' (or none): younger than 100, the most recent past date; '+': 100 this year or older,
    which before 1900 is refused."""
    birth, _coordination, digits, _canonical = number
    minus = pnr.parse(f"{digits[:6]}-{digits[6:]}", today=TODAY)
    assert minus.birth_date <= TODAY < hundredth_birthday(minus.birth_date)
    # '+' reads the year ending in YY that is the most recent one at least 100 years back.
    plus_year = TODAY.year - 100 - (TODAY.year - 100 - birth.year) % 100
    if plus_year < pnr.MIN_BIRTH_YEAR:
        with pytest.raises(pnr.PersonnummerError, match=f"blir födelseåret {plus_year}, vilket"):
            pnr.parse(f"{digits[:6]}+{digits[6:]}", today=TODAY)
        assert minus.birth_date == birth
    else:
        plus = pnr.parse(f"{digits[:6]}+{digits[6:]}", today=TODAY)
        assert plus.birth_date.year == plus_year
        assert 100 <= TODAY.year - plus.birth_date.year < 200
        assert birth in (minus.birth_date, plus.birth_date)


@given(st.integers(0, pnr.MIN_BIRTH_YEAR - 1), st.dates(dt.date(2000, 1, 1), dt.date(2000, 12, 31)),
       st.integers(0, 999), st.sampled_from(["", "-", "+"]), st.booleans())
def test_twelve_digits_before_1900_are_rejected(year, day, serial, separator, coordination):
    """E.g. 00900101-NNNN is not the year 90: every 12-digit year before 1900 is refused."""
    dd = day.day + (60 if coordination else 0)
    body = f"{year % 100:02d}{day:%m}{dd:02d}{serial:03d}"
    digits = body + luhn.calc_check_digit(body)
    text = f"{year // 100:02d}{digits[:6]}{separator}{digits[6:]}"
    with pytest.raises(pnr.PersonnummerError, match=f"Födelseåret {year:04d} i personnumret är "
                                                   "före 1900"):
        pnr.parse(text, today=TODAY)
    assert not pnr.is_valid(text, today=TODAY)


@given(numbers())
def test_plus_in_twelve_digits_only_when_it_agrees_with_the_year(number):
    birth, _coordination, _digits, canonical = number
    text = f"{canonical[:8]}+{canonical[8:]}"
    if is_hundred_this_year_or_older(birth):
        assert pnr.parse(text, today=TODAY).birth_date == birth
    else:
        with pytest.raises(pnr.PersonnummerError, match="Skriv bindestreck i stället: "
                                                        f"{canonical[:8]}-{canonical[8:]}"):
            pnr.parse(text, today=TODAY)


@given(st.dates(TODAY + dt.timedelta(days=1), dt.date(2099, 12, 31)), st.integers(0, 999))
def test_birth_date_in_the_future_is_rejected(birth, serial):
    body = f"{birth:%y%m%d}{serial:03d}"
    with pytest.raises(pnr.PersonnummerError, match="framtiden"):
        pnr.parse(f"{birth.year // 100}{body}{luhn.calc_check_digit(body)}", today=TODAY)


@pytest.mark.parametrize(
    "text",
    ["", "abc", "811218987", "19811218-98765", "8112189876-", "19811218--9876", "811218 9876x"],
)
def test_malformed_text_is_rejected(text):
    with pytest.raises(pnr.PersonnummerError, match="10 eller 12 siffror"):
        pnr.parse(text, today=TODAY)


def test_known_numbers():
    assert pnr.parse("811218-9876", today=TODAY).number == "198112189876"
    assert pnr.parse(" 19811218 9876 ", today=TODAY).number == "198112189876"
    old = pnr.parse("121212+1212", today=TODAY)
    assert old.birth_date == dt.date(1912, 12, 12)
    assert pnr.parse("121212-1212", today=TODAY).birth_date == dt.date(2012, 12, 12)
    assert pnr.parse("701063-2391", today=TODAY).birth_date == dt.date(1970, 10, 3)
