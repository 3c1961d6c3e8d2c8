from django.urls import path

from . import views

app_name = "goals"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("indikatorar/", views.edit_year, name="edit_year"),
]
