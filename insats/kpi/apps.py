from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "insats.kpi"
    label = "kpi"

    def ready(self) -> None:
        from insats.core.dashboard import register

        from .dashboard import key_figures_panel

        register(key_figures_panel)
