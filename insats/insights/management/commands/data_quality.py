"""`insats data_quality [--json] [--fail-on-issues] [--today YYYY-MM-DD]`: the nightly check.

Prints every data-quality rule's count per unit (counts only, never persons). The exit status is
0 unless `--fail-on-issues` is given and some rule found something; then it is 1, so a scheduler
can raise an alarm.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insats.insights import quality
from insats.kpi.services import parse_date


class Command(BaseCommand):
    help = "Kontrollerar datakvaliteten (antal per kontroll och enhet)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Skriv resultatet som JSON.")
        parser.add_argument(
            "--fail-on-issues",
            action="store_true",
            help="Avsluta med status 1 om någon kontroll hittar problem.",
        )
        parser.add_argument("--today", help="Dagen kontrollen gäller, ÅÅÅÅ-MM-DD (standard i dag).")

    def handle(self, *args, **options):
        try:
            today = parse_date(options["today"], "today") if options["today"] else None
        except ValidationError as exc:
            raise CommandError(f"--today: {exc.message_dict['today'][0]}") from None
        today = today or timezone.localdate()
        summaries = quality.summary(quality.counted_enrolments(None), today)
        total = sum(s.count for s in summaries)
        if options["json"]:
            self.stdout.write(json.dumps({
                "date": today.isoformat(),
                "total": total,
                "rules": [
                    {"code": s.rule.code, "name": str(s.rule.name), "count": s.count,
                     "per_unit": s.per_unit}
                    for s in summaries
                ],
            }, ensure_ascii=False))
        else:
            self.stdout.write(f"Datakvalitet {today.isoformat()}")
            for s in summaries:
                units = ", ".join(f"{unit} {n}" for unit, n in s.per_unit.items())
                line = f"  {s.rule.name}: {s.count} {s.rule.counts_what}"
                self.stdout.write(f"{line} ({units})" if units else line)
        if options["fail_on_issues"] and total:
            raise SystemExit(1)
