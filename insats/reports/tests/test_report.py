import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from insats.core import testing
from insats.goals import services as goal_services
from insats.reports import render, services


@pytest.fixture
def closures(unit):
    """Seven women and two men closed in 2024: the men are a small group."""
    for index in range(9):
        gender = "K" if index < 7 else "M"
        person = testing.make_person(gender=gender)
        testing.make_enrolment(person, unit, start_date=dt.date(2024, 1, 10),
                               end_date=dt.date(2024, 4, 1 + index),
                               closure_reason="ARBETE_UTAN_STOD" if index % 2 else "AVBROTT")


def _report(board):
    return services.build_report(board, dt.date(2024, 1, 1), dt.date(2024, 12, 31),
                                 "verksamhetsberattelse", today=dt.date(2025, 2, 1))


def test_report_has_goals_and_suppressed_tables(board, closures):
    report = _report(board)
    assert [t.code for t in report.tables] == list(services.KEY_INDICATORS)
    closed = next(t for t in report.tables if t.code == "avslutade")
    rows = {r.label: r for r in closed.rows}
    assert rows["Totalt"].value.value == 9
    assert rows["Män"].value.suppressed  # 2 < 5
    assert rows["Kvinnor"].value.suppressed  # secondary: else 9 − ? = 2
    share = next(t for t in report.tables if t.code == "andel_arbete_studier")
    share_rows = {r.label: r for r in share.rows}
    assert share_rows["Män"].value.suppressed and not share_rows["Totalt"].value.suppressed
    # The women's base (7) is hidden to protect the men's; their share must go with it, or
    # 4 of 7 = 57.1 % would give the base back and, through the total, the men's figures.
    assert share_rows["Kvinnor"].base.suppressed and share_rows["Kvinnor"].value.suppressed
    statuses = [s for c in report.goals for g in c.board_goals for s in g.statuses]
    work = next(s for s in statuses if s.indicator.kpi_code == "andel_arbete_studier")
    assert work.target == D("0.45") and work.outcome is not None


def test_bad_request():
    with pytest.raises(ValidationError) as exc:
        services.check_request("kvartal", dt.date(2024, 1, 1), dt.date(2024, 2, 1))
    assert "report_type" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.check_request("tertialrapport", dt.date(2024, 2, 1), dt.date(2024, 1, 1))
    assert "date_to" in exc.value.message_dict


def test_excel_numbers_are_numbers(board, closures):
    book = load_workbook(io.BytesIO(render.xlsx_bytes(_report(board))))
    # Goals, one per key table, cost, budget, surveys, definitions.
    assert book.sheetnames[0] == "Mål"
    assert len(book.sheetnames) == 1 + len(services.KEY_INDICATORS) + 4
    assert book.sheetnames[-4:] == ["Kostnad per insats", "Budget mot utfall", "Enkäter",
                                    "Definitioner"]
    sheet = book[book.sheetnames[3]]  # avslutade
    values = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value}
    assert values["Totalt"].value == 9 and values["Totalt"].number_format == "0"
    # Two men, hidden; the group has secondary suppression, so every hidden cell reads "..".
    assert values["Män"].value == ".."
    goals = book["Mål"]
    targets = [row[3] for row in goals.iter_rows(min_row=4) if row[3].value is not None]
    assert targets and all(isinstance(c.value, float) for c in targets)
    share_sheet = book[book.sheetnames[4]]
    total = next(r for r in share_sheet.iter_rows() if r[0].value == "Totalt")
    assert isinstance(total[1].value, float) and total[1].number_format == "0.0%"


def test_excel_text_is_neutralised(board):
    goal_services.BoardGoal.objects.filter(board=board).update(title="=HYPERLINK(1)")
    book = load_workbook(io.BytesIO(render.xlsx_bytes(_report(board))))
    texts = [c.value for row in book["Mål"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(1)" in texts and "=HYPERLINK(1)" not in texts


def test_chart_labels_every_bar(board, closures):
    closed = next(t for t in _report(board).tables if t.code == "avslutade")
    svg = render.bar_chart(closed)
    assert svg.startswith("<svg") and ".." in svg and "Kvinnor" in svg


def test_pdf(board, closures):
    body = render.pdf_bytes(_report(board))
    assert body.startswith(b"%PDF")


def test_command(board, closures, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command("board_report", "--board", str(board.pk), "--from", "2024-01-01",
                 "--to", "2024-12-31", "--format", "xlsx", "--out", str(out))
    assert load_workbook(out).sheetnames[0] == "Mål"


def test_page_permissions_and_downloads(client, board, coach, controller, enhetschef):
    url = reverse("reports:board_report")
    client.force_login(coach)
    assert client.get(url).status_code == 403
    client.force_login(controller)
    assert client.get(url).status_code == 200
    params = {"board": board.pk, "report_type": "tertialrapport", "date_from": "2024-01-01",
              "date_to": "2024-04-30"}
    page = client.get(url, params | {"format": "html"})
    assert page.status_code == 200 and "Målvärde saknas" in page.content.decode()
    client.force_login(enhetschef)
    xlsx = client.get(url, params | {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    bad = client.get(url, params | {"date_to": "2023-01-01"})
    assert "slutdatum" in bad.content.decode()
