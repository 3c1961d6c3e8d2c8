"""Import of an interchange folder (import av utbytesformatet): all or nothing, idempotent.

The import runs in four steps:

1. load what the database already holds, one query per table (keys and compared fields);
2. read and validate every file row by row, in Python, collecting every problem;
3. check the rules that span files or depend on the database (references, dates within the
   enrolment, closed enrolments for follow-ups, unique personnummer);
4. only if there is no problem at all: create and update in bulk inside one transaction.

Ids are the keys (`Person.external_id`, `Enrolment.external_id`, `Placement.external_id`,
`YouthApplication.external_id`; a follow-up by enrolment and months after closure), and a row
that already holds the file's values is not touched, so importing a folder twice changes nothing
the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from insats.codes.models import (
    ClosureReason,
    FollowupStatus,
    IncomeSource,
    MeasureCategory,
    ReferralSource,
    YouthStatus,
)
from insats.enrolments.models import Enrolment, Followup
from insats.interchange.services import validation as v
from insats.interchange.services.reader import FileSpec, Problem, open_csv
from insats.measures.models import Attendance, Measure, Placement
from insats.organisation.models import Municipality, Unit
from insats.persons.models import Person
from insats.youth.models import YouthApplication

BATCH_SIZE = 2000

PERSON_FIELDS = (
    "personnummer",
    "birth_date",
    "gender",
    "education_level",
    "born_abroad",
    "newly_arrived",
    "protected_identity",
    "municipality_code",
)
# The enrolment columns of enrolments.csv after enrolment_id, as ORM lookups; the exporter
# writes them and the importer compares against them.
ENROLMENT_FIELDS = (
    "person__external_id",
    "unit__code",
    "referral_source_id",
    "referral_date",
    "start_date",
    "income_at_start_id",
    "need_category",
    "plan_date",
    "end_date",
    "closure_reason_id",
)
YOUTH_FIELDS = (
    "birth_date",
    "gender",
    "season",
    "status_id",
    "school_year",
    "administration",
    "hours",
    "wage_cost_sek",
)


@dataclass
class Change:
    """How many rows of one file would be or were created, updated and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportResult:
    """The outcome of an import: problems (nothing written if any), or what changed."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    changes: dict[str, Change] = field(default_factory=dict)
    new_units: list[str] = field(default_factory=list)
    new_measures: list[str] = field(default_factory=list)
    ignored_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """Swedish lines saying what was (or in a dry run would be) created and updated."""
        lines = []
        if self.dry_run:
            lines.append(_("Provkörning: inget har sparats. Så här skulle importen gå:"))
        for name, change in self.changes.items():
            lines.append(
                _("{file}: {created} nya, {updated} ändrade, {unchanged} oförändrade").format(
                    file=name,
                    created=change.created,
                    updated=change.updated,
                    unchanged=change.unchanged,
                )
            )
        if self.new_units:
            lines.append(_("Nya enheter: {codes}").format(codes=", ".join(self.new_units)))
        if self.new_measures:
            lines.append(_("Nya insatser: {codes}").format(codes=", ".join(self.new_measures)))
        for name in self.ignored_files:
            lines.append(_("Okänd fil hoppades över: {file}").format(file=name))
        return lines


# --- 1. What the database holds -------------------------------------------------------------------


@dataclass
class DbState:
    """Existing rows, keyed as in the interchange files, with the fields an import may change."""

    codes: v.Codes
    persons: dict[str, tuple]
    personnummer_owner: dict[str, str]
    units: dict[str, int]
    measures: dict[str, tuple[int, str]]
    enrolments: dict[str, tuple]
    placements: dict[str, tuple]
    attendance_hours: dict[int, Decimal]
    followups: dict[tuple[str, int], tuple]
    youth: dict[str, tuple]


def load_state() -> DbState:
    """One query per table; every later check is a dictionary lookup."""
    codes = v.Codes(
        referral_sources=frozenset(ReferralSource.objects.values_list("code", flat=True)),
        income_sources=frozenset(IncomeSource.objects.values_list("code", flat=True)),
        closure_reasons=frozenset(ClosureReason.objects.values_list("code", flat=True)),
        measure_categories=frozenset(MeasureCategory.objects.values_list("code", flat=True)),
        followup_statuses=frozenset(FollowupStatus.objects.values_list("code", flat=True)),
        youth_statuses=frozenset(YouthStatus.objects.values_list("code", flat=True)),
    )
    persons = {
        row[0]: row[1:]
        for row in Person.objects.values_list("external_id", "pk", *PERSON_FIELDS).iterator(
            chunk_size=10000
        )
    }
    enrolments = {
        row[0]: row[1:]
        for row in Enrolment.objects.values_list(
            "external_id", "pk", "version", *ENROLMENT_FIELDS
        ).iterator(chunk_size=10000)
    }
    placements = {
        row[0]: row[1:]
        for row in Placement.objects.values_list(
            "external_id",
            "pk",
            "enrolment__external_id",
            "measure__code",
            "start_date",
            "end_date",
            "reported_hours",
            "cost_sek",
            "workplace",
        ).iterator(chunk_size=10000)
    }
    followups = {
        (row[0], row[1]): row[2:]
        for row in Followup.objects.values_list(
            "enrolment__external_id", "months_after", "pk", "status_id", "followup_date"
        ).iterator(chunk_size=10000)
    }
    youth = {
        row[0]: row[1:]
        for row in YouthApplication.objects.values_list(
            "external_id", "pk", *YOUTH_FIELDS
        ).iterator(chunk_size=10000)
    }
    return DbState(
        codes=codes,
        persons=persons,
        personnummer_owner={values[1]: key for key, values in persons.items() if values[1]},
        units=dict(Unit.objects.values_list("code", "pk")),
        measures={
            code: (pk, category)
            for code, pk, category in Measure.objects.values_list("code", "pk", "category_id")
        },
        enrolments=enrolments,
        placements=placements,
        attendance_hours=dict(
            Attendance.objects.values("placement_id")
            .order_by()
            .annotate(total=Sum("hours"))
            .values_list("placement_id", "total")
        ),
        followups=followups,
        youth=youth,
    )


# --- 2. Reading the files -------------------------------------------------------------------------


@dataclass
class Folder:
    """The validated records of each file, keyed by their ids."""

    persons: dict[str, v.PersonRecord] = field(default_factory=dict)
    enrolments: dict[str, v.EnrolmentRecord] = field(default_factory=dict)
    placements: dict[str, v.PlacementRecord] = field(default_factory=dict)
    followups: dict[tuple[str, int], v.FollowupRecord] = field(default_factory=dict)
    youth: dict[str, v.YouthRecord] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)


def _rows(folder: Path, spec: FileSpec, problems: list[Problem], present: set[str]):
    """Yield a RowReader per row of `spec`'s file; a missing optional file yields nothing."""
    path = folder / spec.name
    if not path.is_file():
        if spec.name in v.REQUIRED_FILES:
            problems.append(Problem(spec.name, None, None, _("Filen saknas men är obligatorisk.")))
        return
    present.add(spec.name)
    opened = open_csv(path, spec, problems)
    if opened is None:
        return
    decimal_comma = opened.delimiter == ";"
    for line, raw in opened.rows:
        yield v.RowReader(spec, line, raw, problems, decimal_comma=decimal_comma)


def read_folder(folder: Path, codes: v.Codes, today: dt.date, problems: list[Problem]) -> Folder:
    """Read and validate every file, keeping the first record of each id."""
    result = Folder()
    files = (
        (
            v.PERSONS,
            "person_id",
            result.persons,
            lambda row: v.validate_person_row(row, today),
            lambda r: r.person_id,
        ),
        (
            v.ENROLMENTS,
            "enrolment_id",
            result.enrolments,
            lambda row: v.validate_enrolment_row(row, codes),
            lambda r: r.enrolment_id,
        ),
        (
            v.PLACEMENTS,
            "placement_id",
            result.placements,
            lambda row: v.validate_placement_row(row, codes),
            lambda r: r.placement_id,
        ),
        (
            v.FOLLOWUPS,
            "months_after",
            result.followups,
            lambda row: v.validate_followup_row(row, codes),
            lambda r: (r.enrolment_id, r.months_after),
        ),
        (
            v.YOUTH_APPLICATIONS,
            "application_id",
            result.youth,
            lambda row: v.validate_youth_row(row, codes, today),
            lambda r: r.application_id,
        ),
    )
    for spec, key_column, target, validate, key_of in files:
        keys = v.UniqueKeys(spec, key_column, problems)
        for row in _rows(folder, spec, problems, result.present):
            record = validate(row)
            key = key_of(record)
            label = None
            if spec is v.FOLLOWUPS and record.months_after is not None:
                label = _("Uppföljningen {months} månader för inskrivning ”{id}”").format(
                    months=record.months_after, id=record.enrolment_id
                )
            if not key or (isinstance(key, tuple) and None in key):
                # No usable id (already reported): keep the record under its line so that its
                # references are still checked; it can never be written.
                target[("", row.line)] = record
            elif keys.add(key, row.line, label):
                target[key] = record
    return result


# --- 3. Rules across files ------------------------------------------------------------------------


def check_folder(files: Folder, state: DbState, problems: list[Problem]) -> None:
    """The rules that need more than one row: references, uniqueness, dates within enrolments."""
    _check_personnummer(files, state, problems)
    _check_enrolment_persons(files, state, problems)
    spans = _enrolment_spans(files, state)
    _check_placements(files, state, spans, problems)
    _check_followups(files, state, spans, problems)
    _check_existing_children(files, state, spans, problems)


def _problem(spec: FileSpec, line: int, column: str, message: str) -> Problem:
    return Problem(spec.name, line, column, message)


def _check_personnummer(files: Folder, state: DbState, problems: list[Problem]) -> None:
    """A personnummer belongs to one person only, in the file and in Insats."""
    first_line: dict[str, v.PersonRecord] = {}
    for record in files.persons.values():
        number = record.personnummer
        if not number:
            continue
        earlier = first_line.get(number)
        if earlier is not None:
            problems.append(
                _problem(
                    v.PERSONS,
                    record.line,
                    "personnummer",
                    _("Samma personnummer finns redan på rad {line} (person_id ”{id}”).").format(
                        line=earlier.line, id=earlier.person_id
                    ),
                )
            )
            continue
        first_line[number] = record
        owner = state.personnummer_owner.get(number)
        if owner is not None and owner != record.person_id:
            problems.append(
                _problem(
                    v.PERSONS,
                    record.line,
                    "personnummer",
                    _(
                        "Personnumret tillhör redan en annan person i Insats (person_id ”{id}”)."
                    ).format(id=owner),
                )
            )


def _check_enrolment_persons(files: Folder, state: DbState, problems: list[Problem]) -> None:
    for record in files.enrolments.values():
        pid = record.person_id
        if pid and pid not in files.persons and pid not in state.persons:
            problems.append(
                _problem(
                    v.ENROLMENTS,
                    record.line,
                    "person_id",
                    _("Personen ”{id}” finns varken i persons.csv eller i Insats.").format(id=pid),
                )
            )


@dataclass(frozen=True)
class Span:
    """An enrolment's dates after the import; `line` is its row in enrolments.csv, if any."""

    start: dt.date | None
    end: dt.date | None
    line: int | None
    valid: bool


def _enrolment_spans(files: Folder, state: DbState) -> dict[str, Span]:
    spans = {key: Span(row[6], row[10], None, True) for key, row in state.enrolments.items()}
    for key, record in files.enrolments.items():
        spans[key] = Span(record.start_date, record.end_date, record.line, record.valid)
    return spans


def _check_placements(
    files: Folder, state: DbState, spans: dict[str, Span], problems: list[Problem]
) -> None:
    """Placements refer to an enrolment, lie within it, and keep one category per measure."""
    categories: dict[str, tuple[str, int]] = {}
    for record in files.placements.values():
        span = spans.get(record.enrolment_id) if record.enrolment_id else None
        if record.enrolment_id and span is None:
            problems.append(
                _problem(
                    v.PLACEMENTS,
                    record.line,
                    "enrolment_id",
                    _("Inskrivningen ”{id}” finns varken i enrolments.csv eller i Insats.").format(
                        id=record.enrolment_id
                    ),
                )
            )
        elif span is not None and span.valid:
            for column in ("start_date", "end_date"):
                message = _outside(getattr(record, column), span)
                if message:
                    problems.append(_problem(v.PLACEMENTS, record.line, column, message))
            if not record.end_date_given and span.end is not None:
                problems.append(
                    _problem(v.PLACEMENTS, record.line, "end_date", _still_running(span.end))
                )
        _check_measure(record, state, categories, problems)
        _check_hours(record, state, problems)


def _still_running(end: dt.date) -> str:
    """An empty end_date means the placement is still running, which a closed enrolment's
    placements cannot be (closing an enrolment in Insats ends its placements)."""
    return _(
        "Slutdatum saknas, så placeringen räknas som pågående, men inskrivningen avslutades "
        "{end}. Ange placeringens slutdatum (senast {end})."
    ).format(end=end.isoformat())


def _outside(day: dt.date | None, span: Span) -> str | None:
    """Why `day` lies outside the enrolment, or None if it lies within (or is unknown).

    An unknown day is not judged here; an empty placement end_date is `_still_running`."""
    if day is None or span.start is None:
        return None
    if day < span.start:
        return _("Datumet {day} ligger före inskrivningens startdatum {start}.").format(
            day=day.isoformat(), start=span.start.isoformat()
        )
    if span.end is not None and day > span.end:
        return _("Datumet {day} ligger efter inskrivningens slutdatum {end}.").format(
            day=day.isoformat(), end=span.end.isoformat()
        )
    return None


def _check_measure(
    record: v.PlacementRecord,
    state: DbState,
    categories: dict[str, tuple[str, int]],
    problems: list[Problem],
) -> None:
    code, category = record.measure_code, record.measure_category
    if not code or not category:
        return
    existing = state.measures.get(code)
    if existing is not None and existing[1] != category:
        problems.append(
            _problem(
                v.PLACEMENTS,
                record.line,
                "measure_category",
                _(
                    "Insatsen ”{code}” finns redan i Insats med kategorin {existing}, "
                    "inte {category}."
                ).format(code=code, existing=existing[1], category=category),
            )
        )
        return
    earlier = categories.setdefault(code, (category, record.line))
    if earlier[0] != category:
        problems.append(
            _problem(
                v.PLACEMENTS,
                record.line,
                "measure_category",
                _(
                    "Insatsen ”{code}” har kategorin {earlier} på rad {line}; "
                    "en insats har en kategori."
                ).format(code=code, earlier=earlier[0], line=earlier[1]),
            )
        )


def _check_hours(record: v.PlacementRecord, state: DbState, problems: list[Problem]) -> None:
    """hours_attended is the total; hours already registered as attendance are part of it."""
    existing = state.placements.get(record.placement_id)
    if existing is None or record.hours_attended is None:
        return
    registered = state.attendance_hours.get(existing[0])
    if registered is not None and record.hours_attended < registered:
        problems.append(
            _problem(
                v.PLACEMENTS,
                record.line,
                "hours_attended",
                _(
                    "Placeringen har redan {hours} närvarotimmar registrerade i Insats; "
                    "hours_attended (totalt antal timmar) kan inte vara mindre."
                ).format(hours=format_decimal(registered)),
            )
        )


def _check_followups(
    files: Folder, state: DbState, spans: dict[str, Span], problems: list[Problem]
) -> None:
    for record in files.followups.values():
        if not record.enrolment_id:
            continue
        span = spans.get(record.enrolment_id)
        if span is None:
            problems.append(
                _problem(
                    v.FOLLOWUPS,
                    record.line,
                    "enrolment_id",
                    _("Inskrivningen ”{id}” finns varken i enrolments.csv eller i Insats.").format(
                        id=record.enrolment_id
                    ),
                )
            )
        elif span.valid and span.end is None:
            problems.append(
                _problem(
                    v.FOLLOWUPS,
                    record.line,
                    "enrolment_id",
                    _(
                        "Inskrivningen ”{id}” är inte avslutad; "
                        "efteruppföljning görs bara efter avslut."
                    ).format(id=record.enrolment_id),
                )
            )
        elif span.valid and record.followup_date and record.followup_date < span.end:
            problems.append(
                _problem(
                    v.FOLLOWUPS,
                    record.line,
                    "followup_date",
                    _followup_before_end(record.followup_date, span.end),
                )
            )


def _followup_before_end(day: dt.date, end: dt.date) -> str:
    return _(
        "Uppföljningsdatum {day} ligger före inskrivningens slutdatum {end}; "
        "efteruppföljning görs efter avslut."
    ).format(day=day.isoformat(), end=end.isoformat())


def _check_existing_children(
    files: Folder, state: DbState, spans: dict[str, Span], problems: list[Problem]
) -> None:
    """Placements and follow-ups already in Insats must still fit an enrolment the file changes."""
    for key, row in state.placements.items():
        enrolment_id = row[1]
        if key in files.placements or enrolment_id not in files.enrolments:
            continue
        span = spans[enrolment_id]
        if not span.valid:
            continue
        for day in (row[3], row[4]):
            message = _outside(day, span)
            if message:
                problems.append(
                    _problem(
                        v.ENROLMENTS,
                        span.line,
                        "start_date",
                        _(
                            "Placeringen ”{id}”, som redan finns i Insats, "
                            "hamnar utanför inskrivningen: "
                            "{reason}"
                        ).format(id=key, reason=message),
                    )
                )
                break
        else:
            if row[4] is None and span.end is not None:
                problems.append(
                    _problem(
                        v.ENROLMENTS,
                        span.line,
                        "end_date",
                        _(
                            "Placeringen ”{id}”, som redan finns i Insats, pågår fortfarande "
                            "(saknar slutdatum), men inskrivningen avslutas här {end}. "
                            "Ange placeringens slutdatum i placements.csv."
                        ).format(id=key, end=span.end.isoformat()),
                    )
                )
    for (enrolment_id, months), row in state.followups.items():
        if (enrolment_id, months) in files.followups or enrolment_id not in files.enrolments:
            continue
        span = spans[enrolment_id]
        followup_date = row[2]
        if span.valid and span.end is not None and followup_date and followup_date < span.end:
            problems.append(
                _problem(
                    v.ENROLMENTS,
                    span.line,
                    "end_date",
                    _(
                        "Efteruppföljningen ({months} månader), som redan finns i Insats: {reason}"
                    ).format(months=months, reason=_followup_before_end(followup_date, span.end)),
                )
            )
        if span.valid and span.end is None:
            problems.append(
                _problem(
                    v.ENROLMENTS,
                    span.line,
                    "end_date",
                    _(
                        "Inskrivningen har redan en efteruppföljning ({months} månader) "
                        "i Insats och "
                        "måste därför ha ett slutdatum."
                    ).format(months=months),
                )
            )


# --- 4. Writing -----------------------------------------------------------------------------------


def format_decimal(value: Decimal) -> str:
    """Canonical text of a number: no exponent, no trailing zeros (12.50 → 12.5, 3.00 → 3)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _person_values(r: v.PersonRecord) -> tuple:
    return (
        r.personnummer,
        r.birth_date,
        r.gender,
        r.education_level,
        r.born_abroad,
        r.newly_arrived,
        r.protected_identity,
        r.municipality_code,
    )


def _enrolment_values(r: v.EnrolmentRecord) -> tuple:
    return (
        r.person_id,
        r.unit_code,
        r.referral_source,
        r.referral_date,
        r.start_date,
        r.income_at_start or None,
        r.need_category,
        r.plan_date,
        r.end_date,
        r.closure_reason or None,
    )


def _youth_values(r: v.YouthRecord) -> tuple:
    return (
        r.birth_date,
        r.gender,
        r.season,
        r.status,
        r.school_year,
        r.administration,
        r.hours,
        r.wage_cost_sek,
    )


def _reported_hours(record: v.PlacementRecord, state: DbState) -> Decimal | None:
    """The part of hours_attended not registered as attendance: Placement.reported_hours."""
    existing = state.placements.get(record.placement_id)
    registered = state.attendance_hours.get(existing[0]) if existing is not None else None
    if record.hours_attended is None or registered is None:
        return record.hours_attended
    rest = record.hours_attended - registered
    if rest == 0 and existing[5] is None:
        # All hours are in the attendance; an unknown reported part stays unknown.
        return None
    return rest


def _split(records: dict, existing: dict, values_of, compared_from: int) -> tuple[list, list, int]:
    """(new keys, changed keys, number unchanged) comparing a record's values with the database."""
    new, changed, unchanged = [], [], 0
    for key, record in records.items():
        row = existing.get(key)
        if row is None:
            new.append(key)
        elif values_of(record) != tuple(row[compared_from:]):
            changed.append(key)
        else:
            unchanged += 1
    return new, changed, unchanged


@dataclass
class Plan:
    """What the import will create and update, per file, before anything is written."""

    persons: tuple
    enrolments: tuple
    placements: tuple
    followups: tuple
    youth: tuple
    new_units: list[str]
    new_measures: dict[str, str]
    placement_values: dict[str, tuple]


def plan_changes(files: Folder, state: DbState) -> Plan:
    placement_values = {
        key: (
            r.enrolment_id,
            r.measure_code,
            r.start_date,
            r.end_date,
            _reported_hours(r, state),
            r.cost_sek,
            r.workplace,
        )
        for key, r in files.placements.items()
    }
    new_measures: dict[str, str] = {}
    for record in files.placements.values():
        if record.measure_code not in state.measures:
            new_measures.setdefault(record.measure_code, record.measure_category)
    return Plan(
        persons=_split(files.persons, state.persons, _person_values, 1),
        enrolments=_split(files.enrolments, state.enrolments, _enrolment_values, 2),
        placements=_split(placement_values, state.placements, lambda values: values, 1),
        followups=_split(
            files.followups, state.followups, lambda r: (r.status, r.followup_date), 1
        ),
        youth=_split(files.youth, state.youth, _youth_values, 1),
        new_units=sorted({r.unit_code for r in files.enrolments.values()} - state.units.keys()),
        new_measures=dict(sorted(new_measures.items())),
        placement_values=placement_values,
    )


def _write(files: Folder, state: DbState, plan: Plan) -> None:
    """Create and update in bulk; runs inside the caller's transaction."""
    now = timezone.now()
    if plan.new_units:
        municipality = Municipality.default()
        Unit.objects.bulk_create(
            [Unit(municipality=municipality, code=code, name=code) for code in plan.new_units],
            batch_size=BATCH_SIZE,
        )
    if plan.new_measures:
        Measure.objects.bulk_create(
            [
                Measure(code=code, name=code, category_id=category)
                for code, category in plan.new_measures.items()
            ],
            batch_size=BATCH_SIZE,
        )
    _write_persons(files, state, plan, now)
    _write_enrolments(files, state, plan, now)
    _write_placements(state, plan)
    _write_followups(files, state, plan)
    _write_youth(files, state, plan)


def _write_persons(files: Folder, state: DbState, plan: Plan, now) -> None:
    new, changed, _unchanged = plan.persons
    Person.objects.bulk_create(
        (
            Person(
                external_id=key,
                **dict(zip(PERSON_FIELDS, _person_values(files.persons[key]), strict=True)),
            )
            for key in new
        ),
        batch_size=BATCH_SIZE,
    )
    if changed:
        Person.objects.bulk_update(
            [
                Person(
                    pk=state.persons[key][0],
                    updated_at=now,
                    **dict(zip(PERSON_FIELDS, _person_values(files.persons[key]), strict=True)),
                )
                for key in changed
            ],
            [*PERSON_FIELDS, "updated_at"],
            batch_size=BATCH_SIZE,
        )


def _enrolment_fields(r: v.EnrolmentRecord, person_pk: dict, unit_pk: dict) -> dict:
    return {
        "person_id": person_pk[r.person_id],
        "unit_id": unit_pk[r.unit_code],
        "referral_source_id": r.referral_source,
        "referral_date": r.referral_date,
        "start_date": r.start_date,
        "income_at_start_id": r.income_at_start or None,
        "need_category": r.need_category,
        "plan_date": r.plan_date,
        "end_date": r.end_date,
        "closure_reason_id": r.closure_reason or None,
    }


def _write_enrolments(files: Folder, state: DbState, plan: Plan, now) -> None:
    new, changed, _unchanged = plan.enrolments
    if not new and not changed:
        return
    referenced = {files.enrolments[key].person_id for key in (*new, *changed)}
    person_pk = {
        key: pk
        for key, pk in Person.objects.values_list("external_id", "pk").iterator(chunk_size=10000)
        if key in referenced
    }
    unit_pk = dict(Unit.objects.values_list("code", "pk"))
    Enrolment.objects.bulk_create(
        (
            Enrolment(
                external_id=key, **_enrolment_fields(files.enrolments[key], person_pk, unit_pk)
            )
            for key in new
        ),
        batch_size=BATCH_SIZE,
    )
    if changed:
        objects = []
        for key in changed:
            pk, version = state.enrolments[key][:2]
            # A changed enrolment gets a new version so that an open edit form notices the import.
            objects.append(
                Enrolment(
                    pk=pk,
                    version=version + 1,
                    updated_at=now,
                    **_enrolment_fields(files.enrolments[key], person_pk, unit_pk),
                )
            )
        fields = [
            "person_id",
            "unit_id",
            "referral_source_id",
            "referral_date",
            "start_date",
            "income_at_start_id",
            "need_category",
            "plan_date",
            "end_date",
            "closure_reason_id",
            "version",
            "updated_at",
        ]
        Enrolment.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)


def _enrolment_pks(keys: set[str]) -> dict[str, int]:
    return {
        key: pk
        for key, pk in Enrolment.objects.values_list("external_id", "pk").iterator(chunk_size=10000)
        if key in keys
    }


def _write_placements(state: DbState, plan: Plan) -> None:
    new, changed, _unchanged = plan.placements
    placement_values = plan.placement_values
    if not new and not changed:
        return
    enrolment_pk = _enrolment_pks({placement_values[key][0] for key in (*new, *changed)})
    measure_pk = dict(Measure.objects.values_list("code", "pk"))

    def fields(key: str) -> dict:
        enrolment_id, measure_code, start, end, hours, cost, workplace = placement_values[key]
        return {
            "enrolment_id": enrolment_pk[enrolment_id],
            "measure_id": measure_pk[measure_code],
            "start_date": start,
            "end_date": end,
            "reported_hours": hours,
            "cost_sek": cost,
            "workplace": workplace,
        }

    Placement.objects.bulk_create(
        (Placement(external_id=key, **fields(key)) for key in new), batch_size=BATCH_SIZE
    )
    if changed:
        Placement.objects.bulk_update(
            [Placement(pk=state.placements[key][0], **fields(key)) for key in changed],
            [
                "enrolment_id",
                "measure_id",
                "start_date",
                "end_date",
                "reported_hours",
                "cost_sek",
                "workplace",
            ],
            batch_size=BATCH_SIZE,
        )


def _write_followups(files: Folder, state: DbState, plan: Plan) -> None:
    new, changed, _unchanged = plan.followups
    if not new and not changed:
        return
    enrolment_pk = _enrolment_pks({key[0] for key in (*new, *changed)})
    Followup.objects.bulk_create(
        (
            Followup(
                enrolment_id=enrolment_pk[key[0]],
                months_after=key[1],
                status_id=files.followups[key].status,
                followup_date=files.followups[key].followup_date,
            )
            for key in new
        ),
        batch_size=BATCH_SIZE,
    )
    if changed:
        Followup.objects.bulk_update(
            [
                Followup(
                    pk=state.followups[key][0],
                    status_id=files.followups[key].status,
                    followup_date=files.followups[key].followup_date,
                )
                for key in changed
            ],
            ["status_id", "followup_date"],
            batch_size=BATCH_SIZE,
        )


def _write_youth(files: Folder, state: DbState, plan: Plan) -> None:
    """New applications belong to the municipality the import runs for, the one its new units
    get (`Municipality.default()`): the format has no municipality column for applications. A
    changed application keeps its municipality; only the file's columns are updated."""
    new, changed, _unchanged = plan.youth

    def fields(key: str) -> dict:
        return dict(zip(YOUTH_FIELDS, _youth_values(files.youth[key]), strict=True))

    if new:
        municipality = Municipality.default()
        YouthApplication.objects.bulk_create(
            (
                YouthApplication(external_id=key, municipality=municipality, **fields(key))
                for key in new
            ),
            batch_size=BATCH_SIZE,
        )
    if changed:
        YouthApplication.objects.bulk_update(
            [YouthApplication(pk=state.youth[key][0], **fields(key)) for key in changed],
            list(YOUTH_FIELDS),
            batch_size=BATCH_SIZE,
        )


# --- Entry point ----------------------------------------------------------------------------------


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {spec.name: index for index, spec in enumerate(v.SPECS)}
    return sorted(problems, key=lambda p: (order.get(p.file, 99), p.line or 0))


def import_folder(folder: Path | str, *, dry_run: bool = False, today: dt.date | None = None):
    """Import an interchange folder; nothing is written if any problem is found (or dry_run).

    Returns an ImportResult with every problem, or with the counts of created, updated and
    unchanged rows per file (what would happen, for a dry run).
    """
    folder = Path(folder)
    today = today or timezone.localdate()
    result = ImportResult(dry_run=dry_run)
    known = {spec.name for spec in v.SPECS}
    result.ignored_files = sorted(
        p.name for p in folder.glob("*.csv") if p.is_file() and p.name not in known
    )
    with transaction.atomic():
        state = load_state()
        problems: list[Problem] = []
        files = read_folder(folder, state.codes, today, problems)
        check_folder(files, state, problems)
        if problems:
            result.problems = _sorted(problems)
            return result
        plan = plan_changes(files, state)
        counts = {
            v.PERSONS.name: plan.persons,
            v.ENROLMENTS.name: plan.enrolments,
            v.PLACEMENTS.name: plan.placements,
            v.FOLLOWUPS.name: plan.followups,
            v.YOUTH_APPLICATIONS.name: plan.youth,
        }
        result.changes = {
            name: Change(len(new), len(changed), unchanged)
            for name, (new, changed, unchanged) in counts.items()
            if name in files.present
        }
        result.new_units = plan.new_units
        result.new_measures = list(plan.new_measures)
        if not dry_run:
            _write(files, state, plan)
    if not dry_run and _written_rows(result) >= ANALYZE_AFTER_ROWS:
        refresh_planner_statistics()
    return result


# After a large import the query planner's statistics describe the tables as they were; on
# PostgreSQL that turns the caseload page's index scan into a slow nested loop until
# autovacuum catches up. Refresh them at once when an import wrote many rows.
ANALYZE_AFTER_ROWS = 10_000


def _written_rows(result) -> int:
    return sum(c.created + c.updated for c in result.changes.values())


def refresh_planner_statistics() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
