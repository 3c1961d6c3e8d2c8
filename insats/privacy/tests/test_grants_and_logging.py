"""Protected-identity grants per person (`insats grant_protected`), and the logging of bulk
export/import, log lookups and grant changes."""

from __future__ import annotations

import getpass
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insats.accounts.models import ProtectedIdentityGrant, Role
from insats.audit.models import AccessLogEntry, Action
from insats.core import access, testing
from insats.persons.models import Person

from .builders import full_case

pytestmark = pytest.mark.django_db
OS_USER = getpass.getuser()


@pytest.fixture
def protected(unit, coach):
    case = full_case(unit, coach, end=None)
    case.person.protected_identity = True
    case.person.save()
    return case.person


def _cmd(*args) -> str:
    out = StringIO()
    call_command("grant_protected", *args, stdout=out)
    return out.getvalue()


def test_granting_opens_the_person_and_is_logged(coach, admin_user, protected):
    assert not access.visible_persons(coach).filter(pk=protected.pk).exists()
    out = _cmd("coach", str(protected.pk), "--reason", "Ansvarig konsulent, beslut 2026-03-02",
               "--by", "admin")
    assert out.strip() == f"coach har nu behörighet till person {protected.pk}."
    grant = ProtectedIdentityGrant.objects.get()
    assert (grant.user, grant.person, grant.granted_by, grant.reason) == (
        coach, protected, admin_user, "Ansvarig konsulent, beslut 2026-03-02")
    assert access.visible_persons(coach).filter(pk=protected.pk).exists()
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_type, entry.object_id, entry.person_id,
            entry.protected_person) == (
        f"grant_protected ({OS_USER})", Action.CREATE, "protectedidentitygrant", grant.pk,
        protected.pk, True)
    assert entry.reason == ("coach: behörighet till skyddad identitet beviljad. "
                            "Skäl: Ansvarig konsulent, beslut 2026-03-02")
    listing = _cmd("--list", "--person", str(protected.pk))
    assert "coach" in listing and "av admin" in listing and "1 behörigheter." in listing


def test_revoking_closes_the_person_and_is_logged(coach, protected):
    _cmd("coach", str(protected.pk), "--reason", "Konsulent")
    out = _cmd("coach", str(protected.pk), "--revoke", "--reason", "Ärendet bytte konsulent")
    assert "är borttagen" in out
    assert not ProtectedIdentityGrant.objects.exists()
    assert not access.visible_persons(coach).filter(pk=protected.pk).exists()
    revoked = AccessLogEntry.objects.get(action=Action.DELETE)
    assert (revoked.object_type, revoked.person_id, revoked.reason) == (
        "protectedidentitygrant", protected.pk,
        "coach: behörighet till skyddad identitet borttagen. Skäl: Ärendet bytte konsulent")


@pytest.mark.parametrize(("args", "message"), [
    (["coach", "{p}"], "Ange skälet"),
    (["coach", "{p}", "--reason", "  "], "Ange skälet"),
    (["coach", "{p}", "--reason", "x" * 201], "Skälet får vara högst 200 tecken (nu 201)."),
    (["ingen", "{p}", "--reason", "x"], "Det finns ingen användare ”ingen”."),
    (["coach", "999999", "--reason", "x"], "Det finns ingen person med id 999999."),
    (["coach", "{p}", "--reason", "x", "--by", "coach"], "--by: ”coach” är ingen administratör."),
    (["coach", "{p}", "--revoke", "--reason", "x"], "har ingen behörighet till person"),
    (["coach"], "Ange användarnamn och personens id"),
])
def test_bad_input_gets_a_clear_message(coach, protected, args, message):
    args = [a.format(p=protected.pk) for a in args]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _cmd(*args)
    assert not AccessLogEntry.objects.exists() and not ProtectedIdentityGrant.objects.exists()


def test_grants_are_only_for_protected_persons_and_only_once(unit, coach, protected):
    plain = full_case(unit, coach, end=None, person=testing.make_person()).person
    with pytest.raises(CommandError, match=f"Person {plain.pk} har inte skyddad identitet"):
        _cmd("coach", str(plain.pk), "--reason", "x")
    _cmd("coach", str(protected.pk), "--reason", "x")
    with pytest.raises(CommandError, match="har redan behörighet till person"):
        _cmd("coach", str(protected.pk), "--reason", "x")
    everyone = testing.make_user(Role.COACH, unit, may_see_protected_identity=True)
    with pytest.raises(CommandError, match="redan behörighet till alla personer"):
        _cmd(everyone.username, str(protected.pk), "--reason", "x")
    assert AccessLogEntry.objects.count() == 1


def test_changing_may_see_all_protected_in_the_admin_is_logged(client, admin_user, coach):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{coach.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"username": "coach", "role": Role.COACH, "unit": coach.unit_id,
                 "municipality": coach.municipality_id, "may_see_protected_identity": "on",
                 "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
                 "tags": [], "groups": [], "user_permissions": []})
    data.pop("password", None)
    data.pop("last_login", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    coach.refresh_from_db()
    assert coach.may_see_protected_identity is True
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.action, entry.object_type, entry.object_id, entry.reason) == (
        "admin", Action.UPDATE, "protectedidentityaccess", coach.pk,
        "coach: behörighet till alla personer med skyddad identitet på")


# --- Bulk export and import, log lookups -------------------------------------------------------


def test_export_and_import_are_logged(tmp_path, unit, coach):
    for _ in range(3):
        full_case(unit, coach, end=None, person=testing.make_person())
    call_command("export_data", str(tmp_path / "ut"), stdout=StringIO())
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert (entry.username, entry.object_type, entry.person_id, entry.user_id) == (
        f"export_data ({OS_USER})", "interchange", None, None)
    assert entry.reason == f"Export av hela databasen till {tmp_path / 'ut'}: 3 personer"
    # Importing the same folder changes nothing: 0 new, 0 changed persons.
    call_command("import_data", str(tmp_path / "ut"), stdout=StringIO())
    entry = AccessLogEntry.objects.get(action=Action.IMPORT)
    assert (entry.username, entry.object_type) == (f"import_data ({OS_USER})", "interchange")
    assert entry.reason == f"Import från {tmp_path / 'ut'}: 0 personer nya, 0 ändrade"
    # A dry run writes nothing, so it is not logged as an import.
    call_command("import_data", str(tmp_path / "ut"), "--dry-run", stdout=StringIO())
    assert AccessLogEntry.objects.filter(action=Action.IMPORT).count() == 1


def test_import_counts_new_and_changed_persons(tmp_path, unit, coach):
    people = [full_case(unit, coach, end=None, person=testing.make_person()).person
              for _ in range(2)]
    call_command("export_data", str(tmp_path / "ut"), stdout=StringIO())
    # The database now differs from the file in one person's municipality code.
    Person.objects.filter(pk=people[0].pk).update(municipality_code="0180")
    testing.make_person()  # not in the file: left alone by the import
    lines = (tmp_path / "ut" / "persons.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3  # header and two persons
    call_command("import_data", str(tmp_path / "ut"), stdout=StringIO())
    entry = AccessLogEntry.objects.get(action=Action.IMPORT)
    assert entry.reason.endswith(": 0 personer nya, 1 ändrade")


def test_looking_a_person_up_in_the_log_is_logged(coach, protected):
    AccessLogEntry.objects.create(username="coach", user=coach, role="coach", action="read",
                                  object_type="person", object_id=protected.pk,
                                  person_id=protected.pk)
    out = StringIO()
    call_command("audit_log", "--person", str(protected.pk), "--json", stdout=out)
    assert [row["username"] for row in json.loads(out.getvalue())] == ["coach"]
    entry = AccessLogEntry.objects.get(object_type="accesslog")
    assert (entry.username, entry.action, entry.person_id, entry.protected_person,
            entry.reason) == (f"audit_log ({OS_USER})", Action.READ, protected.pk, True,
                              "Uppslag i åtkomstloggen: 1 poster")
    # A lookup by user is not about one data subject and writes nothing.
    call_command("audit_log", "--user", "coach", stdout=StringIO())
    assert AccessLogEntry.objects.count() == 2
