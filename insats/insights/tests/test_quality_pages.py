"""The data-quality pages and the nightly command: who sees what, the fix links, recorded runs."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from insats.core import testing
from insats.enrolments.models import CaseNote
from insats.insights import quality
from insats.insights.models import DataQualityCount, DataQualityRun
from insats.organisation.models import Administration, Board, Municipality

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat
TODAY = D("2024-06-30")


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The pages evaluate the rules on timezone.localdate(): fix it to 30 June 2024."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def on_a_board(*units):
    """File the units under the default municipality's board, as a configured unit is (a unit
    outside every board is a data-quality problem of its own, `enhet_utan_namnd`)."""
    board = Board.objects.create(municipality=Municipality.default(), name="Nämnden")
    administration = Administration.objects.create(board=board, name="Förvaltningen")
    for u in units:
        u.administration = administration
        u.save(update_fields=["administration"])


@pytest.fixture
def cases(unit, other_unit):
    """One Övrigt closure without a note at each unit (no follow-up due yet: the 3-month one
    is due 1 July), plus one inactive case at each. Both units belong to a board."""
    on_a_board(unit, other_unit)
    alva = testing.make_enrolment(
        testing.make_person(first_name="Alva"), unit, start_date=D("2024-01-15"),
        end_date=D("2024-04-01"), closure_reason="OVRIGT", closure_note="",
    )
    bertil = testing.make_enrolment(
        testing.make_person(first_name="Bertil"), other_unit, start_date=D("2024-01-15"),
        end_date=D("2024-04-01"), closure_reason="OVRIGT", closure_note="  ",
    )
    cecilia = testing.make_enrolment(
        testing.make_person(first_name="Cecilia"), unit, start_date=D("2024-04-01"),
    )
    david = testing.make_enrolment(
        testing.make_person(first_name="David"), other_unit, start_date=D("2024-04-01"),
    )
    return alva, bertil, cecilia, david


def _section(response, code):
    return next(s for s in response.context["sections"] if s["summary"].rule.code == code)


def _get(client, user, name="insights:data_quality", **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None))


# --- Visibility ----------------------------------------------------------------------------


def test_enhetschef_sees_only_own_units_rows_but_every_units_count(client, enhetschef, cases):
    alva, bertil, cecilia, david = cases
    response = _get(client, enhetschef)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alva" in html and "Cecilia" in html
    assert "Bertil" not in html and "David" not in html
    other = _section(response, "ovrigt_utan_kommentar")
    assert other["summary"].per_unit == {"AME": 1, "JOBBTORG": 1}
    assert [r["enrolment"] for r in other["rows"]] == [alva]
    assert other["rows"][0]["fix_url"] == reverse("enrolments:reopen", args=[alva.pk])
    inactive = _section(response, "ingen_aktivitet")
    assert [r["enrolment"] for r in inactive["rows"]] == [cecilia]
    assert reverse("enrolments:detail", args=[cecilia.pk]) + "#journal" in html


def test_coach_of_the_unit_gets_links_to_the_case_not_to_reopening(client, coach, cases):
    alva = cases[0]
    response = _get(client, coach)
    row = _section(response, "ovrigt_utan_kommentar")["rows"][0]
    assert row["fix_url"] == reverse("enrolments:detail", args=[alva.pk])
    assert reverse("enrolments:reopen", args=[alva.pk]) not in response.content.decode()


def test_controller_sees_counts_but_no_names(client, controller, cases):
    response = _get(client, controller)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("Alva", "Bertil", "Cecilia", "David"):
        assert name not in html
    assert "inte tillgång till personuppgifter" in html
    assert all(s["rows"] == [] for s in response.context["sections"])
    table = {u["code"]: u["counts"] for u in response.context["table"]}
    codes = [s.rule.code for s in response.context["summaries"]]
    assert table["AME"][codes.index("ovrigt_utan_kommentar")] == 1
    assert table["JOBBTORG"][codes.index("ingen_aktivitet")] == 1

    rule_page = _get(client, controller, "insights:data_quality_rule",
                     code="ovrigt_utan_kommentar")
    assert rule_page.status_code == 200
    assert rule_page.context["count"] == 2 and rule_page.context["rows"] == []
    assert "Alva" not in rule_page.content.decode()


def test_remittent_may_not_see_the_page(client, remittent, cases):
    assert _get(client, remittent).status_code == 403


def test_rule_page_lists_only_visible_rows_and_filters_by_unit(client, enhetschef, cases):
    alva = cases[0]
    page = _get(client, enhetschef, "insights:data_quality_rule", code="ovrigt_utan_kommentar")
    assert [r["enrolment"] for r in page.context["rows"]] == [alva]
    assert page.context["count"] == 2
    client.force_login(enhetschef)
    url = reverse("insights:data_quality_rule", args=["ovrigt_utan_kommentar"])
    own = client.get(url, {"enhet": "AME"})
    assert [r["enrolment"] for r in own.context["rows"]] == [alva]
    assert "Listan visar bara Arbetsmarknadsenheten (AME)." in own.content.decode()
    other = client.get(url, {"enhet": "JOBBTORG"})
    assert other.context["rows"] == [] and "Bertil" not in other.content.decode()
    unknown = client.get(url, {"enhet": "FINNS_INTE"})
    assert unknown.context["unit"] is None
    assert [r["enrolment"] for r in unknown.context["rows"]] == [alva]
    assert "Adressens enhet=FINNS_INTE är ingen enhet i kommunen." in unknown.content.decode()


def test_every_listed_row_has_a_working_fix_link(client, enhetschef, unit):
    """One row per rule at the enhetschef's unit; every fix link opens for them."""
    testing.make_enrolment(unit=unit, start_date=D("2024-01-31"))  # plan + inactive
    closed_e = testing.make_enrolment(
        unit=unit, start_date=D("2023-10-01"), end_date=D("2024-01-31"),
        closure_reason="ARBETE_UTAN_STOD", closure_note="", plan_date=D("2023-11-01"),
    )
    testing.make_placement(closed_e, start_date=D("2023-12-01"), end_date=D("2024-02-15"))
    testing.make_enrolment(
        unit=unit, start_date=D("2024-01-15"), end_date=D("2024-02-01"),
        closure_reason="OVRIGT", closure_note="\t",
    )
    response = _get(client, enhetschef)
    fixes = {}
    for section in response.context["sections"]:
        assert section["rows"], section["summary"].rule.code
        if section["summary"].rule.lists_units:
            # The unit belongs to no board; only an administrator can fix that (see
            # test_quality_units.py::test_admin_sees_the_units_with_a_working_fix_link).
            assert section["rows"][0]["fix_url"] is None
            continue
        fixes[section["summary"].rule.code] = section["rows"][0]["fix_url"]
    for code, url in fixes.items():
        assert client.get(url).status_code == 200, (code, url)


# --- Recorded runs -----------------------------------------------------------------------------


def test_command_records_a_run_and_prints_counts_with_links(cases, unit, other_unit):
    out = io.StringIO()
    call_command("data_quality", "--record", "--today", "2024-06-30",
                 "--base-url", "https://insats.kommun.example/", stdout=out)
    run = DataQualityRun.objects.get()
    assert run.checked_on == TODAY and run.finished_at is not None
    assert run.rules == list(quality.RULES)
    stored = {(c.rule, c.unit.code): c.count for c in DataQualityCount.objects.all()}
    assert stored == {
        ("ovrigt_utan_kommentar", "AME"): 1, ("ovrigt_utan_kommentar", "JOBBTORG"): 1,
        ("ingen_aktivitet", "AME"): 1, ("ingen_aktivitet", "JOBBTORG"): 1,
    }
    text = out.getvalue()
    assert "Avslut med Övrigt utan kommentar: 2 inskrivningar" in text
    assert ("    JOBBTORG: 1  https://insats.kommun.example/statistik/datakvalitet/"
            "ingen_aktivitet/?enhet=JOBBTORG") in text
    assert "Plan saknas efter tre månader: 0 inskrivningar" in text
    assert f"Körningen är sparad (nr {run.pk})." in text


def test_command_without_record_stores_nothing_and_json_has_urls(cases):
    out = io.StringIO()
    call_command("data_quality", "--json", "--today", "2024-06-30", stdout=out)
    assert not DataQualityRun.objects.exists()
    data = json.loads(out.getvalue())
    assert data["total"] == 4 and data["run"] is None
    rule = next(r for r in data["rules"] if r["code"] == "ovrigt_utan_kommentar")
    assert rule["url"] == "/statistik/datakvalitet/ovrigt_utan_kommentar/"
    assert rule["units"] == [
        {"unit": "AME", "count": 1,
         "url": "/statistik/datakvalitet/ovrigt_utan_kommentar/?enhet=AME"},
        {"unit": "JOBBTORG", "count": 1,
         "url": "/statistik/datakvalitet/ovrigt_utan_kommentar/?enhet=JOBBTORG"},
    ]


def test_command_refuses_a_bad_base_url_and_date(db):
    with pytest.raises(CommandError, match="--base-url: 'insats.kommun.se' är ingen webbadress"):
        call_command("data_quality", "--base-url", "insats.kommun.se", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--today"):
        call_command("data_quality", "--today", "2024-02-30", stdout=io.StringIO())
    assert not DataQualityRun.objects.exists()


def test_command_fails_on_issues_after_recording(cases):
    with pytest.raises(SystemExit) as exit_info:
        call_command("data_quality", "--record", "--fail-on-issues", stdout=io.StringIO())
    assert exit_info.value.code == 1
    assert DataQualityRun.objects.filter(finished_at__isnull=False).count() == 1


def test_page_without_a_run_says_so_and_still_counts_live(client, enhetschef, cases):
    response = _get(client, enhetschef)
    assert response.context["last_run"] is None
    assert "Ingen nattlig körning är sparad ännu." in response.content.decode()
    assert _section(response, "ingen_aktivitet")["summary"].count == 2


def test_page_shows_last_run_and_change_per_rule_for_unit_and_all(
    client, enhetschef, cases, unit, other_unit
):
    call_command("data_quality", "--record", stdout=io.StringIO())
    run = DataQualityRun.objects.get()
    # An unfinished (or failed) later run is never compared with.
    DataQualityRun.objects.create(checked_on=TODAY, started_at=timezone.now(), rules=[])
    # Since the run: the unit's inactive case gets a note (fixed), and two more closures
    # with Övrigt and no note appear, one at each unit.
    cecilia = cases[2]
    CaseNote.objects.create(enrolment=cecilia, author=enhetschef, text="Samtal.")
    for u in (unit, other_unit):
        testing.make_enrolment(unit=u, start_date=D("2024-02-01"), end_date=D("2024-03-01"),
                               closure_reason="OVRIGT", closure_note="")

    response = _get(client, enhetschef)
    assert response.context["last_run"] == run
    assert response.context["change_scopes"] == ["Arbetsmarknadsenheten", "Alla enheter"]
    rows = {rule.code: [(c.before, c.now, c.change) for c in changes]
            for rule, changes in response.context["change_rows"]}
    assert rows["ingen_aktivitet"] == [(1, 0, -1), (2, 1, -1)]
    assert rows["ovrigt_utan_kommentar"] == [(1, 2, 1), (2, 4, 2)]
    assert rows["plan_saknas"] == [(0, 0, 0), (0, 0, 0)]
    html = response.content.decode()
    assert timezone.localtime(run.finished_at).strftime("%Y-%m-%d %H:%M") in html
    assert "+2" in html and "-1" in html and "±0" in html


def test_rule_added_after_the_run_is_shown_as_new(client, controller, cases):
    call_command("data_quality", "--record", stdout=io.StringIO())
    run = DataQualityRun.objects.get()
    run.rules = [code for code in quality.RULES if code != "plan_saknas"]
    run.save()
    response = _get(client, controller)
    # The controller has no unit: only the all-units comparison.
    assert response.context["change_scopes"] == ["Alla enheter"]
    rows = {rule.code: changes[0] for rule, changes in response.context["change_rows"]}
    assert rows["plan_saknas"].before is None and rows["plan_saknas"].change is None
    assert "ny kontroll" in response.content.decode()
