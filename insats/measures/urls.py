from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("placering/ny/<int:enrolment_pk>/", views.placement_create, name="placement_create"),
    path("placering/<int:pk>/avsluta/", views.placement_end, name="placement_end"),
    path("placering/<int:pk>/narvaro/", views.placement_attendance, name="placement_attendance"),
    path("narvaro/<int:pk>/ta-bort/", views.attendance_delete, name="attendance_delete"),
    path("narvaro/", views.attendance_grid, name="attendance_grid"),
]
