"""Settings: everything comes from the environment (see `.env.example` and docs/configuration.md).

Bad values fail loudly at start-up. With no DATABASE_URL / CELERY_BROKER_URL the embedded
servers under `.devdata/` are used (`factcheck.embedded`).
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from factcheck import embedded

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_float(name: str, default: float, *, minimum: float, maximum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must lie between {minimum} and {maximum}, not {raw}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_rate(name: str, default: str) -> str | None:
    raw = env_str(name, default)
    if raw.lower() in {"", "none", "off"}:
        return None
    number, _, period = raw.partition("/")
    if not number.isdigit() or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must look like 100/minute or off, not {raw!r}")
    return raw


EMBEDDED_DATABASE = not env_str("DATABASE_URL") or env_bool("FACTCHECK_EMBEDDED_DATABASE", False)
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or EMBEDDED_DATABASE):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DEBUG is off")
    # A local install gets a random key of its own, kept beside its data.
    key_file = embedded.data_dir() / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        SECRET_KEY = secrets.token_urlsafe(50)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(SECRET_KEY)
        key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "factcheck.facts",
    "api",
]

MIDDLEWARE = [
    "api.middleware.BodySizeLimitMiddleware",
    "api.middleware.QueryGuardMiddleware",
    "api.middleware.AdminLoginThrottleMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.UnavailableMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or embedded.database_url(),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# A request that fails, validation included, leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Request bodies above this size get 413 before anything parses them.
# Pages fetched by URL are fetched again (corrections) for this many days; 0: never.
FACTCHECK_REFETCH_DAYS = env_int("FACTCHECK_REFETCH_DAYS", 30, minimum=0)
# ClaimReviews one API request may import (the command line has no limit).
FACTCHECK_MAX_IMPORT_REVIEWS = env_int("FACTCHECK_MAX_IMPORT_REVIEWS", 2000, minimum=1)
MAX_REQUEST_BYTES = env_int("FACTCHECK_MAX_REQUEST_BYTES", 2_000_000, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or embedded.broker_url()
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=2)
# Must stay above the hard time limit, or a long task is delivered twice (docs/operations.md).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # (Tests lower it to see a killed worker's task delivered again within seconds.)
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 900, minimum=5),
    # How often a worker looks for messages a dead worker left unacknowledged (older than
    # the visibility timeout) and puts them back on the queue.
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 60, minimum=1),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Webhook deliveries wait on other people's servers: they have their own queue and worker
# (threads; `manage.py serve` starts it), so a slow receiver never holds up reading sources.
WEBHOOK_QUEUE = "webhooks"
CELERY_TASK_ROUTES = {"factcheck.facts.tasks.webhook_deliver": {"queue": WEBHOOK_QUEUE}}

FACTCHECK_FETCH_TIMEOUT = env_int("FACTCHECK_FETCH_TIMEOUT", 15, minimum=1)
FACTCHECK_FETCH_MAX_BYTES = env_int("FACTCHECK_FETCH_MAX_BYTES", 5_000_000, minimum=1024)
FACTCHECK_FETCH_MAX_REDIRECTS = env_int("FACTCHECK_FETCH_MAX_REDIRECTS", 5, minimum=0)
# Only for tests and closed networks: lets the fetcher reach private and loopback addresses.
FACTCHECK_FETCH_ALLOW_PRIVATE = env_bool("FACTCHECK_FETCH_ALLOW_PRIVATE", False)
FACTCHECK_RECHECK_AFTER = timedelta(hours=env_int("FACTCHECK_RECHECK_AFTER_HOURS", 24, minimum=1))
FACTCHECK_SWEEP_BATCH = env_int("FACTCHECK_SWEEP_BATCH", 500, minimum=1)
# Bounded work: sentences one ingestion reads, characters one POST /match reads.
FACTCHECK_MAX_SOURCE_SENTENCES = env_int("FACTCHECK_MAX_SOURCE_SENTENCES", 3000, minimum=10)
FACTCHECK_MAX_MATCH_CHARS = env_int("FACTCHECK_MAX_MATCH_CHARS", 20000, minimum=100)
# A claim posted again by the same account this soon, with nothing recorded about it yet,
# is a retry: 409 with the first one.
# Automatic evidence counts toward a status only at or above these confidences; below, it is
# suggested for review (docs/corroboration.md; the defaults are measured in docs/engine.md).
FACTCHECK_AUTO_SUPPORT_FLOOR = env_float(
    "FACTCHECK_AUTO_SUPPORT_FLOOR", 0.6, minimum=0.0, maximum=1.0
)
FACTCHECK_AUTO_CONTRADICT_FLOOR = env_float(
    "FACTCHECK_AUTO_CONTRADICT_FLOOR", 0.7, minimum=0.0, maximum=1.0
)
# A feed poll reads at most this many entries (the newest, as the feed lists them).
FACTCHECK_FEED_MAX_ENTRIES = env_int("FACTCHECK_FEED_MAX_ENTRIES", 200, minimum=1)
FACTCHECK_WEBHOOK_TIMEOUT = env_int("FACTCHECK_WEBHOOK_TIMEOUT", 10, minimum=1)
FACTCHECK_WEBHOOK_MAX_ATTEMPTS = env_int("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
FACTCHECK_RETRY_WINDOW_SECONDS = env_int("FACTCHECK_RETRY_WINDOW_SECONDS", 120, minimum=0)
CELERY_BEAT_SCHEDULE = {
    "reconcile-jobs": {
        "task": "factcheck.facts.tasks.reconcile_jobs",
        "schedule": timedelta(seconds=env_int("FACTCHECK_RECONCILE_SECONDS", 60, minimum=5)),
    },
    "recheck-stale-claims": {
        "task": "factcheck.facts.tasks.sweep_stale_claims",
        "schedule": timedelta(minutes=env_int("FACTCHECK_SWEEP_MINUTES", 15, minimum=1)),
    },
    "deliver-due-webhooks": {
        "task": "factcheck.facts.tasks.deliver_due_webhooks",
        "schedule": timedelta(seconds=env_int("FACTCHECK_WEBHOOK_SCHEDULE_SECONDS", 30, minimum=5)),
    },
    "poll-due-feeds": {
        "task": "factcheck.facts.tasks.poll_due_feeds",
        "schedule": timedelta(seconds=env_int("FACTCHECK_FEED_SCHEDULE_SECONDS", 60, minimum=5)),
    },
    "refetch-due-sources": {
        "task": "factcheck.facts.tasks.refetch_due_sources",
        "schedule": timedelta(
            seconds=env_int("FACTCHECK_REFETCH_SCHEDULE_SECONDS", 300, minimum=5)
        ),
    },
    "retry-and-rescreen-sources": {
        "task": "factcheck.facts.tasks.sweep_sources",
        "schedule": timedelta(minutes=env_int("FACTCHECK_SWEEP_MINUTES", 15, minimum=1)),
    },
}


# --- Cache (throttling counters) --------------------------------------------------------------
def _default_cache_url() -> str:
    # Throttle counts must be shared by every web process: by default they live in the
    # broker's Redis (database 1) when the broker is Redis.
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        base, _, db = CELERY_BROKER_URL.rpartition("/")
        return f"{base}/1" if db.isdigit() and base.count("/") >= 2 else CELERY_BROKER_URL
    return "locmem"


CACHE_URL = env_str("CACHE_URL", "") or _default_cache_url()
if CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    raise ImproperlyConfigured(f"CACHE_URL must be locmem or a redis:// URL, not {CACHE_URL!r}")

# --- REST framework -------------------------------------------------------------------------
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME", "factcheck")
FACTCHECK_ANONYMOUS_READ = env_bool("FACTCHECK_ANONYMOUS_READ", True)
THROTTLE_ANON = env_rate("FACTCHECK_THROTTLE_ANON", "120/minute")
THROTTLE_USER = env_rate("FACTCHECK_THROTTLE_USER", "1200/minute")
# Admin sign-in attempts per client address (failed or not), counted in the cache.
ADMIN_LOGIN_RATE = env_rate("FACTCHECK_ADMIN_LOGIN_RATE", "10/minute")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "api.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": env_int("FACTCHECK_PAGE_SIZE", 50, minimum=1),
    # A rate set to `off` drops its throttle altogether.
    "DEFAULT_THROTTLE_CLASSES": [
        cls
        for cls, rate in (
            ("rest_framework.throttling.AnonRateThrottle", THROTTLE_ANON),
            ("rest_framework.throttling.UserRateThrottle", THROTTLE_USER),
        )
        if rate is not None
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": THROTTLE_ANON, "user": THROTTLE_USER},
    # Clients are told apart by REMOTE_ADDR, or by X-Forwarded-For as seen through this many
    # trusted proxies: a client cannot pick its own address by sending the header.
    "NUM_PROXIES": env_int("FACTCHECK_NUM_PROXIES", 0, minimum=0),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Track claims, the sources that report them, and whether independent origins "
    "corroborate or contradict them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page works offline: Swagger UI is served from the installed sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StanceEnum": "factcheck.facts.models.Stance",
        "ClaimStatusEnum": "factcheck.facts.models.ClaimStatus",
        "VerdictRatingEnum": "factcheck.facts.models.Rating",
        "SourceStateEnum": "factcheck.facts.models.ProcessingState",
        "CheckRunStateEnum": "factcheck.facts.models.CheckRunState",
        "CheckRunKindEnum": "factcheck.facts.models.CheckRunKind",
        "OutletKindEnum": "factcheck.facts.models.OutletKind",
        "StatusBasisEnum": "factcheck.facts.models.StatusBasis",
        "ReviewPriorityEnum": "factcheck.facts.models.ReviewPriority",
        "ReviewStateEnum": "factcheck.facts.models.ReviewState",
        "EventTypeEnum": "factcheck.facts.models.EventType",
        "DeliveryStateEnum": "factcheck.facts.models.DeliveryState",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Behind HTTPS (docs/configuration.md): HSTS, the redirect, and the header a TLS-terminating
# proxy sets, all from the environment; `manage.py check --deploy` is clean with them set.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
if env_bool("DJANGO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
