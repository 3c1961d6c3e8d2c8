from insats.core import access, testing


def test_coach_sees_own_unit_only(coach, unit, other_unit):
    mine = testing.make_enrolment(unit=unit)
    testing.make_enrolment(unit=other_unit)
    assert list(access.visible_enrolments(coach)) == [mine]


def test_referrer_sees_only_own_referrals(remittent, unit, coach):
    referral = testing.make_referral(remittent, unit)
    own = testing.make_enrolment(unit=unit, referral=referral, person=referral.person)
    testing.make_enrolment(unit=unit)
    assert list(access.visible_enrolments(remittent)) == [own]


def test_controller_sees_no_personal_data(controller, unit):
    testing.make_enrolment(unit=unit)
    assert not access.visible_enrolments(controller).exists()
    assert not access.visible_persons(controller).exists()


def test_protected_identity_needs_a_grant(coach, unit):
    person = testing.make_person(protected_identity=True)
    testing.make_enrolment(person=person, unit=unit)
    assert not access.visible_persons(coach).exists()
    coach.may_see_protected_identity = True
    assert list(access.visible_persons(coach)) == [person]


def test_coach_works_on_own_caseload_only(coach, unit, enhetschef):
    own = testing.make_enrolment(unit=unit, coach=coach)
    colleagues = testing.make_enrolment(unit=unit)
    assert access.can_work_on_enrolment(coach, own)
    assert not access.can_work_on_enrolment(coach, colleagues)
    assert access.can_work_on_enrolment(enhetschef, colleagues)


def test_health_endpoint(client, db):
    assert client.get("/halsa/").json() == {"status": "ok"}


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_home_renders_for_coach(client, coach):
    client.force_login(coach)
    response = client.get("/")
    assert response.status_code == 200
    assert "Välkommen" in response.content.decode()
