"""insats board_report --board ID --from YYYY-MM-DD --to YYYY-MM-DD --format pdf|xlsx --out FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.kpi.services import parse_date
from insats.organisation.models import Board
from insats.reports import render, services


class Command(BaseCommand):
    help = "Skapa rapport till nämnden (tertialrapport, delårsrapport, verksamhetsberättelse)."

    def add_arguments(self, parser):
        parser.add_argument("--board", type=int, required=True, help="Nämndens id.")
        parser.add_argument("--from", dest="date_from", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--format", choices=("pdf", "xlsx"), required=True)
        parser.add_argument("--type", dest="report_type", default="tertialrapport",
                            choices=tuple(services.REPORT_TYPES))
        parser.add_argument("--out", required=True, help="Fil att skriva.")

    def handle(self, *args, **options):
        board = Board.objects.filter(pk=options["board"]).first()
        if board is None:
            raise CommandError(f"Ingen nämnd med id {options['board']}.")
        try:
            report = services.build_report(
                board, parse_date(options["date_from"], "from"),
                parse_date(options["date_to"], "to"), options["report_type"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        body = render.pdf_bytes(report) if options["format"] == "pdf" else render.xlsx_bytes(report)
        out = Path(options["out"])
        try:
            out.write_bytes(body)
        except OSError as exc:
            raise CommandError(f"Kunde inte skriva {out}: {exc.strerror}") from None
        self.stdout.write(f"{report.title}: {out} ({len(body)} byte)")
