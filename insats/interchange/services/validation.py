"""Row validation for the interchange files.

Each `validate_*_row` function turns one CSV row (strings) into a typed record and appends a
`Problem` for every cell that breaks a rule of the format. A record is returned even when some
cells are wrong (those fields are None and `valid` is False) so that rows referring to it do not
get follow-on errors; nothing is ever written unless the whole folder is free of problems.

All checks are plain Python over already loaded data: no database queries per row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insats.interchange.services.reader import FileSpec, Problem
from insats.persons import personnummer as pnr

PERSONS = FileSpec(
    "persons.csv",
    (
        "person_id",
        "personnummer",
        "birth_date",
        "gender",
        "education_level",
        "born_abroad",
        "newly_arrived",
        "protected_identity",
        "municipality_code",
    ),
    frozenset({"person_id", "gender"}),
)
ENROLMENTS = FileSpec(
    "enrolments.csv",
    (
        "enrolment_id",
        "person_id",
        "unit_code",
        "referral_source",
        "referral_date",
        "start_date",
        "income_at_start",
        "need_category",
        "plan_date",
        "end_date",
        "closure_reason",
    ),
    frozenset({"enrolment_id", "person_id", "unit_code", "referral_source", "start_date"}),
)
PLACEMENTS = FileSpec(
    "placements.csv",
    (
        "placement_id",
        "enrolment_id",
        "measure_code",
        "measure_category",
        "start_date",
        "end_date",
        "hours_attended",
        "cost_sek",
        "workplace",
    ),
    frozenset({"placement_id", "enrolment_id", "measure_code", "measure_category", "start_date"}),
)
FOLLOWUPS = FileSpec(
    "followups.csv",
    ("enrolment_id", "months_after", "status", "followup_date"),
    frozenset({"enrolment_id", "months_after", "status"}),
)
YOUTH_APPLICATIONS = FileSpec(
    "youth_applications.csv",
    (
        "application_id",
        "birth_date",
        "gender",
        "season",
        "status",
        "school_year",
        "administration",
        "hours",
        "wage_cost_sek",
    ),
    frozenset({"application_id", "birth_date", "gender", "season", "status"}),
)
SPECS = (PERSONS, ENROLMENTS, PLACEMENTS, FOLLOWUPS, YOUTH_APPLICATIONS)
REQUIRED_FILES = frozenset({PERSONS.name, ENROLMENTS.name})

GENDERS = ("K", "M", "X")
EDUCATION_LEVELS = ("FORGYMNASIAL", "GYMNASIAL", "EFTERGYMNASIAL", "OKAND")
NEED_CATEGORIES = ("AM1", "AM2", "AM3")
MONTHS_AFTER = (3, 6, 12)

# Field sizes of the models, so that a too long value is an import error and not a database error.
ID_LENGTH = 64
CODE_LENGTH = 40

# What a code is called in messages; lazy, so that they are only translated for an error.
WHAT_GENDER = gettext_lazy("könskod")
WHAT_EDUCATION = gettext_lazy("utbildningsnivå")
WHAT_REFERRAL_SOURCE = gettext_lazy("uppdragsgivare")
WHAT_INCOME = gettext_lazy("försörjningskälla")
WHAT_NEED = gettext_lazy("behovskategori")
WHAT_CLOSURE = gettext_lazy("avslutsorsak")
WHAT_CATEGORY = gettext_lazy("insatskategori")
WHAT_FOLLOWUP_STATUS = gettext_lazy("uppföljningsstatus")
WHAT_STATUS = gettext_lazy("status")

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NUMBER = re.compile(r"^(\d+)(?:\.(\d+))?$")
_MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
_SEASON = re.compile(r"^\d{4}-\S+$")
_INTEGER = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Codes:
    """The code lists (kodlistor) as loaded from the codes app, for membership checks."""

    referral_sources: frozenset[str]
    income_sources: frozenset[str]
    closure_reasons: frozenset[str]
    measure_categories: frozenset[str]
    followup_statuses: frozenset[str]
    youth_statuses: frozenset[str]


class RowReader:
    """Typed access to the cells of one row, recording a Problem for each bad cell."""

    __slots__ = ("spec", "line", "raw", "problems", "decimal_comma", "valid")

    def __init__(
        self,
        spec: FileSpec,
        line: int,
        raw: dict[str, str],
        problems: list[Problem],
        *,
        decimal_comma: bool,
    ) -> None:
        self.spec = spec
        self.line = line
        self.raw = raw
        self.problems = problems
        self.decimal_comma = decimal_comma
        self.valid = True

    def error(self, column: str | None, message: str) -> None:
        self.valid = False
        self.problems.append(Problem(self.spec.name, self.line, column, message))

    def text(self, column: str, *, max_length: int | None = None, strip: bool = True) -> str:
        """The cell's text; '' when empty. A required empty cell is an error."""
        if column not in self.raw:
            if column in self.spec.required:
                # Already reported once for the header; the row cannot be valid without it.
                self.valid = False
            return ""
        value = self.raw[column]
        if strip or not value.strip():
            value = value.strip()
        if not value:
            if column in self.spec.required:
                self.error(column, _("Värde saknas, men kolumnen är obligatorisk."))
            return ""
        if max_length is not None and len(value) > max_length:
            self.error(
                column,
                _("Texten är för lång: högst {max} tecken är tillåtet, här är det {n}.").format(
                    max=max_length, n=len(value)
                ),
            )
            return ""
        return value

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if not value:
            return None
        match = _DATE.match(value)
        if not match:
            self.error(
                column,
                _("Datum ska skrivas ÅÅÅÅ-MM-DD, t.ex. 2024-03-01 (här står ”{value}”).").format(
                    value=value
                ),
            )
            return None
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            self.error(column, _("Datumet {value} finns inte.").format(value=value))
            return None

    def birth_date(self, column: str, today: dt.date) -> dt.date | None:
        """A date of birth, which cannot lie in the future."""
        value = self.date(column)
        if value is not None and value > today:
            self.error(
                column,
                _("Födelsedatumet {value} ligger i framtiden.").format(value=value.isoformat()),
            )
            return None
        return value

    def boolean(self, column: str) -> bool | None:
        value = self.text(column)
        if not value:
            return None
        if value in ("0", "1"):
            return value == "1"
        self.error(
            column,
            _(
                "Ska vara 0 (nej) eller 1 (ja), eller tomt om det inte är känt "
                "(här står ”{value}”)."
            ).format(value=value),
        )
        return None

    def number(self, column: str, *, max_digits: int, decimal_places: int = 2) -> Decimal | None:
        """A number ≥ 0 with at most `decimal_places` decimals that fits the model field."""
        value = self.text(column)
        if not value:
            return None
        text = value
        if self.decimal_comma and "," in text and "." not in text:
            # Swedish Excel writes decimal commas in semicolon-separated files.
            text = text.replace(",", ".")
        negative = text.startswith("-")
        match = _NUMBER.match(text[1:] if negative else text)
        if not match:
            self.error(
                column,
                _("Ska vara ett tal, t.ex. 12 eller 12.5 (här står ”{value}”).").format(
                    value=value
                ),
            )
            return None
        if negative and Decimal(match[0]) != 0:
            self.error(
                column, _("Talet får inte vara negativt (här står ”{value}”).").format(value=value)
            )
            return None
        whole, fraction = match[1].lstrip("0"), (match[2] or "").rstrip("0")
        if len(fraction) > decimal_places:
            self.error(
                column,
                _("Högst {n} decimaler är tillåtet (här står ”{value}”).").format(
                    n=decimal_places, value=value
                ),
            )
            return None
        if len(whole) > max_digits - decimal_places:
            self.error(
                column,
                _(
                    "Talet är för stort: högst {n} siffror före decimaltecknet "
                    "(här står ”{value}”)."
                ).format(n=max_digits - decimal_places, value=value),
            )
            return None
        return Decimal(f"{whole or '0'}.{fraction}" if fraction else whole or "0")

    def choice(self, column: str, allowed, *, what) -> str:
        """A code that must be one of `allowed` (a collection of codes)."""
        value = self.text(column)
        if value and value not in allowed:
            self.error(
                column,
                _("Okänd {what} ”{value}”. Giltiga koder: {codes}.").format(
                    what=what, value=value, codes=", ".join(sorted(allowed))
                ),
            )
            return ""
        return value


# --- Records -------------------------------------------------------------------------------------


@dataclass(slots=True)
class PersonRecord:
    line: int
    valid: bool
    person_id: str
    personnummer: str
    birth_date: dt.date | None
    gender: str
    education_level: str
    born_abroad: bool | None
    newly_arrived: bool | None
    protected_identity: bool | None
    municipality_code: str


@dataclass(slots=True)
class EnrolmentRecord:
    line: int
    valid: bool
    enrolment_id: str
    person_id: str
    unit_code: str
    referral_source: str
    referral_date: dt.date | None
    start_date: dt.date | None
    income_at_start: str
    need_category: str
    plan_date: dt.date | None
    end_date: dt.date | None
    closure_reason: str


@dataclass(slots=True)
class PlacementRecord:
    line: int
    valid: bool
    placement_id: str
    enrolment_id: str
    measure_code: str
    measure_category: str
    start_date: dt.date | None
    end_date: dt.date | None
    hours_attended: Decimal | None
    cost_sek: Decimal | None
    workplace: str
    # Whether the end_date cell had text: an empty one means "still running", while a cell
    # that failed to parse is already reported and must not also count as running.
    end_date_given: bool = False


@dataclass(slots=True)
class FollowupRecord:
    line: int
    valid: bool
    enrolment_id: str
    months_after: int | None
    status: str
    followup_date: dt.date | None


@dataclass(slots=True)
class YouthRecord:
    line: int
    valid: bool
    application_id: str
    birth_date: dt.date | None
    gender: str
    season: str
    status: str
    school_year: str
    administration: str
    hours: Decimal | None
    wage_cost_sek: Decimal | None


# --- Single rows ----------------------------------------------------------------------------------


def validate_person_row(row: RowReader, today: dt.date) -> PersonRecord:
    """Person: personnummer canonicalised to 12 digits; birth date derived from it or given."""
    person_id = row.text("person_id", max_length=ID_LENGTH)
    number = ""
    derived_birth: dt.date | None = None
    raw_number = row.text("personnummer")
    if raw_number:
        try:
            parsed = pnr.parse(raw_number, today=today)
        except pnr.PersonnummerError as exc:
            row.error("personnummer", str(exc))
        else:
            number, derived_birth = parsed.number, parsed.birth_date
    birth_date = row.birth_date("birth_date", today)
    if not raw_number and not row.raw.get("birth_date", "").strip():
        row.error("birth_date", _("Födelsedatum krävs när personnummer saknas."))
    if derived_birth is not None:
        if birth_date is not None and birth_date != derived_birth:
            row.error(
                "birth_date",
                _("Födelsedatumet stämmer inte med personnumret, som ger {date}.").format(
                    date=derived_birth.isoformat()
                ),
            )
        birth_date = derived_birth
    municipality_code = row.text("municipality_code")
    if municipality_code and not _MUNICIPALITY_CODE.match(municipality_code):
        row.error(
            "municipality_code",
            _("Kommunkoden ska vara fyra siffror, t.ex. 0136 (här står ”{value}”).").format(
                value=municipality_code
            ),
        )
        municipality_code = ""
    record = PersonRecord(
        line=row.line,
        valid=True,
        person_id=person_id,
        personnummer=number,
        birth_date=birth_date,
        gender=row.choice("gender", GENDERS, what=WHAT_GENDER),
        education_level=row.choice("education_level", EDUCATION_LEVELS, what=WHAT_EDUCATION),
        born_abroad=row.boolean("born_abroad"),
        newly_arrived=row.boolean("newly_arrived"),
        protected_identity=row.boolean("protected_identity"),
        municipality_code=municipality_code,
    )
    record.valid = row.valid
    return record


def validate_enrolment_row(row: RowReader, codes: Codes) -> EnrolmentRecord:
    """Inskrivning: dates in order (referral ≤ start ≤ plan ≤ end), and a closure reason
    exactly when there is an end date."""
    record = EnrolmentRecord(
        line=row.line,
        valid=True,
        enrolment_id=row.text("enrolment_id", max_length=ID_LENGTH),
        person_id=row.text("person_id", max_length=ID_LENGTH),
        unit_code=row.text("unit_code", max_length=CODE_LENGTH),
        referral_source=row.choice(
            "referral_source", codes.referral_sources, what=WHAT_REFERRAL_SOURCE
        ),
        referral_date=row.date("referral_date"),
        start_date=row.date("start_date"),
        income_at_start=row.choice("income_at_start", codes.income_sources, what=WHAT_INCOME),
        need_category=row.choice("need_category", NEED_CATEGORIES, what=WHAT_NEED),
        plan_date=row.date("plan_date"),
        end_date=row.date("end_date"),
        closure_reason=row.choice("closure_reason", codes.closure_reasons, what=WHAT_CLOSURE),
    )
    start = record.start_date
    if start and record.referral_date and record.referral_date > start:
        row.error(
            "referral_date",
            _("Remissdatum ({referral}) kan inte vara efter startdatum ({start}).").format(
                referral=record.referral_date.isoformat(), start=start.isoformat()
            ),
        )
    if start and record.end_date and record.end_date < start:
        row.error(
            "end_date",
            _("Slutdatum ({end}) kan inte vara före startdatum ({start}).").format(
                end=record.end_date.isoformat(), start=start.isoformat()
            ),
        )
    # The first plan is established within the enrolment, as the plans app requires.
    plan = record.plan_date
    if start and plan and plan < start:
        row.error(
            "plan_date",
            _("Datum för första plan ({plan}) kan inte vara före startdatum ({start}).").format(
                plan=plan.isoformat(), start=start.isoformat()
            ),
        )
    elif plan and record.end_date and plan > record.end_date:
        row.error(
            "plan_date",
            _("Datum för första plan ({plan}) kan inte vara efter slutdatum ({end}).").format(
                plan=plan.isoformat(), end=record.end_date.isoformat()
            ),
        )
    end_given = bool(row.raw.get("end_date", "").strip())
    reason_given = bool(row.raw.get("closure_reason", "").strip())
    if end_given and not reason_given:
        row.error("closure_reason", _("Avslutsorsak krävs när slutdatum är ifyllt."))
    elif reason_given and not end_given:
        row.error("closure_reason", _("Avslutsorsak får bara anges när slutdatum är ifyllt."))
    record.valid = row.valid
    return record


def validate_placement_row(row: RowReader, codes: Codes) -> PlacementRecord:
    """Deltagande i insats (the dates against the enrolment are checked across files)."""
    record = PlacementRecord(
        line=row.line,
        valid=True,
        placement_id=row.text("placement_id", max_length=ID_LENGTH),
        enrolment_id=row.text("enrolment_id", max_length=ID_LENGTH),
        measure_code=row.text("measure_code", max_length=CODE_LENGTH),
        measure_category=row.choice(
            "measure_category", codes.measure_categories, what=WHAT_CATEGORY
        ),
        start_date=row.date("start_date"),
        end_date=row.date("end_date"),
        hours_attended=row.number("hours_attended", max_digits=9),
        cost_sek=row.number("cost_sek", max_digits=12),
        workplace=row.text("workplace", max_length=200, strip=False),
        end_date_given=bool(row.raw.get("end_date", "").strip()),
    )
    if record.start_date and record.end_date and record.end_date < record.start_date:
        row.error(
            "end_date",
            _("Slutdatum ({end}) kan inte vara före startdatum ({start}).").format(
                end=record.end_date.isoformat(), start=record.start_date.isoformat()
            ),
        )
    record.valid = row.valid
    return record


def validate_followup_row(row: RowReader, codes: Codes) -> FollowupRecord:
    """Efteruppföljning 3, 6 or 12 months after closure."""
    months_text = row.text("months_after")
    months: int | None = None
    if months_text:
        if _INTEGER.match(months_text) and int(months_text) in MONTHS_AFTER:
            months = int(months_text)
        else:
            row.error(
                "months_after",
                _("Ska vara 3, 6 eller 12 (månader efter avslut); här står ”{value}”.").format(
                    value=months_text
                ),
            )
    record = FollowupRecord(
        line=row.line,
        valid=True,
        enrolment_id=row.text("enrolment_id", max_length=ID_LENGTH),
        months_after=months,
        status=row.choice("status", codes.followup_statuses, what=WHAT_FOLLOWUP_STATUS),
        followup_date=row.date("followup_date"),
    )
    record.valid = row.valid
    return record


def validate_youth_row(row: RowReader, codes: Codes, today: dt.date) -> YouthRecord:
    """Feriejobbsansökan with its final status."""
    season = row.text("season", max_length=20)
    if season and not _SEASON.match(season):
        row.error(
            "season",
            _(
                "Perioden ska skrivas som år, bindestreck och namn, t.ex. 2021-SOMMAR eller "
                "2021-HOST (här står ”{value}”)."
            ).format(value=season),
        )
        season = ""
    record = YouthRecord(
        line=row.line,
        valid=True,
        application_id=row.text("application_id", max_length=ID_LENGTH),
        birth_date=row.birth_date("birth_date", today),
        gender=row.choice("gender", GENDERS, what=WHAT_GENDER),
        season=season,
        status=row.choice("status", codes.youth_statuses, what=WHAT_STATUS),
        school_year=row.text("school_year", max_length=10),
        administration=row.text("administration", max_length=150, strip=False),
        hours=row.number("hours", max_digits=7),
        wage_cost_sek=row.number("wage_cost_sek", max_digits=12),
    )
    record.valid = row.valid
    return record


# --- Within one file ------------------------------------------------------------------------------


@dataclass
class UniqueKeys:
    """Tracks keys seen in one file to report duplicates with the line of the first occurrence."""

    spec: FileSpec
    column: str
    problems: list[Problem]
    seen: dict = field(default_factory=dict)

    def add(self, key, line: int, label: str | None = None) -> bool:
        if not key or (isinstance(key, tuple) and None in key):
            return False
        first = self.seen.get(key)
        if first is not None:
            self.problems.append(
                Problem(
                    self.spec.name,
                    line,
                    self.column,
                    _(
                        "{label} finns redan på rad {first}; varje id får bara förekomma en gång."
                    ).format(label=label or f"”{key}”", first=first),
                )
            )
            return False
        self.seen[key] = line
        return True
