"""Importing: Swedish Excel files, dry runs, idempotency, updates and hours from attendance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from insats.enrolments.models import Enrolment, Followup
from insats.interchange.services import export_folder, import_folder
from insats.interchange.tests.helpers import VALID, counts, read_rows, write_folder
from insats.measures.models import Attendance, Measure, Placement
from insats.organisation.models import Municipality, Unit
from insats.persons.models import Person
from insats.youth.models import YouthApplication

pytestmark = pytest.mark.django_db


def test_excel_semicolon_bom_decimal_comma_crlf(tmp_path):
    persons = (
        "\ufeffgender;person_id;personnummer;birth_date\r\n"
        "M;P1;811218-9876;\r\n"
        "K;P2;;1990-02-03\r\n"
    )
    enrolments = (
        "\ufeffenrolment_id;person_id;unit_code;referral_source;start_date;end_date;"
        "closure_reason\r\n"
        "E1;P1;AME;EKB;2024-01-10;2024-05-31;ARBETE_UTAN_STOD\r\n"
        "E2;P2;AME;AF;2024-02-01;;\r\n"
    )
    placements = (
        "\ufeffplacement_id;enrolment_id;measure_code;measure_category;start_date;end_date;"
        "hours_attended;cost_sek;workplace\r\n"
        'PL1;E1;SNICKERI;ARBETSTRANING;2024-01-15;2024-04-30;12,5;1500,75;"Snickeriet; Ystad"\r\n'
    )
    folder = write_folder(
        tmp_path / "excel",
        {"persons.csv": persons, "enrolments.csv": enrolments, "placements.csv": placements},
    )
    result = import_folder(folder)
    assert result.ok, list(map(str, result.problems))
    person = Person.objects.get(external_id="P1")
    assert person.personnummer == "198112189876"
    assert person.birth_date == dt.date(1981, 12, 18)
    placement = Placement.objects.get(external_id="PL1")
    assert placement.reported_hours == Decimal("12.5")
    assert placement.cost_sek == Decimal("1500.75")
    assert placement.workplace == "Snickeriet; Ystad"
    assert Enrolment.objects.get(external_id="E1").closure_reason_id == "ARBETE_UTAN_STOD"


def test_dry_run_writes_nothing_and_says_what_would_happen(tmp_path):
    folder = write_folder(tmp_path / "in", VALID)
    before = counts()
    result = import_folder(folder, dry_run=True)
    assert result.ok
    assert counts() == before
    assert result.changes["persons.csv"].created == 2
    assert result.new_units == ["AME"]
    assert result.new_measures == ["JOBBSOK", "SNICKERI"]


def test_dry_run_command_prints_summary(tmp_path, capsys):
    call_command("import_data", str(write_folder(tmp_path / "in", VALID)), "--dry-run")
    out = capsys.readouterr().out
    assert "Provkörning" in out
    assert "persons.csv: 2 nya, 0 ändrade, 0 oförändrade" in out
    assert Person.objects.count() == 0


def test_import_creates_units_and_measures(tmp_path):
    assert import_folder(write_folder(tmp_path / "in", VALID)).ok
    unit = Unit.objects.get(code="AME")
    assert unit.municipality == Municipality.default()
    assert Measure.objects.get(code="SNICKERI").category_id == "ARBETSTRANING"
    assert Enrolment.objects.filter(unit=unit).count() == 2
    assert Followup.objects.get().months_after == 3
    assert YouthApplication.objects.get().wage_cost_sek == Decimal("9600.50")


def test_new_applications_belong_to_the_municipality_of_the_imports_units(tmp_path):
    """The format has no municipality for applications: an import gives its new ones the
    municipality it gives its new units (Municipality.default()); an update keeps the
    application's municipality, and the export has no municipality column."""
    default = Municipality.default()
    other = Municipality.objects.create(code="9999", name="Annan kommun")
    youth = (
        "application_id,birth_date,gender,season,status,school_year,administration,hours,"
        "wage_cost_sek\n"
        "Y1,2008-05-01,K,2024-SOMMAR,GENOMFORT,GY1,,80,9600.50\n"
        "Y2,2008-06-01,M,2024-SOMMAR,ANSOKT,GY1,,,\n"
    )
    files = {**VALID, "youth_applications.csv": youth}
    assert import_folder(write_folder(tmp_path / "in", files)).ok
    assert Unit.objects.get(code="AME").municipality == default
    assert dict(YouthApplication.objects.values_list("external_id", "municipality")) == {
        "Y1": default.pk, "Y2": default.pk}
    # Y2 moved to the other municipality in Insats; a changed row in the next import keeps it.
    YouthApplication.objects.filter(external_id="Y2").update(municipality=other)
    changed = youth.replace("2024-SOMMAR,ANSOKT", "2024-SOMMAR,BORJAT")
    again = {**files, "youth_applications.csv": changed}
    result = import_folder(write_folder(tmp_path / "again", again))
    assert result.ok and result.changes["youth_applications.csv"].updated == 1
    y2 = YouthApplication.objects.get(external_id="Y2")
    assert (y2.status_id, y2.municipality) == ("BORJAT", other)
    export_folder(tmp_path / "out")
    header, _rows = read_rows(tmp_path / "out" / "youth_applications.csv")
    assert "municipality" not in ",".join(header)


def _snapshot() -> dict:
    return {
        "persons": list(Person.objects.order_by("pk").values()),
        "enrolments": list(Enrolment.objects.order_by("pk").values()),
        "placements": list(Placement.objects.order_by("pk").values()),
        "followups": list(Followup.objects.order_by("pk").values()),
        "youth": list(YouthApplication.objects.order_by("pk").values()),
        "measures": list(Measure.objects.order_by("pk").values()),
        "units": list(Unit.objects.order_by("pk").values()),
    }


def test_second_import_changes_nothing(tmp_path):
    folder = write_folder(tmp_path / "in", VALID)
    first = import_folder(folder)
    assert first.ok
    before = _snapshot()
    second = import_folder(folder)
    assert second.ok
    assert all(c.created == 0 and c.updated == 0 for c in second.changes.values())
    assert second.changes["enrolments.csv"].unchanged == 2
    assert second.new_units == [] and second.new_measures == []
    # Not even updated_at or version moves: no row is written.
    assert _snapshot() == before


def test_reimport_updates_to_the_files_values(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    enrolment = Enrolment.objects.get(external_id="E2")
    files = {
        **VALID,
        "enrolments.csv": VALID["enrolments.csv"].replace(
            "E2,P2,AME,AF,,2024-02-01,,,,,",
            "E2,P2,JOBBTORG,AF,,2024-02-01,,AM3,,2024-06-01,AVBROTT",
        ),
        "persons.csv": VALID["persons.csv"].replace("GYMNASIAL,1,0,,0136", ",,,,"),
        # E2 is now closed, so its placement has ended too.
        "placements.csv": VALID["placements.csv"].replace(
            "PL2,E2,JOBBSOK,JOBBSOK,2024-02-05,,", "PL2,E2,JOBBSOK,JOBBSOK,2024-02-05,2024-06-01,"
        ),
    }
    result = import_folder(write_folder(tmp_path / "b", files))
    assert result.ok, list(map(str, result.problems))
    assert result.changes["enrolments.csv"].updated == 1
    assert result.changes["enrolments.csv"].unchanged == 1
    assert result.changes["persons.csv"].updated == 1
    assert result.new_units == ["JOBBTORG"]
    updated = Enrolment.objects.get(pk=enrolment.pk)
    assert updated.unit.code == "JOBBTORG"
    assert updated.end_date == dt.date(2024, 6, 1)
    assert updated.closure_reason_id == "AVBROTT"
    assert updated.need_category == "AM3"
    assert updated.version == enrolment.version + 1
    person = Person.objects.get(external_id="P1")
    assert (person.education_level, person.born_abroad, person.municipality_code) == ("", None, "")


def test_existing_person_can_be_referred_to_without_being_in_the_file(tmp_path):
    Person.objects.create(external_id="OLD", birth_date=dt.date(1970, 1, 1), gender="M")
    files = {
        **VALID,
        "enrolments.csv": VALID["enrolments.csv"] + "E3,OLD,AME,SJALV,,2024-03-01,,,,,\n",
    }
    assert import_folder(write_folder(tmp_path / "in", files)).ok
    assert Enrolment.objects.get(external_id="E3").person.external_id == "OLD"


def test_hours_attended_includes_attendance_and_round_trips_in_place(tmp_path):
    assert import_folder(write_folder(tmp_path / "a", VALID)).ok
    placement = Placement.objects.get(external_id="PL1")
    Attendance.objects.create(placement=placement, date=dt.date(2024, 2, 1), hours=Decimal("7.5"))
    Attendance.objects.create(placement=placement, date=dt.date(2024, 2, 2), hours=Decimal("4"))
    other = Placement.objects.get(external_id="PL2")
    Attendance.objects.create(placement=other, date=dt.date(2024, 2, 6), hours=Decimal("3.25"))
    export_folder(tmp_path / "out")
    _header, rows = read_rows(tmp_path / "out" / "placements.csv")
    hours = {row[0]: row[6] for row in rows}
    assert hours == {"PL1": "132", "PL2": "3.25"}
    # Importing the export into the same instance keeps the attendance and changes nothing.
    result = import_folder(tmp_path / "out")
    assert result.ok, list(map(str, result.problems))
    assert all(c.updated == 0 and c.created == 0 for c in result.changes.values())
    assert Placement.objects.get(external_id="PL1").reported_hours == Decimal("120.5")
    assert Placement.objects.get(external_id="PL2").reported_hours is None


def test_unknown_csv_files_are_named_in_the_summary(tmp_path):
    folder = write_folder(tmp_path / "in", {**VALID, "placement.csv": "x\n"})
    result = import_folder(folder)
    assert result.ok
    assert result.ignored_files == ["placement.csv"]
    assert any("placement.csv" in line for line in result.summary())
