"""Every avslutsorsak has one definition, and it is shown where the reason is chosen."""

import html
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from insats.codes.loader import read_rows
from insats.codes.models import ClosureReason
from insats.core import testing

pytestmark = pytest.mark.django_db

FILLED_IN = ("ATER_AF_MAL_UPPNATT", "ATER_AF_MAL_EJ_UPPNATT", "FLYTTAT", "FORALDRALEDIG",
             "PENSION", "AVLIDEN")


def test_every_closure_reason_has_a_definition_on_the_closure_page(client, unit, coach):
    reasons = list(ClosureReason.objects.order_by("sort_order"))
    assert len(reasons) == 18
    assert [r.code for r in reasons if not r.definition_sv.strip()] == []
    enrolment = testing.make_enrolment(unit=unit, coach=coach)
    client.force_login(coach)
    page = html.unescape(client.get(reverse("enrolments:close", args=[enrolment.pk]))
                         .content.decode())
    for reason in reasons:
        definition = (f'<p class="help definition" id="reason_{reason.code}_def">'
                      f"{reason.definition_sv}</p>")
        assert definition in page, reason.code
        assert f'aria-describedby="reason_{reason.code}_def"' in page


def test_definitions_say_when_to_choose_a_neighbouring_reason():
    definition = dict(ClosureReason.objects.values_list("code", "definition_sv"))
    assert "Arbetsförmedlingen" in definition["ATER_AF_MAL_UPPNATT"]
    assert "Avbrutit / ej medverkat" in definition["ATER_AF_MAL_EJ_UPPNATT"]
    assert "Avbrutit / ej medverkat" in definition["FLYTTAT"]
    assert "föräldrapenning" in definition["FORALDRALEDIG"]
    assert "Sjukskriven / till Försäkringskassan" in definition["PENSION"]
    assert "dödsdagen" in definition["AVLIDEN"]


def test_migration_fills_in_definitions_of_existing_rows():
    """A database loaded before the definitions were written gets them from the migration."""
    ClosureReason.objects.filter(code__in=FILLED_IN).update(definition_sv="")
    migration = importlib.import_module("insats.codes.migrations.0003_closure_reason_definitions")
    migration.update_definitions(apps, None)
    expected = {row["code"]: row["definition_sv"] for row in read_rows("ClosureReason")}
    stored = dict(ClosureReason.objects.values_list("code", "definition_sv"))
    assert stored == expected
    assert all(stored[code] for code in FILLED_IN)
