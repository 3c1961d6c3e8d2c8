"""`insats export_data DIR`: write the whole database in the interchange format."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insats.audit import services as audit
from insats.interchange.services import export_folder
from insats.interchange.services import validation as v


class Command(BaseCommand):
    help = "Exporterar hela databasen i Insats utbytesformat till en mapp."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="mappen att skriva till (skapas vid behov)")

    def handle(self, *args, folder: Path, **options) -> None:
        if folder.exists() and not folder.is_dir():
            raise CommandError(_("{folder} finns redan och är inte en mapp.").format(folder=folder))
        counts = export_folder(folder)
        # Every person in the database left the system: one access-log entry says who, how
        # many and where to.
        audit.log_system(
            audit.system_actor("export_data"), audit.Action.EXPORT, object_type="interchange",
            reason=f"Export av hela databasen till {folder}: {counts[v.PERSONS.name]} personer",
        )
        for name, count in counts.items():
            self.stdout.write(_("{file}: {n} rader").format(file=name, n=count))
