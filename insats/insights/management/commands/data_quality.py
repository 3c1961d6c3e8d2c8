"""`insats data_quality [--record] [--base-url URL] [--json] [--fail-on-issues] [--today DATE]`:
the nightly check.

Prints every data-quality rule's count, and per unit the count and the address of the page that
lists that unit's rows to fix (counts only, never persons). With `--record` the counts are stored
as a run (`DataQualityRun`), which the data-quality page compares its live figures with; the
nightly timer runs it that way (docs/operations.md). The exit status is 0 unless
`--fail-on-issues` is given and some rule found something; then it is 1, so a scheduler can raise
an alarm.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insats.insights import quality
from insats.kpi.services import parse_date


def _base_url(value: str | None) -> str:
    """The site's address without a trailing slash ('' for paths only)."""
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise CommandError(
            f"--base-url: {value!r} är ingen webbadress. Ange t.ex. https://insats.kommun.se."
        )
    return value.rstrip("/")


class Command(BaseCommand):
    help = (
        "Kontrollerar datakvaliteten: antal per kontroll och enhet med adressen till listan att "
        "rätta. Med --record sparas körningen och visas på sidan Datakvalitet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--record",
            action="store_true",
            help="Spara körningen (antal per kontroll och enhet) så att sidan Datakvalitet kan "
                 "visa förändringen sedan dess.",
        )
        parser.add_argument(
            "--base-url",
            help="Webbplatsens adress, t.ex. https://insats.kommun.se, framför länkarna "
                 "(utan den skrivs bara sökvägen).",
        )
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
        base = _base_url(options["base_url"])
        if options["record"]:
            run, summaries = quality.record_run(today)
        else:
            run, summaries = None, quality.summary(quality.counted_enrolments(None), today)
        total = sum(s.count for s in summaries)
        if options["json"]:
            self.stdout.write(json.dumps({
                "date": today.isoformat(),
                "total": total,
                "run": run.pk if run else None,
                "rules": [
                    {"code": s.rule.code, "name": str(s.rule.name), "count": s.count,
                     "url": base + quality.rule_url(s.rule.code),
                     "per_unit": s.per_unit,
                     "units": [
                         {"unit": unit, "count": n,
                          "url": base + quality.rule_url(s.rule.code, unit)}
                         for unit, n in s.per_unit.items()
                     ]}
                    for s in summaries
                ],
            }, ensure_ascii=False))
        else:
            self.stdout.write(f"Datakvalitet {today.isoformat()}")
            for s in summaries:
                self.stdout.write(f"  {s.rule.name}: {s.count} {s.rule.counts_what}")
                for unit, n in s.per_unit.items():
                    url = base + quality.rule_url(s.rule.code, unit)
                    self.stdout.write(f"    {unit}: {n}  {url}")
            if run is not None:
                self.stdout.write(f"Körningen är sparad (nr {run.pk}).")
        if options["fail_on_issues"] and total:
            raise SystemExit(1)
