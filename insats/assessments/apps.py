from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "insats.assessments"
    label = "assessments"
