import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from insats.accounts.models import Role, User
from insats.assessments.models import Assessment, Instrument
from insats.core.access import visible_enrolments, visible_referrals
from insats.demo import data, services
from insats.demo.casework import count_weekdays
from insats.demo.rand import add_months
from insats.enrolments.models import CaseNote, Enrolment, Followup
from insats.measures.models import Attendance, Measure, Placement
from insats.organisation.models import Municipality, Unit
from insats.persons import personnummer
from insats.persons.models import Person
from insats.plans.models import ActionPlan
from insats.referrals.models import Referral
from insats.youth.models import YouthApplication

TODAY = dt.date(2026, 11, 22)
N = 60


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Key derivation for the demo accounts dominates the run time otherwise.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    return services.create_demo(persons=N, seed=7, today=TODAY)


def fingerprint() -> dict:
    """Everything the generator decides, without database ids or wall-clock timestamps."""
    return {
        "persons": sorted(
            Person.objects.values_list(
                "external_id",
                "personnummer",
                "first_name",
                "last_name",
                "birth_date",
                "gender",
                "education_level",
                "born_abroad",
                "newly_arrived",
                "protected_identity",
                "address",
                "created_at",
            )
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "external_id",
                "person__external_id",
                "unit__code",
                "coach__username",
                "referral_source",
                "referral_date",
                "start_date",
                "income_at_start",
                "need_category",
                "plan_date",
                "end_date",
                "closure_reason",
                "closure_note",
                "referral__sender__username",
                "referral__received_date",
            )
        ),
        "placements": sorted(
            Placement.objects.values_list(
                "external_id",
                "measure__code",
                "start_date",
                "end_date",
                "cost_sek",
                "reported_hours",
                "workplace",
            )
        ),
        "attendance": sorted(
            Attendance.objects.values_list(
                "placement__external_id", "date", "hours", "absence_reason"
            )
        ),
        "followups": sorted(
            Followup.objects.values_list("enrolment__external_id", "months_after", "status")
        ),
        "notes": sorted(
            CaseNote.objects.values_list("enrolment__external_id", "created_at", "text")
        ),
        "assessments": sorted(
            Assessment.objects.values_list("enrolment__external_id", "total_score")
        ),
        "referrals": sorted(
            Referral.objects.values_list(
                "person__external_id", "status", "received_date", "sender__username"
            )
        ),
        "youth": sorted(
            YouthApplication.objects.values_list("external_id", "status", "hours", "season")
        ),
    }


def test_same_seed_gives_same_municipality(demo):
    first = fingerprint()
    services.reset_case_data()
    assert not Enrolment.objects.exists()
    services.create_demo(persons=N, seed=7, today=TODAY)
    assert fingerprint() == first


def test_other_seed_gives_other_persons(demo):
    first = fingerprint()["persons"]
    services.reset_case_data()
    services.create_demo(persons=N, seed=8, today=TODAY)
    assert fingerprint()["persons"] != first


def test_refuses_non_empty_database_and_bad_size(demo):
    with pytest.raises(ValidationError):
        services.create_demo(persons=N, seed=7, today=TODAY)
    Enrolment.objects.all().delete()
    with pytest.raises(ValidationError) as err:
        services.create_demo(persons=5, seed=7, today=TODAY)
    assert "persons" in err.value.message_dict


def test_enrolments_respect_the_rules(demo):
    enrolments = list(Enrolment.objects.select_related("person", "referral"))
    assert len(enrolments) >= N * 0.8
    for e in enrolments:
        assert e.start_date <= TODAY
        assert (e.end_date is None) == (e.closure_reason_id is None)
        if e.end_date:
            assert e.start_date <= e.end_date < TODAY
        if e.referral_date:
            assert e.referral_date <= e.start_date
        if e.plan_date:
            assert e.start_date <= e.plan_date <= (e.end_date or TODAY)
        age = (e.start_date - e.person.birth_date).days / 365.25
        assert 16 <= age < 65
        if e.referral:
            assert e.referral.person_id == e.person_id
            assert e.referral.status == Referral.Status.ALLOCATED
            assert e.referral.received_date == e.referral_date
            assert e.referral.allocated_to_id == e.coach_id
        assert e.coach is not None and e.coach.unit_id == e.unit_id
        if e.person.protected_identity:
            assert e.coach.may_see_protected_identity


def test_placements_attendance_and_followups_lie_within_their_enrolment(demo):
    for p in Placement.objects.select_related("enrolment"):
        e = p.enrolment
        assert e.start_date <= p.start_date <= (e.end_date or TODAY)
        if e.end_date:
            assert p.end_date is not None and p.end_date <= e.end_date
        if p.end_date:
            assert p.start_date <= p.end_date
    for a in Attendance.objects.select_related("placement"):
        assert a.placement.start_date <= a.date < TODAY
        assert a.date.weekday() < 5
        assert (a.absence_reason == "") == (a.hours > 0)
    for f in Followup.objects.select_related("enrolment"):
        assert f.enrolment.end_date is not None
        assert add_months(f.enrolment.end_date, f.months_after) <= f.followup_date <= TODAY
    assert Placement.objects.exists() and Attendance.objects.exists()
    assert Followup.objects.exists()


def test_plans_belong_to_open_enrolments_with_a_plan_date(demo):
    for plan in ActionPlan.objects.select_related("enrolment"):
        assert plan.enrolment.end_date is None
        assert plan.established_on == plan.enrolment.plan_date
        assert plan.goals.filter(parent__isnull=True).count() >= 2
        assert plan.goals.filter(parent__isnull=False).exists()
        for followup in plan.followups.all():
            assert plan.established_on < followup.held_on <= TODAY


def test_personnummer_are_valid_and_unique(demo):
    numbers = [p for p in Person.objects.values_list("personnummer", flat=True) if p]
    assert len(numbers) == len(set(numbers))
    for person in Person.objects.exclude(personnummer=""):
        parsed = personnummer.parse(person.personnummer, today=TODAY)
        assert parsed.birth_date == person.birth_date
        if person.gender in ("K", "M"):
            assert parsed.gender_digit_is_female == (person.gender == "K")
    for person in Person.objects.filter(protected_identity=True):
        assert person.address == ""


def test_assessments_agree_with_the_instruments_bands(demo):
    if not Instrument.objects.filter(questions__isnull=False).exists():
        pytest.skip("no instrument configured")
    assessments = Assessment.objects.select_related("enrolment", "instrument")
    assert assessments.exists()
    for a in assessments.prefetch_related("answers__option", "instrument__bands"):
        assert a.need_category == a.enrolment.need_category
        assert a.total_score == sum(ans.option.score for ans in a.answers.all())
        band = next(
            b for b in a.instrument.bands.all() if b.min_score <= a.total_score <= b.max_score
        )
        assert band.need_category == a.need_category
        assert a.answers.count() == a.instrument.questions.count()


def test_without_an_instrument_only_the_need_category_is_set(db):
    Instrument.objects.all().delete()
    services.create_demo(persons=N, seed=7, today=TODAY)
    assert not Assessment.objects.exists()
    assert Enrolment.objects.exclude(need_category="").exists()


def test_demo_accounts_have_their_roles(demo):
    for username, role, unit_code, _first, _last in data.MAIN_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.role == role
        assert (user.unit.code if user.unit else None) == unit_code
        assert user.check_password(data.DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert User.objects.get(username="remittent").referral_source_id == "EKB"
    assert [a.username for a in demo.accounts] == [a[0] for a in data.MAIN_ACCOUNTS]
    coaches = User.objects.filter(role=Role.COACH)
    assert coaches.filter(tags__name="arabiska").exists()
    assert coaches.filter(tags__name="NPF").exists()


def test_start_pages_have_something_to_show(demo):
    coach = User.objects.get(username="coach")
    assert visible_enrolments(coach).filter(coach=coach, end_date__isnull=True).exists()
    remittent = User.objects.get(username="remittent")
    waiting = visible_referrals(remittent).filter(status=Referral.Status.SENT, unit__code="AME")
    assert waiting.count() >= 3
    assert all(not hasattr(r, "enrolment") for r in waiting)
    assert visible_enrolments(remittent).exists()


def test_shares_roughly_follow_the_seeds(db):
    services.create_demo(persons=400, seed=3, today=TODAY)
    enrolments = list(Enrolment.objects.select_related("closure_reason"))
    closed = [e for e in enrolments if e.end_date]
    open_share = 1 - len(closed) / len(enrolments)
    assert 0.10 <= open_share <= 0.30
    work_or_studies = sum(e.closure_reason.is_work_or_studies for e in closed) / len(closed)
    assert 0.35 <= work_or_studies <= 0.58
    needs = Counter(e.need_category for e in enrolments)
    assert needs["AM1"] < needs["AM2"] * 0.2 and needs["AM1"] < needs["AM3"] * 0.2
    assert 0.3 <= needs["AM2"] / len(enrolments) <= 0.65
    weeks = sorted((e.end_date - e.start_date).days / 7 for e in closed)
    assert 11 <= weeks[len(weeks) // 2] <= 25
    within = sum(
        1 for e in enrolments if e.plan_date and e.plan_date <= add_months(e.start_date, 3)
    )
    assert 0.55 <= within / len(enrolments) <= 0.9
    known = Followup.objects.filter(months_after=12).exclude(status="OKAND")
    not_fs = known.exclude(status="FORSORJNINGSSTOD").count() / known.count()
    assert 0.8 <= not_fs <= 0.96
    sources = Counter(e.referral_source_id for e in enrolments)
    assert sources.most_common(1)[0][0] == "EKB"
    assert Person.objects.filter(personnummer__regex=r"^\d{6}[6-9]").exists()


def test_summer_jobs_funnel(db):
    services.create_demo(persons=N, seed=7, today=TODAY)
    seasons = set(YouthApplication.objects.values_list("season", flat=True))
    assert {f"{y}-SOMMAR" for y in range(2021, 2027)} <= seasons
    assert any(s.endswith("-HOST") for s in seasons)
    apps = YouthApplication.objects.all()
    valid = apps.filter(status__valid=True).count()
    started = apps.filter(status__started=True)
    assert 0.9 <= valid / apps.count() <= 1
    assert 0.7 <= started.count() / valid <= 0.95
    for app in started.filter(season__endswith="SOMMAR"):
        assert 0 < app.hours <= 90 and app.wage_cost_sek > 0 and app.administration


def test_summer_jobs_belong_to_the_demo_municipality(db, settings):
    # Another municipality registered first: Municipality.default() would pick it, the demo
    # uses the one with the configured code, and so do its applications.
    other = Municipality.objects.create(code="9999", name="Annan kommun")
    demo_municipality = Municipality.objects.create(
        code=settings.INSATS_DEFAULT_MUNICIPALITY_CODE, name="Demokommunen"
    )
    services.create_demo(persons=N, seed=7, today=TODAY)
    assert Unit.objects.filter(municipality=demo_municipality).count() == len(data.UNITS)
    assert YouthApplication.objects.exists()
    assert set(YouthApplication.objects.values_list("municipality", flat=True)) == {
        demo_municipality.pk}
    assert not other.youth_applications.exists()


def test_command_if_empty_does_not_duplicate(db):
    out = StringIO()
    call_command("demo", "--persons", str(N), "--seed", "7", stdout=out)
    text = out.getvalue()
    assert "Inskrivningar" in text and data.DEMO_PASSWORD in text
    assert "http://127.0.0.1:8000/" in text
    counts = (Person.objects.count(), Enrolment.objects.count(), Measure.objects.count())
    out = StringIO()
    call_command("demo", "--persons", str(N), "--if-empty", stdout=out)
    assert "inga demodata skapades" in out.getvalue()
    assert "coach" in out.getvalue() and data.DEMO_PASSWORD in out.getvalue()
    assert (Person.objects.count(), Enrolment.objects.count(), Measure.objects.count()) == counts
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--persons", str(N), stdout=StringIO())
    call_command("demo", "--persons", str(N), "--seed", "7", "--reset", stdout=StringIO())
    assert (Person.objects.count(), Enrolment.objects.count(), Measure.objects.count()) == counts
    assert User.objects.filter(username="coach").count() == 1


def test_count_weekdays_matches_walking_the_calendar():
    first = dt.date(2026, 1, 1)
    for length in range(0, 30):
        last = first + dt.timedelta(days=length)
        walked = sum(1 for i in range(length + 1) if (first + dt.timedelta(days=i)).weekday() < 5)
        assert count_weekdays(first, last) == walked


def test_command_takes_a_date_and_rejects_a_bad_one(db):
    call_command("demo", "--persons", "20", "--today", "2024-06-30", stdout=StringIO())
    assert Enrolment.objects.filter(start_date__gt=dt.date(2024, 6, 30)).count() == 0
    assert not YouthApplication.objects.filter(season="2025-SOMMAR").exists()
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command("demo", "--today", "30/6", stdout=StringIO())


def test_refuses_a_database_with_persons_only(db):
    Person.objects.create(first_name="Ada", birth_date=dt.date(1990, 1, 1), gender="K")
    with pytest.raises(ValidationError):
        services.create_demo(persons=N, seed=7, today=TODAY)
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert Person.objects.count() == 1
