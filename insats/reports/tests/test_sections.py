"""The board report's goals, cost, participant views and definitions, hand-computed on small
data (threshold 5 unless a test sets another)."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from insats.core import testing
from insats.goals import services as goal_services
from insats.insights import services as insights
from insats.kpi import definitions as kpi_definitions
from insats.reports import render, sections, services

FROM, TO, TODAY = dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 2, 1)


def _report(board, date_from=FROM):
    return services.build_report(board, date_from, TO, "verksamhetsberattelse", today=TODAY)


def _lines(report):
    return {line.status.indicator.kpi_code or "external": line
            for c in report.goal_sections for g in c.board_goals for line in g.lines}


# --- Goals: suppression, source, definitions ----------------------------------------------------


def test_goal_outcomes_on_too_few_are_suppressed(board, three_closures):
    lines = _lines(_report(board))
    share = lines["andel_arbete_studier"]
    # 2 of 3 = 66,7 %, but based on 3 < 5: hidden, and so is the computed assessment.
    assert share.status.outcome == D("0.6667") and share.suppressed
    assert share.outcome_text == "–" and share.outcome_value is None
    assert share.assessment_label == sections.hidden_assessment()
    assert lines["median_veckor"].suppressed  # 3 closed enrolments
    assert lines["plan_inom_3_man"].suppressed  # 3 started
    count = lines["nya"]
    assert count.status.outcome == D("3") and count.outcome_text == "<5" and count.is_count
    # No follow-ups: no outcome at all, nothing to hide.
    assert lines["ej_forsorjningsstod_12_man"].outcome_text == "–"
    external = lines["external"]
    assert not external.suppressed and external.outcome_text == "7,1 procent"
    assert external.status.outcome_source == "Arbetsförmedlingen, december 2024"


def test_goal_outcome_based_on_enough_is_shown(board, unit):
    # Nine closures in 2024, four to work: 4/9 = 44,4 % on a base of 9.
    for index in range(9):
        testing.make_enrolment(unit=unit, start_date=dt.date(2024, 1, 10),
                               end_date=dt.date(2024, 4, 1 + index),
                               closure_reason="ARBETE_UTAN_STOD" if index % 2 else "AVBROTT")
    assert goal_services.outcome_base("andel_arbete_studier", 2024, TODAY,
                                      unit_ids={unit.pk}) == 9
    share = _lines(_report(board))["andel_arbete_studier"]
    assert not share.suppressed and share.outcome_text == "44,4 %"
    assert share.assessment_label == "Delvis uppfyllt"  # 0,444 ≥ 0,45 − 10 % × 0,45 = 0,405


def test_suppressed_goals_source_and_definitions_in_html(board, three_closures):
    report = _report(board)
    text = render.html(report)
    assert "66,7" not in text and sections.hidden_assessment() in text
    assert "Källa för utfallet:" in text and "Arbetsförmedlingen, december 2024" in text
    definition = str(kpi_definitions.INDICATORS["andel_arbete_studier"].definition)
    assert definition in text  # the registry's own text, in the definitions list
    codes = [d.code for d in report.definitions]
    assert len(codes) == len(set(codes))  # each indicator once
    assert "andel_arbete_studier" in codes and "kostnad_per_deltagare" in codes
    external = next(d for d in report.definitions if not d.code)
    assert external.text == "Extern indikator. Källa: Arbetsförmedlingen, månadsstatistik."


def test_excel_goals_sheet_suppresses_and_shows_source_and_definition(board, three_closures):
    book = load_workbook(io.BytesIO(render.xlsx_bytes(_report(board))))
    sheet = book["Mål"]
    header = [c.value for c in sheet[3]]
    col = {name: header.index(name) for name in header if name}
    rows = {r[col["Indikator"]].value: r for r in sheet.iter_rows(min_row=4) if r[2].value}
    share = rows["Andel avslutade till arbete eller studier"]
    assert share[col["Utfall"]].value == "–"
    assert share[col["Definition"]].value == str(
        kpi_definitions.INDICATORS["andel_arbete_studier"].definition)
    assert rows["Nya inskrivningar"][col["Utfall"]].value == "<5"
    external = rows["Andel öppet arbetslösa och sökande i program 16–64 år"]
    assert external[col["Utfall"]].value == 7.1
    assert external[col["Källa för utfallet"]].value == "Arbetsförmedlingen, december 2024"
    definitions = book["Definitioner"]
    names = [r[0].value for r in definitions.iter_rows(min_row=4)]
    assert "Kostnad per deltagare (kr)" in names


# --- Cost ---------------------------------------------------------------------------------------


def _by_label(rows):
    return {r.label: r for r in rows}


def test_cost_section_suppresses_small_measures_and_what_reveals_them(board, cost_world):
    cost = _report(board).cost
    rows = _by_label(cost.rows)
    a, b, c, total = rows["Arbetsträning A"], rows["Liten B"], rows["Mellan C"], rows["Summa"]
    assert a.participants.value == 6 and a.cost.value == D("6000.00")
    assert a.per_participant.value == D("1000.00")
    assert a.work_studies.value == 5 and a.per_work_studies.value == D("1200.00")
    # B's cost is hidden (2 participants) and C's to protect it; both carry the same marker.
    assert b.participants.suppressed and b.cost.suppressed and b.cost.secondary
    assert b.per_participant.suppressed and b.per_work_studies.suppressed
    assert c.participants.value == 5  # shown: persons are not a partition of the total
    assert c.cost.suppressed and c.cost.secondary and c.per_participant.suppressed
    assert c.work_studies.suppressed  # 0 < 5
    assert total.participants.value == 13 and total.cost.value == D("9000.00")
    assert total.per_participant.value == D("692.31")  # 9 000 / 13
    assert total.work_studies.value == 5 and total.per_work_studies.value == D("1800.00")
    # Category headings, in the order of the rows.
    assert [r.heading for r in cost.rows if r.heading] == ["Arbetsprövning/-träning",
                                                          "Jobbsökaraktivitet/coachning"]


def test_budget_against_outcome_hides_a_subtotal_that_reveals_a_measure(board, cost_world,
                                                                       controller):
    insights.save_budgets(2024, {cost_world["A"]: D("8000"), cost_world["C"]: D("1500")},
                          by=controller)
    rows = _by_label(_report(board).cost.budget_rows)
    assert list(rows) == ["Arbetsträning A", "Mellan C", "Summa"]
    assert rows["Arbetsträning A"].outcome.value == D("6000.00")
    assert rows["Arbetsträning A"].deviation.value == D("2000.00")
    assert rows["Mellan C"].budget.value == D("1500.00") and rows["Mellan C"].outcome.suppressed
    assert rows["Mellan C"].deviation.suppressed
    # Only C is hidden among the budgeted measures: a shown sum (8 000) minus A would give C.
    total = rows["Summa"]
    assert total.budget.value == D("9500.00")
    assert total.outcome.suppressed and total.deviation.suppressed


def test_budget_subtotal_is_shown_when_it_reveals_no_single_measure(board, cost_world,
                                                                     controller):
    insights.save_budgets(2024, {cost_world["A"]: D("8000"), cost_world["B"]: D("1200"),
                                 cost_world["C"]: D("1500")}, by=controller)
    total = _by_label(_report(board).cost.budget_rows)["Summa"]
    assert total.budget.value == D("10700.00")
    assert total.outcome.value == D("9000.00") and total.deviation.value == D("1700.00")


def test_budget_for_the_year_when_the_period_starts_later(board, cost_world, controller):
    insights.save_budgets(2024, {cost_world["A"]: D("8000")}, by=controller)
    cost = _report(board, date_from=dt.date(2024, 10, 1)).cost
    # No placement ran from October: nothing in the period; the year still has A's 6 000 kr.
    assert not cost.same_period and cost.year_from == dt.date(2024, 1, 1)
    assert _by_label(cost.rows)["Summa"].cost.suppressed  # 0 participants
    assert _by_label(cost.budget_rows)["Arbetsträning A"].outcome.value == D("6000.00")


def test_kostnad_per_deltagare_is_a_key_table(board, cost_world):
    table = next(t for t in _report(board).tables if t.code == "kostnad_per_deltagare")
    assert table.value_format == "amount"
    total = next(r for r in table.rows if r.is_total)
    # Direct cost of placements started in 2024 / participants in 2024 = 9 000 / 13.
    assert total.base.value == 13 and round(total.value.value, 2) == 692.31


def test_cost_in_html_and_excel(board, cost_world):
    report = _report(board)
    text = render.html(report)
    assert "Kostnad per insats" in text and "6\u00a0000\u00a0kr" in text
    assert "9\u00a0000\u00a0kr" in text and "2\u00a0000\u00a0kr" not in text
    book = load_workbook(io.BytesIO(render.xlsx_bytes(report)))
    sheet = book["Kostnad per insats"]
    rows = {r[0].value: r for r in sheet.iter_rows() if r[0].value}
    a = rows["Arbetsträning A"]
    assert a[3].value == 6 and a[3].number_format == "0"
    assert a[4].value == 6000.0 and a[4].number_format == '#,##0 "kr"'
    assert a[7].value == 1200.0
    # B is hidden for its 2 participants; C (5 participants) only to protect B.
    assert rows["Liten B"][3].value == "<5" and rows["Liten B"][4].value == ".."
    assert rows["Mellan C"][3].value == 5 and rows["Mellan C"][4].value == ".."
    assert rows["Summa"][5].value == pytest.approx(692.31)


# --- Participant views --------------------------------------------------------------------------


def test_survey_tables_per_measure_and_unit_with_suppression(board, survey_world, unit):
    scale, yesno = survey_world
    tables = {t.question: t for t in _report(board).surveys}
    assert set(tables) == {scale.text, yesno.text}  # free text is never published
    table = tables[scale.text]
    assert table.columns == [("Medelvärde (1–5)", "decimal")]
    rows = _by_label(table.rows)
    assert rows["Arbetsträning A"].answers.value == 6
    assert rows["Arbetsträning A"].values[0].value == 4.0  # 24 / 6
    assert rows["Arbetsträning A"].heading == "Per insats"
    assert rows["Liten B"].answers.suppressed and rows["Liten B"].values[0].suppressed
    assert rows[unit.name].heading == "Per enhet"
    assert rows[unit.name].answers.value == 8 and rows[unit.name].values[0].value == 3.5  # 28/8
    yes = _by_label(tables[yesno.text].rows)["Arbetsträning A"]
    assert [c for c, _f in tables[yesno.text].columns] == ["Andel Ja", "Andel Nej"]
    assert [v.value for v in yes.values] == [0.6667, 0.3333]


def test_survey_threshold_is_the_configured_one(board, survey_world, settings):
    settings.INSATS_SUPPRESSION_THRESHOLD = 2
    scale, _yesno = survey_world
    table = next(t for t in _report(board).surveys if t.question == scale.text)
    b = _by_label(table.rows)["Liten B"]
    assert b.answers.value == 2 and b.values[0].value == 2.0


def test_surveys_in_html_and_excel(board, survey_world):
    scale, _yesno = survey_world
    report = _report(board)
    text = render.html(report)
    assert "Synpunkter från deltagare och arbetsgivare" in text and scale.text in text
    book = load_workbook(io.BytesIO(render.xlsx_bytes(report)))
    sheet = book["Enkäter"]
    lines = [r for r in sheet.iter_rows(min_row=5) if r[2].value == scale.text]
    a = next(r for r in lines if r[3].value == "Arbetsträning A")
    assert a[4].value == 6 and a[4].number_format == "0"
    assert a[6].value == 4.0 and a[6].number_format == "0.0"
    b = next(r for r in lines if r[3].value == "Liten B")
    assert b[4].value == "<5" and b[6].value == "–"
