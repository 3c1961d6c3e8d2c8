from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "insats.referrals"
    label = "referrals"

    def ready(self) -> None:
        # Start-page panels register themselves on import.
        from . import dashboard  # noqa: F401
