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


# --- A missing municipality means nothing, never "no limit" -----------------------------------


def _without_municipality(user):
    user.municipality = None
    user.save(update_fields=["municipality"])
    return user


def test_a_user_without_municipality_sees_no_case_data(coach, remittent, unit):
    referral = testing.make_referral(remittent, unit)
    testing.make_enrolment(person=referral.person, unit=unit, coach=coach, referral=referral)
    assert access.visible_enrolments(coach).exists() and access.visible_referrals(coach).exists()
    for user in (coach, remittent):
        _without_municipality(user)
        assert not access.visible_enrolments(user).exists()
        assert not access.visible_referrals(user).exists()
        assert not access.visible_persons(user).exists()


def test_a_user_without_municipality_follows_up_no_log_and_makes_no_extract(
    enhetschef, admin_user, coach, unit
):
    from insats.audit.models import AccessLogEntry, Action

    person = testing.make_person()
    testing.make_enrolment(person=person, unit=unit)
    AccessLogEntry.objects.create(username=coach.username, user=coach, role=coach.role,
                                  unit_id=unit.pk, action=Action.READ, object_type="person",
                                  object_id=person.pk, person_id=person.pk)
    for user in (enhetschef, admin_user):
        assert access.visible_access_log(user).count() == 1
        assert access.extractable_persons(user).filter(pk=person.pk).exists()
        _without_municipality(user)
        assert not access.visible_access_log(user).exists()
        assert not access.extractable_persons(user).exists()
        assert not access.editable_routine_units(user).exists()


def test_accounts_are_created_with_a_municipality(unit):
    from insats.accounts.services import create_user

    staff = create_user("ny-coach", "coach", "Ett-långt-lösen-123", unit_code=unit.code)
    referrer = create_user("ny-remittent", "remittent", "Ett-långt-lösen-123")
    assert staff.municipality == unit.municipality
    assert referrer.municipality == unit.municipality  # the only (default) municipality


# --- Log follow-up: the lookup stays inside the municipality ----------------------------------


def _logged(user, person):
    from insats.audit.models import AccessLogEntry, Action

    return AccessLogEntry.objects.create(
        username=user.username, user=user, role=user.role, unit_id=user.unit_id,
        action=Action.READ, object_type="person", object_id=person.pk, person_id=person.pk,
        protected_person=person.protected_identity,
    )


def test_log_lookup_does_not_tell_whether_someone_exists_elsewhere(client, enhetschef):
    from django.urls import reverse

    from insats.audit.models import AccessLogEntry
    from insats.organisation.models import Municipality

    elsewhere = Municipality.objects.create(code="9997", name="Bortakommun")
    far = testing.make_unit("BORTA", municipality=elsewhere)
    testing.make_enrolment(person=testing.make_person(personnummer="199001011239"), unit=far)
    client.force_login(enhetschef)
    url = reverse("audit:person")
    known = client.get(url, {"person": "900101-1239"})
    unknown = client.get(url, {"person": "850315-2343"})
    assert known.context["person"] is None and unknown.context["person"] is None
    assert known.context["form"].errors == unknown.context["form"].errors
    assert "Det finns ingen sådan person" in known.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_log_lookup_of_a_protected_person_answers_as_for_no_one(client, enhetschef, coach, unit):
    from django.urls import reverse

    protected = testing.make_person(personnummer="199001011239", protected_identity=True,
                                    last_name="Skyddadsdotter")
    testing.make_enrolment(person=protected, unit=unit)
    client.force_login(enhetschef)
    url = reverse("audit:person")
    hidden = client.get(url, {"person": "900101-1239"})
    unknown = client.get(url, {"person": "850315-2343"})
    assert hidden.context["person"] is None
    assert hidden.context["form"].errors == unknown.context["form"].errors
    # Once the unit's staff have opened the person, the follow-up shows it, by id only.
    _logged(coach, protected)
    shown = client.get(url, {"person": protected.pk})
    html = shown.content.decode()
    assert shown.context["person"] == protected
    assert f"Person {protected.pk}" in html and "Skyddadsdotter" not in html
    assert ">coach<" in html


def test_log_lookup_of_an_ordinary_person_of_the_municipality(client, enhetschef, other_unit):
    from django.urls import reverse

    person = testing.make_person(personnummer="199001011239")
    testing.make_enrolment(person=person, unit=other_unit)
    client.force_login(enhetschef)
    response = client.get(reverse("audit:person"), {"person": "900101-1239"})
    assert response.context["person"] == person
    assert "Inga loggposter under perioden." in response.content.decode()


def test_an_account_saved_in_the_admin_gets_the_units_municipality(admin_user, unit, rf):
    from types import SimpleNamespace

    from django.contrib import admin

    from insats.accounts.models import Role, User

    user = User(username="admin-skapad", role=Role.COACH, unit=unit)
    request = rf.post("/admin/")
    request.user = admin_user
    admin.site._registry[User].save_model(request, user, SimpleNamespace(changed_data=[]),
                                          change=False)
    user.refresh_from_db()
    assert user.municipality == unit.municipality
