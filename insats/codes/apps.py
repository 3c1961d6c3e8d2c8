from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "insats.codes"
    label = "codes"
