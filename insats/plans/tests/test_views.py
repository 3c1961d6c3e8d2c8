import datetime as dt

import pytest
from django.template.loader import render_to_string

from insats.accounts.models import Role
from insats.core import testing
from insats.plans import services
from insats.plans.models import ActionPlan, Goal, PlanFollowup

D = dt.date


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 31))


@pytest.fixture
def plan(enrolment, coach):
    return services.establish_plan(enrolment, established_on=D(2024, 3, 1), summary="Arbete",
                                   by=coach)


def test_create_page(client, coach, enrolment):
    client.force_login(coach)
    url = f"/planer/ny/{enrolment.pk}/"
    page = client.get(url).content.decode()
    assert "senast 2024-04-30" in page
    response = client.post(url, {"established_on": "2024-03-01", "summary": "Mål",
                                 "shared_with_referrer": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"/inskrivningar/{enrolment.pk}/#plan"
    plan = ActionPlan.objects.get(enrolment=enrolment)
    assert plan.next_followup_on == D(2024, 6, 1)
    # A second visit goes to the existing plan.
    assert client.get(url)["Location"] == f"/planer/{plan.pk}/andra/"


def test_create_page_shows_service_error(client, coach, enrolment):
    client.force_login(coach)
    response = client.post(f"/planer/ny/{enrolment.pk}/",
                           {"established_on": "2024-01-01", "summary": "Mål"})
    assert response.status_code == 200
    assert "före inskrivningens startdatum" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_edit_conflict_keeps_input(client, coach, unit, plan):
    chef = testing.make_user(Role.ENHETSCHEF, unit, first_name="Eva", last_name="Chef")
    client.force_login(coach)
    form = client.get(f"/planer/{plan.pk}/andra/").content.decode()
    assert 'type="hidden" name="version" value="1"' in form
    services.update_plan(plan, 1, established_on=plan.established_on, summary="Chefens",
                         next_followup_on=plan.next_followup_on, shared_with_referrer=True,
                         by=chef)
    response = client.post(f"/planer/{plan.pk}/andra/", {
        "established_on": "2024-03-01", "summary": "Min text som inte får försvinna",
        "next_followup_on": "2024-06-01", "version": "1",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Planen har ändrats av Eva Chef" in html
    assert "Ladda om sidan och gör om ändringen." in html
    assert "Min text som inte får försvinna" in html
    assert ActionPlan.objects.get(pk=plan.pk).summary == "Chefens"


def test_edit_saves_with_current_version(client, coach, plan):
    client.force_login(coach)
    response = client.post(f"/planer/{plan.pk}/andra/", {
        "established_on": "2024-03-01", "summary": "Ny", "next_followup_on": "2024-05-15",
        "version": "1",
    })
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.summary, plan.version, plan.shared_with_referrer) == ("Ny", 2, False)


def test_goal_and_followup_pages(client, coach, plan):
    client.force_login(coach)
    response = client.post(f"/planer/{plan.pk}/mal/nytt/", {"text": "Arbete i butik"})
    assert response.status_code == 302
    goal = Goal.objects.get()
    page = client.get(f"/planer/{plan.pk}/mal/nytt/?parent={goal.pk}").content.decode()
    assert "selected" in page
    client.post(f"/planer/{plan.pk}/mal/nytt/",
                {"text": "Truckkort", "parent": goal.pk, "responsible": "Deltagaren"})
    sub = Goal.objects.get(parent=goal)
    client.post(f"/planer/mal/{sub.pk}/uppnatt/", {"achieved": "1", "version": "1"})
    assert Goal.objects.get(pk=sub.pk).achieved
    page = client.get(f"/planer/mal/{goal.pk}/andra/").content.decode()
    assert 'type="hidden" name="version" value="1"' in page
    client.post(f"/planer/mal/{goal.pk}/andra/",
                {"text": "Arbete i handeln", "achieved": "on", "version": "1"})
    assert Goal.objects.get(pk=goal.pk).text == "Arbete i handeln"
    page = client.get(f"/planer/{plan.pk}/uppfoljning/ny/").content.decode()
    assert 'type="hidden" name="version" value="1"' in page
    response = client.post(f"/planer/{plan.pk}/uppfoljning/ny/",
                           {"held_on": "2024-05-31", "note": "Bra.", "version": "1"})
    assert response.status_code == 302
    assert PlanFollowup.objects.count() == 1
    assert ActionPlan.objects.get(pk=plan.pk).next_followup_on == D(2024, 8, 31)


def test_sections_render(plan, enrolment, coach):
    services.add_goal(plan, text="Huvudmål", by=coach)
    html = render_to_string("plans/_enrolment_section.html",
                            {"enrolment": enrolment, "can_work": True})
    assert "<h2" in html and "Huvudmål" in html and f"/planer/{plan.pk}/andra/" in html
    readonly = render_to_string("plans/_enrolment_section.html",
                                {"enrolment": enrolment, "can_work": False})
    assert "Huvudmål" in readonly and "/andra/" not in readonly
    summary = render_to_string("plans/_plan_summary.html", {"plan": plan})
    assert "Huvudmål" in summary and "2024-06-01" in summary


def test_section_without_plan(unit, coach):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2023, 11, 30))
    html = render_to_string("plans/_enrolment_section.html",
                            {"enrolment": enrolment, "can_work": True})
    assert "senast 2024-02-29" in html and f"/planer/ny/{enrolment.pk}/" in html


def test_permissions(client, coach, unit, other_unit, plan):
    foreign = testing.make_enrolment(unit=other_unit)
    foreign_plan = services.establish_plan(foreign, established_on=D(2024, 2, 1), summary="",
                                           by=coach)
    client.force_login(coach)
    assert client.get(f"/planer/ny/{foreign.pk}/").status_code == 404
    assert client.get(f"/planer/{foreign_plan.pk}/andra/").status_code == 404
    assert client.post(f"/planer/{foreign_plan.pk}/uppfoljning/ny/").status_code == 404
    colleague = testing.make_user(Role.COACH, unit)
    client.force_login(colleague)
    assert client.get(f"/planer/{plan.pk}/andra/").status_code == 403
    assert client.post(f"/planer/{plan.pk}/mal/nytt/", {"text": "x"}).status_code == 403
    remittent = testing.make_user(Role.REMITTENT)
    client.force_login(remittent)
    assert client.get(f"/planer/{plan.pk}/andra/").status_code == 404


def test_two_stale_goal_saves_are_refused_on_the_page(client, coach, unit, plan):
    chef = testing.make_user(Role.ENHETSCHEF, unit, first_name="Eva", last_name="Chef")
    goal = services.add_goal(plan, text="Arbete i butik", by=coach)
    client.force_login(coach)
    form = client.get(f"/planer/mal/{goal.pk}/andra/").content.decode()
    assert 'type="hidden" name="version" value="1"' in form
    section = render_to_string("plans/_enrolment_section.html",
                               {"enrolment": plan.enrolment, "can_work": True})
    assert 'name="version" value="1"' in section  # the one-click button carries it too
    services.update_goal(goal, 1, text="Chefens mål", responsible="", due_on=None,
                         achieved=False, by=chef)
    # First stale save: the edit form, opened at version 1.
    response = client.post(f"/planer/mal/{goal.pk}/andra/", {
        "text": "Min text som inte får försvinna", "achieved": "on", "version": "1",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "Målet har ändrats av Eva Chef" in html and "Ingenting har sparats." in html
    assert "Min text som inte får försvinna" in html
    # Second stale save: the one-click button on the enrolment page, rendered at version 1.
    response = client.post(f"/planer/mal/{goal.pk}/uppnatt/", {"achieved": "1", "version": "1"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Målet har ändrats av Eva Chef" in page
    assert "Målet är markerat som uppnått" not in page
    current = Goal.objects.get(pk=goal.pk)
    assert (current.text, current.achieved, current.version) == ("Chefens mål", False, 2)


def test_stale_plan_followup_page_is_refused(client, coach, unit, plan):
    chef = testing.make_user(Role.ENHETSCHEF, unit, first_name="Eva", last_name="Chef")
    services.record_plan_followup(plan, D(2024, 5, 2), "Chefens uppföljning.", chef, 1)
    client.force_login(coach)
    response = client.post(f"/planer/{plan.pk}/uppfoljning/ny/",
                           {"held_on": "2024-05-02", "note": "Samma möte.", "version": "1"})
    assert response.status_code == 200
    assert "Planen har ändrats av Eva Chef" in response.content.decode()
    assert PlanFollowup.objects.count() == 1
