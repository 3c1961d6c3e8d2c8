import datetime as dt

from django.core.cache import cache

from insats.core import testing
from insats.kpi.dashboard import format_value, key_figures_panel, year_figures
from insats.kpi.definitions import Kind
from insats.kpi.services import compute


def test_values_formatted_for_swedish_readers():
    assert format_value(Kind.SHARE, 0.4567) == "45,7 %"
    assert format_value(Kind.COUNT, 1234) == "1\u00a0234"
    assert format_value(Kind.AMOUNT, 12345.6) == "12\u00a0346 kr"
    assert format_value(Kind.SHARE, None) == "–"


def test_panel_figures_are_the_indicator_definitions(unit):
    cache.clear()
    today = dt.date(2024, 6, 30)
    testing.make_enrolment(unit=unit, start_date=dt.date(2024, 2, 1))
    testing.make_enrolment(
        unit=unit,
        start_date=dt.date(2024, 1, 10),
        end_date=dt.date(2024, 5, 2),
        closure_reason="ARBETE_UTAN_STOD",
    )
    rows = {row["code"]: row for row in year_figures(today)}
    expected = compute("andel_arbete_studier", dt.date(2024, 1, 1), today)
    assert (rows["andel_arbete_studier"]["numerator"], expected.numerator) == (1, 1)
    assert rows["deltagare"]["value"] == "2"
    assert rows["andel_arbete_studier"]["definition"]


def test_panel_only_for_roles_that_follow_up(coach, controller, enhetschef):
    cache.clear()
    assert key_figures_panel(coach) is None
    assert key_figures_panel(controller)["template"] == "kpi/_key_figures_panel.html"
    assert key_figures_panel(enhetschef) is not None


def test_controller_start_page_shows_key_figures(client, controller):
    cache.clear()
    client.force_login(controller)
    page = client.get("/").content.decode()
    assert "Nyckeltal" in page and "Definition" in page
