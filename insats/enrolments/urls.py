from django.urls import path

from . import views

app_name = "enrolments"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/andra/", views.edit, name="edit"),
    path("<int:pk>/anteckning/", views.add_note, name="add_note"),
    path("<int:pk>/trepartssamtal/", views.add_meeting, name="add_meeting"),
    path("<int:pk>/avsluta/", views.close, name="close"),
    path("<int:pk>/ateroppna/", views.reopen, name="reopen"),
    path("<int:pk>/efteruppfoljning/", views.followup, name="followup"),
]
