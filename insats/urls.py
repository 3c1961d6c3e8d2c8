from django.conf.urls.i18n import i18n_patterns  # noqa: F401
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from insats.api_urls import urlpatterns as api_urlpatterns

urlpatterns = [
    path("", include("insats.core.urls")),
    path("konto/", include("insats.accounts.urls")),
    path("konto/", include("insats.accounts.sso_urls")),
    path("personer/", include("insats.persons.urls")),
    path("remisser/", include("insats.referrals.urls")),
    path("inskrivningar/", include("insats.enrolments.urls")),
    path("kartlaggning/", include("insats.assessments.urls")),
    path("planer/", include("insats.plans.urls")),
    path("insatser/", include("insats.measures.urls")),
    path("feriejobb/", include("insats.youth.urls")),
    path("", include("insats.surveys.urls")),
    path("logg/", include("insats.audit.urls")),
    path("integritet/", include("insats.privacy.urls")),
    path("mal/", include("insats.goals.urls")),
    path("rapporter/", include("insats.reports.urls")),
    path("statistik/", include("insats.insights.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_urlpatterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves its start-up script as a file, so the strict CSP holds.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="core/api_docs.html"
        ),
        name="api-docs",
    ),
]
