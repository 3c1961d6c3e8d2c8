from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "insats.plans"
    label = "plans"

    def ready(self) -> None:
        from insats.core.dashboard import register

        from .dashboard import plans_due_panel

        register(plans_due_panel)
