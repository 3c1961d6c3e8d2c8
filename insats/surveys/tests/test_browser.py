"""The survey pages in a real browser: the public answer page on a phone-sized screen (no
sign-in) and the staff pages pass axe-core's WCAG 2.1 AA rules, also with errors shown."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from insats.accounts.models import Role
from insats.core import browser, testing
from insats.surveys import services
from insats.surveys.models import Audience, SurveyResponse

from .conftest import closed_enrolment
from .test_services import answers_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.chromium_available(), reason="Chromium is not installed"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_survey_pages_are_accessible(live_server, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    unit = testing.make_unit("AMES", name="Arbetsmarknadsenheten")
    coach = testing.make_user(Role.COACH, unit)
    chef = testing.make_user(Role.ENHETSCHEF, unit)
    measure = testing.make_measure(name="Jobbspår vård", category="MATCHNING", unit=unit)
    survey = services.active_surveys(Audience.PARTICIPANT).first()
    end = dt.date.today() - dt.timedelta(days=3)
    for i in range(6):
        enrolment = closed_enrolment(unit, coach, measure, end=end)
        invitation = services.offer_participant_survey(enrolment, coach)
        services.submit_response(invitation.token, answers_for(survey, scale=2 + i % 4,
                                                               text="Bra stöd"))
    enrolment = closed_enrolment(unit, coach, measure, end=end)
    services.create_employer_invitation(measure=measure, employer_name="Förskolan Ek", by=coach)
    with sync_playwright() as pw:
        chromium = browser.launch(pw)
        # The participant: a phone, not signed in.
        phone = chromium.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
        page = phone.new_page()
        page.goto(live_server.url + reverse("surveys:public_start"))
        browser.check_page(page, "survey-code")
        staff = chromium.new_context(locale="sv-SE")
        staff.add_cookies([browser.session_cookie(coach, live_server)])
        staff_page = staff.new_page()
        staff_page.goto(live_server.url + reverse("enrolments:detail", args=[enrolment.pk]))
        staff_page.click("#enkat button[type=submit]")
        code = staff_page.locator("#enkat strong.nowrap").inner_text()
        browser.check_page(staff_page, "survey-enrolment-section")
        staff_page.goto(live_server.url + reverse("surveys:slip", args=[enrolment.pk]))
        browser.check_page(staff_page, "survey-slip")
        staff_page.goto(live_server.url + reverse("surveys:employer"))
        browser.check_page(staff_page, "survey-employer")

        page.fill("#id_code", code)
        page.click("main form button[type=submit]")
        assert page.locator("fieldset legend").count() == 4
        page.click("main form button[type=submit]")  # nothing answered: errors
        assert page.locator(".error-summary").count() == 1
        browser.check_page(page, "survey-public-errors")
        second_tab = phone.new_page()  # the same survey open twice: a double submit
        second_tab.goto(page.url)
        for tab in (page, second_tab):
            for fieldset in range(4):
                tab.locator("fieldset").nth(fieldset).locator("input[type=radio]").last.check()
            tab.fill("textarea", "Det var bra.")
        page.click("main form button[type=submit]")
        assert "Tack för dina svar" in page.content()
        browser.check_page(page, "survey-thanks")
        second_tab.click("main form button[type=submit]")
        assert "Du har redan svarat" in second_tab.content()
        browser.check_page(second_tab, "survey-already-answered")
        assert SurveyResponse.objects.count() == 7

        staff.add_cookies([browser.session_cookie(chef, live_server)])
        staff_page.goto(live_server.url + reverse("surveys:results"))
        assert "Jobbspår vård" in staff_page.content()
        browser.check_page(staff_page, "survey-results")
        staff.close()
        phone.close()
        chromium.close()
