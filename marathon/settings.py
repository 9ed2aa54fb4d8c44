"""Settings for the Project Marathon portal, read from the environment.

Every variable is listed in `.env.example`. Development defaults are safe: DEBUG is off unless
asked for, and then an SQLite file under `var/` and eager Celery tasks are used.
"""

import logging
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
logger = logging.getLogger("marathon.settings")


def env(name: str, default: str = "") -> str:
    """An environment variable; empty counts as unset (as in an .env file's `NAME=`)."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}.") from exc


def env_float(name: str, default: float) -> float:
    value = env(name)
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}.") from exc


def parse_database_url(url: str) -> dict:
    """Parse DATABASE_URL, failing with a message that says what is wrong."""
    try:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several types for bad input
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL ({exc}). "
            "Expected e.g. postgres://user:password@host:5432/name or sqlite:///path/to/db.sqlite3"
        ) from exc
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses an unsupported database ({engine or 'unknown scheme'}); "
            "use postgres:// or sqlite://."
        )
    if engine == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database: add /name after the host.")
    return config


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    # Before the admin, so translated reference data gets per-language tabs there.
    "modeltranslation",
    "marathon",
    "projects",
    "teams",
    "evaluation",
    "mobility",
    "projects.outcomes",
    "industry",
    "reports",
    "workspace",
    "certificates",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_countries",
    "csp",
]

MIDDLEWARE = [
    "marathon.middleware.ApiJsonErrorsMiddleware",
    "marathon.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "marathon.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "marathon.middleware.AuthenticationMiddleware",
    "marathon.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "marathon.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "marathon.urls"
WSGI_APPLICATION = "marathon.wsgi.application"
AUTH_USER_MODEL = "marathon.User"

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
                "marathon.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url(DATABASE_URL)}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "var" / "db.sqlite3"}
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# `marathon.statements.execute_prepared` prepares a few hot statements once per connection
# (`PREPARE`); turn it off behind a pooler that hands one session's statements to another
# (PgBouncer in transaction mode): the statements then run as they are.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)

# --- Redis, cache and Celery --------------------------------------------------------------
# Logging in and every page that does not need the broker must keep working while Redis is
# stopped or frozen: every Redis client has short socket timeouts, the cache falls back to a
# process-local one (marathon.cache), and after one failure the process leaves Redis alone for
# REDIS_RETRY_AFTER_SECONDS (marathon.resilience), so a request waits for at most one timeout.
REDIS_URL = env("REDIS_URL", "")
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 1.0)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 1.0)
REDIS_RETRY_AFTER_SECONDS = env_float("REDIS_RETRY_AFTER_SECONDS", 10.0)


def redis_cache(url: str) -> dict:
    """The cache configuration for a Redis URL (tests use it for their private Redis)."""
    return {
        "BACKEND": "marathon.cache.ResilientRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                    "socket_timeout": REDIS_SOCKET_TIMEOUT},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None  # no result backend: nothing reads task results
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
# A task is acknowledged when it has finished, and given back to the queue when its worker dies
# (SIGKILL, OOM): a killed export or e-mail runs again on another worker. Tasks are idempotent.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long a task taken by a worker stays invisible to the others: after that Redis hands it to
# another worker, so it must exceed the longest task (a statistics export takes seconds to a
# minute) but be short enough that a killed worker's task resumes within minutes, not an hour
# (Redis' default). ETA/countdown retries are kept below it (marathon.tasks).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 300)
# Publishing must fail fast when Redis is down: the notification row is already stored and the
# beat job re-enqueues it later, so a web request must never hang waiting for the broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": max(REDIS_SOCKET_TIMEOUT, 2.0),
    "max_retries": 1,
    # How often a worker looks for tasks of dead workers whose visibility timeout has passed.
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_TIMEZONE = env("TIME_ZONE", "Europe/Berlin")
if not REDIS_URL:
    logger.info("REDIS_URL is not set: Celery tasks run eagerly inside the web process.")

# --- Auth, allauth, MFA -------------------------------------------------------------------
# Django's and allauth's backends, loading the logged-in user from the cache (marathon.auth_backends).
AUTHENTICATION_BACKENDS = [
    "marathon.auth_backends.CachedModelBackend",
    "marathon.auth_backends.CachedAuthenticationBackend",
]
# Sessions signed in before the cached backends name the plain ones; they stay valid
# (marathon.middleware.AuthenticationMiddleware maps them).
LEGACY_AUTHENTICATION_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": AUTHENTICATION_BACKENDS[0],
    "allauth.account.auth_backends.AuthenticationBackend": AUTHENTICATION_BACKENDS[1],
}
# How long a logged-in user's row and a session are read from the cache before the database is
# asked again: a bound for writes the cache missed (every save of a user drops its row at once).
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 300)
SESSION_ENGINE = "marathon.sessions"
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "marathon.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = env(
    "ACCOUNT_EMAIL_VERIFICATION", "optional" if DEBUG else "mandatory"
)
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Project Marathon] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Client addresses (rate limits) come from REMOTE_ADDR unless the site runs behind this many
# reverse proxies that append to X-Forwarded-For; any client can send that header itself.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Project Marathon"
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", not DEBUG)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("es", _("Spanish")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates, numbers and currency per language (marathon/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["marathon.formats"]
# Translated reference data (areas, edition titles, criteria, rate tables): English is the
# source and the fallback of every other language (django-modeltranslation, see README).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "de", "es", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Rows created in code while another language is active (a German office, a Russian test) still
# get their English value, so no reader is ever left without a name.
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = env("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files, exports and generated PDFs go through the storage API (`default_storage`), so
# web replicas and workers need no shared disk: with S3_BUCKET set they live in an S3-compatible
# object store (MinIO, AWS, ...), otherwise on the local disk (`make run`). Objects are private;
# each app streams its files through a view that checks permission, never a public URL.
S3_BUCKET = env("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL", "") or None,
            "access_key": env("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY", "") or None,
            "region_name": env("S3_REGION", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "default_acl": None,
            "file_overwrite": False,
            # Should a view ever hand out a URL instead of streaming, it is signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": env_int("S3_URL_EXPIRE_SECONDS", 60),
        },
    }
# Uploaded files are never served directly: MEDIA_ROOT lies outside STATIC_ROOT and each app
# serves its files through a view that checks permission.
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Request bodies are bounded before anything reads them (marathon.middleware.RequestSizeLimitMiddleware):
# an upload may carry one file of UPLOAD_MAX_BYTES plus its form fields, any other body (JSON,
# forms) DATA_UPLOAD_MAX_MEMORY_SIZE. Larger declared bodies get 413 unread.
REQUEST_MAX_BYTES = env_int("REQUEST_MAX_BYTES", UPLOAD_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440)
FILE_UPLOAD_PERMISSIONS = 0o640
EXPORT_ROOT = Path(env("EXPORT_ROOT", BASE_DIR / "var" / "exports"))
if S3_BUCKET:
    # Exports share the bucket under their own prefix (reports.storage.export_storage).
    STORAGES["exports"] = {**STORAGES["default"],
                           "OPTIONS": {**STORAGES["default"]["OPTIONS"], "location": "exports"}}
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# A running export reports a heartbeat at every progress step; with none for this long its worker
# is taken for dead and a re-delivered task takes the job over.
EXPORT_HEARTBEAT_TIMEOUT = env_int("EXPORT_HEARTBEAT_TIMEOUT", 120)
# Certificates: the programme's Ed25519 signing key (PEM or base64) or a file holding it, and the
# public keys of earlier signing keys (comma-separated), so certificates signed before a rotation
# still verify. With DEBUG on and no key, a development key is generated under var/.
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", "")
CERTIFICATE_SIGNING_KEY_FILE = env("CERTIFICATE_SIGNING_KEY_FILE", "")
CERTIFICATE_VERIFY_KEYS = env("CERTIFICATE_VERIFY_KEYS", "")
CERTIFICATE_NUMBER_PREFIX = env("CERTIFICATE_NUMBER_PREFIX", "SPM")
# People per transaction of a bulk issue run (the run's cursor advances per batch).
CERTIFICATE_BATCH_SIZE = env_int("CERTIFICATE_BATCH_SIZE", 200)
# Upper bound on the age of cached statistics (they are also invalidated on every counted write).
STATISTICS_CACHE_SECONDS = env_int("STATISTICS_CACHE_SECONDS", 600)
# The commission's live results and the chair's rendered results table are cached under a
# fingerprint of their inputs (evaluation.selectors.results_cache). EVALUATION_RESULTS_CACHE=0
# turns only these two caches off, so every request computes and renders: the benchmark's "cold"
# phase (bench/run.sh). Sessions, Celery and the other caches are not affected.
EVALUATION_RESULTS_CACHE = env_bool("EVALUATION_RESULTS_CACHE", True)

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Project Marathon <noreply@marathon.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Undelivered notifications older than this are re-enqueued by the beat job.
NOTIFICATION_REDELIVERY_AFTER_MINUTES = env_int("NOTIFICATION_REDELIVERY_AFTER_MINUTES", 5)

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "marathon.api_support.PageNumberPagination",
    # DRF's JSON renderer without its reference cycles (memory: see marathon/api_support.py).
    "DEFAULT_RENDERER_CLASSES": ["marathon.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "marathon.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "marathon.api_support.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Project Marathon API",
    "DESCRIPTION": "API of the international Students Project Marathon portal. "
    "Every 4xx answer has the shape {\"detail\": ..., \"errors\": {field: [...]}}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RankingMethodEnum": "evaluation.models.RankingMethod"},
    # Every operation documents `?lang=` and `Accept-Language` (translated reference data and messages).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "marathon.api_support.add_language_parameters",
    ],
}

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error_one_line": {"()": "marathon.log_filters.ClientErrorWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["client_error_one_line"]},
        "django.security": {"filters": ["client_error_one_line"]},
        "django.db.backends": {"level": "WARNING"},
        # One line per finished task is noise in the web process when tasks run eagerly; a
        # worker started with --loglevel=INFO still reports each task.
        "celery.app.trace": {"level": "WARNING" if not REDIS_URL else env("LOG_LEVEL", "INFO")},
    },
}
