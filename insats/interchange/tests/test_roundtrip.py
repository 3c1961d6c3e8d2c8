"""Export → import into an empty instance → export gives the same files.

Besides a fixed example built with the shared test builders, a Hypothesis property test generates
random valid datasets, writes them in the many forms the format allows (comma or semicolon,
with or without BOM, any column order, 10- or 12-digit personnummer, decimal commas in Excel
files, quoted text with commas, quotes and line breaks) and checks that the export is exactly the
canonical form of the data, and that the round trip reproduces it byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from stdnum import luhn

from insats.codes.models import YouthStatus
from insats.core import testing
from insats.core.security.spreadsheet import neutralise
from insats.interchange.services import export_folder, import_folder
from insats.interchange.services import validation as v
from insats.interchange.services.importer import format_decimal
from insats.interchange.tests.helpers import delete_everything, read_rows
from insats.measures.models import Attendance
from insats.organisation.models import Municipality
from insats.persons.models import Person
from insats.youth.models import YouthApplication

DATA_FILES = [spec.name for spec in v.SPECS]


def assert_same_files(first: Path, second: Path) -> None:
    names = [*DATA_FILES, *(f"codes/{p.name}" for p in (first / "codes").iterdir())]
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], []), (mismatch, errors)


@pytest.mark.django_db
def test_export_import_export_is_identical(tmp_path, unit):
    person = testing.make_person(
        external_id="P-1",
        personnummer="198112189876",
        birth_date=dt.date(1981, 12, 18),
        gender="M",
        education_level="GYMNASIAL",
        born_abroad=True,
        newly_arrived=False,
        protected_identity=True,
        municipality_code="0136",
    )
    other = testing.make_person(external_id="P,2", birth_date=dt.date(2001, 2, 28), gender="X")
    closed = testing.make_enrolment(
        person,
        unit,
        external_id="E1",
        referral_date=dt.date(2024, 1, 2),
        start_date=dt.date(2024, 1, 10),
        plan_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 8, 31),
        closure_reason="STUDIER_REGULJARA",
        need_category="AM3",
    )
    testing.make_enrolment(other, unit, external_id="E2", start_date=dt.date(2024, 6, 1))
    placement = testing.make_placement(
        closed,
        external_id="PL1",
        end_date=dt.date(2024, 6, 30),
        reported_hours=Decimal("10.50"),
        cost_sek=Decimal("12000.00"),
        workplace='Café "Kvarnen", Ystad\nandra våningen',
    )
    Attendance.objects.create(placement=placement, date=dt.date(2024, 2, 1), hours=Decimal("6.25"))
    testing.make_placement(closed, external_id="PL2", start_date=dt.date(2024, 5, 1),
                           end_date=dt.date(2024, 8, 31))
    closed.followups.create(months_after=12, status_id="ARBETE", followup_date=dt.date(2025, 9, 1))
    YouthApplication.objects.create(
        external_id="Y1",
        municipality=Municipality.default(),
        birth_date=dt.date(2008, 3, 3),
        gender="K",
        season="2024-SOMMAR",
        status=YouthStatus.objects.get(code="BORJAT"),
        hours=Decimal("80.00"),
        wage_cost_sek=Decimal("0.10"),
    )
    export_folder(tmp_path / "first")
    _header, rows = read_rows(tmp_path / "first" / "placements.csv")
    assert [row[6] for row in rows] == ["16.75", ""]
    delete_everything()
    assert Person.objects.count() == 0
    result = import_folder(tmp_path / "first")
    assert result.ok, list(map(str, result.problems))
    export_folder(tmp_path / "second")
    assert_same_files(tmp_path / "first", tmp_path / "second")


@pytest.mark.django_db
def test_export_of_empty_database_has_every_header(tmp_path):
    export_folder(tmp_path)
    for spec in v.SPECS:
        assert (tmp_path / spec.name).read_bytes() == (",".join(spec.columns) + "\r\n").encode()
    assert (tmp_path / "codes" / "closure_reasons.csv").exists()


# --- Generated datasets ---------------------------------------------------------------------------

TODAY = dt.date.today()
UNITS = ["AME", "JOBBTORG", "Enhet för unga"]
MEASURES = {"M_A": "ARBETSTRANING", "M_B": "JOBBSOK", "M_C": "PRAKTIK"}
REFERRAL_SOURCES = ["EKB", "AF", "KAA", "SJALV"]
INCOME_SOURCES = ["FORSORJNINGSSTOD", "A_KASSA", "INGEN"]
CLOSURE_REASONS = ["ARBETE_UTAN_STOD", "STUDIER_REGULJARA", "AVBROTT", "OVRIGT"]
FOLLOWUP_STATUSES = ["ARBETE", "FORSORJNINGSSTOD", "OKAND"]
YOUTH_STATUSES = ["ANSOKT", "OGILTIG", "TACKAT_JA", "BORJAT", "GENOMFORT"]
TEXT = st.text(alphabet='abcåäöÅÉ 19,;"\n-', max_size=20).map(lambda s: s if s.strip() else "")
ID_SUFFIX = st.sampled_from(["", "-å", " x,y", '"q"', ";7"])


def _is_centenarian(birth: dt.date) -> bool:
    """Skatteverket writes '+' from the calendar year the person turns 100."""
    return TODAY.year - birth.year >= 100


@st.composite
def numbers(draw, max_digits: int):
    """(value, canonical text, written text for ',' files, written text for ';' files)."""
    cents = draw(st.integers(0, 10**max_digits - 1))
    value = Decimal(cents) / 100
    canonical = format_decimal(value)
    written = draw(st.sampled_from([canonical, f"{value:.2f}"]))
    return canonical, written, draw(st.sampled_from([written, written.replace(".", ",")]))


def optional(strategy):
    return st.one_of(st.none(), strategy)


@st.composite
def persons(draw, index: int):
    birth = draw(st.dates(dt.date(1905, 1, 1), dt.date(2007, 12, 31)))
    kind = draw(st.sampled_from(["none", "12", "12-", "10sep", "10bare", "samordning"]))
    canonical = written = ""
    if kind != "none":
        day = birth.day + (60 if kind == "samordning" else 0)
        body = f"{birth:%y%m}{day:02d}{index:03d}"
        digits = body + luhn.calc_check_digit(body)
        canonical = f"{birth.year // 100}{digits}"
        separator = "+" if _is_centenarian(birth) else "-"
        written = {
            "12": canonical,
            "12-": f"{canonical[:8]}-{canonical[8:]}",
            "10sep": f"{digits[:6]}{separator}{digits[6:]}",
            "10bare": f"{digits[:6]}{separator}{digits[6:]}" if separator == "+" else digits,
            "samordning": draw(
                st.sampled_from([canonical, f"{digits[:6]}{separator}{digits[6:]}"])
            ),
        }[kind]
    write_birth = not canonical or draw(st.booleans())
    flags = [draw(st.sampled_from(["", "0", "1"])) for _ in range(3)]
    values = {
        "person_id": f"P{index}{draw(ID_SUFFIX)}",
        "personnummer": canonical,
        "birth_date": birth.isoformat(),
        "gender": draw(st.sampled_from(["K", "M", "X"])),
        "education_level": draw(st.sampled_from(["", *v.EDUCATION_LEVELS])),
        "born_abroad": flags[0],
        "newly_arrived": flags[1],
        "protected_identity": flags[2],
        "municipality_code": draw(st.sampled_from(["", "0136", "1286"])),
    }
    written_values = {
        **values,
        "personnummer": written,
        "birth_date": values["birth_date"] if write_birth else "",
    }
    return values, written_values, written_values


@st.composite
def datasets(draw):
    """Rows per file: (canonical values, written for ',' files, written for ';' files)."""
    data: dict[str, list] = {name: [] for name in DATA_FILES}
    people = [draw(persons(i)) for i in range(draw(st.integers(1, 5)))]
    data["persons.csv"] = people
    for e in range(draw(st.integers(0, 6))):
        start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
        end = None
        if draw(st.booleans()):
            end = start + dt.timedelta(days=draw(st.integers(0, 800)))
        referral = optional(st.integers(0, 90).map(lambda d, s=start: s - dt.timedelta(days=d)))
        # The first plan lies within the enrolment.
        plan_days = min(200, (end - start).days) if end else 200
        plan = optional(
            st.integers(0, plan_days).map(lambda d, s=start: s + dt.timedelta(days=d))
        )
        enrolment_id = f"E{e}{draw(ID_SUFFIX)}"
        values = {
            "enrolment_id": enrolment_id,
            "person_id": draw(st.sampled_from(people))[0]["person_id"],
            "unit_code": draw(st.sampled_from(UNITS)),
            "referral_source": draw(st.sampled_from(REFERRAL_SOURCES)),
            "referral_date": _iso(draw(referral)),
            "start_date": start.isoformat(),
            "income_at_start": draw(st.sampled_from(["", *INCOME_SOURCES])),
            "need_category": draw(st.sampled_from(["", "AM1", "AM2", "AM3"])),
            "plan_date": _iso(draw(plan)),
            "end_date": _iso(end),
            "closure_reason": draw(st.sampled_from(CLOSURE_REASONS)) if end else "",
        }
        data["enrolments.csv"].append((values, values, values))
        last = end or start + dt.timedelta(days=400)
        for p in range(draw(st.integers(0, 2))):
            data["placements.csv"].append(
                draw(placements(f"PL{e}.{p}", enrolment_id, start, last, end))
            )
        if end:
            for months in draw(st.sets(st.sampled_from([3, 6, 12]))):
                followup_date = end + dt.timedelta(days=30 * months)
                values = {
                    "enrolment_id": enrolment_id,
                    "months_after": str(months),
                    "status": draw(st.sampled_from(FOLLOWUP_STATUSES)),
                    "followup_date": draw(st.sampled_from(["", followup_date.isoformat()])),
                }
                data["followups.csv"].append((values, values, values))
    for y in range(draw(st.integers(0, 3))):
        data["youth_applications.csv"].append(draw(youth_applications(f"Y{y}{draw(ID_SUFFIX)}")))
    return data


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


@st.composite
def placements(draw, placement_id, enrolment_id, first: dt.date, last: dt.date, end):
    span = (last - first).days
    start = first + dt.timedelta(days=draw(st.integers(0, span)))
    placement_end = None
    # A placement of a closed enrolment has ended (an empty end date means still running).
    if end is not None or draw(st.booleans()):
        placement_end = start + dt.timedelta(days=draw(st.integers(0, (last - start).days)))
    code = draw(st.sampled_from(sorted(MEASURES)))
    hours = draw(optional(numbers(9)))
    cost = draw(optional(numbers(12)))
    values = {
        "placement_id": placement_id,
        "enrolment_id": enrolment_id,
        "measure_code": code,
        "measure_category": MEASURES[code],
        "start_date": start.isoformat(),
        "end_date": _iso(placement_end),
        "workplace": draw(TEXT),
    }
    return _with_numbers(values, {"hours_attended": hours, "cost_sek": cost})


def _with_numbers(values: dict, numbers_: dict) -> tuple[dict, dict, dict]:
    canonical, comma, semicolon = dict(values), dict(values), dict(values)
    for column, number in numbers_.items():
        canonical[column], comma[column], semicolon[column] = number or ("", "", "")
    return canonical, comma, semicolon


@st.composite
def youth_applications(draw, application_id: str):
    values = {
        "application_id": application_id,
        "birth_date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2010, 12, 31))).isoformat(),
        "gender": draw(st.sampled_from(["K", "M", "X"])),
        "season": f"{draw(st.integers(2018, 2025))}-{draw(st.sampled_from(['SOMMAR', 'HOST']))}",
        "status": draw(st.sampled_from(YOUTH_STATUSES)),
        "school_year": draw(st.sampled_from(["", "9", "GY1", "GY2"])),
        "administration": draw(TEXT),
    }
    return _with_numbers(
        values, {"hours": draw(optional(numbers(7))), "wage_cost_sek": draw(optional(numbers(12)))}
    )


@st.composite
def file_forms(draw):
    """How each file is written: delimiter, BOM, line ending, column order."""
    return {
        spec.name: (
            draw(st.sampled_from([",", ";"])),
            draw(st.booleans()),
            draw(st.sampled_from(["\r\n", "\n"])),
            draw(st.permutations(spec.columns)),
        )
        for spec in v.SPECS
    }


def write_dataset(folder: Path, data: dict, forms: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        delimiter, bom, newline, columns = forms[name]
        with open(folder / name, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=delimiter, lineterminator=newline)
            writer.writerow(columns)
            for _canonical, comma, semicolon in rows:
                written = semicolon if delimiter == ";" else comma
                writer.writerow([written[c] for c in columns])


class GeneratedRoundTripTests(TestCase):
    """Each example runs in its own transaction (hypothesis.extra.django.TestCase)."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=datasets(), forms=file_forms())
    def test_generated_dataset_round_trips_exactly(self, data, forms):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            write_dataset(tmp / "in", data, forms)
            result = import_folder(tmp / "in")
            assert result.ok, list(map(str, result.problems))
            export_folder(tmp / "first")
            for spec in v.SPECS:
                header, rows = read_rows(tmp / "first" / spec.name)
                assert header == list(spec.columns)
                # Text a spreadsheet would run as a formula is exported with a leading
                # apostrophe (insats/core/security/spreadsheet.py); the importer removes it.
                expected = sorted(
                    [neutralise(values[c]) for c in spec.columns]
                    for values, *_ in data[spec.name]
                )
                assert rows == expected, spec.name
            # Importing the same data again changes nothing.
            again = import_folder(tmp / "in")
            assert all(c.created == c.updated == 0 for c in again.changes.values())
            # Export → import into an empty instance → export gives the same files.
            delete_everything()
            assert import_folder(tmp / "first").ok
            export_folder(tmp / "second")
            assert_same_files(tmp / "first", tmp / "second")
