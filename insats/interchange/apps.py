from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "insats.interchange"
    label = "interchange"
