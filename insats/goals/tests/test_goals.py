import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from insats.core import testing
from insats.goals import services
from insats.goals.models import Assessment, BoardGoal, CouncilGoal, GoalIndicator, IndicatorYear
from insats.organisation.models import Administration, Board, Municipality

# --- The assessment rule -------------------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "target", "direction", "expected"), [
    (D("0.45"), D("0.45"), "higher", Assessment.MET),
    (D("0.50"), D("0.45"), "higher", Assessment.MET),
    (D("0.41"), D("0.45"), "higher", Assessment.PARTLY),  # within 10 % of 0.45 (≥ 0.405)
    (D("0.40"), D("0.45"), "higher", Assessment.NOT_MET),
    (D("6.5"), D("6.5"), "lower", Assessment.MET),
    (D("7.1"), D("6.5"), "lower", Assessment.PARTLY),  # ≤ 7.15
    (D("7.2"), D("6.5"), "lower", Assessment.NOT_MET),
    (D("5.0"), D("6.5"), "lower", Assessment.MET),
    (None, D("0.45"), "higher", Assessment.UNKNOWN),
    (D("0.45"), None, "higher", Assessment.UNKNOWN),
])
def test_assess(outcome, target, direction, expected):
    assert services.assess(outcome, target, direction, D("0.10")) == expected


@override_settings(INSATS_GOAL_TOLERANCE="0.20")
def test_tolerance_comes_from_settings():
    assert services.assess(D("0.37"), D("0.45"), "higher") == Assessment.PARTLY
    assert services.assess(D("0.37"), D("0.45"), "higher", D("0.10")) == Assessment.NOT_MET


# --- Goal chain ------------------------------------------------------------------------------

@pytest.fixture
def board(db):
    return Board.objects.create(municipality=Municipality.default(), name="Arbetsmarknadsnämnden")


def _indicator(board, kpi_code="andel_arbete_studier", **kw) -> GoalIndicator:
    council = CouncilGoal.objects.create(municipality=board.municipality, title="Självförsörjning")
    goal = BoardGoal.objects.create(board=board, council_goal=council, title="Fler till arbete")
    return GoalIndicator.objects.create(board_goal=goal, name="Andel", kpi_code=kpi_code, **kw)


def test_outcome_from_kpi_over_the_calendar_year(board, unit):
    indicator = _indicator(board)
    unit.administration = Administration.objects.create(board=board, name="AMF")  # board's unit
    unit.save(update_fields=["administration"])
    # Two closures in 2024: one to work, one not; one closure in 2023 outside the year.
    for end, reason in ((dt.date(2024, 3, 1), "ARBETE_UTAN_STOD"), (dt.date(2024, 5, 1), "AVBROTT"),
                        (dt.date(2023, 5, 1), "ARBETE_UTAN_STOD")):
        testing.make_enrolment(unit=unit, start_date=end - dt.timedelta(days=100),
                               end_date=end, closure_reason=reason)
    IndicatorYear.objects.create(indicator=indicator, year=2024, target_value=D("0.45"))
    status = services.indicator_status(indicator, 2024, today=dt.date(2026, 1, 1))
    assert status.outcome == D("0.5")
    assert status.assessment == Assessment.MET
    assert status.outcome_text == "50,0 %"
    assert services.indicator_status(indicator, 2027, today=dt.date(2026, 1, 1)).outcome is None


def test_missing_target_is_flagged_and_cannot_be_assessed(board):
    indicator = _indicator(board, kpi_code="", unit="procent")
    IndicatorYear.objects.create(indicator=indicator, year=2024, manual_outcome=D("7"))
    [council] = services.board_overview(board, 2024)
    [section] = council.board_goals
    assert section.target_missing and section.statuses[0].target_missing
    assert section.statuses[0].assessment == Assessment.UNKNOWN


def test_board_goal_without_indicator_is_flagged(board):
    council = CouncilGoal.objects.create(municipality=board.municipality, title="KF")
    BoardGoal.objects.create(board=board, council_goal=council, title="Utan indikator")
    [council_section] = services.board_overview(board, 2024)
    assert council_section.board_goals[0].without_indicator


def test_override_needs_reason_and_records_who(board, controller):
    indicator = _indicator(board, kpi_code="", unit="procent", direction="lower")
    with pytest.raises(ValidationError) as exc:
        services.update_indicator_year(indicator, 2024, controller, assessment_override="met")
    assert "override_reason" in exc.value.message_dict
    assert not IndicatorYear.objects.filter(assessment_override="met").exists()
    row = services.update_indicator_year(
        indicator, 2024, controller, target_value=D("6.5"), manual_outcome=D("8"),
        outcome_source="Arbetsförmedlingen, december 2024", assessment_override="partly",
        override_reason="Konjunkturen vände under hösten.",
    )
    assert row.override_by == controller and row.override_at is not None
    status = services.indicator_status(indicator, 2024)
    assert status.computed == Assessment.NOT_MET
    assert status.assessment == Assessment.PARTLY


def test_manual_outcome_only_for_external(board, controller):
    indicator = _indicator(board)
    with pytest.raises(ValidationError) as exc:
        services.update_indicator_year(indicator, 2024, controller, manual_outcome=D("0.5"))
    assert "manual_outcome" in exc.value.message_dict


def test_manual_outcome_needs_a_source(board, controller):
    indicator = _indicator(board, kpi_code="", unit="procent", direction="lower")
    with pytest.raises(ValidationError) as exc:
        services.update_indicator_year(indicator, 2024, controller, manual_outcome=D("7.1"),
                                       outcome_source="  ")
    assert exc.value.message_dict["outcome_source"] == [
        "Ange källa för utfallet 2024 för ”Andel”, t.ex. ”Arbetsförmedlingen, december 2024”. "
        "Ett manuellt utfall måste ha en källa."
    ]
    assert not IndicatorYear.objects.exists()
    # The same rule holds in the admin (model validation).
    with pytest.raises(ValidationError) as exc:
        IndicatorYear(indicator=indicator, year=2024, manual_outcome=D("7.1")).full_clean()
    assert "outcome_source" in exc.value.message_dict
    # A target alone needs no source; an outcome with its source is saved and shown with it.
    services.update_indicator_year(indicator, 2023, controller, target_value=D("6.5"))
    services.update_indicator_year(indicator, 2024, controller, manual_outcome=D("7.1"),
                                   outcome_source="Arbetsförmedlingen, december 2024")
    status = services.indicator_status(indicator, 2024)
    assert status.outcome == D("7.1")
    assert status.outcome_source == "Arbetsförmedlingen, december 2024"
    assert services.indicator_status(indicator, 2023).outcome_source == ""


def test_status_carries_the_registry_definition(board):
    from insats.kpi import definitions as kpi_definitions

    status = services.indicator_status(_indicator(board), 2024, today=dt.date(2025, 1, 1))
    assert status.definition == str(kpi_definitions.INDICATORS["andel_arbete_studier"].definition)
    external = _indicator(board, kpi_code="", unit="procent")
    assert services.indicator_status(external, 2024).definition == ""


def test_goal_pages_show_definition_and_source(client, board, controller):
    from django.utils.html import escape

    from insats.kpi import definitions as kpi_definitions

    services.create_example_goals(board, [2024])
    client.force_login(controller)
    text = client.get(reverse("goals:overview"), {"board": board.pk, "year": 2024}).content.decode()
    for code in ("andel_arbete_studier", "plan_inom_3_man", "median_veckor"):
        assert escape(str(kpi_definitions.INDICATORS[code].definition)) in text
    assert "Källa: Arbetsförmedlingen, december 2024" in text
    kpi = GoalIndicator.objects.get(kpi_code="andel_arbete_studier")
    page = client.get(reverse("goals:edit_year") + f"?indikator={kpi.pk}&ar=2024")
    assert escape(str(kpi_definitions.INDICATORS["andel_arbete_studier"].definition)) in \
        page.content.decode()
    external = GoalIndicator.objects.get(kpi_code="")
    page = client.get(reverse("goals:edit_year") + f"?indikator={external.pk}&ar=2024")
    assert "Källa: Arbetsförmedlingen, december 2024" in page.content.decode()


def test_target_for(board):
    indicator = _indicator(board)
    IndicatorYear.objects.create(indicator=indicator, year=2025, target_value=D("0.45"))
    assert services.target_for("andel_arbete_studier", 2025) == D("0.45")
    assert services.target_for("andel_arbete_studier", 2025, board=board) == D("0.45")
    other = Board.objects.create(municipality=board.municipality, name="Annan nämnd")
    assert services.target_for("andel_arbete_studier", 2025, board=other) is None
    assert services.target_for("andel_arbete_studier", 2024) is None


def test_example_goals(board):
    services.create_example_goals(board, range(2024, 2027))
    services.create_example_goals(board, range(2024, 2027))  # idempotent
    assert services.target_for("andel_arbete_studier", 2025, board) == D("0.45")
    assert services.target_for("plan_inom_3_man", 2026, board) == D("0.90")
    assert services.target_for("ej_forsorjningsstod_12_man", 2024, board) == D("0.85")
    external = GoalIndicator.objects.get(kpi_code="")
    assert "öppet arbetslösa" in external.name
    assert IndicatorYear.objects.get(indicator=external, year=2024).manual_outcome == D("7.1")
    sections = [s for c in services.board_overview(board, 2025) for s in c.board_goals]
    assert any(s.target_missing for s in sections)


def test_unknown_kpi_code_is_refused(board):
    indicator = _indicator(board)
    indicator.kpi_code = "finns_inte"
    with pytest.raises(ValidationError) as exc:
        indicator.full_clean()
    assert "kpi_code" in exc.value.message_dict


# --- Pages -----------------------------------------------------------------------------------

def test_overview_shows_flags_and_permissions(client, board, coach, remittent, controller):
    services.create_example_goals(board, [2025])
    client.force_login(coach)
    page = client.get(reverse("goals:overview"), {"board": board.pk, "year": 2025})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Målvärde saknas" in text and "45,0 %" in text and "Redigera" not in text
    client.force_login(remittent)
    assert client.get(reverse("goals:overview")).status_code == 403
    client.force_login(controller)
    assert "Redigera" in client.get(reverse("goals:overview")).content.decode()


def test_edit_year_page(client, board, enhetschef, coach):
    indicator = _indicator(board, kpi_code="", unit="procent", direction="lower")
    url = reverse("goals:edit_year") + f"?indikator={indicator.pk}&ar=2025"
    client.force_login(coach)
    assert client.get(url).status_code == 403
    client.force_login(enhetschef)
    assert client.get(url).status_code == 200
    response = client.post(url, {"target_value": "6,5", "manual_outcome": "6,9",
                                 "analysis": "Bättre än väntat.", "assessment_override": "met"})
    assert response.status_code == 200 and "Motivera" in response.content.decode()
    assert not IndicatorYear.objects.exists()
    response = client.post(url, {"target_value": "6,5", "manual_outcome": "abc"})
    assert "inget tal" in response.content.decode()
    response = client.post(url, {"target_value": "6,5", "manual_outcome": "6,9",
                                 "analysis": "Bättre än väntat."})
    assert response.status_code == 200 and "Ange källa för utfallet 2025" in \
        response.content.decode()
    assert not IndicatorYear.objects.exists()
    response = client.post(url, {"target_value": "6,5", "manual_outcome": "6,9",
                                 "outcome_source": "Arbetsförmedlingen, maj 2025",
                                 "analysis": "Bättre än väntat."})
    assert response.status_code == 302
    row = IndicatorYear.objects.get()
    assert row.target_value == D("6.5") and row.manual_outcome == D("6.9")


def test_edit_year_other_municipality_is_404(client, controller):
    other = Board.objects.create(municipality=Municipality.objects.create(code="9998", name="X"),
                                 name="Annan")
    indicator = _indicator(other)
    client.force_login(controller)
    url = reverse("goals:edit_year") + f"?indikator={indicator.pk}&ar=2025"
    assert client.get(url).status_code == 404


def test_share_targets_are_typed_and_shown_in_per_cent(client, board, enhetschef):
    indicator = _indicator(board)  # andel_arbete_studier: a share
    url = reverse("goals:edit_year") + f"?indikator={indicator.pk}&ar=2025"
    client.force_login(enhetschef)
    assert "I procent" in client.get(url).content.decode()
    response = client.post(url, {"target_value": "45,5", "forecast_value": "44", "seen": ""})
    assert response.status_code == 302
    row = IndicatorYear.objects.get()
    assert row.target_value == D("0.455") and row.forecast_value == D("0.44")
    assert 'value="45,5"' in client.get(url).content.decode()


def test_a_save_by_someone_else_in_between_is_not_overwritten(client, board, enhetschef,
                                                              controller):
    indicator = _indicator(board, kpi_code="", unit="procent", direction="lower")
    url = reverse("goals:edit_year") + f"?indikator={indicator.pk}&ar=2025"
    services.update_indicator_year(indicator, 2025, controller, target_value=D("6.5"))
    client.force_login(enhetschef)
    page = client.get(url).content.decode()
    seen = services.version_token(IndicatorYear.objects.get())
    assert f'value="{seen}"' in page
    # The controller saves again while the enhetschef is still typing.
    services.update_indicator_year(indicator, 2025, controller, seen=seen, analysis="Controllern.")
    response = client.post(url, {"target_value": "6,0", "analysis": "Chefen.", "seen": seen})
    text = response.content.decode()
    assert response.status_code == 200 and "medan du skrev" in text
    assert "Controllern." in text  # the form now shows what is stored
    row = IndicatorYear.objects.get()
    assert row.analysis == "Controllern." and row.target_value == D("6.5")
