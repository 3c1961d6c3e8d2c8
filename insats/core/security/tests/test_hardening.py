"""Hardening: CSP and security headers, deploy checks, spreadsheet formulas, uploads."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from insats.core.security.spreadsheet import neutralise, neutralise_row, restore
from insats.core.security.uploads import CSV, PDF, XLSX, FileValidator, sniff

ROOT = Path(settings.BASE_DIR)


# --- Headers --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, coach):
    client.force_login(coach)
    for url in ("/", "/konto/logga-in/", "/inskrivningar/"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids inline script, event handlers and style attributes: none may exist.

    Templates under a `pdf/` folder are exempt: WeasyPrint renders them to PDF on the server
    (their `@page` rules are per document) and no view ever sends them to a browser.
    """
    offenders = []
    for path in (ROOT / "insats").rglob("templates/**/*.html"):
        if "pdf" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        lowered = text.lower()
        for needle in (" style=", "<style", "javascript:"):
            if needle in lowered:
                offenders.append(f"{path.relative_to(ROOT)}: {needle.strip()}")
        for line in lowered.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{path.relative_to(ROOT)}: inline <script>")
            for handler in (" onclick=", " onchange=", " onsubmit=", " onload=", " oninput="):
                if handler in line:
                    offenders.append(f"{path.relative_to(ROOT)}: {handler.strip()}")
    assert not offenders, offenders


def test_htmx_indicator_styles_are_not_injected():
    base = (ROOT / "insats/core/templates/core/base.html").read_text(encoding="utf-8")
    assert '"includeIndicatorStyles": false' in base


def _deploy_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSATS_")}
    env.update(
        {
            "INSATS_SECRET_KEY": "k" * 10 + "x8Jq2-Zr!vP0sLm4Tn7Yw9Bc3Df6Gh1Kj5Np8Qr2St4Uv6Wx9",
            "INSATS_ALLOWED_HOSTS": "insats.kommun.example",
            "INSATS_DEBUG": "0",
            "DATABASE_URL": "sqlite:////tmp/insats-deploy-check.sqlite3",
        }
    )
    env.update(extra)
    return env


def _check_deploy(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "insats.manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _check_deploy(_deploy_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_development_secret_key():
    env = _deploy_env()
    del env["INSATS_SECRET_KEY"]
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "insats.E001" in result.stdout + result.stderr


# --- Spreadsheet formulas ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+46 70", "'+46 70"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("Verkstad", "Verkstad"),
        ("'citat'", "'citat'"),
        ("", ""),
        (5, 5),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@given(st.text(alphabet="'=+-@\t\rab ", max_size=8) | st.text(max_size=20))
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value
    assert not str(neutralise(value)).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralised_csv_is_not_a_formula_when_read_back():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(neutralise_row(["=1+1", "ok", 3]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "ok", "3"]


@pytest.mark.django_db
def test_interchange_round_trip_keeps_formula_like_text(tmp_path):
    """export → import into an empty database → export gives the same files."""
    from insats.core import testing
    from insats.interchange.services.exporter import export_folder
    from insats.measures.models import Placement

    enrolment = testing.make_enrolment()
    for text in ("=cmd|' /C calc'!A0", "'=citerad", "-", "+46", "@x"):
        testing.make_placement(enrolment, workplace=text)
    export_folder(tmp_path / "first")
    rows = (tmp_path / "first" / "placements.csv").read_text(encoding="utf-8")
    assert "'=cmd" in rows and "''=citerad" in rows
    workplaces = sorted(Placement.objects.values_list("workplace", flat=True))
    from insats.interchange.services.importer import import_folder

    Placement.objects.all().delete()
    result = import_folder(tmp_path / "first")
    assert result.ok, [str(p) for p in result.problems]
    assert sorted(Placement.objects.values_list("workplace", flat=True)) == workplaces
    export_folder(tmp_path / "second")
    for path in (tmp_path / "first").glob("*.csv"):
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name


# --- Uploads -------------------------------------------------------------------------------------

XLSX_HEAD = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml"


def test_upload_type_is_recognised_by_content():
    assert sniff(b"%PDF-1.7\n") is PDF
    assert sniff(XLSX_HEAD) is XLSX
    assert sniff("person_id;gender\nP1;K\n".encode("cp1252")) is CSV
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None


def test_upload_validator_refuses_wrong_type_size_and_extension():
    validate = FileValidator(allowed=(CSV,), max_bytes=100)
    validate(SimpleUploadedFile("personer.csv", b"person_id,gender\nP1,K\n"))
    with pytest.raises(ValidationError, match="filtyp som inte tas emot"):
        validate(SimpleUploadedFile("personer.csv", b"MZ\x90\x00\x03\x00"))
    with pytest.raises(ValidationError, match="för stor"):
        validate(SimpleUploadedFile("personer.csv", b"a" * 101))
    with pytest.raises(ValidationError, match="tom"):
        validate(SimpleUploadedFile("personer.csv", b""))
    with pytest.raises(ValidationError, match="fel filändelse"):
        FileValidator(allowed=(PDF,))(SimpleUploadedFile("intyg.exe", b"%PDF-1.4 x"))
