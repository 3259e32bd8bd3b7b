"""One settings module, driven by environment variables (see .env.example).

Development defaults need no variables at all; production sets DEBUG=0 and the rest, and
`manage.py check --deploy` must then pass with no warnings.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KHCN_VAR_DIR", BASE_DIR / "var"))
# The embedded database and uploaded files live here; create it so a fresh clone just works.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
TESTING = env_bool("KHCN_TESTING", False)

# A fixed key is only acceptable for a development machine; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key-do-not-use-in-production" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG=0")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "khcn.core.apps.UnfoldConfig",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "khcn.core",
    "khcn.accounts",
    "khcn.directory",
    "khcn.councils",
    "khcn.research",
    "khcn.registries.radiation",
    "khcn.registries.metrology",
    "khcn.registries.quality",
    "khcn.registries.technology",
    "khcn.registries.ip",
    "khcn.registries.initiatives",
    "khcn.registries.innovation",
    "khcn.registries.inspections",
    "khcn.registries.legaldocs",
    "khcn.registries.news",
    "khcn.reports",
    "khcn.public",
    "khcn.api",
    "khcn.portal",
    "khcn.audit",
]

MIDDLEWARE = [
    # First, so its request id and duration cover everything below it.
    "khcn.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp; see the CSP block below).
    "khcn.accounts.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After authentication, so a refusal (403) is logged with who was refused.
    "khcn.audit.middleware.DeniedAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, so an ended session can say why; staff idle/absolute limits, no-store.
    "khcn.accounts.middleware.StaffSessionMiddleware",
    "khcn.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "khcn.urls"
WSGI_APPLICATION = "khcn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khcn.portal.context_processors.site",
                "khcn.accounts.context_processors.csp_nonce",
            ],
        },
    },
]

# SQLite (WAL) under var/ by default; PostgreSQL in production through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'khcn.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while the job worker writes; IMMEDIATE avoids the
        # "database is locked" upgrade failure of deferred transactions under load.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Password policy (security.md §1.2, §7) -------------------------------------------------
# The Vietnamese rules (TCVN 14423, QĐ 742) and OWASP ASVS disagree on rotation; each rule is a
# setting. Length: 12 with a second factor, 14 without (TCVN: >=8 with MFA, >=14 without; ASVS
# 6.2.1 asks for 8). No composition rules (ASVS 6.2.5); common passwords refused.
PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))
PASSWORD_MIN_LENGTH_WITHOUT_MFA = int(os.environ.get("PASSWORD_MIN_LENGTH_WITHOUT_MFA", "14"))
# No reuse of the last N passwords (TCVN level 3: 10); 0 turns the check off.
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", "10"))
# Maximum age in days, forcing a change at the next login; 0 = no maximum. TCVN asks admins to
# change every two months, ASVS 6.2.10 forbids forced rotation: on for superusers, off for staff.
PASSWORD_MAX_AGE_DAYS_SUPERUSER = int(os.environ.get("PASSWORD_MAX_AGE_DAYS_SUPERUSER", "60"))
PASSWORD_MAX_AGE_DAYS_STAFF = int(os.environ.get("PASSWORD_MAX_AGE_DAYS_STAFF", "0"))
# `manage.py deactivate_idle_accounts` (daily) disables accounts unused this long (TCVN: 45).
ACCOUNT_IDLE_DAYS = int(os.environ.get("ACCOUNT_IDLE_DAYS", "45"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "khcn.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH, "min_length_without_mfa": PASSWORD_MIN_LENGTH_WITHOUT_MFA},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "khcn.accounts.validators.PasswordHistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Login lockout (django-axes): five failures lock the username+address pair for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Two-factor (TOTP) for staff: required in production, optional on a development machine so the
# demo logins work without an authenticator app.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = "KHCN"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["khcn.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served by URL: they live outside the web root and go out only
# through views that check the user may see the record (core.views.attachment_download).
MEDIA_URL = "/_no_public_media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(25 * 1024 * 1024)))
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Files in one request: a report carries at most 10 (research.forms_host.MAX_FILES); Django allows 100.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Email: console on a development machine, SMTP from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "khcn@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: django-tasks with the database backend (worker: manage.py db_worker).
# Tests run jobs immediately so that a test sees their effect.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    # drf-spectacular's AutoSchema, also documenting the 4xx answers each view gives (khcn/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "khcn.api.schema.AutoSchema",
    # Input errors as {field: [messages]} everywhere, nested rows included (khcn/api/exceptions.py).
    "EXCEPTION_HANDLER": "khcn.api.exceptions.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Scripts of staff and host organisations: a token per user (admin: Tokens), sent as
        # "Authorization: Token <key>".
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # The public API is open to anyone: rate limits keep one client from starving the others.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_RATE", "120/minute"),
        "user": os.environ.get("API_USER_RATE", "1200/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KHCN API",
    "DESCRIPTION": "API của hệ thống quản lý khoa học và công nghệ cấp tỉnh",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Stable names for the choice sets several API serializers share (else hashed names such as KindD0dEnum).
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "khcn.research.models.Task.Status",
        "TrancheKindEnum": "khcn.research.models.Tranche.Kind",
        "AdjustmentKindEnum": "khcn.research.models.Adjustment.Kind",
        "MoneySourceEnum": "khcn.research.models.Source",
        "GradeEnum": "khcn.research.models.Grade",
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# --- Staff sessions (security.md G12; khcn.accounts.middleware.StaffSessionMiddleware) --------
# Department staff and admins are logged out after this long without a request, and this long
# after logging in whatever they do; other users keep SESSION_COOKIE_AGE. A password change ends
# every other session of that user (Django's session auth hash).
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(15 * 60)))
STAFF_SESSION_MAX_SECONDS = int(os.environ.get("STAFF_SESSION_MAX_SECONDS", str(10 * 3600)))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Content-Security-Policy (django-csp 4; security.md G13, ASVS 3.4.3, 3.4.6) ---------------
# Everything is served from this site (nothing from a CDN). Scripts: files from 'self' and inline
# scripts carrying the request's nonce, never 'unsafe-inline'. Pages that load unfold's Alpine.js
# also get 'unsafe-eval' (see accounts/middleware.py: Alpine's standard build needs it).
# Styles allow 'unsafe-inline': unfold's templates put style="" attributes and <style> blocks on
# its pages and Alpine sets style attributes, which a nonce cannot cover; a nonce in style-src
# would switch 'unsafe-inline' off. The radiation map is server-drawn SVG with no tile server,
# so img-src needs only 'self' and data: (icons inlined in unfold's CSS).
# CSP_REPORT_ONLY=1 sends the same policy as report-only (for trying a change on a live site).
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"report-uri": os.environ["CSP_REPORT_URI"]} if os.environ.get("CSP_REPORT_URI") else {}),
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# `make run` serves the demo over plain HTTP on 127.0.0.1 with DEBUG=0; only there may cookies
# travel without HTTPS. A real deployment never sets this variable (see docs/deploy.md).
LOCAL_DEMO = env_bool("KHCN_INSECURE_COOKIES_FOR_LOCAL_DEMO", False)
if not DEBUG and not LOCAL_DEMO:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# KHCN_LOG_FORMAT=json in production: one JSON object per line (UTC, request id, user id) for the
# log shipper; the plain default is for people reading a terminal.
LOG_FORMAT = os.environ.get("KHCN_LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "khcn.core.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "khcn.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The security audit log (khcn.audit) keeps rows this many days; below 365 is refused (G10).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "400"))

UNFOLD = {
    "SITE_TITLE": _("KHCN – Sở Khoa học và Công nghệ"),
    "SITE_HEADER": _("Sở KH&CN"),
    "SITE_SUBHEADER": _("Hệ thống quản lý khoa học và công nghệ"),
    "SITE_URL": "/",
    "SHOW_HISTORY": True,
    "SHOW_LANGUAGES": True,
    "SHOW_VIEW_ON_SITE": False,
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": "khcn.core.navigation.sidebar",
    },
}

# The department's name as it heads the documents it files (statistics forms, reports).
DEPARTMENT_NAME = os.environ.get("KHCN_DEPARTMENT_NAME", "Sở Khoa học và Công nghệ tỉnh Hưng Yên")

# The public task list's facet block is cached (default cache) per filters and language, and keyed
# by a one-query stamp of the data it shows, so any change shows on the next request; this TTL is
# only a backstop for changes the stamp cannot see (e.g. a renamed administrative unit). 0: no cache.
# CACHES is Django's default (LocMemCache, one per process); a shared cache (the database cache or
# Redis) can be configured instead.
FACET_CACHE_SECONDS = int(os.environ.get("KHCN_FACET_CACHE_SECONDS", "300"))
