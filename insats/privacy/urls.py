from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("registerutdrag/", views.extract_view, name="extract"),
    path("skyddad-identitet/", views.grants_view, name="grants"),
]
