from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "insats.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib import admin

        from insats.core.security import checks  # noqa: F401  (registers deploy checks)

        from . import signals  # noqa: F401  (connects the sign-in log)
        from .views import admin_login_redirect

        # The admin site signs in through the one sign-in page, with its lock-out and second
        # factor, never through a login form of its own.
        admin.site.login = admin_login_redirect
