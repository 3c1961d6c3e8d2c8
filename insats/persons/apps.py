from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "insats.persons"
    label = "persons"
