"""The pages for work inside an enrolment (kartläggning, plan, insatser, närvaro) in a real
browser: every page passes axe-core's WCAG 2.1 AA rules, also with errors shown."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from insats.accounts.models import Role
from insats.core import browser, testing
from insats.measures import services as measure_services
from insats.measures.models import Provider
from insats.plans import services as plan_services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not browser.chromium_available(), reason="Chromium is not installed"),
]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_work_pages_are_accessible(live_server, monkeypatch):
    monkeypatch.setitem(os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    unit = testing.make_unit("AMEW", name="Arbetsmarknadsenheten")
    coach = testing.make_user(Role.COACH, unit)
    person = testing.make_person(first_name="Amina", last_name="Ali")
    start = monday - dt.timedelta(days=120)
    enrolment = testing.make_enrolment(person=person, unit=unit, coach=coach, start_date=start)
    without_plan = testing.make_enrolment(unit=unit, coach=coach, start_date=start)
    plan = plan_services.establish_plan(enrolment, established_on=start + dt.timedelta(days=20),
                                        summary="Arbete inom handel", by=coach)
    goal = plan_services.add_goal(plan, text="Arbetsträning tre dagar i veckan", by=coach)
    provider = Provider.objects.create(name="Återbruket", kind=Provider.Kind.INTERNAL)
    measure = testing.make_measure(name="Second hand-butiken", capacity=8, provider=provider,
                                   unit_cost_sek=4500)
    placement = measure_services.place(enrolment, measure, start, None, "Butiken", "Kim", coach)
    measure_services.record_attendance(placement, monday - dt.timedelta(days=7), "6", "", coach)
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    pages = [
        ("home-coach", reverse("core:home")),
        ("assessment-perform", reverse("assessments:perform", args=[enrolment.pk])),
        ("plan-create", reverse("plans:create", args=[without_plan.pk])),
        ("plan-edit", reverse("plans:edit", args=[plan.pk])),
        ("goal-add", reverse("plans:goal_add", args=[plan.pk])),
        ("goal-edit", reverse("plans:goal_edit", args=[goal.pk])),
        ("followup-add", reverse("plans:followup_add", args=[plan.pk])),
        ("catalogue", reverse("measures:catalogue")),
        ("measure-detail", reverse("measures:detail", args=[measure.pk])),
        ("placement-create", reverse("measures:placement_create", args=[enrolment.pk])),
        ("placement-end", reverse("measures:placement_end", args=[placement.pk])),
        ("placement-attendance", reverse("measures:placement_attendance", args=[placement.pk])),
        ("attendance-grid",
         reverse("measures:attendance_grid") + f"?measure={measure.pk}&week={week}"),
        ("enrolment-detail", reverse("enrolments:detail", args=[enrolment.pk])),
    ]
    cookie = browser.session_cookie(coach, live_server)
    with sync_playwright() as pw:
        chromium = browser.launch(pw)
        context = chromium.new_context(locale="sv-SE")
        context.add_cookies([cookie])
        page = context.new_page()
        for name, path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, name
            browser.check_page(page, f"work-{name}")
        # Forms with errors: an unanswered assessment and a grid with a missing absence reason.
        page.goto(live_server.url + reverse("assessments:perform", args=[enrolment.pk]))
        page.click("main form[method=post] button[type=submit]")
        assert "är inte besvarad" in page.content()
        browser.check_page(page, "work-assessment-errors")
        page.goto(live_server.url + pages[12][1])
        page.fill(f"#h-{placement.pk}-{monday.isoformat()}", "0")
        page.click("main form[method=post] button[type=submit]")
        assert "inget har sparats" in page.content()
        browser.check_page(page, "work-grid-errors")
        context.close()
        chromium.close()
