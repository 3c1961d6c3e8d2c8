from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("namnd/", views.board_report, name="board_report"),
]
