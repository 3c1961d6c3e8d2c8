"""The dashboard shows exactly what insats.kpi computes, with definitions, targets, months,
breakdowns and charts whose data is a JSON block (no inline script)."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from insats.accounts.models import Role
from insats.core import testing
from insats.goals.models import BoardGoal, CouncilGoal, GoalIndicator, IndicatorYear
from insats.insights import dashboard
from insats.kpi import definitions
from insats.kpi.services import compute
from insats.organisation.models import Board, Municipality

D = dt.date
TODAY = D(2025, 6, 15)
YEAR_2024 = (D(2024, 1, 1), D(2024, 12, 31))


@pytest.fixture
def data(unit, other_unit):
    """A small year: closures to work and not, a plan, two units, women and men."""
    women = [testing.make_person(gender="K", birth_date=D(1990, 1, 1)) for _ in range(3)]
    man = testing.make_person(gender="M", birth_date=D(2004, 5, 5))
    testing.make_enrolment(women[0], unit, start_date=D(2024, 1, 10), end_date=D(2024, 3, 20),
                           closure_reason="ARBETE_UTAN_STOD", plan_date=D(2024, 2, 1),
                           need_category="AM2")
    testing.make_enrolment(women[1], unit, start_date=D(2024, 2, 1), end_date=D(2024, 5, 31),
                           closure_reason="AVBROTT")
    testing.make_enrolment(women[2], other_unit, start_date=D(2023, 11, 1))
    e = testing.make_enrolment(man, other_unit, start_date=D(2024, 4, 1), need_category="AM3")
    testing.make_placement(e, start_date=D(2024, 4, 1), cost_sek=Decimal("1200"))
    return {"unit": unit, "other_unit": other_unit}


def test_year_and_months_equal_kpi_compute(data):
    built = dashboard.build(2024, TODAY)
    for panel in built["panels"]:
        expected = compute(panel["code"], *YEAR_2024)
        assert panel["total"]["value"] == expected.value, panel["code"]
        assert panel["total"]["numerator"] == expected.numerator
        assert panel["total"]["denominator"] == expected.denominator
        if panel["is_enrolment"]:
            assert len(panel["months"]) == 12
            march = compute(panel["code"], D(2024, 3, 1), D(2024, 3, 31))
            assert panel["months"][2]["cell"]["value"] == march.value, panel["code"]
        else:
            assert panel["months"] == []


def test_breakdowns_equal_kpi_compute(data):
    built = dashboard.build(2024, TODAY)
    panel = next(p for p in built["panels"] if p["code"] == "deltagare")
    dims = [b["dimension"] for b in panel["breakdowns"]]
    assert dims == list(definitions.ENROLMENT_DIMENSIONS)
    for breakdown in panel["breakdowns"]:
        expected = compute("deltagare", *YEAR_2024, by=breakdown["dimension"])
        assert {g["key"]: g["cell"]["value"] for g in breakdown["groups"]} == {
            g.key: g.value for g in expected.groups
        }
    gender = next(b for b in panel["breakdowns"] if b["dimension"] == "gender")
    assert {g["label"] for g in gender["groups"]} == {"Kvinna", "Man"}


def test_current_year_stops_today_and_leaves_future_months_empty(data):
    built = dashboard.build(2024, D(2024, 4, 10))
    assert built["period"].date_to == D(2024, 4, 10)
    panel = next(p for p in built["panels"] if p["code"] == "nya")
    assert panel["total"]["value"] == compute("nya", D(2024, 1, 1), D(2024, 4, 10)).value
    assert panel["months"][3]["cell"]["value"] == compute("nya", D(2024, 4, 1),
                                                          D(2024, 4, 10)).value
    assert all(m["cell"] is None for m in panel["months"][4:])


def test_small_cells_are_marked_but_shown_exactly(data):
    built = dashboard.build(2024, TODAY)
    closed = next(p for p in built["panels"] if p["code"] == "avslutade")
    assert closed["total"]["value"] == 2
    assert closed["total"]["small"] is True
    assert built["has_small"] is True
    median = next(p for p in built["panels"] if p["code"] == "median_veckor")
    assert median["total"]["small"] is True  # rests on the two closed enrolments


def test_target_and_gap_come_from_goals(data):
    board = Board.objects.create(municipality=Municipality.default(), name="Arbetsmarknadsnämnden")
    council = CouncilGoal.objects.create(municipality=board.municipality, title="Självförsörjning")
    goal = BoardGoal.objects.create(board=board, council_goal=council, title="Fler till arbete")
    indicator = GoalIndicator.objects.create(board_goal=goal, name="Andel",
                                             kpi_code="andel_arbete_studier")
    IndicatorYear.objects.create(indicator=indicator, year=2024, target_value=Decimal("0.45"))
    built = dashboard.build(2024, TODAY)
    panel = next(p for p in built["panels"] if p["code"] == "andel_arbete_studier")
    assert panel["target"] == Decimal("0.45")
    assert panel["total"]["value"] == 0.5  # 1 of 2 closures to work
    assert panel["gap"] == pytest.approx(0.05)
    assert panel["gap_text"] == "+5,0 procentenheter"
    assert built["charts"]["trend-andel_arbete_studier"]["target"] == 45.0
    other = next(p for p in built["panels"] if p["code"] == "nya")
    assert other["target"] is None and other["gap"] is None


def test_future_year_is_refused():
    with pytest.raises(ValidationError):
        dashboard.year_period(2031, TODAY)


def _page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("insights:dashboard"), params)


def test_page_renders_figures_definitions_and_json_block_without_inline_script(
    client, enhetschef, data
):
    response = _page(client, enhetschef, year=2024)
    assert response.status_code == 200
    html = response.content.decode()
    for indicator in definitions.INDICATORS.values():
        assert str(indicator.definition)[:60] in html, indicator.code
    match = re.search(
        r'<script id="insights-charts" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "chart data is a JSON data block"
    charts = json.loads(match.group(1))
    deltagare = compute("deltagare", *YEAR_2024)
    assert charts["trend-deltagare"]["labels"][0].lower().startswith("jan")
    assert "by-deltagare-gender" in charts
    # Every other script is an external file: no inline code, no event handlers.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert 'type="application/json"' in tag or "src=" in tag, tag
    assert not re.search(r"\son[a-z]+=", html)
    assert "vendor/chart.umd.js" in html and "insights/charts.js" in html
    assert "cdn" not in html.lower()
    # Each chart has its table of the same numbers.
    assert html.count("<canvas") == html.count('data-chart="')
    assert f"<strong>{deltagare.value}</strong>" in html or f"<strong>{deltagare.value} " in html


@pytest.mark.parametrize("role", [Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN])
def test_allowed_roles(client, unit, role):
    user = testing.make_user(role, unit if role == Role.ENHETSCHEF else None)
    assert _page(client, user).status_code == 200


@pytest.mark.parametrize("role", [Role.COACH, Role.SAMORDNARE, Role.REMITTENT])
def test_other_roles_are_forbidden(client, unit, role):
    user = testing.make_user(role, None if role == Role.REMITTENT else unit)
    assert _page(client, user).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302


def test_controller_gets_no_drill_links_and_a_note(client, controller, data):
    html = _page(client, controller, year=2024).content.decode()
    assert reverse("insights:drilldown", args=["deltagare"]) not in html
    assert "inte tillgång till personuppgifter" in html


def test_enhetschef_gets_drill_links(client, enhetschef, data):
    html = _page(client, enhetschef, year=2024).content.decode()
    assert reverse("insights:drilldown", args=["deltagare"]) + "?year=2024&amp;month=3" in html
    assert "dim=gender&amp;key=K" in html


def test_bad_year_falls_back_to_current_year(client, enhetschef):
    response = _page(client, enhetschef, year="tjugo")
    assert response.status_code == 200
    assert response.context["year"] == dt.date.today().year
