from django.apps import AppConfig


class YouthConfig(AppConfig):
    name = "insats.youth"
    label = "youth"
