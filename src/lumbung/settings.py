"""Django settings, all taken from the environment through :mod:`lumbung.conf`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from lumbung import conf
from lumbung.security.mail import email_settings

BASE_DIR = Path(__file__).resolve().parent
DEBUG = conf.debug()

# LUMBUNG_SECRET_KEY, else the key file that `lumbung init` writes (mode 0600) into the data folder.
SECRET_KEY = conf.secret_key() or ""
if not SECRET_KEY and DEBUG:
    # Development before `lumbung init` only: a key derived from the data folder, stable across
    # restarts; it protects sessions, not NIKs (those have their own key, registry.nik).
    # Production refuses to start without a key (system check lumbung.E001).
    SECRET_KEY = "dev-insecure-" + hashlib.sha256(str(conf.home()).encode()).hexdigest()

ALLOWED_HOSTS = [h.strip() for h in (conf.get("LUMBUNG_ALLOWED_HOSTS") or "").split(",") if h.strip()]
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "lumbung.registry",
    "lumbung.portal",
    "lumbung.programs",
    "lumbung.linkages",
    "django_tables2",
    "django_tasks",
    "lumbung.jobs",
    "lumbung.owners",
    "lumbung.analysts",
]
# Background jobs (lumbung.jobs): django-tasks with the database backend of lumbung.jobs.backend,
# run by `lumbung worker`; the tasks wait in the registry's own database (no extra service).
TASKS = {"default": {"BACKEND": "lumbung.jobs.backend.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lumbung.security.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An anonymous visitor's cached public page, answered before sessions, auth and URL resolving.
    "lumbung.portal.pagecache.AnonymousPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lumbung.security.logins.LoginThrottleMiddleware",
    "lumbung.security.mail.PasswordResetGateMiddleware",
    "lumbung.registry.audit.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lumbung.urls"
WSGI_APPLICATION = "lumbung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lumbung.security.mail.account_features",
                "lumbung.portal.freshness.analytics_notice",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"].endswith("sqlite3"):
        # WAL lets the web app read while an import writes (registry.checks warns when it is off).
        config["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                             "transaction_mode": "IMMEDIATE", "timeout": 30}
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": _database(conf.database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = conf.home() / "static"  # `lumbung serve` collects here when DEBUG is off
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder on every start
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Owners log in with their e-mail address or phone number (lumbung.owners.backends).
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "lumbung.owners.backends.ContactBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Every password set through Django (createuser, the admin, account forms) passes these. The
# minimum of 8 characters is NIST SP 800-63B section 5.1.1.2 (memorised secrets chosen by the user);
# the common-password list is Django's (20,000 most common passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login counts (lumbung.security.logins) and anything else cached: a file cache, shared by
# the server's threads and processes on one machine.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": str(conf.home() / "cache")},
          # Public page bodies and API answers keyed by the analytics build version (lumbung.portal.pagecache).
          "portal": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lumbung-portal",
                     "OPTIONS": {"MAX_ENTRIES": 1000}},
          # The API's anonymous request counts (lumbung.api.throttling): in memory, per process.
          "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lumbung-throttle",
                       "OPTIONS": {"MAX_ENTRIES": 10000}}}

# Outgoing mail (password reset) from LUMBUNG_EMAIL_URL; without it the reset pages are hidden.
globals().update(email_settings(conf.get("LUMBUNG_EMAIL_URL")))
DEFAULT_FROM_EMAIL = SERVER_EMAIL = conf.get("LUMBUNG_EMAIL_FROM")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = conf.flag("LUMBUNG_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # No SECURE_PROXY_SSL_HEADER: a client could send X-Forwarded-Proto itself. Waitress believes
    # the header only from LUMBUNG_TRUSTED_PROXY and then sets the request's scheme (portal.server).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- API (helper `api`; lumbung.api, docs/api.md) -------------------------------------------
# Django REST Framework + drf-spectacular. The docs page loads Swagger UI from drf-spectacular-
# sidecar's files, offered by lumbung.api.staticfiles (only the files it needs; no CDN).
# Anonymous callers are throttled; errors are one sentence in JSON.
INSTALLED_APPS += ["django_filters", "drf_spectacular", "lumbung.api"]  # DRF itself needs no app entry
STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder",
                       "django.contrib.staticfiles.finders.AppDirectoriesFinder",
                       "lumbung.api.staticfiles.SwaggerUIFinder"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["lumbung.api.tokens.TokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "lumbung.api.renderers.CSVRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "lumbung.api.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["lumbung.api.throttling.AnonymousThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": conf.get("LUMBUNG_API_ANON_RATE"), "token": "10/min"},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "lumbung.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lumbung API",
    "DESCRIPTION": "Indicators of Indonesia's small and medium industries (IKM), reference data and the registry.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# --- end API --------------------------------------------------------------------------------
