"""Every kind of error is reported with file, line and column, and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from insats.codes.models import ClosureReason
from insats.core import testing
from insats.enrolments.models import Followup
from insats.interchange.services import import_folder
from insats.interchange.tests.helpers import VALID, counts, write_folder
from insats.measures.models import Attendance, Placement

pytestmark = pytest.mark.django_db


def edit(name: str, old: str, new: str) -> dict[str, str]:
    """The valid folder with one replacement in one file."""
    assert old in VALID[name], old
    return {**VALID, name: VALID[name].replace(old, new, 1)}


def append(name: str, line: str) -> dict[str, str]:
    return {**VALID, name: VALID[name] + line + "\n"}


CASES = [
    # Reading the file.
    (
        "not-utf8",
        {**VALID, "persons.csv": VALID["persons.csv"].encode().replace(b"P2,", b"\xc5P2,")},
        ("persons.csv", 3, None, "UTF-8"),
    ),
    (
        "unknown-column",
        edit("followups.csv", "followup_date\nE1,3,ARBETE,2024-09-01", "notes\nE1,3,ARBETE,x"),
        ("followups.csv", 1, "notes", "Okänd kolumn"),
    ),
    (
        "duplicate-column",
        {**VALID, "followups.csv": "enrolment_id,months_after,status,status\nE1,3,ARBETE,ARBETE\n"},
        ("followups.csv", 1, "status", "två gånger"),
    ),
    (
        "missing-required-column",
        {**VALID, "followups.csv": "enrolment_id,months_after\nE1,3\n"},
        ("followups.csv", 1, "status", "Obligatorisk kolumn saknas"),
    ),
    (
        "wrong-field-count",
        edit("followups.csv", "E1,3,ARBETE,2024-09-01", "E1,3,ARBETE"),
        ("followups.csv", 2, None, "har 3 fält men rubrikraden har 4"),
    ),
    (
        "bad-quoting",
        edit("followups.csv", "E1,3,ARBETE,2024-09-01", '"E1,3,ARBETE,2024-09-01'),
        ("followups.csv", 2, None, "citattecken avslutas aldrig"),
    ),
    (
        "missing-required-file",
        {k: v for k, v in VALID.items() if k != "enrolments.csv"},
        ("enrolments.csv", None, None, "saknas"),
    ),
    (
        "empty-file",
        {**VALID, "youth_applications.csv": ""},
        ("youth_applications.csv", 1, None, "rubrikrad"),
    ),
    # Cells.
    (
        "required-empty",
        edit("persons.csv", "1990-02-03,K", "1990-02-03,"),
        ("persons.csv", 3, "gender", "obligatorisk"),
    ),
    (
        "date-format",
        edit("enrolments.csv", "2024-02-01,,,,,", "2024/02/01,,,,,"),
        ("enrolments.csv", 3, "start_date", "ÅÅÅÅ-MM-DD"),
    ),
    (
        "date-not-real",
        edit("enrolments.csv", "2024-02-01,,,,,", "2024-02-30,,,,,"),
        ("enrolments.csv", 3, "start_date", "finns inte"),
    ),
    (
        "boolean",
        edit("persons.csv", "GYMNASIAL,1,", "GYMNASIAL,ja,"),
        ("persons.csv", 2, "born_abroad", "0 (nej) eller 1 (ja)"),
    ),
    (
        "number",
        edit("placements.csv", ",120.5,", ",120 h,"),
        ("placements.csv", 2, "hours_attended", "Ska vara ett tal"),
    ),
    (
        "negative",
        edit("placements.csv", ",15000,", ",-5,"),
        ("placements.csv", 2, "cost_sek", "negativt"),
    ),
    (
        "decimals",
        edit("placements.csv", ",120.5,", ",120.555,"),
        ("placements.csv", 2, "hours_attended", "decimaler"),
    ),
    (
        "too-large",
        edit("youth_applications.csv", ",80,", ",123456,"),
        ("youth_applications.csv", 2, "hours", "för stort"),
    ),
    (
        "unknown-code",
        edit("enrolments.csv", "E1,P1,AME,EKB", "E1,P1,AME,XYZ"),
        ("enrolments.csv", 2, "referral_source", "Okänd uppdragsgivare ”XYZ”"),
    ),
    (
        "unknown-category",
        edit("placements.csv", "JOBBSOK,JOBBSOK", "JOBBSOK,SOK"),
        ("placements.csv", 3, "measure_category", "Okänd insatskategori"),
    ),
    (
        "unknown-need",
        edit("enrolments.csv", ",AM2,", ",AM4,"),
        ("enrolments.csv", 2, "need_category", "behovskategori"),
    ),
    (
        "too-long",
        edit("enrolments.csv", "E1,P1,AME,", "E1,P1," + "A" * 41 + ","),
        ("enrolments.csv", 2, "unit_code", "för lång"),
    ),
    (
        "municipality-code",
        edit("persons.csv", ",0136", ",136"),
        ("persons.csv", 2, "municipality_code", "fyra siffror"),
    ),
    (
        "season",
        edit("youth_applications.csv", "2024-SOMMAR", "SOMMAR"),
        ("youth_applications.csv", 2, "season", "2021-SOMMAR"),
    ),
    (
        "months-after",
        edit("followups.csv", "E1,3,", "E1,9,"),
        ("followups.csv", 2, "months_after", "3, 6 eller 12"),
    ),
    (
        "youth-status",
        edit("youth_applications.csv", "GENOMFORT", "KLAR"),
        ("youth_applications.csv", 2, "status", "Okänd status"),
    ),
    (
        "youth-duplicate",
        append("youth_applications.csv", "Y1,2008-05-01,K,2024-SOMMAR,ANSOKT,,,,"),
        ("youth_applications.csv", 3, "application_id", "rad 2"),
    ),
    # Persons.
    (
        "check-digit",
        edit("persons.csv", "19811218-9876", "19811218-9877"),
        ("persons.csv", 2, "personnummer", "kontrollsiffra"),
    ),
    (
        "personnummer-form",
        edit("persons.csv", "19811218-9876", "1981-12-18"),
        ("persons.csv", 2, "personnummer", "10 eller 12 siffror"),
    ),
    (
        "birth-date-required",
        edit("persons.csv", ",1990-02-03,", ",,"),
        ("persons.csv", 3, "birth_date", "krävs när personnummer saknas"),
    ),
    (
        "birth-date-disagrees",
        edit("persons.csv", "9876,,", "9876,1981-12-19,"),
        ("persons.csv", 2, "birth_date", "1981-12-18"),
    ),
    (
        "birth-date-future",
        edit("persons.csv", "1990-02-03", "2999-01-01"),
        ("persons.csv", 3, "birth_date", "framtiden"),
    ),
    (
        "person-duplicate",
        append("persons.csv", "P1,,1970-01-01,K,,,,,"),
        ("persons.csv", 4, "person_id", "rad 2"),
    ),
    (
        "personnummer-duplicate",
        append("persons.csv", "P3,198112189876,,M,,,,,"),
        ("persons.csv", 4, "personnummer", "rad 2"),
    ),
    # Enrolments.
    (
        "unknown-person",
        edit("enrolments.csv", "E2,P2", "E2,P9"),
        ("enrolments.csv", 3, "person_id", "”P9” finns varken"),
    ),
    (
        "referral-after-start",
        edit("enrolments.csv", "2024-01-02,2024-01-10", "2024-01-20,2024-01-10"),
        ("enrolments.csv", 2, "referral_date", "efter startdatum"),
    ),
    (
        "end-before-start",
        edit("enrolments.csv", "2024-05-31,", "2024-01-01,"),
        ("enrolments.csv", 2, "end_date", "före startdatum"),
    ),
    (
        "closure-reason-missing",
        edit("enrolments.csv", "2024-05-31,ARBETE_UTAN_STOD", "2024-05-31,"),
        ("enrolments.csv", 2, "closure_reason", "krävs när slutdatum"),
    ),
    (
        "closure-reason-without-end",
        edit("enrolments.csv", "2024-02-01,,,,,", "2024-02-01,,,,,AVBROTT"),
        ("enrolments.csv", 3, "closure_reason", "bara anges när slutdatum"),
    ),
    (
        "plan-before-start",
        edit("enrolments.csv", "2024-02-01,2024-05-31", "2024-01-05,2024-05-31"),
        ("enrolments.csv", 2, "plan_date",
         "(2024-01-05) kan inte vara före startdatum (2024-01-10)"),
    ),
    (
        "plan-after-end",
        edit("enrolments.csv", "2024-02-01,2024-05-31", "2024-06-15,2024-05-31"),
        ("enrolments.csv", 2, "plan_date",
         "(2024-06-15) kan inte vara efter slutdatum (2024-05-31)"),
    ),
    (
        "enrolment-duplicate",
        append("enrolments.csv", "E2,P1,AME,AF,,2024-02-01,,,,,"),
        ("enrolments.csv", 4, "enrolment_id", "rad 3"),
    ),
    # Placements.
    (
        "placement-unknown-enrolment",
        edit("placements.csv", "PL2,E2", "PL2,E9"),
        ("placements.csv", 3, "enrolment_id", "”E9” finns varken"),
    ),
    (
        "placement-before-enrolment",
        edit("placements.csv", "2024-01-15", "2024-01-05"),
        ("placements.csv", 2, "start_date", "före inskrivningens startdatum"),
    ),
    (
        "placement-after-enrolment",
        edit("placements.csv", "2024-04-30", "2024-06-30"),
        ("placements.csv", 2, "end_date", "efter inskrivningens slutdatum"),
    ),
    (
        "placement-running-in-closed-enrolment",
        edit("placements.csv", "2024-01-15,2024-04-30,", "2024-01-15,,"),
        ("placements.csv", 2, "end_date", "räknas som pågående, men inskrivningen avslutades "
                                          "2024-05-31. Ange placeringens slutdatum"),
    ),
    (
        "placement-end-before-start",
        edit("placements.csv", "2024-02-05,,", "2024-02-05,2024-02-01,"),
        ("placements.csv", 3, "end_date", "före startdatum"),
    ),
    (
        "measure-two-categories",
        edit("placements.csv", "PL2,E2,JOBBSOK", "PL2,E2,SNICKERI"),
        ("placements.csv", 3, "measure_category", "rad 2"),
    ),
    (
        "placement-duplicate",
        append("placements.csv", "PL1,E2,JOBBSOK,JOBBSOK,2024-02-05,,,,"),
        ("placements.csv", 4, "placement_id", "rad 2"),
    ),
    # Follow-ups.
    (
        "followup-unknown-enrolment",
        edit("followups.csv", "E1,3", "E7,3"),
        ("followups.csv", 2, "enrolment_id", "”E7” finns varken"),
    ),
    (
        "followup-open-enrolment",
        edit("followups.csv", "E1,3", "E2,3"),
        ("followups.csv", 2, "enrolment_id", "inte avslutad"),
    ),
    (
        "followup-before-end",
        edit("followups.csv", "E1,3,ARBETE,2024-09-01", "E1,3,ARBETE,2024-05-30"),
        ("followups.csv", 2, "followup_date",
         "Uppföljningsdatum 2024-05-30 ligger före inskrivningens slutdatum 2024-05-31"),
    ),
    (
        "followup-duplicate",
        append("followups.csv", "E1,3,STUDIER,"),
        ("followups.csv", 3, "months_after", "rad 2"),
    ),
]


def assert_reported(result, expected) -> None:
    file, line, column, fragment = expected
    matching = [p for p in result.problems if (p.file, p.line, p.column) == (file, line, column)]
    assert matching, f"no problem at {file}:{line}:{column}; got {list(map(str, result.problems))}"
    assert any(fragment in p.message for p in matching), [p.message for p in matching]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_is_reported_and_nothing_written(tmp_path, files, expected):
    before = counts()
    result = import_folder(write_folder(tmp_path / "in", files))
    assert not result.ok
    assert_reported(result, expected)
    assert counts() == before


def test_valid_folder_imports(tmp_path):
    result = import_folder(write_folder(tmp_path / "in", VALID))
    assert result.ok, list(map(str, result.problems))
    assert counts()["Person"] == 2


def test_every_error_in_one_run(tmp_path):
    files = {
        **VALID,
        "persons.csv": VALID["persons.csv"]
        .replace("9876", "9877")
        .replace("1990-02-03", "2024-13-01"),
        "enrolments.csv": VALID["enrolments.csv"].replace("E1,P1,AME,EKB", "E1,P1,AME,XX"),
        "followups.csv": "enrolment_id,months_after,status\nE2,4,ARBETE\nE1,6,NIX\n",
    }
    result = import_folder(write_folder(tmp_path / "in", files))
    where = [(p.file, p.line, p.column) for p in result.problems]
    assert where == [
        ("persons.csv", 2, "personnummer"),
        ("persons.csv", 3, "birth_date"),
        ("enrolments.csv", 2, "referral_source"),
        ("followups.csv", 2, "months_after"),
        ("followups.csv", 2, "enrolment_id"),
        ("followups.csv", 3, "status"),
    ]
    assert counts()["Person"] == 0


def test_line_is_the_physical_line_after_a_multiline_cell(tmp_path):
    files = edit("placements.csv", '"Snickeriet, Ystad"', '"Snickeriet\nYstad\n"')
    files["placements.csv"] = files["placements.csv"].replace("PL2,E2", "PL2,E9")
    result = import_folder(write_folder(tmp_path / "in", files))
    assert [(p.file, p.line, p.column) for p in result.problems] == [
        ("placements.csv", 5, "enrolment_id")
    ]


def test_missing_required_column_is_reported_once(tmp_path):
    files = {**VALID, "followups.csv": "enrolment_id,months_after\nE1,3\nE1,6\n"}
    result = import_folder(write_folder(tmp_path / "in", files))
    assert [(p.file, p.line, p.column) for p in result.problems] == [("followups.csv", 1, "status")]


def test_personnummer_of_another_person_in_the_system(tmp_path):
    testing.make_person(external_id="OTHER", personnummer="198112189876")
    before = counts()
    result = import_folder(write_folder(tmp_path / "in", VALID))
    assert_reported(result, ("persons.csv", 2, "personnummer", "”OTHER”"))
    assert counts() == before


def test_measure_with_another_category_in_the_system(tmp_path):
    testing.make_measure("SNICKERI", category="PRAKTIK")
    result = import_folder(write_folder(tmp_path / "in", VALID))
    assert_reported(result, ("placements.csv", 2, "measure_category", "kategorin PRAKTIK"))


def test_hours_below_registered_attendance(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    placement = Placement.objects.get(external_id="PL1")
    Attendance.objects.create(placement=placement, date=dt.date(2024, 2, 1), hours=Decimal("7.5"))
    files = edit("placements.csv", ",120.5,", ",5,")
    result = import_folder(write_folder(tmp_path / "b", files))
    assert_reported(result, ("placements.csv", 2, "hours_attended", "7.5"))


def test_existing_placement_must_stay_within_changed_enrolment(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    # PL1 (2024-01-15 – 2024-04-30) is not in the second file, but E1 now ends before it does.
    files = {
        "persons.csv": VALID["persons.csv"],
        "enrolments.csv": VALID["enrolments.csv"].replace("2024-05-31", "2024-03-31"),
    }
    result = import_folder(write_folder(tmp_path / "b", files))
    assert_reported(result, ("enrolments.csv", 2, "start_date", "”PL1”"))


def test_existing_followup_needs_a_closed_enrolment(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    files = {
        "persons.csv": VALID["persons.csv"],
        "enrolments.csv": VALID["enrolments.csv"].replace("2024-05-31,ARBETE_UTAN_STOD", ","),
    }
    result = import_folder(write_folder(tmp_path / "b", files))
    assert_reported(result, ("enrolments.csv", 2, "end_date", "efteruppföljning"))
    assert Followup.objects.count() == 1
    assert ClosureReason.objects.filter(enrolment__external_id="E1").exists()


def test_command_reports_on_stderr_and_fails(tmp_path):
    folder = write_folder(tmp_path / "in", edit("persons.csv", "9876", "9877"))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_data", str(folder))
    report = str(excinfo.value)
    assert "Inget har sparats" in report
    assert "persons.csv, rad 2, kolumn personnummer: Personnumrets kontrollsiffra" in report
    assert excinfo.value.returncode == 1
    assert counts()["Person"] == 0


def test_command_refuses_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command("import_data", str(tmp_path / "nowhere"))


def test_boundary_dates_are_accepted(tmp_path):
    """The first plan on the start or end date, a follow-up on the end date, and a placement
    ending on the closure date all lie within the enrolment."""
    files = edit("enrolments.csv", "2024-02-01,2024-05-31", "2024-05-31,2024-05-31")
    files["placements.csv"] = files["placements.csv"].replace("2024-04-30", "2024-05-31")
    files["followups.csv"] = files["followups.csv"].replace("2024-09-01", "2024-05-31")
    result = import_folder(write_folder(tmp_path / "a", files))
    assert result.ok, list(map(str, result.problems))
    files = edit("enrolments.csv", "2024-02-01,2024-05-31", "2024-01-10,2024-05-31")
    assert import_folder(write_folder(tmp_path / "b", files)).ok


def test_unreadable_placement_end_is_not_also_called_running(tmp_path):
    files = edit("placements.csv", "2024-01-15,2024-04-30,", "2024-01-15,2024-04-31,")
    result = import_folder(write_folder(tmp_path / "in", files))
    assert [(p.file, p.line, p.column, p.message) for p in result.problems] == [
        ("placements.csv", 2, "end_date", "Datumet 2024-04-31 finns inte.")
    ]


def test_running_placement_in_insats_stops_closing_the_enrolment(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    # PL2 (from 2024-02-05, no end date) is not in the second file, but E2 is now closed.
    files = {
        "persons.csv": VALID["persons.csv"],
        "enrolments.csv": VALID["enrolments.csv"].replace(
            "E2,P2,AME,AF,,2024-02-01,,,,,", "E2,P2,AME,AF,,2024-02-01,,,,2024-06-30,AVBROTT"
        ),
    }
    result = import_folder(write_folder(tmp_path / "b", files))
    assert_reported(result, ("enrolments.csv", 3, "end_date", "”PL2”, som redan finns i Insats, "
                                                              "pågår fortfarande"))
    assert Placement.objects.get(external_id="PL2").end_date is None


def test_existing_followup_must_stay_after_the_changed_end_date(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    # The 3-month follow-up of 2024-09-01 is in Insats; E1 now closes after it.
    files = {
        "persons.csv": VALID["persons.csv"],
        "enrolments.csv": VALID["enrolments.csv"].replace("2024-05-31", "2024-10-01"),
    }
    result = import_folder(write_folder(tmp_path / "b", files))
    assert_reported(result, ("enrolments.csv", 2, "end_date",
                             "Uppföljningsdatum 2024-09-01 ligger före inskrivningens "
                             "slutdatum 2024-10-01"))
