"""Làng Số settings: everything from environment variables, with secure defaults.

Development defaults (DEBUG, a local SQLite file) apply only when LANGSO_ENV is not "production".
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from langso.core.database_url import parse_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("LANGSO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("LANGSO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# An expired form gets our own page (in the site's layout, in Vietnamese), not Django's English one.
CSRF_FAILURE_VIEW = "langso.core.errors.csrf_failure"

# Demo mode relaxes two-factor sign-in for the demo users only, and says so on the sign-in page.
DEMO_MODE = env_bool("LANGSO_DEMO_MODE", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Before django_tasks_db: its `db_worker` command is ours (the same worker, with a heartbeat).
    "langso.operations",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' scripts from our own static files (the CDN ones break our CSP)
    "langso.core",
    "langso.accounts",
    "langso.places",
    "langso.registry",
    "langso.skills",
    "langso.guides",
    "langso.teams",
    "langso.field",
    "langso.campaigns",
    "langso.devices",
    "langso.groups",
    "langso.outside_lists",
    "langso.national",
    "langso.site",  # the top layer: home page, main menu, demo data
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions: a request that wrote keeps its browser on the primary database for a while.
    "langso.core.replicas.ReadYourWritesMiddleware",
    "langso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "langso.core.middleware.RequestContextMiddleware",
    "langso.core.middleware.SecurityHeadersMiddleware",
    "langso.accounts.middleware.TwoFactorRequiredMiddleware",
    "langso.accounts.middleware.DeniedAccessAuditMiddleware",
    # Innermost, so the page it puts in place of a debug page still gets the security headers.
    "langso.core.middleware.DemoErrorPagesMiddleware",
]

ROOT_URLCONF = "langso.urls"
WSGI_APPLICATION = "langso.wsgi.application"
ASGI_APPLICATION = "langso.asgi.application"

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
                "langso.site.context_processors.langso",
            ],
        },
    },
]

# Storage: SQLite (WAL) for a commune laptop; PostgreSQL for a province, selected by DATABASE_URL.
# Under Patroni it lists every database machine (host1:5432,host2:5432,…?target_session_attrs=read-write)
# and libpq connects to whichever is the primary now (core/database_url.py).
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'langso.sqlite3'}")
# A kept connection is checked before a request reuses it, so the first request after a database
# restart reconnects instead of failing (tests/faults).
DATABASES = {
    "default": parse_database_url(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
# Optional: a streaming replica for heavy reads (dashboards, drill-downs, exports, reports, search), chosen
# by core/replicas.py only for reads that ask for it, and skipped when it lags. Without it nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
READ_REPLICAS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = parse_database_url(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # The test suite has one database: tests see the replica as the primary (the replica tests make a
    # real one, tests/test_read_replica.py).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICAS = ["replica"]
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("LANGSO_REPLICA_MAX_LAG_SECONDS", "10"))
REPLICA_CHECK_SECONDS = float(os.environ.get("LANGSO_REPLICA_CHECK_SECONDS", "5"))
DATABASE_ROUTERS = ["langso.core.replicas.ReplicaRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("LANGSO_TEST_SQLITE_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed sign-ins.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LANGSO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LANGSO_LOGIN_LOCKOUT_MINUTES", "15"))
OTP_TOTP_ISSUER = "Làng Số"

# Vietnamese first.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Django's vi locale parses 05/03/2025 as 3 May and has no grouping: our formats fix both.
FORMAT_MODULE_PATH = ["langso.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
# Outside production, serve static files straight from the apps (no collectstatic needed to run).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", PROJECT_DIR / "staticfiles"))
# The project-wide stylesheet lives in langso/static (not inside an app), so name it for the finders.
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("LANGSO_IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))
# Files with more rows than this are processed by the background worker, with a progress bar.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("LANGSO_IMPORT_BACKGROUND_ROWS", "2000"))
# The largest file an import accepts, and how long uploaded files are kept after their import.
IMPORT_MAX_ROWS = int(os.environ.get("LANGSO_IMPORT_MAX_ROWS", "200000"))
IMPORT_KEEP_DAYS = int(os.environ.get("LANGSO_IMPORT_KEEP_DAYS", "30"))
# Retention of personal data (docs/data-map.md); applied nightly by `apply_retention`.
RETAIN_VISIT_PHOTO_DAYS = int(os.environ.get("LANGSO_RETAIN_VISIT_PHOTO_DAYS", "365"))
RETAIN_WALK_IN_DAYS = int(os.environ.get("LANGSO_RETAIN_WALK_IN_DAYS", "365"))
RETAIN_CITIZEN_CODE_DAYS = int(os.environ.get("LANGSO_RETAIN_CITIZEN_CODE_DAYS", "30"))
RETAIN_VOICE_DAYS = int(os.environ.get("LANGSO_RETAIN_VOICE_DAYS", "90"))
RETAIN_AUDIT_YEARS = int(os.environ.get("LANGSO_RETAIN_AUDIT_YEARS", "5"))
# The national tier (docs/deploy.md, "The national layout"). A province's instance sends its daily
# counts to LANGSO_NATIONAL_URL, signed with its secret; the national instance receives them.
NATIONAL_URL = os.environ.get("LANGSO_NATIONAL_URL", "")
NATIONAL_PROVINCE = int(os.environ.get("LANGSO_NATIONAL_PROVINCE", "0") or 0)
NATIONAL_SECRET = os.environ.get("LANGSO_NATIONAL_SECRET", "")
# The province's Ed25519 private key (PEM, made by `national_keygen`): when set, packages are signed
# with it rather than with the shared secret.
NATIONAL_PRIVATE_KEY_FILE = os.environ.get("LANGSO_NATIONAL_PRIVATE_KEY_FILE", "")
NATIONAL_TIMEOUT = int(os.environ.get("LANGSO_NATIONAL_TIMEOUT", "60"))
NATIONAL_INSTANCE = env_bool("LANGSO_NATIONAL_INSTANCE", False)

# Background work: a database-backed queue (no broker needed on a commune laptop).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("LANGSO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The worker records that it is alive this often (operations/heartbeat.py, shown on the operations page).
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("LANGSO_WORKER_HEARTBEAT_SECONDS", "30"))

# The cache holds sign-in and code-guessing counters and rendered dashboards. Every app process must
# see the same counters, so production shares one cache: the database by default (no extra service;
# `createcachetable` makes its table), or Redis. Development and tests use per-process memory.
CACHE_URL = os.environ.get("LANGSO_CACHE_URL", "db" if PRODUCTION else "locmem")


def cache_from_url(url: str) -> dict[str, object]:
    if url in {"db", "database"}:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "langso_cache"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "langso"}
    raise ImproperlyConfigured(f"LANGSO_CACHE_URL must be db, redis://host:port/n or locmem, not {url!r}.")


CACHES = {"default": cache_from_url(CACHE_URL)}

# Sign-in attempts from one network address, whatever the account (password spraying).
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LANGSO_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))

# Security.
SESSION_COOKIE_AGE = int(os.environ.get("LANGSO_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LANGSO_LOG_LEVEL", "WARNING")},
}

REGISTRY_PAGE_SIZE = 25
