"""Data quality: units outside every board (`enhet_utan_namnd`), on hand-computed data.

Municipality A (the default one) has board X with administration AX; municipality B board Z
with administration AZ.

| unit  | municipality | administration        | enrolments |
|-------|--------------|-----------------------|------------|
| X1    | A            | AX (board X, A)       | 2          |
| IMP   | A            | – (created by import) | 3          |
| MIS   | A            | AZ (board Z, B)       | 1          |
| TOM   | A            | –                     | 0          |
| B1    | B            | –                     | 1          |

No board counts IMP, MIS and B1 (TOM neither, but it holds nothing, so no figure is wrong).
Over all enrolments: IMP, MIS and B1, 1 each; over A's: IMP and MIS.
"""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from insats.accounts.models import Role
from insats.audit.models import AccessLogEntry
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.insights import quality
from insats.insights.models import DataQualityCount
from insats.organisation.models import Administration, Board, Municipality

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 6, 30)
RULE = quality.RULES["enhet_utan_namnd"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def world():
    a = Municipality.default()
    b = Municipality.objects.create(code="9999", name="Bkommun")
    ax = Administration.objects.create(
        board=Board.objects.create(municipality=a, name="Nämnd X"), name="AX")
    az = Administration.objects.create(
        board=Board.objects.create(municipality=b, name="Nämnd Z"), name="AZ")
    units = {
        "X1": testing.make_unit("X1", name="Enhet X1", municipality=a, administration=ax),
        "IMP": testing.make_unit("IMP", name="IMP", municipality=a),
        "MIS": testing.make_unit("MIS", name="Felkopplad", municipality=a, administration=az),
        "TOM": testing.make_unit("TOM", name="Tom", municipality=a),
        "B1": testing.make_unit("B1", name="Bortglömd", municipality=b),
    }
    for code, n in (("X1", 2), ("IMP", 3), ("MIS", 1), ("B1", 1)):
        for index in range(n):
            testing.make_enrolment(unit=units[code], start_date=dt.date(2024, 6, 1),
                                   end_date=dt.date(2024, 6, 10) if index == 2 else None,
                                   closure_reason="ARBETE_UTAN_STOD" if index == 2 else None)
    return {"a": a, "b": b, "ax": ax, **units}


def test_counts_one_per_unit_outside_boards_that_holds_enrolments(world):
    assert RULE.counts(Enrolment.objects.all(), TODAY) == {"B1": 1, "IMP": 1, "MIS": 1}
    assert RULE.counts(quality.counted_enrolments(None), TODAY) == {
        "B1": 1, "IMP": 1, "MIS": 1}
    of_a = Enrolment.objects.filter(unit__municipality=world["a"])
    assert RULE.counts(of_a, TODAY) == {"IMP": 1, "MIS": 1}
    assert RULE.counts_what == "enheter"


def test_rows_say_why_and_how_many_enrolments_no_board_counts(world, admin_user):
    of_a = Enrolment.objects.filter(unit__municipality=world["a"])
    rows = [quality.describe(RULE, u, TODAY, None) for u in quality.list_rows(RULE, of_a, TODAY)]
    assert [(r["unit"].code, r["facts"], r["fix_url"]) for r in rows] == [
        ("MIS", "Hör till förvaltningen AZ under Nämnd Z i en annan kommun (Bkommun). "
                "1 inskrivning räknas inte i någon nämnds rapport eller måluppfyllelse.", None),
        ("IMP", "Hör inte till någon förvaltning. "
                "3 inskrivningar räknas inte i någon nämnds rapport eller måluppfyllelse.", None),
    ]
    assert rows[0]["fix_label"] == "En administratör kopplar enheten till en förvaltning"
    imp = next(u for u in quality.list_rows(RULE, of_a, TODAY) if u.code == "IMP")
    fixed_by_admin = quality.describe(RULE, imp, TODAY, admin_user)
    assert fixed_by_admin["fix_url"] == reverse(
        "admin:organisation_unit_change", args=[world["IMP"].pk])
    assert quality.list_rows(RULE, of_a, TODAY, "IMP").get().held == 3


def test_a_unit_filed_under_a_board_is_no_longer_listed(world):
    world["IMP"].administration = world["ax"]
    world["IMP"].save(update_fields=["administration"])
    assert RULE.counts(Enrolment.objects.all(), TODAY) == {"B1": 1, "MIS": 1}


def _get(client, user, name="insights:data_quality", **kwargs):
    client.force_login(user)
    return client.get(reverse(name, kwargs=kwargs or None))


def _section(response):
    return next(s for s in response.context["sections"] if s["summary"].rule.code == RULE.code)


def test_admin_sees_the_units_with_a_working_fix_link(client, world, admin_user):
    response = _get(client, admin_user)
    assert response.status_code == 200
    section = _section(response)
    assert [r["unit"].code for r in section["rows"]] == ["MIS", "IMP"]  # A's, by name
    url = reverse("admin:organisation_unit_change", args=[world["IMP"].pk])
    html = response.content.decode()
    assert url in html and "Koppla enheten till en förvaltning" in html
    assert client.get(url).status_code == 200
    rule_page = _get(client, admin_user, "insights:data_quality_rule", code=RULE.code)
    assert rule_page.context["count"] == 2
    assert [r["unit"].code for r in rule_page.context["rows"]] == ["MIS", "IMP"]


def test_controller_sees_the_units_but_no_admin_link_and_nothing_is_logged(client, world):
    controller = testing.make_user(Role.CONTROLLER, None, username="controller-a")
    before = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = _get(client, controller)
    section = _section(response)
    assert [r["unit"].code for r in section["rows"]] == ["MIS", "IMP"]
    html = response.content.decode()
    assert "Felkopplad" in html and "En administratör kopplar enheten till en förvaltning" in html
    assert "/admin/" not in html
    assert all(s["rows"] == [] for s in response.context["sections"]
               if not s["summary"].rule.lists_units)
    rule_page = _get(client, controller, "insights:data_quality_rule", code=RULE.code)
    assert [r["unit"].code for r in rule_page.context["rows"]] == ["MIS", "IMP"]
    # Units are no personal data: neither page logs a read of a case.
    logged = AccessLogEntry.objects.filter(pk__gt=before).values_list("object_type", flat=True)
    assert not [t for t in logged if "enrolment" in t.lower()]


def test_rule_page_filters_by_unit(client, world, admin_user):
    client.force_login(admin_user)
    url = reverse("insights:data_quality_rule", args=[RULE.code])
    page = client.get(url, {"enhet": "IMP"})
    assert [r["unit"].code for r in page.context["rows"]] == ["IMP"]
    page = client.get(url, {"enhet": "X1"})
    assert page.context["rows"] == [] and "Inget att rätta." in page.content.decode()


def test_nightly_command_records_the_units(world):
    out = io.StringIO()
    call_command("data_quality", "--record", "--json", "--today", "2024-06-30", stdout=out)
    stored = {c.unit.code: c.count for c in DataQualityCount.objects.filter(rule=RULE.code)}
    assert stored == {"B1": 1, "IMP": 1, "MIS": 1}
    data = json.loads(out.getvalue())
    rule = next(r for r in data["rules"] if r["code"] == RULE.code)
    assert rule["count"] == 3 and rule["per_unit"] == {"B1": 1, "IMP": 1, "MIS": 1}
