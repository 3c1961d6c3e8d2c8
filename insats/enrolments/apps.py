from django.apps import AppConfig


class EnrolmentsConfig(AppConfig):
    name = "insats.enrolments"
    label = "enrolments"

    def ready(self) -> None:
        # Start-page panels register themselves on import.
        from . import dashboard  # noqa: F401
