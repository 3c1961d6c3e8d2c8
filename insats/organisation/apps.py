from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "insats.organisation"
    label = "organisation"
