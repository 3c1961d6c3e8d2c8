"""The case-flow pages in a real browser: every page passes axe-core's WCAG 2.1 AA rules."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from insats.accounts.models import Role, Tag
from insats.core import browser, testing
from insats.plans.models import ActionPlan, Goal
from insats.referrals.models import Referral

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.chromium_available(), reason="Chromium is not installed"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_pages_are_accessible(live_server, monkeypatch):
    # Playwright's sync API runs an event loop; the ORM calls below happen outside it.
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    unit = testing.make_unit("AME", name="Arbetsmarknadsenheten",
                             allocation_routine="Fördelas på tisdagar efter arbetsbelastning.")
    coach = testing.make_user(Role.COACH, unit, may_see_protected_identity=True)
    samordnare = testing.make_user(Role.SAMORDNARE, unit)
    chef = testing.make_user(Role.ENHETSCHEF, unit)
    remittent = testing.make_user(Role.REMITTENT, None)
    tag = Tag.objects.create(kind=Tag.Kind.LANGUAGE, name="Arabiska")
    coach.tags.add(tag)
    person = testing.make_person(first_name="Amina", last_name="Ali",
                                 personnummer="199001011239", protected_identity=True)
    waiting = testing.make_referral(remittent, unit)
    waiting.wanted_tags.add(tag)
    sent = testing.make_referral(remittent, unit, person=person, status=Referral.Status.ALLOCATED)
    enrolment = testing.make_enrolment(person=person, unit=unit, coach=coach, referral=sent)
    plan = ActionPlan.objects.create(enrolment=enrolment, established_on=dt.date(2024, 2, 1),
                                     next_followup_on=dt.date(2024, 5, 1))
    Goal.objects.create(plan=plan, text="Arbetsträning tre dagar i veckan")
    closed = testing.make_enrolment(unit=unit, coach=coach, end_date=dt.date(2024, 1, 31),
                                    closure_reason="AVBROTT")
    pages = [
        (coach, "home-coach", reverse("core:home")),
        (coach, "caseload", reverse("enrolments:caseload")),
        (coach, "person-search", reverse("persons:search") + "?q=Ali"),
        (coach, "person-detail", reverse("persons:detail", args=[person.pk])),
        (coach, "person-edit", reverse("persons:edit", args=[person.pk])),
        (coach, "enrolment-detail", reverse("enrolments:detail", args=[enrolment.pk])),
        (coach, "enrolment-close", reverse("enrolments:close", args=[enrolment.pk])),
        (coach, "enrolment-followup", reverse("enrolments:followup", args=[closed.pk])),
        (chef, "enrolment-reopen", reverse("enrolments:reopen", args=[closed.pk])),
        (chef, "enrolment-edit", reverse("enrolments:edit", args=[closed.pk])),
        (samordnare, "home-samordnare", reverse("core:home")),
        (samordnare, "queue", reverse("referrals:queue")),
        (samordnare, "allocate", reverse("referrals:allocate", args=[waiting.pk])),
        (samordnare, "reject", reverse("referrals:reject", args=[waiting.pk])),
        (samordnare, "person-create", reverse("persons:create")),
        (remittent, "home-remittent", reverse("core:home")),
        (remittent, "referral-create", reverse("referrals:create")),
        (remittent, "referrals-mine", reverse("referrals:mine")),
    ]
    cookies = {u.pk: browser.session_cookie(u, live_server)
               for u in (coach, samordnare, chef, remittent)}
    with sync_playwright() as pw:
        chromium = browser.launch(pw)
        for user, name, path in pages:
            context = chromium.new_context(locale="sv-SE")
            context.add_cookies([cookies[user.pk]])
            page = context.new_page()
            response = page.goto(live_server.url + path)
            assert response.status == 200, name
            browser.check_page(page, f"cases-{name}")
            context.close()
        # A form with errors, with the error summary focused.
        context = chromium.new_context(locale="sv-SE")
        context.add_cookies([cookies[coach.pk]])
        page = context.new_page()
        page.goto(live_server.url + reverse("enrolments:close", args=[enrolment.pk]))
        page.click("main button[type=submit]")
        assert "Välj en avslutsorsak." in page.content()
        browser.check_page(page, "cases-close-errors")
        chromium.close()
