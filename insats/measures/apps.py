from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "insats.measures"
    label = "measures"
