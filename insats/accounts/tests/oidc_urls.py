"""URLs for the OpenID Connect tests: the project's, plus the OIDC routes as when configured."""

from django.urls import include, path

urlpatterns = [
    path("konto/oidc/", include("mozilla_django_oidc.urls")),
    path("", include("insats.urls")),
]
