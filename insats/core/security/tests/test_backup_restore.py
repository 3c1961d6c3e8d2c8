"""Backup and restore (docs/operations.md): a pg_dump of PostgreSQL restored into an empty
database gives an identical interchange export.

Runs the real commands in subprocesses against two throw-away databases. Skipped (loudly)
unless PostgreSQL is reachable and pg_dump/pg_restore are installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PERSONS = int(os.environ.get("INSATS_BACKUP_TEST_PERSONS", "300"))


def _server_url() -> str | None:
    for candidate in (
        os.environ.get("INSATS_TEST_POSTGRES_URL"),
        os.environ.get("DATABASE_URL"),
        "postgres://postgres@127.0.0.1:5432/postgres",
    ):
        if candidate and candidate.startswith(("postgres://", "postgresql://")):
            return candidate
    return None


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _skip(reason: str):
    message = f"BACKUP/RESTORE TEST SKIPPED: {reason}"
    print("\n" + "!" * len(message) + "\n" + message + "\n" + "!" * len(message), file=sys.stderr)
    warnings.warn(message, stacklevel=2)
    pytest.skip(message)


def _run(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


def test_pg_dump_restore_gives_an_identical_export(tmp_path):
    url = _server_url()
    if not (shutil.which("pg_dump") and shutil.which("pg_restore") and shutil.which("psql")):
        _skip("pg_dump, pg_restore or psql is not installed")
    import psycopg

    admin_url = _with_db(url, "postgres").replace("postgres://", "postgresql://", 1)
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        _skip(f"PostgreSQL is not reachable ({exc})")
    source, target = f"insats_backup_src_{os.getpid()}", f"insats_backup_dst_{os.getpid()}"
    try:
        for name in (source, target):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        base_env.update({"INSATS_ENV": "test", "INSATS_DEBUG": "0"})
        source_env = {**base_env, "DATABASE_URL": _with_db(url, source)}
        target_env = {**base_env, "DATABASE_URL": _with_db(url, target)}
        insats = [sys.executable, "-m", "insats.manage"]
        _run([*insats, "migrate", "--noinput"], source_env)
        _run([*insats, "demo", "--persons", str(PERSONS), "--today", "2026-03-01"], source_env)
        _run([*insats, "export_data", str(tmp_path / "before")], source_env)

        dump = tmp_path / "insats.dump"
        libpq_source = _with_db(url, source).replace("postgres://", "postgresql://", 1)
        libpq_target = _with_db(url, target).replace("postgres://", "postgresql://", 1)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", libpq_source])
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq_target}", str(dump)])
        _run([*insats, "export_data", str(tmp_path / "after")], target_env)

        def files(folder: Path) -> list[Path]:
            return sorted(p.relative_to(folder) for p in folder.rglob("*.csv"))

        before, after = files(tmp_path / "before"), files(tmp_path / "after")
        assert before == after and before
        persons = (tmp_path / "before" / "persons.csv").read_text(encoding="utf-8")
        assert persons.count("\n") > PERSONS // 2  # the demo data really was exported
        for relative in before:
            assert (tmp_path / "before" / relative).read_bytes() == (
                tmp_path / "after" / relative
            ).read_bytes(), str(relative)
    finally:
        for name in (source, target):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
