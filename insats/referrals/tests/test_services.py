import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from insats.accounts.models import Role, Tag
from insats.codes.models import ReferralSource
from insats.core import testing
from insats.enrolments.models import Enrolment
from insats.persons.models import Person
from insats.referrals import services
from insats.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def arabic(db):
    return Tag.objects.create(kind=Tag.Kind.LANGUAGE, name="Arabiska")


@pytest.fixture
def coaches(unit):
    busy = testing.make_user(Role.COACH, unit, first_name="Upptagen", last_name="A")
    free = testing.make_user(Role.COACH, unit, first_name="Ledig", last_name="B")
    for _ in range(3):
        testing.make_enrolment(unit=unit, coach=busy)
    testing.make_enrolment(unit=unit, coach=free)
    testing.make_enrolment(unit=unit, coach=free, end_date=dt.date(2024, 3, 1),
                           closure_reason="AVBROTT")
    return busy, free


def test_suggestion_prefers_fewest_open_enrolments(unit, remittent, coaches):
    busy, free = coaches
    suggestion = services.suggest_coach(testing.make_referral(remittent, unit))
    assert suggestion.coach == free
    assert [c.open_enrolments for c in suggestion.candidates] == [1, 3]
    assert "minst antal öppna inskrivningar (1)" in suggestion.explanation


def test_matching_language_weighs_more_than_caseload(unit, remittent, coaches, arabic):
    busy, free = coaches
    busy.tags.add(arabic)
    referral = testing.make_referral(remittent, unit)
    referral.wanted_tags.add(arabic)
    suggestion = services.suggest_coach(referral)
    assert suggestion.coach == busy
    assert "Arabiska" in suggestion.explanation
    assert "matchar Arabiska" in suggestion.candidates[0].reasoning


def test_allocation_starts_the_enrolment(unit, remittent, samordnare, coaches):
    _, free = coaches
    referral = testing.make_referral(remittent, unit, income_source_id="FORSORJNINGSSTOD")
    enrolment = services.allocate_referral(
        referral, by=samordnare, coach=free, start_date=dt.date(2024, 2, 1)
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ALLOCATED
    assert referral.allocated_to == free and referral.suggested_coach == free
    assert enrolment.referral == referral
    assert enrolment.coach == free and enrolment.unit == unit
    assert enrolment.referral_date == referral.received_date
    assert enrolment.start_date == dt.date(2024, 2, 1)
    assert enrolment.income_at_start_id == "FORSORJNINGSSTOD"
    assert enrolment.referral_source == referral.referral_source


def test_choosing_another_coach_needs_a_reason(unit, remittent, samordnare, coaches):
    busy, _ = coaches
    referral = testing.make_referral(remittent, unit)
    with pytest.raises(ValidationError) as exc:
        services.allocate_referral(referral, by=samordnare, coach=busy)
    assert "Ange skäl" in exc.value.message_dict["override_reason"][0]
    assert not Enrolment.objects.filter(referral=referral).exists()
    services.allocate_referral(
        referral, by=samordnare, coach=busy, override_reason="Har träffat personen förut."
    )
    referral.refresh_from_db()
    assert referral.override_reason == "Har träffat personen förut."


def test_second_allocation_is_refused(unit, remittent, samordnare, coaches):
    _, free = coaches
    referral = testing.make_referral(remittent, unit)
    services.allocate_referral(referral, by=samordnare, coach=free)
    with pytest.raises(ValidationError, match="redan fördelad"):
        services.allocate_referral(referral, by=samordnare, coach=free)
    assert Enrolment.objects.filter(referral=referral).count() == 1


def test_start_not_before_received_and_only_own_unit(
    unit, other_unit, remittent, samordnare, coaches, coach
):
    _, free = coaches
    referral = testing.make_referral(remittent, unit)
    with pytest.raises(ValidationError) as exc:
        services.allocate_referral(referral, by=samordnare, coach=free,
                                   start_date=dt.date(2024, 1, 1))
    assert "start_date" in exc.value.message_dict
    stranger = testing.make_user(Role.SAMORDNARE, other_unit)
    with pytest.raises(PermissionDenied):
        services.allocate_referral(referral, by=stranger, coach=free)
    with pytest.raises(PermissionDenied):
        services.allocate_referral(referral, by=coach, coach=free)


def test_create_referral_matches_existing_person_in_any_form(unit, remittent):
    existing = testing.make_person(personnummer="199001011239", first_name="Amina")
    source = ReferralSource.objects.get(code="EKB")
    referral = services.create_referral(
        sender=remittent, unit=unit, referral_source=source, reason="Stöd mot arbete",
        person_data={"personnummer": "900101-1239", "first_name": "Fel", "last_name": "Namn"},
    )
    assert referral.person == existing
    existing.refresh_from_db()
    assert existing.first_name == "Amina"
    assert referral.status == Referral.Status.SENT


def test_create_referral_registers_a_new_person(unit, remittent, arabic):
    source = ReferralSource.objects.get(code="AF")
    referral = services.create_referral(
        sender=remittent, unit=unit, referral_source=source, reason="Stöd",
        person_data={"personnummer": "8503152343", "first_name": "Ny", "last_name": "Person"},
        wanted_tags=[arabic],
    )
    person = referral.person
    assert person.personnummer == "198503152343"
    # Without a stated gender the gender digit decides (4 is even: kvinna).
    assert person.gender == "K"
    assert list(referral.wanted_tags.all()) == [arabic]


def test_create_referral_reports_every_error_and_writes_nothing(unit, remittent, coach):
    source = ReferralSource.objects.get(code="EKB")
    with pytest.raises(ValidationError) as exc:
        services.create_referral(
            sender=remittent, unit=unit, referral_source=source, reason=" ",
            person_data={"personnummer": "900101-1234", "first_name": "A", "last_name": "B"},
        )
    assert set(exc.value.message_dict) == {"reason", "personnummer"}
    assert not Person.objects.exists() and not Referral.objects.exists()
    with pytest.raises(PermissionDenied):
        services.create_referral(sender=coach, unit=unit, referral_source=source, reason="x",
                                 person_data={"birth_date": dt.date(2000, 1, 1)})


def test_reject_needs_a_reason_and_happens_once(unit, remittent, samordnare, coach):
    referral = testing.make_referral(remittent, unit)
    with pytest.raises(ValidationError) as exc:
        services.reject_referral(referral, by=samordnare, reason=" ")
    assert "rejection_reason" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.reject_referral(referral, by=coach, reason="Fel enhet")
    rejected = services.reject_referral(referral, by=samordnare, reason="Hör till Jobbtorget")
    assert rejected.status == Referral.Status.REJECTED
    assert rejected.rejection_reason == "Hör till Jobbtorget"
    with pytest.raises(ValidationError):
        services.allocate_referral(referral, by=samordnare, coach=coach)
