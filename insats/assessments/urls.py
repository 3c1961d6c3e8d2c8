from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("ny/<int:enrolment_pk>/", views.perform, name="perform"),
    path("<int:pk>/", views.detail, name="detail"),
]
