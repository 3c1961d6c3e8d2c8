"""`insats audit_log --person ID | --user NAME [--from DATE] [--to DATE] [--json]`.

A lookup by person is written to the access log (object type "accesslog"), as the follow-up
page does.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.audit import services
from insats.audit.models import AccessLogEntry
from insats.kpi.services import parse_date


class Command(BaseCommand):
    help = "Skriver ut åtkomstloggen för en person (vem har öppnat) eller en användare."

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--person", type=int, help="Personens id i Insats.")
        who.add_argument("--user", help="Användarnamn.")
        parser.add_argument("--from", dest="date_from", help="Från och med ÅÅÅÅ-MM-DD.")
        parser.add_argument("--to", dest="date_to", help="Till och med ÅÅÅÅ-MM-DD.")
        parser.add_argument("--json", action="store_true", help="Maskinläsbar utdata.")

    def handle(self, *args, **options):
        try:
            date_from = parse_date(options["date_from"], "from") if options["date_from"] else None
            date_to = parse_date(options["date_to"], "to") if options["date_to"] else None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if date_from and date_to and date_to < date_from:
            raise CommandError("--to är före --from.")
        entries = services.between(AccessLogEntry.objects.all(), date_from, date_to)
        if options["person"] is not None:
            entries = services.for_person(entries, options["person"])
        else:
            entries = services.for_user(entries, options["user"])
        rows = [services.as_dict(e) for e in entries.iterator()]
        if options["person"] is not None:
            # Reading who has opened a person is itself an access to that person's data.
            services.log_system(
                services.system_actor("audit_log"), services.Action.READ,
                object_type="accesslog", person_id=options["person"],
                reason=f"Uppslag i åtkomstloggen: {len(rows)} poster",
            )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("Inga loggposter.")
            return
        for row in rows:
            flags = " ".join(
                flag for flag, on in (("utanför-ärendelista", row["outside_caseload"]),)
                if on
            )
            self.stdout.write(
                f"{row['at'][:19]}  {row['username']:<20} {row['action']:<8} "
                f"{row['object_type']} {row['object_id'] or ''}  person={row['person_id'] or '-'}"
                f"  {row['method']} {row['path']}  {row['ip'] or ''}  {flags} {row['reason']}"
                .rstrip()
            )
        self.stdout.write(f"{len(rows)} loggposter.")
