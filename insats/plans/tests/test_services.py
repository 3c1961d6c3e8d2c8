import datetime as dt

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from insats.accounts.models import Role
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.plans import services
from insats.plans.models import ActionPlan, Goal

D = dt.date
CLOSURE = "ARBETE_UTAN_STOD"


@pytest.fixture
def enrolment(unit, coach):
    return testing.make_enrolment(unit=unit, coach=coach, start_date=D(2024, 1, 31))


def establish(enrolment, by, **kw):
    kw.setdefault("established_on", D(2024, 3, 1))
    kw.setdefault("summary", "Komma ut i arbete inom handel.")
    return services.establish_plan(enrolment, by=by, **kw)


def test_establish_sets_plan_date_and_default_followup(enrolment, coach):
    plan = establish(enrolment, coach)
    assert plan.next_followup_on == D(2024, 6, 1)
    assert Enrolment.objects.get(pk=enrolment.pk).plan_date == D(2024, 3, 1)
    assert plan.version == 1 and plan.updated_by == coach


def test_establish_keeps_imported_plan_date(enrolment, coach):
    Enrolment.objects.filter(pk=enrolment.pk).update(plan_date=D(2024, 2, 10))
    enrolment.refresh_from_db()
    establish(enrolment, coach)
    assert Enrolment.objects.get(pk=enrolment.pk).plan_date == D(2024, 2, 10)


def test_establish_twice_is_refused(enrolment, coach):
    establish(enrolment, coach)
    with pytest.raises(ValidationError) as exc:
        establish(enrolment, coach)
    assert "redan" in str(exc.value.message_dict[NON_FIELD_ERRORS])


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"established_on": D(2024, 1, 30)}, "established_on"),
        ({"established_on": D(2099, 1, 1)}, "established_on"),
        ({"next_followup_on": D(2024, 6, 2)}, "next_followup_on"),
        ({"next_followup_on": D(2024, 2, 28)}, "next_followup_on"),
    ],
)
def test_establish_validates_dates(enrolment, coach, kw, field):
    with pytest.raises(ValidationError) as exc:
        establish(enrolment, coach, **kw)
    assert field in exc.value.message_dict
    assert not ActionPlan.objects.exists()
    assert Enrolment.objects.get(pk=enrolment.pk).plan_date is None


def test_closed_enrolment_gets_no_new_plan(unit, coach):
    enrolment = testing.make_enrolment(
        unit=unit, coach=coach, start_date=D(2024, 1, 1), end_date=D(2024, 5, 1),
        closure_reason=CLOSURE,
    )
    with pytest.raises(ValidationError):
        establish(enrolment, coach)
    assert not ActionPlan.objects.exists()


def update(plan, version, by, **kw):
    data = {
        "established_on": plan.established_on,
        "summary": plan.summary,
        "next_followup_on": plan.next_followup_on,
        "shared_with_referrer": plan.shared_with_referrer,
    }
    data.update(kw)
    return services.update_plan(plan, version, by=by, **data)


def test_two_editors_second_save_is_refused(enrolment, coach, unit):
    chef = testing.make_user(Role.ENHETSCHEF, unit, first_name="Eva", last_name="Chef")
    plan = establish(enrolment, coach)
    first = ActionPlan.objects.get(pk=plan.pk)  # both open the form at version 1
    second = ActionPlan.objects.get(pk=plan.pk)
    saved = update(first, 1, chef, summary="Chefens ändring")
    assert saved.version == 2
    with pytest.raises(ValidationError) as exc:
        update(second, 1, coach, summary="Konsulentens ändring")
    message = exc.value.message_dict[NON_FIELD_ERRORS][0]
    assert message.startswith("Planen har ändrats av Eva Chef ")
    assert message.endswith("sedan du öppnade den. Ladda om sidan och gör om ändringen.")
    current = ActionPlan.objects.get(pk=plan.pk)
    assert current.summary == "Chefens ändring" and current.version == 2
    assert current.updated_by == chef


def test_update_with_current_version_saves_and_moves_plan_date(enrolment, coach):
    plan = establish(enrolment, coach)
    saved = update(plan, plan.version, coach, established_on=D(2024, 2, 20),
                   next_followup_on=D(2024, 5, 20), shared_with_referrer=False)
    assert saved.version == 2 and saved.shared_with_referrer is False
    assert Enrolment.objects.get(pk=enrolment.pk).plan_date == D(2024, 2, 20)


def test_update_invalid_followup_saves_nothing(enrolment, coach):
    plan = establish(enrolment, coach)
    with pytest.raises(ValidationError):
        update(plan, 1, coach, summary="Ny", next_followup_on=D(2024, 9, 1))
    current = ActionPlan.objects.get(pk=plan.pk)
    assert current.version == 1 and current.summary != "Ny"


def test_followup_moves_next_date_three_months(enrolment, coach):
    plan = establish(enrolment, coach, established_on=D(2024, 2, 1))
    services.record_plan_followup(plan, D(2024, 4, 30), "Praktiken går bra.", coach, 1)
    plan.refresh_from_db()
    assert plan.next_followup_on == D(2024, 7, 30)
    assert plan.version == 2
    # An earlier follow-up registered afterwards does not pull the deadline back.
    services.record_plan_followup(plan, D(2024, 3, 15), "Efterregistrerad.", coach, 2)
    plan.refresh_from_db()
    assert plan.next_followup_on == D(2024, 7, 30)


def test_followup_month_end_clamp(unit, coach):
    enrolment = testing.make_enrolment(unit=unit, coach=coach, start_date=D(2023, 10, 1))
    plan = establish(enrolment, coach, established_on=D(2023, 11, 1))
    services.record_plan_followup(plan, D(2023, 11, 30), "Uppföljt.", coach, plan.version)
    plan.refresh_from_db()
    assert plan.next_followup_on == D(2024, 2, 29)


@pytest.mark.parametrize(
    ("held_on", "note", "field"),
    [
        (D(2024, 2, 1), "x", "held_on"),
        (D(2099, 1, 1), "x", "held_on"),
        (D(2024, 4, 1), " ", "note"),
    ],
)
def test_followup_validation(enrolment, coach, held_on, note, field):
    plan = establish(enrolment, coach)
    with pytest.raises(ValidationError) as exc:
        services.record_plan_followup(plan, held_on, note, coach, plan.version)
    assert field in exc.value.message_dict
    assert not plan.followups.exists()


def test_goals_and_subgoals(enrolment, coach):
    plan = establish(enrolment, coach)
    goal = services.add_goal(plan, text="Arbete inom handel", responsible="Deltagaren", by=coach)
    sub = services.add_goal(plan, text="Ta truckkort", parent=goal, due_on=D(2024, 5, 1), by=coach)
    assert sub.parent == goal and list(goal.subgoals.all()) == [sub]
    with pytest.raises(ValidationError) as exc:
        services.add_goal(plan, text="Underdelmål", parent=sub, by=coach)
    assert "parent" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.add_goal(plan, text="  ", by=coach)
    with pytest.raises(ValidationError) as exc:
        services.add_goal(plan, text="För tidigt", due_on=D(2024, 1, 1), by=coach)
    assert "due_on" in exc.value.message_dict
    services.set_goal_achieved(sub, True, coach, 1)
    assert Goal.objects.get(pk=sub.pk).achieved
    services.update_goal(goal, 1, text="Arbete i butik", responsible="", due_on=None,
                         achieved=True, by=coach)
    assert Goal.objects.get(pk=goal.pk).text == "Arbete i butik"


def test_subgoal_must_belong_to_same_plan(enrolment, coach, unit):
    plan = establish(enrolment, coach)
    other = establish(testing.make_enrolment(unit=unit, coach=coach), coach)
    goal = services.add_goal(other, text="Annat mål", by=coach)
    with pytest.raises(ValidationError):
        services.add_goal(plan, text="Delmål", parent=goal, by=coach)


# --- Optimistic locking of goals, sub-goals and plan follow-ups ---------------------------------


@pytest.fixture
def chef(unit):
    return testing.make_user(Role.ENHETSCHEF, unit, first_name="Eva", last_name="Chef")


def _goal_edit(goal, version, by, **kw):
    data = {"text": goal.text, "responsible": goal.responsible, "due_on": goal.due_on,
            "achieved": goal.achieved}
    data.update(kw)
    return services.update_goal(goal, version, by=by, **data)


def _assert_goal_conflict(exc):
    message = exc.value.message_dict[NON_FIELD_ERRORS][0]
    assert message.startswith("Målet har ändrats av Eva Chef ")
    assert message.endswith(
        "sedan du öppnade det. Ingenting har sparats. Ladda om sidan och gör om ändringen."
    )


def test_goal_two_editors_second_save_is_refused(enrolment, coach, chef):
    plan = establish(enrolment, coach)
    goal = services.add_goal(plan, text="Arbete inom handel", by=coach)
    assert (goal.version, goal.updated_by) == (1, coach)
    first, second = Goal.objects.get(pk=goal.pk), Goal.objects.get(pk=goal.pk)
    saved = _goal_edit(first, 1, chef, text="Chefens text")
    assert (saved.version, saved.updated_by) == (2, chef)
    with pytest.raises(ValidationError) as exc:
        _goal_edit(second, 1, coach, text="Konsulentens text", due_on=D(2024, 8, 1))
    _assert_goal_conflict(exc)
    current = Goal.objects.get(pk=goal.pk)
    assert (current.text, current.due_on, current.version) == ("Chefens text", None, 2)
    assert current.updated_by == chef
    # The marking as achieved read at version 1 is refused too; at version 2 it goes through.
    with pytest.raises(ValidationError) as exc:
        services.set_goal_achieved(second, True, coach, 1)
    _assert_goal_conflict(exc)
    assert not Goal.objects.get(pk=goal.pk).achieved
    done = services.set_goal_achieved(second, True, coach, 2)
    assert (done.achieved, done.version, done.text) == (True, 3, "Chefens text")


def test_subgoal_edits_are_locked_on_their_own_version(enrolment, coach, chef):
    plan = establish(enrolment, coach)
    goal = services.add_goal(plan, text="Arbete", by=coach)
    sub = services.add_goal(plan, text="Truckkort", parent=goal, by=coach)
    services.set_goal_achieved(sub, True, chef, 1)
    # Changing the sub-goal does not make an open form of its main goal stale ...
    _goal_edit(goal, 1, coach, responsible="Deltagaren")
    assert Goal.objects.get(pk=goal.pk).version == 2
    # ... but a second stale edit of the sub-goal itself is refused.
    with pytest.raises(ValidationError) as exc:
        _goal_edit(sub, 1, coach, text="Truckkort A+B", achieved=False)
    _assert_goal_conflict(exc)
    current = Goal.objects.get(pk=sub.pk)
    assert (current.text, current.achieved, current.version) == ("Truckkort", True, 2)


def test_goal_without_version_is_refused(enrolment, coach):
    plan = establish(enrolment, coach)
    goal = services.add_goal(plan, text="Arbete", by=coach)
    with pytest.raises(ValidationError) as exc:
        services.set_goal_achieved(goal, True, coach, None)
    assert "Målets version saknas" in exc.value.message_dict[NON_FIELD_ERRORS][0]
    assert Goal.objects.get(pk=goal.pk).version == 1


def test_invalid_goal_edit_saves_nothing(enrolment, coach):
    plan = establish(enrolment, coach)
    goal = services.add_goal(plan, text="Arbete", by=coach)
    with pytest.raises(ValidationError) as exc:
        _goal_edit(goal, 1, coach, text="Ny", due_on=D(2024, 2, 1))
    assert "due_on" in exc.value.message_dict
    current = Goal.objects.get(pk=goal.pk)
    assert (current.text, current.version) == ("Arbete", 1)


def test_stale_plan_followup_is_refused(enrolment, coach, chef):
    plan = establish(enrolment, coach, established_on=D(2024, 2, 1))
    services.record_plan_followup(plan, D(2024, 4, 30), "Chefens uppföljning.", chef, 1)
    with pytest.raises(ValidationError) as exc:
        services.record_plan_followup(plan, D(2024, 4, 30), "Samma möte igen.", coach, 1)
    message = exc.value.message_dict[NON_FIELD_ERRORS][0]
    assert message.startswith("Planen har ändrats av Eva Chef ")
    assert [f.note for f in plan.followups.all()] == ["Chefens uppföljning."]
    plan.refresh_from_db()
    assert (plan.version, plan.next_followup_on) == (2, D(2024, 7, 30))
