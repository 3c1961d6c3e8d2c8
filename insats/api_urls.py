"""The REST API's routes: each app registers its viewsets in its own api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("insats.persons.api.urls")),
    path("", include("insats.enrolments.api.urls")),
    path("", include("insats.referrals.api.urls")),
    path("", include("insats.measures.api.urls")),
]
