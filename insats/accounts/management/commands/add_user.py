"""`insats add_user USERNAME --role ROLE [--unit UNIT_CODE]`; the password is read from stdin."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.accounts.models import Role
from insats.accounts.services import create_user


class Command(BaseCommand):
    help = "Skapar en användare. Lösenordet läses från standard in."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--unit", dest="unit_code")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args, **opts):
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CommandError("Inget lösenord angavs på standard in.")
        try:
            user = create_user(
                opts["username"],
                opts["role"],
                password,
                unit_code=opts["unit_code"],
                first_name=opts["first_name"],
                last_name=opts["last_name"],
                email=opts["email"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Användaren {user.username} ({user.get_role_display()}) skapades.")
