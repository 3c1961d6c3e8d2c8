"""Cost per measure, hand-computed on small data: a unit cost of 3 043,75 kr per place and month
is exactly 100 kr per placement day (3 043,75 ÷ 30,4375)."""

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from insats.accounts.models import Role
from insats.core import testing
from insats.insights import services
from insats.insights.models import MeasureBudget
from insats.measures.models import Attendance

D = dt.date
YEAR = (D(2024, 1, 1), D(2024, 12, 31))
AFTER = D(2025, 6, 1)


@pytest.fixture
def world(unit):
    a = testing.make_measure("A", name="Arbetsträning A", unit_cost_sek=Decimal("3043.75"))
    b = testing.make_measure("B", name="Coachning B", category="JOBBSOK")
    testing.make_measure("IDLE", name="Vilande", active=False, unit_cost_sek=Decimal("1000"))
    p1, p2, p3 = (testing.make_person() for _ in range(3))
    e1 = testing.make_enrolment(p1, unit, start_date=D(2023, 12, 1), end_date=D(2024, 3, 31),
                                closure_reason="ARBETE_UTAN_STOD")
    e2 = testing.make_enrolment(p2, unit, start_date=D(2024, 6, 1))
    e3 = testing.make_enrolment(p3, unit, start_date=D(2025, 1, 1))
    # 31 days in January 2024; its direct cost belongs to 2023, when it started.
    testing.make_placement(e1, a, start_date=D(2023, 12, 1), end_date=D(2024, 1, 31),
                           cost_sek=Decimal("500"))
    # Open: 1–31 December 2024 within the year; started in 2024, so its cost counts.
    open_one = testing.make_placement(e2, a, start_date=D(2024, 12, 1), cost_sek=Decimal("1000"),
                                      reported_hours=Decimal("10"))
    Attendance.objects.create(placement=open_one, date=D(2024, 12, 2), hours=Decimal("6"))
    Attendance.objects.create(placement=open_one, date=D(2025, 1, 5), hours=Decimal("4"))
    testing.make_placement(e2, b, start_date=D(2024, 6, 1), end_date=D(2024, 6, 30),
                           cost_sek=Decimal("2000"))
    testing.make_placement(e3, a, start_date=D(2025, 1, 10), cost_sek=Decimal("9999"))
    return {"a": a, "b": b}


def _rows(today=AFTER, period=YEAR):
    return {r["measure_code"]: r for r in services.cost_summary(*period, today=today)}


def test_unit_cost_months_direct_cost_and_per_successful_participant(world):
    a = _rows()["A"]
    assert a["participants"] == 2 and a["placements"] == 2
    assert a["placement_days"] == 62
    assert a["placement_months"] == Decimal("2.04")
    assert a["place_cost_sek"] == Decimal("6200.00")
    assert a["direct_cost_sek"] == Decimal("1000.00")
    assert a["cost_sek"] == Decimal("7200.00")
    assert a["cost_per_participant_sek"] == Decimal("3600.00")
    assert a["participants_work_studies"] == 1  # p1 closed to work in March 2024
    assert a["cost_per_work_studies_sek"] == Decimal("7200.00")
    assert a["hours"] == Decimal("16.00")  # 6 attended in 2024 + 10 imported; 2025 left out
    assert a["cost_per_hour_sek"] == Decimal("450.00")


def test_measure_without_unit_cost_has_only_direct_cost(world):
    b = _rows()["B"]
    assert b["unit_cost_sek"] is None
    assert b["place_cost_sek"] == Decimal("0.00")
    assert b["cost_sek"] == Decimal("2000.00")
    assert b["participants_work_studies"] == 0
    assert b["cost_per_work_studies_sek"] is None
    assert b["hours"] == 0 and b["cost_per_hour_sek"] is None


def test_inactive_measure_without_activity_is_left_out(world):
    assert "IDLE" not in _rows()


def test_open_placement_counts_until_today_only(world):
    a = _rows(today=D(2024, 12, 15))["A"]
    assert a["placement_days"] == 31 + 15
    assert a["place_cost_sek"] == Decimal("4600.00")


def test_period_not_begun_has_no_outcome(world):
    a = _rows(today=D(2023, 6, 1))["A"]
    assert a["participants"] == 0 and a["placement_days"] == 0


def test_totals_count_each_person_once(world):
    rows = services.cost_summary(*YEAR, today=AFTER)
    totals = services.cost_totals(rows, *YEAR, today=AFTER)
    assert totals["participants"] == 2  # p2 took part in both A and B
    assert totals["placements"] == 3
    assert totals["cost_sek"] == Decimal("9200.00")
    assert totals["cost_per_participant_sek"] == Decimal("4600.00")
    assert totals["participants_work_studies"] == 1
    assert totals["cost_per_work_studies_sek"] == Decimal("9200.00")


def test_budget_against_outcome(world, controller):
    services.save_budgets(2024, {world["a"]: Decimal("10000")}, by=controller)
    services.save_budgets(2025, {world["a"]: Decimal("99999")}, by=controller)
    rows = services.cost_summary(*YEAR, today=AFTER)
    a = next(r for r in rows if r["measure_code"] == "A")
    b = next(r for r in rows if r["measure_code"] == "B")
    assert a["budget_sek"] == Decimal("10000.00")
    assert a["budget_deviation_sek"] == Decimal("2800.00")  # 10 000 − 7 200: under budget
    assert b["budget_sek"] is None and b["budget_deviation_sek"] is None
    totals = services.cost_totals(rows, *YEAR, today=AFTER)
    assert totals["budget_sek"] == Decimal("10000.00")
    assert totals["budget_deviation_sek"] == Decimal("2800.00")  # B has no budget to compare
    services.save_budgets(2024, {world["a"]: Decimal("5000")}, by=controller)
    a = _rows()["A"]
    assert a["budget_deviation_sek"] == Decimal("-2200.00")  # over budget


def test_reversed_period_is_an_error():
    with pytest.raises(ValidationError) as exc:
        services.cost_summary(D(2024, 2, 1), D(2024, 1, 1))
    assert "date_to" in exc.value.message_dict


def test_aggregated_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        testing.make_placement(testing.make_enrolment(), world["a"], start_date=D(2024, 2, 1))
    with django_assert_max_num_queries(1):
        services.cost_summary(*YEAR, today=AFTER)


# --- Budget -------------------------------------------------------------------------------


def test_save_budgets_creates_updates_and_removes(world, enhetschef):
    a, b = world["a"], world["b"]
    assert services.save_budgets(2024, {a: Decimal("100"), b: Decimal("200")}, by=enhetschef) == 2
    assert services.save_budgets(2024, {a: Decimal("100"), b: Decimal("250")}, by=enhetschef) == 1
    assert services.save_budgets(2024, {a: None, b: Decimal("250")}, by=enhetschef) == 1
    assert list(MeasureBudget.objects.values_list("measure__code", "year", "amount_sek")) == [
        ("B", 2024, Decimal("250.00"))
    ]


def test_bad_budget_writes_nothing(world, controller):
    with pytest.raises(ValidationError) as exc:
        services.save_budgets(
            2024, {world["a"]: Decimal("100"), world["b"]: Decimal("-1")}, by=controller
        )
    assert f"budget_{world['b'].pk}" in exc.value.message_dict
    assert not MeasureBudget.objects.exists()
    with pytest.raises(ValidationError):
        services.save_budgets(1899, {world["a"]: Decimal("1")}, by=controller)


def test_coach_may_not_set_budgets(world, coach):
    with pytest.raises(ValidationError):
        services.save_budgets(2024, {world["a"]: Decimal("1")}, by=coach)


def test_budget_page_saves_swedish_amounts(client, controller, world):
    client.force_login(controller)
    url = reverse("insights:budget") + "?year=2024"
    assert client.get(url).status_code == 200
    a, b = world["a"], world["b"]
    response = client.post(url, {f"budget_{a.pk}": "1 250 000,50", f"budget_{b.pk}": ""})
    assert response.status_code == 302
    assert MeasureBudget.objects.get(measure=a, year=2024).amount_sek == Decimal("1250000.50")
    assert not MeasureBudget.objects.filter(measure=b).exists()


def test_budget_page_shows_errors_and_writes_nothing(client, enhetschef, world):
    client.force_login(enhetschef)
    a, b = world["a"], world["b"]
    response = client.post(reverse("insights:budget") + "?year=2024",
                           {f"budget_{a.pk}": "100", f"budget_{b.pk}": "mycket"})
    assert response.status_code == 200
    assert "Skriv beloppet i kronor" in response.content.decode()
    assert not MeasureBudget.objects.exists()


@pytest.mark.parametrize("role", [Role.COACH, Role.SAMORDNARE, Role.REMITTENT])
def test_budget_and_cost_pages_forbidden_for_other_roles(client, unit, role):
    user = testing.make_user(role, None if role == Role.REMITTENT else unit)
    client.force_login(user)
    for name in ("insights:budget", "insights:cost", "insights:cost_excel"):
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("role", [Role.ENHETSCHEF, Role.CONTROLLER, Role.ADMIN])
def test_cost_page_renders_for_allowed_roles(client, unit, role, world):
    client.force_login(testing.make_user(role, unit if role == Role.ENHETSCHEF else None))
    response = client.get(reverse("insights:cost"), {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Arbetsträning A" in html and "Summa" in html


def test_excel_has_numbers_as_numbers(client, controller, world):
    world["b"].name = "=HYPERLINK(\"http://example.com\")"
    world["b"].save()
    client.force_login(controller)
    response = client.get(reverse("insights:cost_excel"), {"year": 2024})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    sheet = load_workbook(BytesIO(response.content)).active
    headings = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(headings, r, strict=False))
            for r in sheet.iter_rows(min_row=3, values_only=True)}
    a = rows["A"]
    # 2024 is over, so the outcome is the whole year whatever today is.
    assert isinstance(a["Kostnad totalt (kr)"], (int, float))
    assert a["Kostnad totalt (kr)"] == 7200
    assert a["Deltagare"] == 2
    assert rows["B"]["Insats"].startswith("'=")  # text never runs as a formula
    total = next(r for r in rows.values() if r["Insats"] == "Summa")
    assert total["Kostnad totalt (kr)"] == 9200
