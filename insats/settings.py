"""Django settings for Insats.

Everything that differs between a laptop and production comes from environment variables with
safe defaults: the embedded SQLite database unless DATABASE_URL names another.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("INSATS_DEBUG", False)
SECRET_KEY = os.environ.get("INSATS_SECRET_KEY") or (
    # A development key is only acceptable while DEBUG is on or under tests; production
    # deployments must set INSATS_SECRET_KEY (checked by `insats check --deploy`).
    "insecure-development-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"
)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("INSATS_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("INSATS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "insats.core",
    "insats.accounts",
    "insats.organisation",
    "insats.codes",
    "insats.persons",
    "insats.referrals",
    "insats.enrolments",
    "insats.assessments",
    "insats.plans",
    "insats.measures",
    "insats.youth",
    "insats.interchange",
    "insats.demo",
    "insats.kpi",
    "insats.surveys",
    "insats.audit",
    "insats.privacy",
    "insats.insights",
    "insats.goals",
    "insats.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "insats.core.middleware.SwedishFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "insats.audit.middleware.AccessLogMiddleware",
    # Innermost, so the view's writes and the submit token commit in one transaction.
    "insats.core.submit_once.SubmitOnceMiddleware",
]

ROOT_URLCONF = "insats.urls"
WSGI_APPLICATION = "insats.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "insats.core.context_processors.navigation",
            ],
            # Our {% csrf_token %} also adds the one-time submit token (core/submit_once.py).
            "builtins": ["insats.core.templatetags.submit_once"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'insats.sqlite3'}"),
        conn_max_age=int(os.environ.get("INSATS_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; a busy timeout avoids spurious
    # "database is locked" errors under concurrent requests.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if os.environ.get("INSATS_ENV") == "test":
    # Tests create many users; the production hasher is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "insats" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("INSATS_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("INSATS_MEDIA_ROOT", BASE_DIR / "media"))
# Referral attachments are sensitive: not world-readable on the server (docs/operations.md).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_AGE = int(os.environ.get("INSATS_SESSION_SECONDS", str(8 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "INSATS_SECURE_COOKIES", not DEBUG and os.environ.get("INSATS_ENV") != "test"
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "insats.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Insats API",
    "DESCRIPTION": "Persons, enrolments, placements, attendance and closures. "
    "Same need-to-know rules as the web pages; authenticate with `Authorization: Token <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the pip-vendored sidecar package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("INSATS_LOG_LEVEL", "WARNING")},
}

# Domain settings.
INSATS_DEFAULT_MUNICIPALITY_CODE = os.environ.get("INSATS_MUNICIPALITY_CODE", "0000")
INSATS_DEFAULT_MUNICIPALITY_NAME = os.environ.get("INSATS_MUNICIPALITY_NAME", "Demokommunen")
# Published tables hide cells (and shares/medians computed from counts) under this many persons.
INSATS_SUPPRESSION_THRESHOLD = int(os.environ.get("INSATS_SUPPRESSION_THRESHOLD", "5"))

# --- Security: sign-in, two-factor, single sign-on, hardening (docs/security.md) -------------
from insats.accounts.sso_config import oidc_settings, saml_settings, sso_settings  # noqa: E402

_TESTING = os.environ.get("INSATS_ENV") == "test"
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp"]
_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE.insert(_auth + 1, "django_otp.middleware.OTPMiddleware")
_messages = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")
MIDDLEWARE[_messages + 1 : _messages + 1] = [
    "insats.core.security.middleware.IdleSessionMiddleware",
    "insats.core.security.middleware.AdminTwoFactorMiddleware",
]
MIDDLEWARE.insert(1, "insats.core.security.middleware.ContentSecurityPolicyMiddleware")
AUTHENTICATION_BACKENDS = ["insats.accounts.backends.LockoutModelBackend"]

INSATS_SESSION_IDLE_MINUTES = int(os.environ.get("INSATS_SESSION_IDLE_MINUTES", "30"))
INSATS_LOCKOUT_FAILURES = int(os.environ.get("INSATS_LOCKOUT_FAILURES", "5"))
INSATS_LOCKOUT_MINUTES = int(os.environ.get("INSATS_LOCKOUT_MINUTES", "15"))
INSATS_LOCKOUT_USER_FAILURES = int(os.environ.get("INSATS_LOCKOUT_USER_FAILURES", "30"))
INSATS_LOCKOUT_IP_FAILURES = int(os.environ.get("INSATS_LOCKOUT_IP_FAILURES", "50"))
# Administrators must sign in with two factors; off by default only in the test settings so
# that other apps' tests can sign an administrator in directly (accounts tests turn it on).
INSATS_REQUIRE_ADMIN_2FA = env_bool("INSATS_REQUIRE_ADMIN_2FA", not _TESTING)
INSATS_TRUST_X_FORWARDED_FOR = env_bool("INSATS_TRUST_X_FORWARDED_FOR", False)
INSATS_UPLOAD_MAX_BYTES = int(os.environ.get("INSATS_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))

_production = not DEBUG and not _TESTING
SECURE_HSTS_SECONDS = int(os.environ.get("INSATS_HSTS_SECONDS", "31536000" if _production else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("INSATS_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("INSATS_HSTS_PRELOAD", True)
SECURE_SSL_REDIRECT = env_bool("INSATS_SSL_REDIRECT", _production)
# Load balancers check health over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
if env_bool("INSATS_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

for _name, _value in {
    **sso_settings(os.environ),
    **oidc_settings(os.environ),
    **saml_settings(os.environ),
}.items():
    globals()[_name] = _value
if INSATS_OIDC_ENABLED:  # noqa: F821 - set just above
    INSTALLED_APPS += ["mozilla_django_oidc"]
    AUTHENTICATION_BACKENDS += ["insats.accounts.backends.InsatsOIDCBackend"]
if INSATS_SAML_ENABLED:  # noqa: F821 - set just above
    INSTALLED_APPS += ["djangosaml2"]
    MIDDLEWARE += ["djangosaml2.middleware.SamlSessionMiddleware"]
    AUTHENTICATION_BACKENDS += ["insats.accounts.backends.InsatsSaml2Backend"]
# The API description is for signed-in developers and integrations only.
SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] = ["rest_framework.permissions.IsAuthenticated"]
REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = (
    "insats.core.security.pagination.SafeLimitOffsetPagination"
)
