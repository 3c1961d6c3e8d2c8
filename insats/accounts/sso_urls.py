"""Single sign-on routes, present only when configured (see accounts/sso_config.py).

Included at the root without a namespace because mozilla-django-oidc and djangosaml2 reverse
their own unnamespaced URL names.
"""

from django.conf import settings
from django.urls import include, path

urlpatterns = []
if getattr(settings, "INSATS_OIDC_ENABLED", False):
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
if getattr(settings, "INSATS_SAML_ENABLED", False):
    urlpatterns.append(path("saml2/", include("djangosaml2.urls")))
