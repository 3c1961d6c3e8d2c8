"""The administrator's page for protected-identity grants per person
(/integritet/skyddad-identitet/): list, grant and revoke through insats/privacy/grants.py,
each change logged with its reason."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from insats.accounts.models import ProtectedIdentityGrant, Role
from insats.audit.models import AccessLogEntry, Action
from insats.core import testing
from insats.core.submit_once import FIELD
from insats.organisation.models import Municipality

pytestmark = pytest.mark.django_db
URL = "/integritet/skyddad-identitet/"
BADGE = '<span class="badge protected">Skyddad identitet</span>'


@pytest.fixture
def protected(unit):
    """A protected person enrolled at a unit of the municipality (grants concern such persons)."""
    person = testing.make_person(first_name="Eva", last_name="Skyddadsdotter",
                                 protected_identity=True)
    testing.make_enrolment(person, unit)
    return person


@pytest.fixture
def admin(admin_user, client):
    client.force_login(admin_user)
    return admin_user


def _grant(client, user, person, reason="Ansvarig konsulent, beslut 2026-03-02"):
    return client.post(URL, {"action": "grant", "user": user.pk, "person": str(person),
                             "reason": reason})


def _revoke(client, grant_pk, reason="Ärendet bytte konsulent"):
    return client.post(URL, {"action": "revoke", "grant": grant_pk,
                             f"r{grant_pk}-reason": reason})


def test_the_url():
    assert reverse("privacy:grants") == URL


def test_admin_grants_and_it_is_logged(client, admin, coach, protected):
    response = _grant(client, coach, protected.pk)
    assert response.status_code == 302 and response["Location"] == URL
    grant = ProtectedIdentityGrant.objects.get()
    assert (grant.user, grant.person, grant.granted_by, grant.reason) == (
        coach, protected, admin, "Ansvarig konsulent, beslut 2026-03-02")
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_type, entry.object_id, entry.person_id,
            entry.protected_person) == (
        "admin", Action.CREATE, "protectedidentitygrant", grant.pk, protected.pk, True)
    assert entry.reason == ("coach: behörighet till skyddad identitet beviljad. "
                            "Skäl: Ansvarig konsulent, beslut 2026-03-02")
    assert (entry.path, entry.method, entry.ip) == (URL, "POST", "127.0.0.1")  # from where
    html = client.get(URL).content.decode()
    assert f"coach har nu behörighet till person {protected.pk}." in html


def test_the_list_shows_the_person_by_id_and_badge_and_logs_the_view(client, admin, coach,
                                                                    protected):
    ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="Ansvarig",
                                          granted_by=admin)
    html = client.get(URL).content.decode()
    assert f"Person {protected.pk}" in html and html.count(BADGE) == 1
    assert "coach" in html and "Ansvarig" in html and "av admin" in html
    # The administrator has no access to protected identities: no name.
    assert "Skyddadsdotter" not in html and "Eva" not in html
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.person_id, entry.path, entry.username) == (
        Action.READ, "protectedidentitygrant", protected.pk, URL, "admin")


def test_an_admin_who_may_see_protected_identity_sees_the_name(client, admin, coach,
                                                              protected):
    admin.may_see_protected_identity = True
    admin.save()
    ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="Ansvarig")
    assert "Eva Skyddadsdotter" in client.get(URL).content.decode()


def test_grants_of_another_municipalitys_users_are_not_listed(client, admin, protected):
    elsewhere = Municipality.objects.create(code="9999", name="Annankommun")
    foreign = testing.make_user(Role.COACH, testing.make_unit(municipality=elsewhere),
                                username="utsocknes")
    ProtectedIdentityGrant.objects.create(user=foreign, person=protected, reason="x")
    html = client.get(URL).content.decode()
    assert "utsocknes" not in html and f"Person {protected.pk}" not in html
    # Nor can they be chosen for a grant.
    response = _grant(client, foreign, protected.pk)
    assert "Användaren finns inte bland kommunens aktiva användare." in response.content.decode()


@pytest.mark.parametrize(("reason", "message"), [
    ("", "Ange skälet (t.ex. ”Ansvarig konsulent, beslut 2026-03-02”)."),
    ("   ", "Ange skälet (t.ex. ”Ansvarig konsulent, beslut 2026-03-02”)."),
    ("x" * 201, "Skälet får vara högst 200 tecken (nu 201)."),
])
def test_a_grant_needs_a_reason(client, admin, coach, protected, reason, message):
    response = _grant(client, coach, protected.pk, reason=reason)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProtectedIdentityGrant.objects.exists() and not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(("person", "message"), [
    ("abc", "”abc” är inget person-id. Ange personens id i Insats som ett heltal, t.ex. 123."),
    ("12-3", "”12-3” är inget person-id."),
    ("0", "”0” är inget person-id."),
    ("99999999999999999999", "”99999999999999999999” är inget person-id."),
    ("", "Ange personens id i Insats."),
    ("999999", "Det finns ingen person med id 999999."),
])
def test_a_bad_person_id_gets_a_clear_message(client, admin, coach, person, message):
    response = _grant(client, coach, person)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_person_error"' in html  # tied to the field
    assert not ProtectedIdentityGrant.objects.exists() and not AccessLogEntry.objects.exists()


def test_service_refusals_are_shown(client, admin, unit, coach, protected):
    plain = testing.make_person()
    testing.make_enrolment(plain, unit)
    html = _grant(client, coach, plain.pk).content.decode()
    assert (f"Person {plain.pk} har inte skyddad identitet; ingen särskild behörighet behövs."
            in html)
    everyone = testing.make_user(Role.COACH, unit, username="alla",
                                 may_see_protected_identity=True)
    html = _grant(client, everyone, protected.pk).content.decode()
    assert ("Användaren alla har redan behörighet till alla personer med skyddad identitet."
            in html)
    _grant(client, coach, protected.pk)
    html = _grant(client, coach, protected.pk).content.decode()
    assert f"Användaren coach har redan behörighet till person {protected.pk}" in html
    assert ProtectedIdentityGrant.objects.count() == 1


def test_admin_revokes_and_it_is_logged(client, admin, coach, protected):
    grant = ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="x")
    response = _revoke(client, grant.pk)
    assert response.status_code == 302 and response["Location"] == URL
    assert not ProtectedIdentityGrant.objects.exists()
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_type, entry.object_id, entry.person_id) == (
        "admin", Action.DELETE, "protectedidentitygrant", grant.pk, protected.pk)
    assert entry.reason == ("coach: behörighet till skyddad identitet borttagen. "
                            "Skäl: Ärendet bytte konsulent")
    html = client.get(URL).content.decode()
    assert f"Behörigheten för coach till person {protected.pk} är borttagen." in html


def test_a_revocation_needs_a_reason(client, admin, coach, protected):
    grant = ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="x")
    response = _revoke(client, grant.pk, reason=" ")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ange skälet till att behörigheten tas bort." in html
    assert f'id="id_r{grant.pk}-reason_error"' in html  # on that row's field
    assert ProtectedIdentityGrant.objects.filter(pk=grant.pk).exists()
    assert not AccessLogEntry.objects.exclude(action=Action.READ).exists()


def test_a_stale_revocation_changes_nothing(client, admin, coach, protected):
    grant = ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="x")
    assert _revoke(client, grant.pk).status_code == 302
    # The same form sent again (another tab, or after a colleague revoked it).
    response = _revoke(client, grant.pk)
    assert response.status_code == 200
    assert "Behörigheten finns inte längre – den kan redan ha tagits bort." in (
        response.content.decode())
    # A grant made again later is not taken away by the old form either.
    again = ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="y")
    assert "finns inte längre" in _revoke(client, grant.pk).content.decode()
    assert ProtectedIdentityGrant.objects.filter(pk=again.pk).exists()
    assert AccessLogEntry.objects.filter(action=Action.DELETE).count() == 1
    # A grant id that is no number at all is the same answer.
    assert "finns inte längre" in client.post(
        URL, {"action": "revoke", "grant": "x"}).content.decode()


def test_a_double_submitted_revocation_is_done_once(client, admin, coach, protected):
    grant = ProtectedIdentityGrant.objects.create(user=coach, person=protected, reason="x")
    html = client.get(URL).content.decode()
    form = html[html.index(f'name="grant" value="{grant.pk}"') - 400:]
    token = re.search(rf'name="{FIELD}" value="([^"]+)"', form).group(1)
    data = {"action": "revoke", "grant": grant.pk, f"r{grant.pk}-reason": "Klar", FIELD: token}
    first = client.post(URL, data)
    again = client.post(URL, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert AccessLogEntry.objects.filter(action=Action.DELETE).count() == 1


@pytest.mark.parametrize("role", ["coach", "samordnare", "enhetschef", "remittent",
                                  "controller"])
def test_only_the_admin_may_use_the_page(client, request, role, protected):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert _grant(client, user, protected.pk).status_code == 403
    assert not ProtectedIdentityGrant.objects.exists() and not AccessLogEntry.objects.exists()


def test_the_page_is_in_the_admins_navigation(client, admin, coach):
    assert f'href="{URL}"' in client.get("/").content.decode()
    client.force_login(coach)
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_another_municipalitys_person_is_no_such_person(client, admin, coach):
    """The page confirms nothing about persons outside the administrator's municipality: not
    that they exist, not whether they are protected."""
    elsewhere = Municipality.objects.create(code="9998", name="Grannkommun")
    unit = testing.make_unit("GRANNE", municipality=elsewhere)
    for protected_identity in (True, False):
        person = testing.make_person(protected_identity=protected_identity)
        testing.make_enrolment(person, unit)
        html = _grant(client, coach, person.pk).content.decode()
        assert f"Det finns ingen person med id {person.pk}." in html
    assert not ProtectedIdentityGrant.objects.exists()
