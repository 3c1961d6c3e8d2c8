"""Deployment checks of our own, run by `insats check --deploy`."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def insats_deploy_checks(app_configs=None, **kwargs):
    problems = []
    if not settings.DEBUG and not os.environ.get("INSATS_SECRET_KEY"):
        problems.append(
            Error(
                "INSATS_SECRET_KEY är inte satt: produktionen körs med utvecklingsnyckeln.",
                hint="Sätt INSATS_SECRET_KEY till minst 50 slumpmässiga tecken.",
                id="insats.E001",
            )
        )
    if getattr(settings, "INSATS_SESSION_IDLE_MINUTES", 30) > 60:
        problems.append(
            Warning(
                "INSATS_SESSION_IDLE_MINUTES är över 60 minuter.",
                hint="Personuppgifter ska inte ligga öppna på en lämnad skärm; använd högst 60.",
                id="insats.W001",
            )
        )
    if not getattr(settings, "INSATS_REQUIRE_ADMIN_2FA", True):
        problems.append(
            Warning(
                "Tvåfaktorsinloggning för administratörer är avstängd (INSATS_REQUIRE_ADMIN_2FA).",
                id="insats.W002",
            )
        )
    return problems
