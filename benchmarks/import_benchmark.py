#!/usr/bin/env python
"""Benchmark of `insats import_data` against the database's own bulk loader.

Generates an interchange folder (persons.csv and enrolments.csv) of the requested size with a
fixed seed, then for each database engine:

1. creates a fresh database, runs `insats migrate`, and times `insats import_data DIR` (the
   whole command as a user runs it: start-up, reading, validation, writing);
2. times a second `insats import_data DIR` of the same folder (nothing changes: the idempotent
   path, which still reads and validates everything);
3. creates another fresh database and times the baseline: the same rows loaded into the same
   tables by the database's own bulk loader, without any validation. PostgreSQL: `COPY ... FROM
   STDIN` through psycopg's copy; SQLite: `executemany` INSERT in one transaction, which is what
   the sqlite3 shell's `.import` does. Rows are prepared in memory before the clock starts, so
   the baseline is a lower bound.

Results are printed and written to the "Import" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/import_benchmark.py --persons 100000 --enrolments 200000
    .venv/bin/python benchmarks/import_benchmark.py --db sqlite --persons 1000 --enrolments 2000
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSATS = ROOT / ".venv" / "bin" / "insats"
DOC = ROOT / "docs" / "benchmarks.md"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "insats_bench"
PG_BASELINE_DATABASE = "insats_bench_baseline"

UNITS = ["AME", "JOBBTORG_SYD", "JOBBTORG_NORD", "UNGDOMSENHETEN", "ETABLERINGEN", "KAA"]
REFERRAL_SOURCES = ["EKB", "AF", "KAA", "ETABLERING", "VUXENHET", "SJALV", "FK", "OVRIG"]
INCOME_SOURCES = ["FORSORJNINGSSTOD", "AKTIVITETSSTOD", "ETABLERINGSERSATTNING", "INGEN", ""]
CLOSURE_REASONS = [
    "ARBETE_UTAN_STOD",
    "ARBETE_MED_STOD",
    "STUDIER_REGULJARA",
    "ANNAN_AKTOR",
    "ATER_BESTALLARE",
    "SJUKSKRIVNING",
    "AVBROTT",
    "FLYTTAT",
]
EDUCATION = ["FORGYMNASIAL", "GYMNASIAL", "EFTERGYMNASIAL", "OKAND", ""]
PERSON_COLUMNS = [
    "person_id",
    "personnummer",
    "birth_date",
    "gender",
    "education_level",
    "born_abroad",
    "newly_arrived",
    "protected_identity",
    "municipality_code",
]
ENROLMENT_COLUMNS = [
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
]


# --- Data -----------------------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    """The check digit that makes `digits` + digit pass the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def generate(folder: Path, persons: int, enrolments: int, seed: int) -> None:
    """Write persons.csv and enrolments.csv with valid, varied data (fixed seed)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    used_numbers: set[str] = set()
    with open(folder / "persons.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(PERSON_COLUMNS)
        for n in range(persons):
            birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
            number = ""
            if rng.random() < 0.85:
                while True:
                    day = birth.day + (60 if rng.random() < 0.05 else 0)
                    body = f"{birth:%y%m}{day:02d}{rng.randrange(1000):03d}"
                    if body not in used_numbers:
                        used_numbers.add(body)
                        break
                digits = body + luhn_digit(body)
                # Mix the accepted forms: 12 digits, and 10 digits with a separator.
                if rng.random() < 0.5:
                    number = f"{birth.year // 100}{digits}"
                else:
                    number = f"{digits[:6]}-{digits[6:]}"
            writer.writerow(
                [
                    f"P{n:07d}",
                    number,
                    birth.isoformat() if not number or rng.random() < 0.3 else "",
                    rng.choice("KKMMX" if rng.random() < 0.02 else "KM"),
                    rng.choice(EDUCATION),
                    rng.choice(["0", "1", ""]),
                    rng.choice(["0", "1", ""]),
                    "1" if rng.random() < 0.01 else "0",
                    rng.choice(["0136", "1286", "0183", "0687", ""]),
                ]
            )
    with open(folder / "enrolments.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(ENROLMENT_COLUMNS)
        for n in range(enrolments):
            start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365 * 6))
            referral = start - dt.timedelta(days=rng.randrange(60))
            closed = rng.random() < 0.7
            end = start + dt.timedelta(days=rng.randrange(7, 600)) if closed else None
            plan = start + dt.timedelta(days=rng.randrange(120)) if rng.random() < 0.8 else None
            if plan and end and plan > end:
                plan = end  # a plan is established while the enrolment runs (importer rule)
            writer.writerow(
                [
                    f"E{n:07d}",
                    # Every person gets at least one enrolment; the rest are spread at random.
                    f"P{(n if n < persons else rng.randrange(persons)):07d}",
                    rng.choice(UNITS),
                    rng.choice(REFERRAL_SOURCES),
                    referral.isoformat() if rng.random() < 0.9 else "",
                    start.isoformat(),
                    rng.choice(INCOME_SOURCES),
                    rng.choice(["AM1", "AM2", "AM3", ""]),
                    plan.isoformat() if plan else "",
                    end.isoformat() if end else "",
                    rng.choice(CLOSURE_REASONS) if closed else "",
                ]
            )


# --- Databases ------------------------------------------------------------------------------------


@dataclass
class Engine:
    name: str
    url: str
    baseline_url: str


def fresh_postgres(database: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    return f"{PG_SERVER}/{database}"


def drop_postgres(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def insats(url: str, *args: str) -> tuple[float, str]:
    """Run `insats ARGS` against `url`; returns (seconds, standard output)."""
    env = {**os.environ, "DATABASE_URL": url}
    started = time.perf_counter()
    done = subprocess.run(
        [str(INSATS), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"insats {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def count_rows(url: str) -> tuple[int, int]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            persons = conn.execute("select count(*) from persons_person").fetchone()[0]
            enrolments = conn.execute("select count(*) from enrolments_enrolment").fetchone()[0]
        return persons, enrolments
    import psycopg

    with psycopg.connect(url) as conn:
        persons = conn.execute("select count(*) from persons_person").fetchone()[0]
        enrolments = conn.execute("select count(*) from enrolments_enrolment").fetchone()[0]
    return persons, enrolments


# --- Baseline -------------------------------------------------------------------------------------


def _django_models():
    """The model classes, for table and column names (no database connection is used)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "insats.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from insats.enrolments.models import Enrolment
    from insats.organisation.models import Municipality, Unit
    from insats.persons.models import Person

    return Municipality, Unit, Person, Enrolment


def _full_row(model, values: dict, now: dt.datetime) -> tuple[list[str], tuple]:
    """All concrete columns of `model`, filling the ones not given as Django would on insert."""
    columns, row = [], []
    for f in model._meta.concrete_fields:
        columns.append(f.column)
        if f.attname in values:
            row.append(values[f.attname])
        elif f.get_internal_type() == "DateTimeField":
            row.append(now)
        elif f.has_default():
            row.append(f.get_default())
        elif f.null:
            row.append(None)
        else:
            row.append("")
    return columns, tuple(row)


def _parse_number(text: str) -> tuple[str, dt.date]:
    """12-digit personnummer and birth date (the benchmark data only uses valid numbers)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10:
        digits = ("19" if int(digits[:2]) > 30 else "20") + digits
    day = int(digits[6:8])
    birth = dt.date(int(digits[:4]), int(digits[4:6]), day - 60 if day > 60 else day)
    return digits, birth


def baseline_rows(folder: Path) -> list[tuple[str, list[str], list[tuple]]]:
    """(table, columns, rows) for municipality, units, persons and enrolments, in load order."""
    Municipality, Unit, Person, Enrolment = _django_models()
    now = dt.datetime.now(dt.UTC)
    tables = []
    columns, row = _full_row(Municipality, {"id": 1, "code": "0000", "name": "Demokommunen"}, now)
    tables.append((Municipality._meta.db_table, columns, [row]))
    unit_ids = {code: n for n, code in enumerate(UNITS, start=1)}
    rows = []
    for code, pk in unit_ids.items():
        columns, row = _full_row(
            Unit, {"id": pk, "municipality_id": 1, "code": code, "name": code}, now
        )
        rows.append(row)
    tables.append((Unit._meta.db_table, columns, rows))

    def date(text: str) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    def boolean(text: str) -> bool | None:
        return text == "1" if text else None

    person_ids: dict[str, int] = {}
    rows = []
    with open(folder / "persons.csv", encoding="utf-8", newline="") as f:
        for pk, record in enumerate(csv.DictReader(f), start=1):
            person_ids[record["person_id"]] = pk
            number, birth = ("", date(record["birth_date"]))
            if record["personnummer"]:
                number, birth = _parse_number(record["personnummer"])
            values = {
                "id": pk,
                "external_id": record["person_id"],
                "personnummer": number,
                "birth_date": birth,
                "gender": record["gender"],
                "education_level": record["education_level"],
                "born_abroad": boolean(record["born_abroad"]),
                "newly_arrived": boolean(record["newly_arrived"]),
                "protected_identity": boolean(record["protected_identity"]),
                "municipality_code": record["municipality_code"],
            }
            columns, row = _full_row(Person, values, now)
            rows.append(row)
    tables.append((Person._meta.db_table, columns, rows))
    rows = []
    with open(folder / "enrolments.csv", encoding="utf-8", newline="") as f:
        for pk, record in enumerate(csv.DictReader(f), start=1):
            values = {
                "id": pk,
                "external_id": record["enrolment_id"],
                "person_id": person_ids[record["person_id"]],
                "unit_id": unit_ids[record["unit_code"]],
                "referral_source_id": record["referral_source"],
                "referral_date": date(record["referral_date"]),
                "start_date": date(record["start_date"]),
                "income_at_start_id": record["income_at_start"] or None,
                "need_category": record["need_category"],
                "plan_date": date(record["plan_date"]),
                "end_date": date(record["end_date"]),
                "closure_reason_id": record["closure_reason"] or None,
                "version": 1,
            }
            columns, row = _full_row(Enrolment, values, now)
            rows.append(row)
    tables.append((Enrolment._meta.db_table, columns, rows))
    return tables


def baseline_postgres(url: str, tables) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table, columns, rows in tables:
                names = ", ".join(f'"{c}"' for c in columns)
                with cur.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def baseline_sqlite(url: str, tables) -> float:
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    # The same settings as the application's connections.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    started = time.perf_counter()
    conn.execute("BEGIN")
    for table, columns, rows in tables:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return seconds


# --- Run and report -------------------------------------------------------------------------------


@dataclass
class Result:
    engine: str
    rows: int
    import_seconds: float
    reimport_seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.import_seconds / self.baseline_seconds


def run_engine(engine: str, folder: Path, tables, rows: int, workdir: Path) -> Result:
    if engine == "postgres":
        url = fresh_postgres(PG_DATABASE)
    else:
        url = fresh_sqlite(workdir / "bench.sqlite3")
    insats(url, "migrate", "-v0")
    print(f"[{engine}] importing {rows} rows …", flush=True)
    import_seconds, output = insats(url, "import_data", str(folder))
    print(output, flush=True)
    persons, enrolments = count_rows(url)
    if persons + enrolments != rows:
        sys.exit(f"[{engine}] expected {rows} rows, found {persons} + {enrolments}")
    reimport_seconds, output = insats(url, "import_data", str(folder))
    if " 0 nya, 0 ändrade" not in output:
        sys.exit(f"[{engine}] the second import changed something:\n{output}")
    if engine == "postgres":
        drop_postgres(PG_DATABASE)
        url = fresh_postgres(PG_BASELINE_DATABASE)
        insats(url, "migrate", "-v0")
        baseline_seconds = baseline_postgres(url, tables)
        drop_postgres(PG_BASELINE_DATABASE)
    else:
        url = fresh_sqlite(workdir / "baseline.sqlite3")
        insats(url, "migrate", "-v0")
        baseline_seconds = baseline_sqlite(url, tables)
    result = Result(engine, rows, import_seconds, reimport_seconds, baseline_seconds)
    print(
        f"[{engine}] import {import_seconds:.1f} s ({rows / import_seconds:,.0f} rows/s), "
        f"re-import {reimport_seconds:.1f} s, baseline {baseline_seconds:.1f} s "
        f"({rows / baseline_seconds:,.0f} rows/s), ratio {result.ratio:.1f}",
        flush=True,
    )
    return result


def machine_info() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    info = [
        f"CPU: {cpu}, {os.cpu_count()} logical cores; {memory}",
        f"OS: {platform.platform()}",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]
    try:
        import django
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
            version = conn.execute("show server_version").fetchone()[0]
        info.append(
            f"Django {django.get_version()}, PostgreSQL {version}, psycopg {psycopg.__version__}"
        )
    except Exception as exc:  # noqa: BLE001 - machine info is best effort
        info.append(f"PostgreSQL: not available ({exc})")
    return info


def write_doc(results: list[Result], persons: int, enrolments: int, seed: int) -> None:
    lines = [
        "## Import",
        "",
        f"Measured {dt.date.today().isoformat()} with `benchmarks/import_benchmark.py`.",
        "",
        *[f"- {line}" for line in machine_info()],
        "",
        f"Data: {persons:,} persons and {enrolments:,} enrolments ({persons + enrolments:,} rows, "
        f"seed {seed}): about 85 % with personnummer (12-digit and 10-digit forms, some "
        "samordningsnummer), 70 % of enrolments closed, six units created by the import.",
        "",
        "- **import**: `insats import_data DIR` into a freshly migrated database, the whole "
        "command (start-up, reading, validating every cell and reference, bulk writing in one "
        "transaction).",
        "- **re-import**: the same folder again; nothing changes (idempotent), but everything is "
        "read, validated and compared.",
        "- **baseline**: the same rows into the same tables with the database's own bulk loader "
        "and no validation (PostgreSQL `COPY … FROM STDIN` via psycopg; SQLite `executemany` "
        "INSERT in one transaction, as the sqlite3 shell's `.import`); rows prepared in memory "
        "before timing.",
        "- **ratio**: import time ÷ baseline time.",
        "",
        "Both are measured in the same run, one after the other, so the ratio is more stable than "
        "the absolute figures on a machine shared with other work. Where the import's time goes: "
        "Django's per-object work in `bulk_create` (model instances, field preparation, small "
        "batches on SQLite) dominates; the re-import column is the cost of start-up, reading, "
        "validating and comparing without writing anything.",
        "",
        "| database | rows | import (s) | import rows/s | re-import (s) | baseline (s) "
        "| baseline rows/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.engine} | {r.rows:,} | {r.import_seconds:.1f} "
            f"| {r.rows / r.import_seconds:,.0f} | {r.reimport_seconds:.1f} "
            f"| {r.baseline_seconds:.1f} "
            f"| {r.rows / r.baseline_seconds:,.0f} | {r.ratio:.1f} |"
        )
    lines += [
        "",
        "Rerun (creates and drops the databases `insats_bench` and `insats_bench_baseline` on "
        f"`{PG_SERVER}`, and temporary SQLite files):",
        "",
        "```",
        f".venv/bin/python benchmarks/import_benchmark.py --persons {persons} "
        f"--enrolments {enrolments} --db postgres --db sqlite",
        "```",
        "",
    ]
    section = "\n".join(lines)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    # Replace only this section; other sections of the document belong to other benchmarks.
    pattern = re.compile(r"^## Import\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--enrolments", type=int, default=200_000)
    parser.add_argument(
        "--db",
        action="append",
        choices=["postgres", "sqlite"],
        help="database engine (repeat for both; default both)",
    )
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument(
        "--generate-only",
        metavar="DIR",
        type=Path,
        help="only write the interchange folder to DIR (used by caseload_benchmark.py)",
    )
    args = parser.parse_args()
    if args.generate_only:
        generate(args.generate_only, args.persons, args.enrolments, args.seed)
        return
    engines = args.db or ["postgres", "sqlite"]
    with tempfile.TemporaryDirectory(prefix="insats-bench-") as tmp:
        workdir = Path(tmp)
        folder = workdir / "data"
        print(f"generating {args.persons} persons and {args.enrolments} enrolments …", flush=True)
        generate(folder, args.persons, args.enrolments, args.seed)
        tables = baseline_rows(folder)
        rows = args.persons + args.enrolments
        results = [run_engine(engine, folder, tables, rows, workdir) for engine in engines]
    if not args.no_doc:
        write_doc(results, args.persons, args.enrolments, args.seed)
        print(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
