"""The dashboard, drill-down, cost pages and start-page key figures count the user's own
municipality only, on the data set of insats/kpi/tests/test_scope.py (municipality A: p1, p2,
p3 with enrolments in a1, a2, a3; municipality B: p4, and p1 again, in b1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import Role
from insats.core import testing
from insats.goals.models import BoardGoal, CouncilGoal, GoalIndicator, IndicatorYear
from insats.insights import dashboard, services
from insats.kpi.dashboard import key_figures_panel
from insats.kpi.tests.factories import make_application, make_two_municipalities
from insats.measures.models import Attendance, Placement

D = dt.date
YEAR = (D(2024, 1, 1), D(2024, 12, 31))
AFTER = D(2025, 6, 1)


@pytest.fixture
def world(db):
    w = make_two_municipalities()
    w["controller_a"] = testing.make_user(Role.CONTROLLER)  # municipality A, the default
    w["controller_b"] = testing.make_user(Role.CONTROLLER)
    w["controller_b"].municipality = w["muni_b"]
    w["controller_b"].save()
    w["homeless"] = testing.make_user(Role.CONTROLLER)
    w["homeless"].municipality = None
    w["homeless"].save()
    return w


def _panel(data, code):
    return next(p for p in data["panels"] if p["code"] == code)


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(reverse("insights:dashboard"), {"year": 2024})
    assert response.status_code == 200
    return response.context["data"]


def test_dashboard_of_a_controller_shows_the_municipalitys_figures_only(client, world):
    data = _dashboard(client, world["controller_a"])
    assert _panel(data, "deltagare")["total"]["value"] == 3  # 4 in the whole database
    work = _panel(data, "andel_arbete_studier")["total"]
    assert (work["value"], work["numerator"], work["denominator"]) == (2 / 3, 2, 3)
    cost = _panel(data, "kostnad_per_deltagare")["total"]
    assert (cost["numerator"], cost["denominator"]) == (4600.0, 3)
    by_unit = next(b for b in _panel(data, "deltagare")["breakdowns"]
                   if b["dimension"] == "unit")
    assert {g["key"]: g["cell"]["value"] for g in by_unit["groups"]} == {
        "A1": 1, "A2": 1, "A3": 1}
    march = _panel(data, "nya")["months"][2]["cell"]
    assert march["value"] == 1  # p3a3; nothing of B started in March


def test_dashboard_of_municipality_b_and_of_a_user_without_municipality(client, world):
    data_b = _dashboard(client, world["controller_b"])
    assert _panel(data_b, "deltagare")["total"]["value"] == 2
    assert _panel(data_b, "andel_arbete_studier")["total"]["denominator"] == 1
    client.force_login(world["homeless"])
    html = client.get(reverse("insights:dashboard"), {"year": 2024}).content.decode()
    assert "inte kopplat till någon kommun" in html
    nothing = _dashboard(client, world["homeless"])
    assert _panel(nothing, "deltagare")["total"]["value"] == 0
    assert _panel(nothing, "andel_arbete_studier")["total"]["value"] is None
    assert _panel(nothing, "ferie_sokande")["total"]["value"] == 0


def test_dashboard_counts_the_municipalitys_own_summer_jobs(client, world):
    # A: 2 applications in 2024 (1 started), B: 3 (2 started) and one of 2023.
    for status, municipality in (("BORJAT", "muni_a"), ("ANSOKT", "muni_a"),
                                 ("BORJAT", "muni_b"), ("GENOMFORT", "muni_b"),
                                 ("OGILTIG", "muni_b")):
        make_application("2024-SOMMAR", status, municipality=world[municipality])
    make_application("2023-SOMMAR", "BORJAT", municipality=world["muni_b"])
    data_a = _dashboard(client, world["controller_a"])
    assert _panel(data_a, "ferie_sokande")["total"]["value"] == 2
    assert _panel(data_a, "ferie_borjat")["total"]["value"] == 1
    data_b = _dashboard(client, world["controller_b"])
    assert _panel(data_b, "ferie_sokande")["total"]["value"] == 3
    assert _panel(data_b, "ferie_borjat")["total"]["value"] == 2
    assert _panel(_dashboard(client, world["homeless"]), "ferie_sokande")["total"]["value"] == 0


def test_enhetschef_sees_the_municipality_not_only_the_unit(client, world):
    chef = testing.make_user(Role.ENHETSCHEF, world["a1"])
    assert _panel(_dashboard(client, chef), "deltagare")["total"]["value"] == 3


def test_targets_come_from_the_municipalitys_own_boards(world):
    for board, target in ((world["y"], "0.45"), (world["z"], "0.90")):
        council = CouncilGoal.objects.create(municipality=board.municipality, title="KF")
        goal = BoardGoal.objects.create(board=board, council_goal=council, title="Arbete")
        indicator = GoalIndicator.objects.create(board_goal=goal, name="Andel",
                                                 kpi_code="andel_arbete_studier")
        IndicatorYear.objects.create(indicator=indicator, year=2024,
                                     target_value=Decimal(target))
    built_a = dashboard.build(2024, AFTER, unit_ids=world["A"],
                              municipality_id=world["muni_a"].pk)
    built_b = dashboard.build(2024, AFTER, unit_ids=world["B"],
                              municipality_id=world["muni_b"].pk)
    assert _panel(built_a, "andel_arbete_studier")["target"] == Decimal("0.45")
    assert _panel(built_b, "andel_arbete_studier")["target"] == Decimal("0.90")
    assert _panel(built_b, "andel_arbete_studier")["gap"] == pytest.approx(0.10)  # 1/1 − 0.9


def test_dashboard_cache_is_kept_per_scope(world):
    a = dashboard.build(2024, AFTER, unit_ids=world["A"])
    b = dashboard.build(2024, AFTER, unit_ids=world["B"])
    everything = dashboard.build(2024, AFTER)
    assert [_panel(x, "deltagare")["total"]["value"] for x in (a, b, everything)] == [3, 2, 4]


def test_drilldown_totals_count_the_municipality(client, world):
    chef = testing.make_user(Role.ENHETSCHEF, world["a1"])
    client.force_login(chef)
    response = client.get(reverse("insights:drilldown", args=["andel_arbete_studier"]),
                          {"year": 2024})
    assert response.status_code == 200
    assert response.context["total_behind"] == 3  # A's closures; 4 in the whole database
    assert response.context["denominator"] == 3
    e = world["e"]
    assert {x.pk for x in response.context["page"].object_list} == {e["p1a1"].pk, e["p2a1"].pk}
    client.force_login(world["controller_b"])
    response = client.get(reverse("insights:drilldown", args=["deltagare"]),
                          {"year": 2024, "dim": "unit", "key": "B1"})
    assert response.context["total_behind"] == 2


def test_drilldown_of_a_group_only_in_another_municipality_is_not_found(client, world):
    client.force_login(world["controller_a"])
    response = client.get(reverse("insights:drilldown", args=["deltagare"]),
                          {"year": 2024, "dim": "unit", "key": "B1"})
    assert response.status_code == 404


# --- Cost per measure --------------------------------------------------------------------------


@pytest.fixture
def catalogue(world):
    testing.make_measure("B_ONLY", unit=world["b1"])  # B's own, active, unused
    testing.make_measure("SHARED")  # no unit: the shared catalogue, active, unused
    b_placement = Placement.objects.get(enrolment=world["e"]["p4b1"])
    Attendance.objects.create(placement=b_placement, date=D(2024, 1, 10), hours=Decimal("5"))
    return world


def _cost(units):
    rows = services.cost_summary(*YEAR, today=AFTER, unit_ids=units)
    totals = services.cost_totals(rows, *YEAR, today=AFTER, unit_ids=units)
    return {r["measure_code"]: r for r in rows}, totals


def test_cost_summary_in_a_scope(catalogue):
    rows, totals = _cost(catalogue["A"])
    assert set(rows) == {"TRAIN", "SEARCH", "SHARED"}
    train = rows["TRAIN"]
    assert (train["participants"], train["placements"]) == (2, 2)  # p1, p2
    assert train["placement_days"] == 245 + 29  # p1a2 1 May–31 Dec, p2a1 February
    assert train["direct_cost_sek"] == Decimal("4000.00")
    assert train["participants_work_studies"] == 0
    assert train["hours"] == 0  # the 5 hours are B's
    assert rows["SEARCH"]["participants_work_studies"] == 1  # p3 closed to studies
    assert totals["participants"] == 3 and totals["placements"] == 3
    assert totals["direct_cost_sek"] == Decimal("4600.00")
    assert totals["participants_work_studies"] == 1

    rows_b, totals_b = _cost(catalogue["B"])
    assert set(rows_b) == {"TRAIN", "SEARCH", "B_ONLY", "SHARED"}  # SEARCH: shared, active
    assert rows_b["SEARCH"]["participants"] == 0
    assert rows_b["TRAIN"]["direct_cost_sek"] == Decimal("5000.00")
    assert rows_b["TRAIN"]["placement_days"] == 32
    assert rows_b["TRAIN"]["hours"] == Decimal("5.00")
    assert (totals_b["participants"], totals_b["participants_work_studies"]) == (1, 1)

    rows_all, totals_all = _cost(None)
    assert set(rows_all) == {"TRAIN", "SEARCH", "B_ONLY", "SHARED"}
    assert rows_all["TRAIN"]["direct_cost_sek"] == Decimal("9000.00")
    assert totals_all["participants"] == 4


def test_cost_summary_of_an_empty_scope_is_empty(catalogue):
    rows, totals = _cost(frozenset())
    assert rows == {}
    assert totals["participants"] == 0 and totals["cost_sek"] == 0
    assert totals["cost_per_participant_sek"] is None


def test_cost_page_of_a_controller_shows_the_municipality(client, catalogue):
    client.force_login(catalogue["controller_a"])
    response = client.get(reverse("insights:cost"), {"year": 2024})
    assert response.status_code == 200
    assert {r["measure_code"] for r in response.context["rows"]} == {"TRAIN", "SEARCH",
                                                                      "SHARED"}
    assert response.context["totals"]["direct_cost_sek"] == Decimal("4600.00")
    assert "B_ONLY" not in response.content.decode()
    client.force_login(catalogue["homeless"])
    response = client.get(reverse("insights:cost"), {"year": 2024})
    assert response.context["rows"] == [] and "inte kopplat till någon kommun" in (
        response.content.decode())
    response = client.get(reverse("insights:cost_excel"), {"year": 2024})
    assert response.status_code == 200


# --- Start-page key figures -----------------------------------------------------------------


def test_key_figures_panel_counts_the_users_municipality(world):
    def deltagare(user):
        rows = key_figures_panel(user)["context"]["rows"]
        return next(r["value"] for r in rows if r["code"] == "deltagare")

    # The panel shows this year; the data set is 2024, so count this year's starts instead.
    today = timezone.localdate()
    for unit in (world["a1"], world["b1"], world["b1"]):
        testing.make_enrolment(unit=unit, start_date=today)
    assert deltagare(world["controller_a"]) == "2"  # p1a2 (open) and the new one
    assert deltagare(world["controller_b"]) == "3"  # p1 (p1b1, open) and the two new ones
    assert deltagare(world["homeless"]) == "0"
