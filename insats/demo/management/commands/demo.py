"""`insats demo [--persons N] [--seed S] [--if-empty | --reset]`: fill the database with
Demokommunen, a realistic demo municipality, and print its demo accounts."""

from __future__ import annotations

import argparse
import datetime as dt
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from insats.demo import data, services

# `./dev demo` serves on $PORT (8000 by default); the printed address follows it.
URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' är inget giltigt datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2026-11-22."
        ) from None


class Command(BaseCommand):
    help = (
        "Skapar demokommunen (organisation, personal, insatser, deltagare med inskrivningar "
        "2019–idag och feriepraktik) i en tom databas och skriver ut demokontona."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons",
            type=int,
            default=services.DEFAULT_PERSONS,
            help="Antal personer (standard %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=services.DEFAULT_SEED,
            help="Slumpfrö; samma frö ger samma demokommun (standard %(default)s).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Dagens datum för demodata, ÅÅÅÅ-MM-DD (standard: i dag). Samma frö och datum "
            "ger exakt samma data.",
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--if-empty",
            action="store_true",
            help="Gör ingenting (men skriv ut demokontona) om databasen redan har inskrivningar.",
        )
        mode.add_argument(
            "--reset",
            action="store_true",
            help="Ta först bort all ärendedata (personer, remisser, inskrivningar, feriepraktik).",
        )

    def handle(self, *args, **opts):
        if services.has_case_data():
            if opts["if_empty"]:
                self.stdout.write("Databasen innehåller redan ärendedata – inga demodata skapades.")
                self._print_accounts(services.demo_accounts())
                return
            if not opts["reset"]:
                raise CommandError(
                    "Databasen innehåller redan ärendedata (personer, remisser, inskrivningar "
                    "eller feriejobbsansökningar); demokommunen skapas bara i en tom databas. "
                    "Använd --reset för att ta bort ärendedata först, eller --if-empty för att "
                    "låta databasen vara."
                )
            self.stdout.write("Tar bort befintlig ärendedata …")
            self._call(services.reset_case_data)
        self.stdout.write(
            f"Skapar demokommunen med {opts['persons']} personer (frö {opts['seed']}) …"
        )
        result = self._call(
            services.create_demo, persons=opts["persons"], seed=opts["seed"], today=opts["today"]
        )
        self._print_counts(result.counts)
        self._print_accounts(result.accounts)
        self.stdout.write(f"\nKlart på {result.seconds:.1f} s. Logga in på {URL}")

    @staticmethod
    def _call(function, **kwargs):
        try:
            return function(**kwargs)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _print_counts(self, counts: list[tuple[str, int]]) -> None:
        self.stdout.write("\nAntal rader per tabell:")
        width = max(len(label) for label, _ in counts)
        for label, count in counts:
            self.stdout.write(f"  {label:<{width}}  {count:>8}")

    def _print_accounts(self, accounts: list[services.DemoAccount]) -> None:
        if not accounts:
            self.stdout.write("Inga demokonton finns i databasen.")
            return
        rows = [("Användarnamn", "Roll", "Enhet")] + [
            (a.username, a.role, a.unit) for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write("\nDemokonton:")
        for number, row in enumerate(rows):
            self.stdout.write(
                "  " + "  ".join(f"{cell:<{widths[i]}}" for i, cell in enumerate(row))
            )
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
        self.stdout.write(f"Lösenord för alla demokonton: {data.DEMO_PASSWORD}")
        kept = [a.username for a in accounts if not a.demo_password]
        if kept:
            self.stdout.write(
                "Obs! Dessa konton fanns redan och behöll sitt lösenord: " + ", ".join(kept)
            )
        self.stdout.write(
            "Fler konton (konsulenter per enhet, samordnare, enhetschefer och remittenter) har "
            "samma lösenord; se administrationen."
        )
        self.stdout.write(f"Adress: {URL}")
