from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "insats.core"
    label = "core"
