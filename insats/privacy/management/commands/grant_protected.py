"""`insats grant_protected USER PERSON_ID --reason TEXT [--revoke] [--by ADMIN]`,
`insats grant_protected --list [--person PERSON_ID]`: behörighet till skyddad identitet.

Each grant and revocation is written to the access log with the operating-system user who ran
the command and the reason (insats/privacy/grants.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.accounts.models import ProtectedIdentityGrant, Role, User
from insats.audit import services as audit
from insats.persons.models import Person
from insats.privacy import grants


class Command(BaseCommand):
    help = ("Ger eller tar bort en användares behörighet till en person med skyddad identitet. "
            "Varje ändring loggas med skälet.")

    def add_arguments(self, parser):
        parser.add_argument("user", nargs="?", help="Användarnamn.")
        parser.add_argument("person", nargs="?", type=int, help="Personens id i Insats.")
        parser.add_argument("--reason", default="", help="Skälet (obligatoriskt).")
        parser.add_argument("--revoke", action="store_true", help="Ta bort behörigheten.")
        parser.add_argument("--by", help="Administratören som beslutat (användarnamn).")
        parser.add_argument("--list", action="store_true",
                            help="Lista behörigheterna (alla, eller för --person).")
        parser.add_argument("--person", dest="list_person", type=int,
                            help="Med --list: bara för denna person.")

    def handle(self, *args, **options):
        if options["list"]:
            return self._list(options["list_person"])
        if not options["user"] or options["person"] is None:
            raise CommandError("Ange användarnamn och personens id, t.ex. "
                               "”insats grant_protected anna 123 --reason …”, eller --list.")
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Det finns ingen användare ”{options['user']}”.")
        person = Person.objects.filter(pk=options["person"]).first()
        if person is None:
            raise CommandError(f"Det finns ingen person med id {options['person']}.")
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"], role=Role.ADMIN).first()
            if by is None:
                raise CommandError(f"--by: ”{options['by']}” är ingen administratör.")
        actor = audit.system_actor("grant_protected")
        try:
            if options["revoke"]:
                grants.revoke(user, person, reason=options["reason"], actor=actor)
                self.stdout.write(f"Behörigheten för {user.username} till person {person.pk} "
                                  "är borttagen.")
            else:
                grants.grant(user, person, reason=options["reason"], actor=actor, granted_by=by)
                self.stdout.write(f"{user.username} har nu behörighet till person {person.pk}.")
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None

    def _list(self, person_id: int | None) -> None:
        rows = ProtectedIdentityGrant.objects.select_related("user", "granted_by").order_by(
            "person_id", "user__username")
        if person_id is not None:
            rows = rows.filter(person_id=person_id)
        count = 0
        for grant in rows:
            count += 1
            by = grant.granted_by.username if grant.granted_by else "-"
            self.stdout.write(f"person {grant.person_id}  {grant.user.username:<20} "
                              f"{grant.granted_at:%Y-%m-%d}  av {by}  {grant.reason}")
        self.stdout.write(f"{count} behörigheter.")
