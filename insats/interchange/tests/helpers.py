"""Helpers for the interchange tests: write a folder, count what the database holds."""

from __future__ import annotations

import csv
from pathlib import Path

from insats.enrolments.models import Enrolment, Followup
from insats.measures.models import Attendance, Measure, Placement
from insats.organisation.models import Unit
from insats.persons.models import Person
from insats.youth.models import YouthApplication

PERSONS = (
    "person_id,personnummer,birth_date,gender,education_level,born_abroad,newly_arrived,"
    "protected_identity,municipality_code\n"
    "P1,19811218-9876,,M,GYMNASIAL,1,0,,0136\n"
    "P2,,1990-02-03,K,,,,,\n"
)
ENROLMENTS = (
    "enrolment_id,person_id,unit_code,referral_source,referral_date,start_date,income_at_start,"
    "need_category,plan_date,end_date,closure_reason\n"
    "E1,P1,AME,EKB,2024-01-02,2024-01-10,FORSORJNINGSSTOD,AM2,2024-02-01,2024-05-31,"
    "ARBETE_UTAN_STOD\n"
    "E2,P2,AME,AF,,2024-02-01,,,,,\n"
)
PLACEMENTS = (
    "placement_id,enrolment_id,measure_code,measure_category,start_date,end_date,hours_attended,"
    "cost_sek,workplace\n"
    'PL1,E1,SNICKERI,ARBETSTRANING,2024-01-15,2024-04-30,120.5,15000,"Snickeriet, Ystad"\n'
    "PL2,E2,JOBBSOK,JOBBSOK,2024-02-05,,,,\n"
)
FOLLOWUPS = "enrolment_id,months_after,status,followup_date\nE1,3,ARBETE,2024-09-01\n"
YOUTH = (
    "application_id,birth_date,gender,season,status,school_year,administration,hours,"
    "wage_cost_sek\n"
    "Y1,2008-05-01,K,2024-SOMMAR,GENOMFORT,GY1,Tekniska förvaltningen,80,9600.50\n"
)
VALID = {
    "persons.csv": PERSONS,
    "enrolments.csv": ENROLMENTS,
    "placements.csv": PLACEMENTS,
    "followups.csv": FOLLOWUPS,
    "youth_applications.csv": YOUTH,
}

MODELS = (Person, Enrolment, Placement, Followup, YouthApplication, Measure, Unit, Attendance)


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (name → text or bytes) into `folder`; text is written as UTF-8 unchanged."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """(header, rows sorted) of an exported file."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], sorted(rows[1:])


def delete_everything() -> None:
    """Empty the case data, as in a fresh instance (code lists stay: they come from migrations)."""
    for model in (Attendance, Followup, Placement, Enrolment, YouthApplication, Person, Measure):
        model.objects.all().delete()
    Unit.objects.filter(enrolments__isnull=True).delete()
