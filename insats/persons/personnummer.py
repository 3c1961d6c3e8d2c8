"""Parsing and validation of Swedish personnummer and samordningsnummer.

Accepted forms: 10 digits (YYMMDDNNNC) or 12 digits (YYYYMMDDNNNC), with an optional `-` or `+`
separator before the last four digits. In the 10-digit form the century is inferred as the
Skatteverket rule says: `-` (or no separator) means the person turns less than 100 this year,
`+` means the person turns 100 this calendar year or is older, relative to `today`. A
samordningsnummer has 60 added to the day. The last digit is a Luhn check digit over the ten
digits YYMMDDNNN.

Bounds, the same for every form:
- the birth year is 1900 or later (a 12-digit `00900101-…` would otherwise be year 90, and a
  10-digit `+` number would otherwise reach back to the 1800s);
- the birth date is not after `today`.

The 12-digit form carries the century itself, so Skatteverket writes it with `-` (or nothing).
A `+` there is accepted when it agrees with the year, that is when the person turns 100 this
calendar year or is older (the rule that decides `+` in the 10-digit form), and refused with an
explanation otherwise: a `+` that contradicts the written year is a typing error, and silently
ignoring it would hide the mistake.

Everything here is pure and deterministic so it can be property-tested; the error messages are
in Swedish because they are shown to users as they are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import luhn

_PATTERN = re.compile(r"^(\d{2})?(\d{6})([-+]?)(\d{4})$")
# No one with a personnummer in this register was born before 1900.
MIN_BIRTH_YEAR = 1900
# From the calendar year a person turns this age, the 10-digit form is written with `+`.
PLUS_AGE = 100


class PersonnummerError(ValueError):
    """The text is not a valid personnummer or samordningsnummer; str() says why, in Swedish."""


@dataclass(frozen=True)
class Personnummer:
    """A validated personnummer; `number` is the canonical 12-digit form."""

    number: str
    birth_date: dt.date
    is_coordination_number: bool

    @property
    def formatted(self) -> str:
        """YYYYMMDD-NNNC, the form shown to users."""
        return f"{self.number[:8]}-{self.number[8:]}"

    @property
    def gender_digit_is_female(self) -> bool:
        return int(self.number[10]) % 2 == 0


def parse(text: str, today: dt.date | None = None) -> Personnummer:
    """Validate `text` and return its canonical form, or raise PersonnummerError."""
    today = today or dt.date.today()
    cleaned = (text or "").strip().replace(" ", "")
    match = _PATTERN.match(cleaned)
    if not match:
        raise PersonnummerError(_(
            "Personnumret ska ha 10 eller 12 siffror, t.ex. ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."
        ))
    century, yymmdd, separator, last4 = match.groups()
    if not luhn.is_valid(yymmdd + last4):
        raise PersonnummerError(_("Personnumrets kontrollsiffra stämmer inte."))
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    coordination = dd > 60
    day = dd - 60 if coordination else dd
    if century is None:
        year = _infer_year(yy, mm, day, plus=separator == "+", today=today)
        if year < MIN_BIRTH_YEAR:
            raise PersonnummerError(_(
                "Med plustecken blir födelseåret %(year)d, vilket är före 1900. Plustecken "
                "skrivs bara för den som fyller 100 år i år eller är äldre; kontrollera numret."
            ) % {"year": year})
    else:
        year = int(century + yymmdd[:2])
        if year < MIN_BIRTH_YEAR:
            raise PersonnummerError(_(
                "Födelseåret %(year)s i personnumret är före 1900. Ett personnummer med 12 "
                "siffror börjar med århundradet, t.ex. 19 eller 20 (19811218-9876)."
            ) % {"year": f"{year:04d}"})
    try:
        birth = dt.date(year, mm, day)
    except ValueError:
        date = f"{year}-{mm:02d}-{day:02d}"
        message = (_("Datumet i samordningsnumret finns inte (%(date)s).") if coordination
                   else _("Datumet i personnumret finns inte (%(date)s)."))
        raise PersonnummerError(message % {"date": date}) from None
    if birth > today:
        raise PersonnummerError(_("Födelsedatumet i personnumret ligger i framtiden."))
    if century is not None and separator == "+" and today.year - year < PLUS_AGE:
        raise PersonnummerError(_(
            "Plustecknet betyder att personen fyller 100 år i år eller är äldre, men "
            "födelseåret %(year)d stämmer inte med det. Skriv bindestreck i stället: %(number)s."
        ) % {"year": year, "number": f"{century}{yymmdd}-{last4}"})
    return Personnummer(
        number=f"{year:04d}{yymmdd[2:]}{last4}",
        birth_date=birth,
        is_coordination_number=coordination,
    )


def _infer_year(yy: int, mm: int, day: int, *, plus: bool, today: dt.date) -> int:
    """The century of a 10-digit number, by Skatteverket's separator rule.

    `-`: the most recent year ending in `yy` whose date is not in the future. `+`: the person
    turns 100 this year or earlier, so the most recent year ending in `yy` that is at least 100
    years back; the date's place in the year does not matter then.
    """
    year = today.year - (today.year - yy) % 100
    if plus:
        return year - 100
    try:
        if dt.date(year, mm, day) > today:
            year -= 100
    except ValueError:
        # An impossible date: keep the year so that the caller reports the date itself.
        if year > today.year:
            year -= 100
    return year


def is_valid(text: str, today: dt.date | None = None) -> bool:
    try:
        parse(text, today)
    except PersonnummerError:
        return False
    return True
