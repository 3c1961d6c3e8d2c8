from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Uppföljning: the indicator dashboard, cost per measure and data-quality checks."""

    name = "insats.insights"
    label = "insights"
    verbose_name = _("Uppföljning")
