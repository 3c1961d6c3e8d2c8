import datetime as dt

from django.utils import timezone

from insats.accounts.models import Role
from insats.core import access, testing
from insats.enrolments.models import Enrolment
from insats.plans import services
from insats.plans.dashboard import plans_due_panel
from insats.plans.services import PlanStatus

D = dt.date
TODAY = D(2024, 6, 10)


def test_plans_due_statuses_in_sql(unit, coach, django_assert_num_queries):
    def enrol(start, **kw):
        return testing.make_enrolment(unit=unit, coach=coach, start_date=start, **kw)

    no_plan_overdue = enrol(D(2024, 1, 31))  # deadline 2024-04-30
    no_plan_due = enrol(D(2024, 3, 15))  # deadline 2024-06-15, within 14 days
    no_plan_ok = enrol(D(2024, 5, 1))  # deadline 2024-08-01
    imported = enrol(D(2024, 1, 10), plan_date=D(2024, 3, 20))  # follow-up by 2024-06-20
    with_plan = enrol(D(2024, 1, 10))
    services.establish_plan(with_plan, established_on=D(2024, 2, 1), summary="", by=coach)
    closed = enrol(D(2023, 1, 1), end_date=D(2023, 6, 1), closure_reason="ARBETE_UTAN_STOD")

    with django_assert_num_queries(1):
        rows = {
            e.pk: (e.plan_deadline, e.plan_status, e.has_plan)
            for e in services.plans_due(Enrolment.objects.all(), TODAY)
        }
    assert rows[no_plan_overdue.pk] == (D(2024, 4, 30), PlanStatus.OVERDUE, False)
    assert rows[no_plan_due.pk] == (D(2024, 6, 15), PlanStatus.DUE_SOON, False)
    assert rows[no_plan_ok.pk] == (D(2024, 8, 1), PlanStatus.OK, False)
    assert rows[imported.pk] == (D(2024, 6, 20), PlanStatus.DUE_SOON, True)
    assert rows[with_plan.pk] == (D(2024, 5, 1), PlanStatus.OVERDUE, True)
    assert closed.pk not in rows


def test_home_panel_shows_own_caseload_only(client, unit, coach):
    colleague = testing.make_user(Role.COACH, unit)
    start = timezone.localdate() - dt.timedelta(days=120)
    mine = testing.make_enrolment(unit=unit, coach=coach, start_date=start)
    theirs = testing.make_enrolment(unit=unit, coach=colleague, start_date=start)
    panel = plans_due_panel(coach)
    assert [e.pk for e in panel["context"]["rows"]] == [mine.pk]
    assert access.can_view_enrolment(coach, theirs)
    client.force_login(coach)
    html = client.get("/").content.decode()
    assert "Genomförandeplaner att upprätta eller följa upp" in html
    assert str(mine.person) in html and str(theirs.person) not in html


def test_no_panel_for_other_roles_or_empty_caseload(unit, coach, enhetschef):
    assert plans_due_panel(coach) is None
    testing.make_enrolment(unit=unit, start_date=D(2020, 1, 1))
    assert plans_due_panel(enhetschef) is None
