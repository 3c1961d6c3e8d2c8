from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "insats.demo"
    label = "demo"
