#!/usr/bin/env python
"""Benchmark of the full indicator dashboard against DuckDB on the same rows.

Run by hand, not in CI. It

1. generates a municipality's data with a fixed seed (units, measures, persons, enrolments with a
   realistic mix of referral sources, need categories and closure reasons, about two placements
   per enrolment with costs, 3/6/12-month follow-ups, summer-job applications and millions of
   attendance rows) as CSV files in a work folder;
2. loads the same rows into freshly migrated Insats databases (`insats migrate`, then PostgreSQL
   `COPY … FROM STDIN` / SQLite `executemany` in one transaction, then `ANALYZE`) and into
   in-memory DuckDB tables;
3. computes the full dashboard for one year: every indicator of the registry for the whole year,
   for each of the twelve months, and for the whole year by every dimension it supports. In
   Insats through `insats.kpi.services.compute` (a child process per database, so Django is
   configured for that database); in DuckDB with independently written SQL for each indicator;
4. checks that every figure (value, numerator, denominator, every group) is the same on every
   engine, and reports wall time, the ratio to DuckDB and a per-indicator breakdown. With
   `--write-doc` the "Indicators" section of docs/benchmarks.md is replaced by the report.

    nice .venv/bin/python benchmarks/kpi_benchmark.py --write-doc
    .venv/bin/python benchmarks/kpi_benchmark.py --persons 2000 --enrolments 5000 \\
        --attendance 50000 --db sqlite
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSATS = ROOT / ".venv" / "bin" / "insats"
CODES = ROOT / "insats" / "codes" / "data"
DOC = ROOT / "docs" / "benchmarks.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "insats_kpibench"
NULL = r"\N"
NOW = "2026-03-31 12:00:00"
SNAPSHOT = dt.date(2026, 3, 31)  # the day the data was "extracted"; nothing ends after it
FIRST_START = dt.date(2019, 1, 1)
LAST_START = dt.date(2025, 12, 31)
RELATIVE_TOLERANCE = 1e-9

UNITS = [
    ("AME", "Arbetsmarknadsenheten", 30),
    ("JOBBTORG_SYD", "Jobbtorg Syd", 20),
    ("JOBBTORG_NORD", "Jobbtorg Nord", 20),
    ("UNGDOMSENHETEN", "Ungdomsenheten", 12),
    ("ETABLERINGEN", "Etableringsenheten", 10),
    ("KAA", "KAA-teamet", 8),
]
REFERRAL_SOURCES = {
    "EKB": 40, "AF": 22, "KAA": 6, "GYMNASIE": 2, "VUXENHET": 5, "ETABLERING": 9, "FK": 4,
    "FINSAM": 4, "SJALV": 5, "OVRIG": 3,
}
NEED_CATEGORIES = {"AM1": 30, "AM2": 35, "AM3": 20, "": 15}
INCOME_SOURCES = {
    "FORSORJNINGSSTOD": 45, "AKTIVITETSSTOD": 15, "ETABLERINGSERSATTNING": 8, "FK_ERSATTNING": 4,
    "A_KASSA": 3, "STUDIEMEDEL": 2, "LON": 2, "INGEN": 8, "OKAND": 3, None: 10,
}
CLOSURE_REASONS = {
    "ARBETE_UTAN_STOD": 17, "ARBETE_MED_STOD": 12, "EGET_FORETAG": 1, "STUDIER_REGULJARA": 10,
    "STUDIER_ARBETSMARKNAD": 4, "ANNAN_AKTOR": 6, "PRIVAT_LEVERANTOR": 4, "ATER_BESTALLARE": 8,
    "ATER_AF_MAL_UPPNATT": 4, "ATER_AF_MAL_EJ_UPPNATT": 4, "ATER_FORSORJNING": 6,
    "SJUKSKRIVNING": 8, "AVBROTT": 9, "FLYTTAT": 3, "FORALDRALEDIG": 2, "PENSION": 1,
    "AVLIDEN": 0.2, "OVRIGT": 2,
}
FOLLOWUP_STATUSES = {
    "ARBETE": 30, "STUDIER": 12, "ARBETSSOKANDE": 15, "FORSORJNINGSSTOD": 20, "SJUK": 6,
    "OVRIGT": 5, "OKAND": 12,
}
MEASURE_CATEGORIES = {
    "ARBETSTRANING": 25, "JOBBSOK": 20, "KURS": 10, "MATCHNING": 12, "PRAKTIK": 10,
    "VAGLEDNING": 8, "ANSTALLNING": 6, "FERIE": 1, "VALIDERING": 4, "OVRIG": 4,
}
YOUTH_STATUSES = {
    "ANSOKT": 25, "OGILTIG": 5, "ERBJUDEN": 5, "TACKAT_NEJ": 8, "TACKAT_JA": 4, "BORJAT": 6,
    "GENOMFORT": 42, "AVBROTT": 5,
}
PLACEMENTS_PER_ENROLMENT = {0: 12, 1: 25, 2: 30, 3: 18, 4: 10, 5: 5}  # mean 2.04
ABSENCE_REASONS = ["sick", "vab", "meeting", "vacation", "unexcused", "other"]


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    cumulative, total = [], 0.0
    for key in keys:
        total += weights[key]
        cumulative.append(total)
    return lambda: keys[min(_bisect(cumulative, rng.random() * total), len(keys) - 1)]


def _bisect(cumulative: list[float], x: float) -> int:
    lo, hi = 0, len(cumulative)
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- Tables -----------------------------------------------------------------------------------


def _django():
    """Configure Django (no database connection is made) and return the registry modules."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insats.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class Table:
    """A model's table: every concrete column, filled as Django would when a value is not given."""

    def __init__(self, model, given: list[str]):
        self.name = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        template = []
        for f in self.fields:
            if f.get_internal_type() == "DateTimeField":
                template.append(NOW)
            elif f.has_default() and not callable(f.default):
                template.append(f.get_default())
            elif f.null:
                template.append(None)
            else:
                template.append("")
        self.template = template
        unknown = set(given) - set(self.columns)
        if unknown:
            raise SystemExit(f"{self.name}: no such columns {sorted(unknown)}")
        self.positions = [self.columns.index(c) for c in given]

    def row(self, values: Iterable) -> list:
        row = list(self.template)
        for position, value in zip(self.positions, values, strict=True):
            row[position] = value
        return row

    def duckdb_types(self) -> dict[str, str]:
        types = {}
        for f in self.fields:
            kind = f.get_internal_type()
            if kind == "DateField":
                types[f.column] = "DATE"
            elif kind == "DateTimeField":
                types[f.column] = "TIMESTAMP"
            elif kind == "DecimalField":
                types[f.column] = f"DECIMAL({f.max_digits},{f.decimal_places})"
            elif kind == "BooleanField":
                types[f.column] = "BOOLEAN"
            elif kind.endswith("IntegerField") or kind == "BigAutoField":
                types[f.column] = "BIGINT"
            elif f.is_relation:
                target = f.target_field.get_internal_type()
                types[f.column] = "BIGINT" if target in ("BigAutoField", "AutoField") else "VARCHAR"
            else:
                types[f.column] = "VARCHAR"
        return types


def _cell(value) -> str:
    if value is None:
        return NULL
    if value is True or value is False:
        return "1" if value else "0"
    return str(value)


class Writer:
    """CSV files of whole rows, NULL written as \\N (the same text COPY, SQLite and DuckDB read)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.counts: dict[str, int] = {}
        self.tables: list[Table] = []

    def write(self, table: Table, rows: Iterable[Iterable]) -> None:
        count = 0
        with open(self.folder / f"{table.name}.csv", "w", encoding="utf-8", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(table.columns)
            for values in rows:
                out.writerow([_cell(v) for v in table.row(values)])
                count += 1
        self.counts[table.name] = count
        self.tables.append(table)


def _workdays(start: dt.date, end: dt.date, limit: int) -> Iterator[dt.date]:
    day, found = start, 0
    while day <= end and found < limit:
        if day.weekday() < 5:
            found += 1
            yield day
        day += dt.timedelta(days=1)


def _count_workdays(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    extra = sum(1 for n in range(rest) if (start.weekday() + n) % 7 < 5)
    return weeks * 5 + extra


def generate(folder: Path, persons: int, enrolments: int, attendance: int, youth: int,
             seed: int) -> Writer:
    """Write one CSV per table (fixed seed: the same arguments give byte-identical files)."""
    _django()
    from insats.enrolments.models import Enrolment, Followup
    from insats.measures.models import Attendance, Measure, Placement, Provider
    from insats.organisation.models import Municipality, Unit
    from insats.persons.models import Person
    from insats.youth.models import YouthApplication

    rng = random.Random(seed)
    out = Writer(folder)
    out.write(Table(Municipality, ["id", "code", "name"]), [(1, "0000", "Benchkommunen")])
    out.write(
        Table(Unit, ["id", "municipality_id", "code", "name"]),
        [(n, 1, code, name) for n, (code, name, _share) in enumerate(UNITS, start=1)],
    )
    providers = ["Intern", "Kommunen", "Arbetsgivarringen", "Föreningen Steget", "ESF-projektet"]
    kinds = ["internal", "municipal", "employer", "association", "project"]
    out.write(
        Table(Provider, ["id", "name", "kind"]),
        [(n, name, kind) for n, (name, kind) in enumerate(zip(providers, kinds, strict=True), 1)],
    )
    category = _weighted(rng, MEASURE_CATEGORIES)
    measures = []
    for n in range(1, 61):
        measures.append(
            (n, f"INSATS{n:02d}", f"Insats {n}", category(), rng.randint(1, 5),
             rng.randint(1, len(UNITS)), rng.choice([None, 10, 20, 40]),
             rng.choice([None, "4500.00", "8000.00", "12500.00"]))
        )
    out.write(
        Table(Measure, ["id", "code", "name", "category_id", "provider_id", "unit_id", "capacity",
                        "unit_cost_sek"]),
        measures,
    )

    births = []

    def person_rows():
        used = set()
        for pk in range(1, persons + 1):
            birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 47))
            births.append(birth)
            number = ""
            if rng.random() < 0.88:
                while True:
                    number = f"{birth:%Y%m%d}{rng.randrange(10000):04d}"
                    if number not in used:
                        used.add(number)
                        break
            gender = "X" if rng.random() < 0.015 else rng.choice("KM")
            yield (pk, f"P{pk:07d}", number, f"Förnamn{pk % 997}", f"Efternamn{pk % 1999}",
                   birth, gender, rng.choice(["FORGYMNASIAL", "GYMNASIAL", "EFTERGYMNASIAL", ""]),
                   rng.choice([True, False, None]), rng.choice([True, False, None]),
                   rng.random() < 0.01, rng.choice(["0136", "0138", "0180", ""]))

    out.write(
        Table(Person, ["id", "external_id", "personnummer", "first_name", "last_name",
                       "birth_date", "gender", "education_level", "born_abroad", "newly_arrived",
                       "protected_identity", "municipality_code"]),
        person_rows(),
    )

    unit = _weighted(rng, {n: share for n, (_c, _n, share) in enumerate(UNITS, start=1)})
    source, need = _weighted(rng, REFERRAL_SOURCES), _weighted(rng, NEED_CATEGORIES)
    income, reason = _weighted(rng, INCOME_SOURCES), _weighted(rng, CLOSURE_REASONS)
    spans = []  # (start, end or None) per enrolment, for placements and follow-ups
    start_days = (LAST_START - FIRST_START).days + 1

    def enrolment_rows():
        for pk in range(1, enrolments + 1):
            person = pk if pk <= persons else rng.randrange(1, persons + 1)
            earliest = max(FIRST_START, births[person - 1] + dt.timedelta(days=16 * 365))
            start = FIRST_START + dt.timedelta(days=rng.randrange(start_days))
            start = max(start, earliest) if earliest <= LAST_START else LAST_START
            end = None
            if rng.random() < 0.85:
                # Mostly a few months, with a long tail of enrolments lasting years.
                end = start + dt.timedelta(days=int(rng.lognormvariate(5.1, 0.8)))
                end = end if end <= SNAPSHOT else None
            plan = None
            if rng.random() < 0.88:
                plan = start + dt.timedelta(days=int(rng.expovariate(1 / 45)))
                plan = plan if end is None or plan <= end else end
            referral = start - dt.timedelta(days=rng.randrange(60)) if rng.random() < 0.9 else None
            spans.append((start, end))
            yield (pk, f"E{pk:07d}", person, unit(), source(), referral, start, income(), need(),
                   plan, end, reason() if end else None)

    out.write(
        Table(Enrolment, ["id", "external_id", "person_id", "unit_id", "referral_source_id",
                          "referral_date", "start_date", "income_at_start_id", "need_category",
                          "plan_date", "end_date", "closure_reason_id"]),
        enrolment_rows(),
    )

    status = _weighted(rng, FOLLOWUP_STATUSES)

    def followup_rows():
        pk = 0
        for enrolment, (_start, end) in enumerate(spans, start=1):
            if end is None:
                continue
            for months, chance in ((3, 0.7), (6, 0.6), (12, 0.55)):
                due = end + dt.timedelta(days=months * 30)
                if due <= SNAPSHOT and rng.random() < chance:
                    pk += 1
                    yield (pk, enrolment, months, status(), due + dt.timedelta(rng.randrange(20)))

    out.write(
        Table(Followup, ["id", "enrolment_id", "months_after", "status_id", "followup_date"]),
        followup_rows(),
    )

    how_many = _weighted(rng, PLACEMENTS_PER_ENROLMENT)
    placement_spans = []  # (start, last day attendance can be recorded)

    def placement_rows():
        pk = 0
        for enrolment, (start, end) in enumerate(spans, start=1):
            last = end or SNAPSHOT
            for _n in range(how_many()):
                begins = start + dt.timedelta(days=rng.randrange((last - start).days + 1))
                ends = begins + dt.timedelta(days=rng.randrange(14, 200))
                ends = None if end is None and ends > SNAPSHOT else min(ends, last)
                cost = None
                if rng.random() < 0.6:
                    cost = f"{rng.randrange(50_000, 4_000_000) / 100:.2f}"
                pk += 1
                placement_spans.append((begins, ends or SNAPSHOT))
                yield (pk, f"PL{pk:08d}", enrolment, rng.randrange(1, len(measures) + 1),
                       begins, ends, cost, f"Arbetsplats {rng.randrange(500)}")

    out.write(
        Table(Placement, ["id", "external_id", "enrolment_id", "measure_id", "start_date",
                          "end_date", "cost_sek", "workplace"]),
        placement_rows(),
    )

    def attendance_rows():
        # Spread `attendance` rows over the placements in proportion to their working days,
        # one row per working day from the placement's start (attendance is once per day).
        capacity = [_count_workdays(s, e) for s, e in placement_spans]
        remaining_rows, remaining_capacity = attendance, sum(capacity)
        if remaining_capacity < attendance:
            raise SystemExit(f"only {remaining_capacity} working days in all placements")
        pk = 0
        for placement, ((begins, ends), days) in enumerate(
            zip(placement_spans, capacity, strict=True), start=1
        ):
            take = min(days, round(remaining_rows * days / remaining_capacity))
            remaining_rows -= take
            remaining_capacity -= days
            for day in _workdays(begins, ends, take):
                pk += 1
                if rng.random() < 0.08:
                    yield (pk, placement, day, "0.00", rng.choice(ABSENCE_REASONS))
                else:
                    yield (pk, placement, day, f"{rng.randrange(4, 17) / 2:.2f}", "")

    out.write(
        Table(Attendance, ["id", "placement_id", "date", "hours", "absence_reason"]),
        attendance_rows(),
    )

    youth_status = _weighted(rng, YOUTH_STATUSES)
    seasons = [f"{y}-{s}" for y in range(FIRST_START.year, LAST_START.year + 1)
               for s in ("SOMMAR", "HOST")]

    def youth_rows():
        for pk in range(1, youth + 1):
            season = rng.choice(seasons[::2]) if rng.random() < 0.85 else rng.choice(seasons[1::2])
            year = int(season[:4])
            birth = dt.date(year - rng.randint(15, 18), 1, 1) + dt.timedelta(rng.randrange(365))
            wage = f"{rng.randrange(300_000, 1_500_000) / 100:.2f}"
            yield (pk, f"Y{pk:07d}", birth, rng.choice("KM") if rng.random() > 0.01 else "X",
                   season, youth_status(), f"{rng.randint(8, 11)}", "Kommunen", "90.00", wage,
                   1)

    out.write(
        Table(YouthApplication, ["id", "external_id", "birth_date", "gender", "season",
                                 "status_id", "school_year", "administration", "hours",
                                 "wage_cost_sek", "municipality_id"]),
        youth_rows(),
    )
    return out


# --- Loading ------------------------------------------------------------------------------------


def fresh_postgres(database: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    return f"{PG_SERVER}/{database}"


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([str(INSATS), "migrate", "-v0"], env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"insats migrate failed:\n{done.stdout}\n{done.stderr}")


def load_postgres(url: str, folder: Path, tables: list[Table]) -> float:
    """COPY every CSV file into its table in one transaction, then ANALYZE."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            for table in tables:
                names = ", ".join(f'"{c}"' for c in table.columns)
                sql = (f'COPY "{table.name}" ({names}) FROM STDIN '
                       f"WITH (FORMAT csv, HEADER true, NULL '{NULL}')")
                with open(folder / f"{table.name}.csv", "rb") as f, cur.copy(sql) as copy:
                    while block := f.read(1 << 20):
                        copy.write(block)
                # Ids were given explicitly: move the sequence on, as a real import leaves it.
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'(SELECT MAX(id) FROM "{table.name}"))'
                )
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    return time.perf_counter() - started


def _sqlite_rows(path: Path) -> Iterator[list]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for record in reader:
            yield [None if v == NULL else v for v in record]


def load_sqlite(url: str, folder: Path, tables: list[Table]) -> float:
    """executemany INSERT of every CSV file in one transaction, then ANALYZE."""
    started = time.perf_counter()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # the application's own settings
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    for table in tables:
        names = ", ".join(f'"{c}"' for c in table.columns)
        marks = ", ".join("?" for _ in table.columns)
        conn.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                         _sqlite_rows(folder / f"{table.name}.csv"))
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return time.perf_counter() - started


def load_duckdb(folder: Path, tables: list[Table]):
    """The same CSV files into in-memory DuckDB tables, plus the code lists the SQL needs."""
    import duckdb

    conn = duckdb.connect(":memory:")
    started = time.perf_counter()
    for table in tables:
        types = ", ".join(f"'{c}': '{t}'" for c, t in table.duckdb_types().items())
        conn.execute(
            f'CREATE TABLE "{table.name}" AS SELECT * FROM read_csv(?, header = true, '
            f"nullstr = '{NULL}', columns = {{{types}}})",
            [str(folder / f"{table.name}.csv")],
        )
    # The code lists as the codes app's data migration loads them.
    conn.execute(
        "CREATE TABLE codes_closurereason AS SELECT code, outcome_group FROM read_csv(?, "
        "header = true, all_varchar = true)", [str(CODES / "closure_reasons.csv")],
    )
    conn.execute(
        "CREATE TABLE codes_youthstatus AS SELECT code, valid = '1' AS valid, "
        "offered = '1' AS offered, accepted = '1' AS accepted, started = '1' AS started "
        "FROM read_csv(?, header = true, all_varchar = true)", [str(CODES / "youth_statuses.csv")],
    )
    return conn, time.perf_counter() - started


def table_counts(url: str, tables: list[Table]) -> dict[str, int]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return {t.name: conn.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0]
                    for t in tables}
    import psycopg

    with psycopg.connect(url) as conn:
        return {t.name: conn.execute(f'SELECT COUNT(*) FROM "{t.name}"').fetchone()[0]
                for t in tables}


# --- The dashboard ------------------------------------------------------------------------------


def dashboard(year: int) -> list[tuple[str, dt.date, dt.date, str | None]]:
    """(indicator, from, to, dimension) for every figure of one year's full dashboard."""
    _django()
    from insats.kpi import definitions

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    requests = []
    for code, indicator in definitions.INDICATORS.items():
        requests.append((code, first, last, None))
        for month in range(1, 13):
            month_end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
            requests.append((code, dt.date(year, month, 1), month_end, None))
        for dimension in indicator.dimensions:
            requests.append((code, first, last, dimension))
    return requests


def _figure(code, date_from, date_to, by, value, numerator, denominator, groups, seconds):
    return {
        "code": code, "from": date_from.isoformat(), "to": date_to.isoformat(), "by": by,
        "value": value, "numerator": numerator, "denominator": denominator,
        "groups": {str(k): list(v) for k, v in sorted(groups.items(), key=lambda kv: str(kv[0]))},
        "seconds": seconds,
    }


def run_insats_child(year: int, repeat: int, output: Path) -> None:
    """In a child process whose DATABASE_URL names the database: the dashboard via compute()."""
    requests = dashboard(year)
    from django.db import connection

    from insats.kpi.scope import units_of_municipality
    from insats.kpi.services import compute
    from insats.organisation.models import Municipality

    # As the dashboard page asks: scoped to the signed-in user's municipality (all its units).
    unit_ids = units_of_municipality(Municipality.objects.get().pk)
    runs = []
    for _round in range(repeat):
        figures = []
        started = time.perf_counter()
        for code, date_from, date_to, by in requests:
            t0 = time.perf_counter()
            r = compute(code, date_from, date_to, by, unit_ids=unit_ids)
            seconds = time.perf_counter() - t0
            groups = {g.key: (g.value, g.numerator, g.denominator) for g in r.groups}
            figures.append(_figure(code, date_from, date_to, by, r.value, r.numerator,
                                   r.denominator, groups, seconds))
        runs.append({"seconds": time.perf_counter() - started, "figures": figures})
    output.write_text(json.dumps({"vendor": connection.vendor, "runs": runs}), encoding="utf-8")


def run_insats(url: str, year: int, repeat: int, workdir: Path) -> dict:
    output = workdir / "insats-figures.json"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [sys.executable, __file__, "_insats-dashboard", "--year", str(year), "--repeat",
         str(repeat), "--output", str(output)],
        env=env, capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the dashboard failed on {url}:\n{done.stdout}\n{done.stderr}")
    return json.loads(output.read_text(encoding="utf-8"))


# --- DuckDB: the same figures, written from the definitions -------------------------------------

DUCKDB_VIEWS = [
    # One row per enrolment with every group key; age in whole years at the start date, from
    # YYYYMMDD numbers so that a birthday counts on the day itself.
    """CREATE VIEW kpi_enrolment AS
    SELECT a.*, CASE WHEN a.age <= 19 THEN '-19' WHEN a.age <= 24 THEN '20-24'
                     WHEN a.age <= 29 THEN '25-29' WHEN a.age <= 49 THEN '30-49' ELSE '50-' END
                AS age_band
    FROM (SELECT e.id, e.person_id, e.start_date, e.end_date, e.plan_date,
                 COALESCE(e.need_category, '') AS need_category, u.code AS unit,
                 e.referral_source_id AS referral_source, p.gender, r.outcome_group,
                 ((YEAR(e.start_date) * 10000 + MONTH(e.start_date) * 100 + DAY(e.start_date))
                  - (YEAR(p.birth_date) * 10000 + MONTH(p.birth_date) * 100 + DAY(p.birth_date)))
                 // 10000 AS age
          FROM enrolments_enrolment e
          JOIN persons_person p ON p.id = e.person_id
          JOIN organisation_unit u ON u.id = e.unit_id
          LEFT JOIN codes_closurereason r ON r.code = e.closure_reason_id) a""",
    # Every measure category an enrolment had a placement in, once.
    """CREATE VIEW kpi_enrolment_category AS
    SELECT DISTINCT pl.enrolment_id, m.category_id AS category
    FROM measures_placement pl JOIN measures_measure m ON m.id = pl.measure_id""",
]
ACTIVE = "e.start_date <= $t AND (e.end_date IS NULL OR e.end_date >= $f)"
STARTED = "e.start_date BETWEEN $f AND $t"
CLOSED = "e.end_date BETWEEN $f AND $t"
SHARE_OF = "SUM(CASE WHEN {} THEN 1 ELSE 0 END), COUNT(*)"
# code: (rows, extra join, aggregate)
DUCKDB_ENROLMENT = {
    "nya": (STARTED, "", "COUNT(*)"),
    "avslutade": (CLOSED, "", "COUNT(*)"),
    "andel_arbete_studier": (
        CLOSED, "", SHARE_OF.format("e.outcome_group IN ('arbete', 'studier')")
    ),
    "median_veckor": (CLOSED, "", "MEDIAN(e.end_date - e.start_date) / 7"),
    "plan_inom_3_man": (
        STARTED, "", SHARE_OF.format("e.plan_date <= CAST(e.start_date + INTERVAL 3 MONTH AS DATE)")
    ),
    "ej_forsorjningsstod_12_man": (
        CLOSED,
        "JOIN enrolments_followup f ON f.enrolment_id = e.id AND f.months_after = 12 "
        "AND f.status_id <> 'OKAND'",
        SHARE_OF.format("f.status_id <> 'FORSORJNINGSSTOD'"),
    ),
}
YOUTH_AGE = (
    "CASE WHEN a.age <= 19 THEN '-19' WHEN a.age <= 24 THEN '20-24' WHEN a.age <= 29 THEN '25-29' "
    "WHEN a.age <= 49 THEN '30-49' ELSE '50-' END"
)


class DuckDB:
    def __init__(self, conn):
        self.conn = conn
        for view in DUCKDB_VIEWS:
            conn.execute(view)
        _django()
        from insats.kpi import definitions

        self.definitions = definitions

    def _rows(self, sql: str, params: dict) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    @staticmethod
    def _group(by: str) -> tuple[str, str]:
        """(join after the enrolment `e`, group key expression) of a breakdown."""
        if by == "measure_category":
            return "JOIN kpi_enrolment_category c ON c.enrolment_id = e.id", "c.category"
        return "", f"e.{by}"

    def _participants(self, params: dict, by: str | None) -> dict:
        if by is None:
            sql = f"SELECT COUNT(DISTINCT e.person_id) FROM kpi_enrolment e WHERE {ACTIVE}"
            return {None: self._rows(sql, params)[0]}
        if by == "measure_category":
            category, grp = self._group(by)
            sql = (f"SELECT {grp}, COUNT(DISTINCT e.person_id) FROM kpi_enrolment e {category} "
                   f"WHERE {ACTIVE} GROUP BY 1")
        else:
            # Each person in the group of their latest started enrolment (higher id on a tie).
            sql = (f"SELECT grp, COUNT(*) FROM (SELECT e.{by} AS grp, ROW_NUMBER() OVER "
                   "(PARTITION BY e.person_id ORDER BY e.start_date DESC, e.id DESC) AS rn "
                   f"FROM kpi_enrolment e WHERE {ACTIVE}) WHERE rn = 1 GROUP BY grp")
        return {row[0]: row[1:] for row in self._rows(sql, params)}

    def _enrolment_figures(self, code: str, params: dict, by: str | None) -> dict:
        if code == "deltagare":
            return {k: (int(n), None, None) for k, (n,) in self._participants(params, by).items()}
        if code == "kostnad_per_deltagare":
            return self._cost(params, by)
        rows, join, aggregate = DUCKDB_ENROLMENT[code]
        if by is None:
            result = {None: self._rows(
                f"SELECT {aggregate} FROM kpi_enrolment e {join} WHERE {rows}", params)[0]}
        else:
            category, grp = self._group(by)
            sql = (f"SELECT {grp}, {aggregate} FROM kpi_enrolment e {category} {join} "
                   f"WHERE {rows} GROUP BY 1")
            result = {row[0]: row[1:] for row in self._rows(sql, params)}
        kind = self.definitions.INDICATORS[code].kind
        if kind == "count":
            return {k: (int(n), None, None) for k, (n,) in result.items()}
        if kind == "median":
            return {k: (None if w is None else float(w), None, None) for k, (w,) in result.items()}
        return {k: _share(num, den) for k, (num, den) in result.items()}

    def _cost(self, params: dict, by: str | None) -> dict:
        started = "pl.start_date BETWEEN $f AND $t"
        if by is None:
            costs = {None: self._rows(
                f"SELECT SUM(pl.cost_sek) FROM measures_placement pl WHERE {started}", params)[0]}
        else:
            category, grp = self._group(by)
            sql = (f"SELECT {grp}, SUM(pl.cost_sek) FROM measures_placement pl "
                   f"JOIN kpi_enrolment e ON e.id = pl.enrolment_id {category} "
                   f"WHERE {started} GROUP BY 1")
            costs = {row[0]: row[1:] for row in self._rows(sql, params)}
        participants = self._participants(params, by)
        figures = {}
        for key in costs.keys() | participants.keys():
            cost = float(costs.get(key, (None,))[0] or 0)
            count = int(participants.get(key, (0,))[0] or 0)
            figures[key] = (cost / count if count else None, cost, count)
        return figures

    def _youth_figures(self, code: str, params: dict, by: str | None) -> dict:
        flag = self.definitions.INDICATORS[code].youth_flag
        where = "a.season_year BETWEEN $fy AND $ty" + (f" AND s.{flag}" if flag else "")
        source = ("(SELECT y.*, CAST(LEFT(y.season, 4) AS INTEGER) AS season_year, "
                  "CAST(LEFT(y.season, 4) AS INTEGER) - YEAR(y.birth_date) AS age "
                  "FROM youth_youthapplication y) a "
                  "JOIN codes_youthstatus s ON s.code = a.status_id")
        params = {"fy": params["f"].year, "ty": params["t"].year}
        if by is None:
            result = {None: self._rows(f"SELECT COUNT(*) FROM {source} WHERE {where}", params)[0]}
        else:
            grp = YOUTH_AGE if by == "age_band" else f"a.{by}"
            sql = f"SELECT {grp}, COUNT(*) FROM {source} WHERE {where} GROUP BY 1"
            result = {row[0]: row[1:] for row in self._rows(sql, params)}
        return {k: (int(n), None, None) for k, (n,) in result.items()}

    def figures(self, code: str, date_from: dt.date, date_to: dt.date, by: str | None) -> dict:
        params = {"f": date_from, "t": date_to}
        if self.definitions.INDICATORS[code].population == "youth":
            return self._youth_figures(code, params, by)
        return self._enrolment_figures(code, params, by)

    def compute(self, code, date_from, date_to, by) -> tuple[tuple, dict]:
        """(total, {group: figure}) like services.compute: the total is computed on its own."""
        total = self.figures(code, date_from, date_to, None)[None]
        groups = self.figures(code, date_from, date_to, by) if by else {}
        return total, groups


def _share(numerator, denominator) -> tuple:
    numerator, denominator = int(numerator or 0), int(denominator or 0)
    return (numerator / denominator if denominator else None), numerator, denominator


def run_duckdb(engine: DuckDB, year: int, repeat: int) -> dict:
    requests = dashboard(year)
    runs = []
    for _round in range(repeat):
        figures = []
        started = time.perf_counter()
        for code, date_from, date_to, by in requests:
            t0 = time.perf_counter()
            total, groups = engine.compute(code, date_from, date_to, by)
            seconds = time.perf_counter() - t0
            figures.append(_figure(code, date_from, date_to, by, *total, groups, seconds))
        runs.append({"seconds": time.perf_counter() - started, "figures": figures})
    return {"vendor": "duckdb", "runs": runs}


# --- Checking and reporting ---------------------------------------------------------------------


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-9)


def differences(expected: list[dict], actual: list[dict]) -> list[str]:
    """Every figure or group where `actual` differs from `expected` (same request order)."""
    found = []
    for want, got in zip(expected, actual, strict=True):
        label = f"{want['code']} {want['from']}–{want['to']} by {want['by']}"
        for part in ("value", "numerator", "denominator"):
            if not _same(want[part], got[part]):
                found.append(f"{label}: {part} {got[part]!r}, expected {want[part]!r}")
        if want["groups"].keys() != got["groups"].keys():
            found.append(f"{label}: groups {sorted(got['groups'])}, "
                         f"expected {sorted(want['groups'])}")
            continue
        for key, figure in want["groups"].items():
            if not all(_same(w, g) for w, g in zip(figure, got["groups"][key], strict=True)):
                found.append(f"{label}, group {key!r}: {got['groups'][key]}, expected {figure}")
    return found


def best_run(result: dict) -> dict:
    return min(result["runs"], key=lambda run: run["seconds"])


def per_indicator(run: dict) -> dict[str, float]:
    seconds: dict[str, float] = defaultdict(float)
    for figure in run["figures"]:
        seconds[figure["code"]] += figure["seconds"]
    return seconds


def machine_info() -> list[str]:
    import django
    import duckdb

    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    kib = int(Path("/proc/meminfo").read_text().split()[1])
    info = [
        f"CPU: {cpu}, {os.cpu_count()} logical cores (shared with other work); "
        f"{kib / 1024 / 1024:.0f} GiB RAM",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}, DuckDB {duckdb.__version__}",
    ]
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        info.append(f"PostgreSQL {version} on the same machine, psycopg {psycopg.__version__}")
    except Exception as exc:  # noqa: BLE001 - machine info is best effort
        info.append(f"PostgreSQL: not available ({exc})")
    return info


NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "duckdb": "DuckDB"}


def report(args, counts: dict[str, int], loads: dict[str, float], results: dict[str, dict],
           checked: dict[str, int]) -> str:
    duck = best_run(results["duckdb"])
    engines = [v for v in ("postgresql", "sqlite") if v in results]
    requests = len(duck["figures"])
    groups = sum(len(f["groups"]) for f in duck["figures"])
    lines = [
        "## Indicators",
        "",
        f"Measured {dt.date.today().isoformat()} with `benchmarks/kpi_benchmark.py` "
        f"(seed {args.seed}).",
        "",
        *[f"- {line}" for line in machine_info()],
        "",
        "Data, generated with a fixed seed and loaded into freshly migrated databases "
        "(PostgreSQL `COPY`, SQLite `executemany` in one transaction, then `ANALYZE`) and into "
        "in-memory DuckDB tables from the same CSV files:",
        "",
        "| table | rows |",
        "|---|---:|",
        *[f"| `{name}` | {n:,} |" for name, n in counts.items()],
        "",
        f"The full dashboard for {args.year}: every indicator of the registry "
        f"({len(per_indicator(duck))}) for the whole year, for each of the twelve months, and for "
        f"the whole year by every dimension the indicator supports — {requests} figures with "
        f"{groups:,} groups. Insats computes them through `insats.kpi.services.compute`, one "
        "call per figure (a breakdown also computes its total), scoped to the municipality's "
        "units as the dashboard page asks for them, in a separate process per "
        "database; DuckDB computes the same figures with SQL written independently from the "
        "definitions (`DuckDB` class in the script), also one query per figure and one more for "
        f"a breakdown's total. Each Insats dashboard ran {args.repeat} times, DuckDB's "
        f"{args.repeat} times before and {args.repeat} times after them, all in the same run; "
        "the tables show the fastest run of each.",
        "",
        "| engine | load (s) | dashboard (s) | ÷ DuckDB |",
        "|---|---:|---:|---:|",
        f"| DuckDB (in memory) | {loads['duckdb']:.1f} | {duck['seconds']:.2f} | 1 |",
    ]
    for vendor in engines:
        run = best_run(results[vendor])
        lines.append(f"| {NAMES[vendor]} | {loads[vendor]:.1f} | {run['seconds']:.2f} "
                     f"| {run['seconds'] / duck['seconds']:.1f} |")
    lines += [
        "",
        "Per indicator (seconds for all its figures in the fastest run):",
        "",
        "| indicator | " + " | ".join(NAMES[v] for v in engines) + " | DuckDB | "
        + " | ".join(f"{NAMES[v]} ÷ DuckDB" for v in engines) + " |",
        "|---|" + "---:|" * (2 * len(engines) + 1),
    ]
    duck_parts = per_indicator(duck)
    parts = {v: per_indicator(best_run(results[v])) for v in engines}
    for code, seconds in duck_parts.items():
        lines.append(
            f"| `{code}` | " + " | ".join(f"{parts[v][code]:.2f}" for v in engines)
            + f" | {seconds:.2f} | "
            + " | ".join(f"{parts[v][code] / seconds:.1f}" for v in engines) + " |"
        )
    months = {v: _month_seconds(best_run(results[v])) for v in ("duckdb", *engines)}
    lines += [
        "",
        f"Of these, the {months['duckdb'][0]} month figures (twelve calls per indicator) took "
        + ", ".join(f"{months[v][1]:.2f} s on {NAMES[v]}" for v in engines)
        + f" and {months['duckdb'][1]:.2f} s in DuckDB.",
        "",
        "Correctness: "
        + "; ".join(f"{NAMES[v]}: {checked[v]} differences from DuckDB" for v in engines)
        + f" over {requests} figures and {groups:,} groups (values, numerators, denominators "
        "and group keys; integers exactly, fractions within a relative 1e-9).",
        "",
        *NOTES,
    ]
    return "\n".join(lines)


def _month_seconds(run: dict) -> tuple[int, float]:
    """(number, seconds) of the figures for a single calendar month."""
    figures = [f for f in run["figures"] if f["by"] is None and f["from"][:7] == f["to"][:7]]
    return len(figures), sum(f["seconds"] for f in figures)


NOTES = [
    "Notes:",
    "",
    "- No indicator in the registry reads attendance (närvaro): the figures are about "
    "enrolments, placements' costs, follow-ups and summer-job applications. The attendance rows "
    "are there so that the database has a realistic size (tables, indexes, cache).",
    "- The aim for PostgreSQL is at most three times DuckDB. The first run of this benchmark "
    "measured PostgreSQL at 14.9 s (3.5 × DuckDB) and SQLite at 23.4 s (5.5 ×), with "
    "`deltagare` and `kostnad_per_deltagare` (which counts the participants again) at 6 × and "
    "5 ×. The changes in `insats/kpi/queries.py` that brought it within the aim, every figure "
    "unchanged: `deltagare` without a breakdown counts distinct persons directly, and with a "
    "breakdown ranks each person's enrolments and takes the group in the same pass instead of "
    "joining the ranked ids back to the enrolments; the age band evaluates the age once per row "
    "(PostgreSQL `WIDTH_BUCKET`, SQLite a one-row subquery) instead of once in every `CASE` "
    "branch; `DISTINCT` only where rows can repeat (the placement join of `measure_category`, "
    "rows keyed by person); the 12-month follow-up is joined instead of looked up by two "
    "`EXISTS` per enrolment.",
    "- The twelve months are twelve calls of `compute`. A query grouped by month would save "
    "round trips but not database work, and the month figures stand to DuckDB's about as the "
    "whole dashboard does (the line above), so there is no separate series function.",
    "- SQLite, the embedded database for trials and small installations, is not held to the "
    "aim. Most of its time goes to `deltagare` and `kostnad_per_deltagare`: it finds distinct "
    "persons among the active enrolments through the person index with a row lookup per "
    "enrolment, and ranks each person's enrolments in a temporary B-tree.",
    "- DuckDB runs one query per figure too, so part of its time is the fixed cost of a query "
    "(parsing, planning, the Python call), as it is for Insats.",
]


def write_doc(section: str, rerun: str) -> None:
    section = section.rstrip("\n") + "\n\nRerun (creates and drops the PostgreSQL database "
    section += f"`{PG_DATABASE}` on `{PG_SERVER}`; the SQLite file and CSV files go to a "
    section += "temporary folder; about 1.5 GB of disk):\n\n```sh\n" + rerun + "\n```\n"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    # Replace only this section; the other sections belong to other benchmarks.
    pattern = re.compile(r"^## Indicators\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


# --- Main ---------------------------------------------------------------------------------------


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_insats-dashboard":
        child = argparse.ArgumentParser()
        child.add_argument("command")
        child.add_argument("--year", type=int)
        child.add_argument("--repeat", type=int)
        child.add_argument("--output", type=Path)
        a = child.parse_args()
        run_insats_child(a.year, a.repeat, a.output)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--enrolments", type=int, default=120_000)
    parser.add_argument("--attendance", type=int, default=5_000_000)
    parser.add_argument("--youth", type=int, default=28_000, help="summer-job applications")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=20241123)
    parser.add_argument("--repeat", type=int, default=2, help="dashboard runs per engine")
    parser.add_argument("--db", action="append", choices=["postgres", "sqlite"])
    parser.add_argument("--workdir", type=Path, help="keep the CSV files and SQLite file here")
    parser.add_argument("--write-doc", action="store_true",
                        help='replace the "Indicators" section of docs/benchmarks.md')
    args = parser.parse_args()
    engines = args.db or ["postgres", "sqlite"]
    with tempfile.TemporaryDirectory(prefix="kpibench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        out = generate(workdir, args.persons, args.enrolments, args.attendance, args.youth,
                       args.seed)
        print(f"generated {sum(out.counts.values()):,} rows in "
              f"{time.perf_counter() - started:.0f} s: {out.counts}", flush=True)

        conn, duck_load = load_duckdb(workdir, out.tables)
        loads, results = {"duckdb": duck_load}, {}
        duck = DuckDB(conn)
        results["duckdb"] = run_duckdb(duck, args.year, args.repeat)
        print(f"[duckdb] load {duck_load:.1f} s, dashboard "
              f"{[round(r['seconds'], 2) for r in results['duckdb']['runs']]} s", flush=True)
        for engine in engines:
            if engine == "postgres":
                url = fresh_postgres(PG_DATABASE)
            else:
                url = fresh_sqlite(workdir / "kpibench.sqlite3")
            migrate(url)
            loader = load_postgres if engine == "postgres" else load_sqlite
            load_seconds = loader(url, workdir, out.tables)
            if table_counts(url, out.tables) != out.counts:
                raise SystemExit(f"[{engine}] row counts differ from the generated files")
            result = run_insats(url, args.year, args.repeat, workdir)
            vendor = result["vendor"]
            loads[vendor], results[vendor] = load_seconds, result
            print(f"[{vendor}] load {load_seconds:.1f} s, dashboard "
                  f"{[round(r['seconds'], 2) for r in result['runs']]} s", flush=True)
        # DuckDB once more after the others, so that a quiet moment on the shared machine does
        # not favour Insats; the fastest of all DuckDB runs is the reference.
        results["duckdb"]["runs"] += run_duckdb(duck, args.year, args.repeat)["runs"]
        expected = best_run(results["duckdb"])["figures"]
        checked = {}
        for vendor in ("postgresql", "sqlite"):
            if vendor in results:
                found = differences(expected, best_run(results[vendor])["figures"])
                checked[vendor] = len(found)
                for line in found[:30]:
                    print(f"[{vendor}] DIFFERENT {line}", flush=True)
        section = report(args, out.counts, loads, results, checked)
        print(section)
        if args.write_doc:
            rerun = "nice .venv/bin/python benchmarks/kpi_benchmark.py --write-doc"
            if (args.persons, args.enrolments, args.attendance) != (50_000, 120_000, 5_000_000):
                rerun += (f" --persons {args.persons} --enrolments {args.enrolments} "
                          f"--attendance {args.attendance}")
            write_doc(section, rerun)
        if "postgresql" in results:
            from contextlib import suppress

            import psycopg

            with suppress(psycopg.Error), psycopg.connect(
                f"{PG_SERVER}/postgres", autocommit=True
            ) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        if any(checked.values()):
            raise SystemExit("figures differ between the engines")


if __name__ == "__main__":
    main()
