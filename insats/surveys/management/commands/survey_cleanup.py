"""`insats survey_cleanup`: expired survey invitations forget their enrolment and employer."""

from django.core.management.base import BaseCommand

from insats.surveys.services import clear_expired_invitations


class Command(BaseCommand):
    help = "Gallrar utgångna enkätinbjudningar (kopplingen till inskrivning och arbetsgivare)."

    def handle(self, *args, **options):
        cleared = clear_expired_invitations()
        self.stdout.write(f"{cleared} utgångna inbjudningar gallrade.")
