"""`insats retention [--dry-run] [--today YYYY-MM-DD] [--json]`: gallring by the active rules."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.kpi.services import parse_date
from insats.privacy.retention import COUNT_LABELS, run_retention


class Command(BaseCommand):
    help = ("Gallrar enligt gallringsreglerna: raderar akter och avidentifierar personer vars "
            "tid har gått ut, och skriver en rapport.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Visa vad som skulle gallras utan att ändra något.")
        parser.add_argument("--today", help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD).")
        parser.add_argument("--json", action="store_true", help="Rapporten som JSON.")

    def handle(self, *args, **options):
        try:
            today = parse_date(options["today"], "today") if options["today"] else None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        run = run_retention(today, dry_run=options["dry_run"], run_by="insats retention")
        report = run.report
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        title = "Gallring (provkörning, inget ändrat)" if run.dry_run else "Gallring"
        self.stdout.write(f"{title} per {report['today']}")
        for rule in report["rules"]:
            self.stdout.write(f"  regel {rule['kind']}: {rule['years']} år, {rule['action']}")
        for key, label in COUNT_LABELS.items():
            self.stdout.write(f"  {label}: {report['counts'][key]}")
