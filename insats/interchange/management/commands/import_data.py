"""`insats import_data DIR [--dry-run]`: import an interchange folder, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insats.audit import services as audit
from insats.interchange.services import import_folder
from insats.interchange.services import validation as v


class Command(BaseCommand):
    help = "Importerar en mapp i Insats utbytesformat (allt eller inget)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="mappen med persons.csv, enrolments.csv …")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="kontrollera och visa vad som skulle ändras, utan att spara något",
        )

    def handle(self, *args, folder: Path, dry_run: bool, **options) -> None:
        if not folder.is_dir():
            raise CommandError(_("Mappen {folder} finns inte.").format(folder=folder))
        result = import_folder(folder, dry_run=dry_run)
        if not result.ok:
            # CommandError prints to standard error and exits with a non-zero status.
            header = _("Importen avbröts: {n} fel hittades. Inget har sparats.").format(
                n=len(result.problems)
            )
            raise CommandError("\n".join([header, *map(str, result.problems)]))
        for line in result.summary():
            self.stdout.write(line)
        if not dry_run:
            persons = result.changes.get(v.PERSONS.name)
            created, updated = (persons.created, persons.updated) if persons else (0, 0)
            audit.log_system(
                audit.system_actor("import_data"), audit.Action.IMPORT,
                object_type="interchange",
                reason=f"Import från {folder}: {created} personer nya, {updated} ändrade",
            )
            self.stdout.write(self.style.SUCCESS(_("Importen är klar.")))
