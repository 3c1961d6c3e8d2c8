"""The board report warns about the municipality's units that belong to no board.

Municipality A has board X (administration AX, unit X1) and an import (`import_data`) that
creates unit AME without an administration; unit MIS of A is filed under board Z's
administration, and board Z belongs to municipality B, so no board counts it either. B has unit
B1 without an administration. Hence A's boards are warned about AME and MIS (by name), B's
board about B1, and neither about the other municipality's units.
"""

import datetime as dt
import io
import re

import openpyxl
import pypdfium2 as pdfium
import pytest
from django.urls import reverse

from insats.core import testing
from insats.interchange.services import import_folder
from insats.interchange.tests.helpers import VALID, write_folder
from insats.kpi import scope
from insats.organisation.models import Administration, Board, Municipality, Unit
from insats.reports import render, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path):
    a = Municipality.default()
    b = Municipality.objects.create(code="9999", name="Bkommun")
    x = Board.objects.create(municipality=a, name="Nämnd X")
    z = Board.objects.create(municipality=b, name="Nämnd Z")
    ax = Administration.objects.create(board=x, name="AX")
    az = Administration.objects.create(board=z, name="AZ")
    testing.make_unit("X1", name="Enhet X1", municipality=a, administration=ax)
    testing.make_unit("Z1", name="Enhet Z1", municipality=b, administration=az)
    testing.make_unit("MIS", name="Felkopplad", municipality=a, administration=az)
    testing.make_unit("B1", name="Bortglömd", municipality=b)
    assert import_folder(write_folder(tmp_path / "in", VALID)).ok  # creates unit AME in A
    return {"a": a, "b": b, "x": x, "z": z, "ax": ax}


def test_units_outside_boards(world):
    assert [u.code for u in scope.units_outside_boards(world["a"].pk)] == ["AME", "MIS"]
    assert [u.code for u in scope.units_outside_boards(world["b"].pk)] == ["B1"]
    assert [u.code for u in scope.units_outside_boards()] == ["AME", "B1", "MIS"]
    # The complement of the boards' own units within the municipality.
    boarded = scope.units_of_board(world["x"]) | scope.units_of_board(world["z"])
    outside = set(scope.units_outside_boards().values_list("pk", flat=True))
    assert boarded.isdisjoint(outside)
    assert boarded | outside == set(Unit.objects.values_list("pk", flat=True))


def test_notice_names_the_municipalitys_units_outside_boards(world):
    assert services.uncounted_units_notice(world["x"]) == (
        "2 enheter hör inte till någon förvaltning i kommunen och räknas inte i nämndens "
        "rapport: AME, Felkopplad (MIS)."
    )
    assert services.uncounted_units_notice(world["z"]) == (
        "1 enhet hör inte till någon förvaltning i kommunen och räknas inte i nämndens "
        "rapport: Bortglömd (B1)."
    )


def test_no_notice_once_every_unit_belongs_to_a_board(world):
    Unit.objects.filter(code__in=["AME", "MIS"]).update(administration=world["ax"])
    assert services.uncounted_units_notice(world["x"]) is None
    assert services.uncounted_units_notice(world["z"]) is not None  # B1 still has none


def _report(board):
    return services.build_report(board, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                 "tertialrapport", today=dt.date(2025, 2, 1))


def test_report_page_and_pdf_show_the_notice(world, client, controller):
    notice = services.uncounted_units_notice(world["x"])
    assert _report(world["x"]).uncounted_units == notice
    client.force_login(controller)
    page = client.get(reverse("reports:board_report"), {
        "board": world["x"].pk, "report_type": "tertialrapport", "date_from": "2024-01-01",
        "date_to": "2024-12-31", "format": "html",
    })
    assert page.status_code == 200
    assert notice in page.content.decode()
    pdf = pdfium.PdfDocument(render.pdf_bytes(_report(world["x"])))
    text = re.sub(r"\s+", " ", " ".join(
        p.get_textpage().get_text_range() for p in pdf
    ).replace("\ufffe", "").replace("\u00ad", ""))
    assert notice in text


def test_report_without_units_outside_boards_has_no_notice(world):
    Unit.objects.filter(code__in=["AME", "MIS"]).update(administration=world["ax"])
    report = _report(world["x"])
    assert report.uncounted_units is None
    assert "hör inte till någon förvaltning" not in render.html(report)


def test_the_excel_workbook_carries_the_notice_too(world):
    report = _report(world["x"])
    book = openpyxl.load_workbook(io.BytesIO(render.xlsx_bytes(report)))
    texts = [c.value for c in book.worksheets[0]["A"] if isinstance(c.value, str)]
    assert report.uncounted_units in texts
