"""Export of the whole database in the interchange format (export till utbytesformatet).

Every data file is written, with its header even when it has no rows, comma-delimited, UTF-8
without a byte-order mark, RFC 4180 quoting, rows sorted by id. Values are written in one
canonical form (dates ISO, booleans 0/1, numbers without exponent or trailing zeros, the
personnummer in 12 digits) so that export → import into an empty instance → export gives the
same files. The code lists are written to `codes/` as well, so that the folder is self-describing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Sum

from insats.codes.models import (
    ClosureReason,
    FollowupStatus,
    IncomeSource,
    MeasureCategory,
    ReferralSource,
    YouthStatus,
)
from insats.core.security.spreadsheet import neutralise
from insats.enrolments.models import Enrolment, Followup
from insats.interchange.services import validation as v
from insats.interchange.services.importer import ENROLMENT_FIELDS, YOUTH_FIELDS, format_decimal
from insats.measures.models import Attendance, Placement
from insats.persons.models import Person
from insats.youth.models import YouthApplication

CHUNK = 10000


def _text(value) -> str:
    """One cell in canonical form; None (not known) is the empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _write(path: Path, columns: Iterable[str], rows: Iterable[tuple]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(columns)
        for row in rows:
            # Free text that a spreadsheet would run as a formula gets a leading apostrophe;
            # the importer removes it again (insats/core/security/spreadsheet.py).
            writer.writerow([neutralise(_text(value)) for value in row])
            count += 1
    return count


def _persons() -> Iterable[tuple]:
    return (
        Person.objects.order_by("external_id")
        .values_list("external_id", *v.PERSONS.columns[1:])
        .iterator(chunk_size=CHUNK)
    )


def _enrolments() -> Iterable[tuple]:
    return (
        Enrolment.objects.order_by("external_id")
        .values_list("external_id", *ENROLMENT_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


def _placements() -> Iterable[tuple]:
    """hours_attended is the reported hours plus the attendance registered in Insats."""
    registered = dict(
        Attendance.objects.values("placement_id")
        .order_by()
        .annotate(total=Sum("hours"))
        .values_list("placement_id", "total")
    )
    rows = (
        Placement.objects.order_by("external_id")
        .values_list(
            "pk",
            "external_id",
            "enrolment__external_id",
            "measure__code",
            "measure__category_id",
            "start_date",
            "end_date",
            "reported_hours",
            "cost_sek",
            "workplace",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, *values, reported, cost, workplace in rows:
        attended = registered.get(pk)
        if reported is not None and attended is not None:
            hours = reported + attended
        else:
            hours = reported if reported is not None else attended
        yield (*values, hours, cost, workplace)


def _followups() -> Iterable[tuple]:
    return (
        Followup.objects.order_by("enrolment__external_id", "months_after")
        .values_list("enrolment__external_id", "months_after", "status_id", "followup_date")
        .iterator(chunk_size=CHUNK)
    )


def _youth() -> Iterable[tuple]:
    return (
        YouthApplication.objects.order_by("external_id")
        .values_list("external_id", *YOUTH_FIELDS)
        .iterator(chunk_size=CHUNK)
    )


CODE_FILES = (
    ("closure_reasons.csv", ClosureReason, ("code", "outcome_group", "label_sv", "definition_sv")),
    ("followup_statuses.csv", FollowupStatus, ("code", "label_sv")),
    ("income_sources.csv", IncomeSource, ("code", "label_sv")),
    ("measure_categories.csv", MeasureCategory, ("code", "label_sv")),
    ("referral_sources.csv", ReferralSource, ("code", "label_sv")),
    (
        "youth_statuses.csv",
        YouthStatus,
        ("code", "label_sv", "valid", "offered", "accepted", "started"),
    ),
)


def export_folder(folder: Path | str) -> dict[str, int]:
    """Write the whole database to `folder` (created if needed); returns rows written per file."""
    folder = Path(folder)
    (folder / "codes").mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # One snapshot for all files, so that rows refer to rows that are also exported.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        for spec, rows in (
            (v.PERSONS, _persons()),
            (v.ENROLMENTS, _enrolments()),
            (v.PLACEMENTS, _placements()),
            (v.FOLLOWUPS, _followups()),
            (v.YOUTH_APPLICATIONS, _youth()),
        ):
            counts[spec.name] = _write(folder / spec.name, spec.columns, rows)
        for name, model, columns in CODE_FILES:
            _write(
                folder / "codes" / name,
                columns,
                model.objects.order_by("sort_order", "code").values_list(*columns),
            )
    return counts
