"""`insats api_token USERNAME [--rotate | --revoke]`: the API key (token) of an integration.

An integration calls the REST API as an ordinary user account, with that account's role and
visibility (insats.core.access), and sends `Authorization: Token <key>`. The key is printed once,
on standard output alone (so a script can capture it); only its existence is visible later.

- without options: create the account's key; refused if it already has one;
- `--rotate`: replace the key (the old one stops working at once) and print the new one;
- `--revoke`: delete the key, so the integration can no longer sign in.

Each change is written to the access log (object type "apitoken", the account's id).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from insats.accounts.models import User
from insats.audit import services as audit

OBJECT_TYPE = "apitoken"


class Command(BaseCommand):
    help = (
        "Skapar, byter (--rotate) eller tar bort (--revoke) API-nyckeln för en användare. "
        "En ny nyckel skrivs ut en enda gång."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--rotate", action="store_true",
            help="Ersätt den befintliga nyckeln med en ny; den gamla slutar gälla direkt.",
        )
        group.add_argument(
            "--revoke", action="store_true", help="Ta bort nyckeln utan att skapa en ny."
        )

    @transaction.atomic
    def handle(self, *args, **opts):
        username = opts["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Det finns ingen användare med användarnamnet '{username}'.")
        existing = Token.objects.select_for_update().filter(user=user).first()
        actor = audit.system_actor("api_token")
        if opts["revoke"]:
            if existing is None:
                raise CommandError(f"Användaren '{username}' har ingen API-nyckel att ta bort.")
            existing.delete()
            audit.log_system(actor, audit.Action.DELETE, object_type=OBJECT_TYPE,
                             object_id=user.pk, reason=f"API-nyckel borttagen för {username}")
            self.stderr.write(f"API-nyckeln för {username} är borttagen och gäller inte längre.")
            return
        if not user.is_active:
            raise CommandError(
                f"Kontot '{username}' är inaktiverat; en API-nyckel skulle inte gå att använda."
            )
        if existing is not None and not opts["rotate"]:
            created = timezone.localtime(existing.created).strftime("%Y-%m-%d %H:%M")
            raise CommandError(
                f"Användaren '{username}' har redan en API-nyckel (skapad {created}). Nyckeln "
                "visas bara när den skapas: använd --rotate för att ersätta den med en ny, "
                "eller --revoke för att ta bort den."
            )
        if existing is not None:
            existing.delete()
        token = Token.objects.create(user=user)
        action, what = ((audit.Action.UPDATE, "ersatt med en ny") if existing is not None
                        else (audit.Action.CREATE, "skapad"))
        audit.log_system(actor, action, object_type=OBJECT_TYPE, object_id=user.pk,
                         reason=f"API-nyckel {what} för {username}")
        self.stdout.write(token.key)
        self.stderr.write(
            f"API-nyckel {what} för {username} ({user.get_role_display()}). Spara den nu, den "
            "visas inte igen. Skicka den som 'Authorization: Token <nyckel>'."
        )
