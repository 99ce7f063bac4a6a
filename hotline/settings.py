"""Settings for the 12345 hotline back office, read from the environment (django-environ).

One module for every environment: with no DATABASE_URL the project runs on an embedded SQLite
file under var/; each integration (PostgreSQL, Celery broker, webhooks) switches on when its
variable is set. `.env.example` lists every variable.
"""

import datetime
import re
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# The demo city's data, kept in the repository (hotline/demo/data/README.md names each source).
DEMO_DATA_DIR = BASE_DIR / "hotline" / "demo" / "data"

TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
DEBUG = env.bool("DEBUG", default=False)
# Only a server needs the secret and the host names: maintenance commands (migrate,
# makemigrations --check, load_demo …) run without them, on a throwaway key.
SERVING = not TESTING and (Path(sys.argv[0]).name != "manage.py" or sys.argv[1:2] == ["runserver"])

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if SERVING and not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = get_random_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if SERVING and not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off (see .env.example)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind reverse proxies (docs/deployment.md, "Settings"): how many of ours stand in front (only
# the X-Forwarded-For entries they add are believed, core/http.py), the header that says the
# client spoke HTTPS, and whether the proxy's X-Forwarded-Host names the site.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header and len(_proxy_ssl_header) != 2:
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https."
    )
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) or None
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

# HTTPS and browser protections. With DEBUG off, cookies travel over HTTPS only; the redirect to
# HTTPS and HSTS are switched on explicitly: they need the proxy's SECURE_PROXY_SSL_HEADER, and
# browsers remember HSTS. The tests run over plain HTTP, like DEBUG.
SECURE_BY_DEFAULT = not DEBUG and not TESTING
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_BY_DEFAULT)
SESSION_COOKIE_HTTPONLY = env.bool("SESSION_COOKIE_HTTPONLY", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = env.bool("SECURE_CONTENT_TYPE_NOSNIFF", default=True)
SECURE_REFERRER_POLICY = env("SECURE_REFERRER_POLICY", default="same-origin")
X_FRAME_OPTIONS = env("X_FRAME_OPTIONS", default="DENY")

INSTALLED_APPS = [
    "hotline.admin_app.CenterAdminConfig",  # the admin is the center's tool
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",  # login lockout (Accounts, below)
    "hotline",
    "departments",
    "cases",
    "knowledgebase",
    "notifications",  # SMS, e-mail and in-app messages about cases (docs/notifications.md)
]

MIDDLEWARE = [
    "core.logging.RequestLogMiddleware",  # first: the request id and duration cover everything
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.BadInputMiddleware",  # NUL, out-of-range numbers, deep JSON: a 400 here
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into its answer
]

ROOT_URLCONF = "hotline.urls"
WSGI_APPLICATION = "hotline.wsgi.application"

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
                "notifications.context_processors.bell",  # the unread notices' count
            ],
        },
    },
]

# Database: PostgreSQL when DATABASE_URL names one, else the embedded SQLite file under var/.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hotline.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a command writes; IMMEDIATE takes the write lock at
    # BEGIN so that two concurrent transitions serialise instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # psycopg 3 prepares repeated statements on the server only with server-side binding; it is
    # off by default (measured in docs/performance.md, issue 18: no gain worth the change).
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
    # No JIT compilation: our statements are short, and PostgreSQL compiled the big plans of a
    # department's text search for 290 ms to run them in 700 (issue 18). A DATABASE_URL
    # carrying its own `?options=` keeps them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache, which the API rate counters (and core/generations.py) use: shared by every
# process with CACHE_URL (Redis); without it local memory, per process (one dev server).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: its password_changed hook revokes the user's own API tokens.
    {"NAME": "departments.accounts.RevokeTokensOnPasswordChange"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after this long without a request: core/sessions.py moves the expiry forward
# while it is used (one write a minute at most, where SESSION_SAVE_EVERY_REQUEST writes always).
SESSION_ENGINE = "core.sessions"
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
# Accounts (docs/deployment.md, "Accounts"). django-axes locks sign-in (pages, admin and
# POST /api/v1/auth/token/) after LOGIN_FAILURE_LIMIT failures of one account or from one client
# address, for LOGIN_COOLOFF_MINUTES; a center supervisor unlocks at /departments/lockouts/.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one reaching the limit locks
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"  # honours NUM_PROXIES
AXES_LOCKOUT_CALLABLE = "departments.accounts.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success must not wipe the failures counted from its address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # tries while locked do not prolong it
AXES_VERBOSE = False  # its start-up banner on every manage.py command; lockouts are logged anyway
# API tokens (departments/tokens.py) expire this many days after they are issued or rotated.
HOTLINE_API_TOKEN_DAYS = env.int("HOTLINE_API_TOKEN_DAYS", default=90)
# API key → token cache per process (departments/token_cache.py): its stamps live in the default
# cache, so it is on only where that cache is shared by every process (CACHE_URL) or in tests.
SHARED_CACHE = bool(env("CACHE_URL", default=""))
HOTLINE_API_TOKEN_CACHE_SECONDS = env.float(
    "HOTLINE_API_TOKEN_CACHE_SECONDS", default=30.0 if SHARED_CACHE or TESTING else 0.0
)
# The /ask/ dialogue: call-back cases one client address may open per hour (0: no limit).
HOTLINE_ASK_ESCALATIONS_PER_HOUR = env.int("HOTLINE_ASK_ESCALATIONS_PER_HOUR", default=5)

LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Attachments (cases/attachments.py) are stored through Django's storage API: under MEDIA_ROOT by
# default, in S3-compatible object storage (django-storages) when AWS_STORAGE_BUCKET_NAME is set.
# Either way they are served by a view that asks the policy, never from a public media URL.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "location": env("AWS_LOCATION", default="hotline"),
            "default_acl": "private",
            "querystring_auth": True,  # never a public object URL
            "file_overwrite": False,
        },
    }
HOTLINE_ATTACHMENT_MAX_MB = env.int("HOTLINE_ATTACHMENT_MAX_MB", default=10)
HOTLINE_ATTACHMENTS_PER_CASE = env.int("HOTLINE_ATTACHMENTS_PER_CASE", default=30)
# The citizens' progress lookup (/lookup/): wrong number/phone pairs allowed per client address
# and per case number in a rolling hour, before every answer is "try again later".
HOTLINE_LOOKUP_FAILURES_PER_ADDRESS = env.int("HOTLINE_LOOKUP_FAILURES_PER_ADDRESS", default=10)
HOTLINE_LOOKUP_FAILURES_PER_CASE = env.int("HOTLINE_LOOKUP_FAILURES_PER_CASE", default=5)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "departments.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["departments.api.permissions.ApiScopePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPage",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.api.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env("API_THROTTLE_RATE", default="600/minute")},
    "NUM_PROXIES": NUM_PROXIES,  # the throttles key on core.http.client_address, which agrees
}
SPECTACULAR_SETTINGS = {
    "TITLE": "12345 Hotline API",
    "DESCRIPTION": "Cases, assignments and reference data for departments and partner systems.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API documents JSON bodies only (DRF still parses forms): a form field cannot say null.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # A required text field says minLength 1 (the input serializers are not the output ones).
    "ENFORCE_NON_BLANK_FIELDS": True,
    # The enum names as drf-spectacular makes them, then the edge's no-NUL rule on free strings.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.no_nul_in_strings",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.Status",
        "AssignmentStatusEnum": "cases.choices.AssignmentStatus",
        "DecisionEnum": "cases.choices.Decision",
        "SupervisionStatusEnum": "cases.choices.SupervisionStatus",
        "ReplyResultEnum": "cases.choices.ReplyResult",
        "SupervisionLevelEnum": "cases.choices.SupervisionLevel",
        "CallbackChannelEnum": "cases.choices.CallbackChannel",  # issue 14 (B)
        "ChannelEnum": "cases.choices.Channel",
        "RegionLevelEnum": [(n, n) for n in range(1, 6)],
    },
}

# Celery runs background work only when a broker is configured; otherwise management
# commands (deliver_webhooks, sweep_deadlines) do the same work from cron.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
# Celery beat's schedule: CELERY_BEAT_SCHEDULE at the end of this file (Operations).

# Webhook delivery (departments/webhooks.py): first retry delay (doubling), attempts, timeout.
HOTLINE_WEBHOOK_BACKOFF_SECONDS = env.int("HOTLINE_WEBHOOK_BACKOFF_SECONDS", default=30)
HOTLINE_WEBHOOK_MAX_ATTEMPTS = env.int("HOTLINE_WEBHOOK_MAX_ATTEMPTS", default=8)
HOTLINE_WEBHOOK_TIMEOUT = env.int("HOTLINE_WEBHOOK_TIMEOUT", default=10)
# Addresses, networks or names webhooks may reach although they are not public (and over plain
# http): none in production; the tests' and a developer's receivers listen on 127.0.0.1.
HOTLINE_WEBHOOK_ALLOWED_HOSTS = env.list(
    "HOTLINE_WEBHOOK_ALLOWED_HOSTS", default=["127.0.0.1", "::1"] if TESTING or DEBUG else []
)

# Notifications (notifications/, docs/notifications.md): the SMS platform, e-mail, the rules.
# SMS go out only when SMS_GATEWAY_URL is set; the account key and secret sign each request,
# SMS_CALLBACK_SECRET checks the platform's inbound callback (citizens' replies).
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_KEY = env("SMS_GATEWAY_KEY", default="")
SMS_GATEWAY_SECRET = env("SMS_GATEWAY_SECRET", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10)
SMS_GATEWAY_OK_CODE = env("SMS_GATEWAY_OK_CODE", default="OK")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="12345热线")
SMS_CALLBACK_SECRET = env("SMS_CALLBACK_SECRET", default="")
# No SMS to citizens in these local hours (queued for the morning); "" for none.
HOTLINE_SMS_QUIET_HOURS = env("HOTLINE_SMS_QUIET_HOURS", default="21:00-08:00")
if HOTLINE_SMS_QUIET_HOURS.strip() and not re.fullmatch(
    r"\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*", HOTLINE_SMS_QUIET_HOURS
):
    raise ImproperlyConfigured("HOTLINE_SMS_QUIET_HOURS is a span like 21:00-08:00, or empty.")
HOTLINE_SMS_PER_NUMBER_PER_DAY = env.int("HOTLINE_SMS_PER_NUMBER_PER_DAY", default=10)
# Working days a citizen has to answer the SMS survey before the phone callback takes over.
HOTLINE_SMS_SURVEY_DAYS = env.int("HOTLINE_SMS_SURVEY_DAYS", default=3)
HOTLINE_NOTIFY_BACKOFF_SECONDS = env.int("HOTLINE_NOTIFY_BACKOFF_SECONDS", default=60)
HOTLINE_NOTIFY_MAX_ATTEMPTS = env.int("HOTLINE_NOTIFY_MAX_ATTEMPTS", default=6)
HOTLINE_NOTIFY_EMAIL_TIMEOUT = env.float("HOTLINE_NOTIFY_EMAIL_TIMEOUT", default=10)
# The address citizens and departments reach the site at (links in messages).
HOTLINE_SITE_URL = env("HOTLINE_SITE_URL", default="http://127.0.0.1:8000")
# E-mail: SMTP when EMAIL_URL is set (smtp://user:password@host:587, +tls), else the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="12345热线 <noreply@12345.localhost>")

# How many times a case may be reopened before it is parked as unresolvable (挂账).
HOTLINE_MAX_REOPENS = env.int("HOTLINE_MAX_REOPENS", default=2)
# How long a partner line (110/119/120/122, 12333 …) has to answer a transfer: clock hours,
# since the emergency lines work around the clock; past it the center's list marks it overdue.
HOTLINE_TRANSFER_ANSWER_HOURS = env.int("HOTLINE_TRANSFER_ANSWER_HOURS", default=24)
# A replied case whose citizen is never reached closes after this many callback attempts on
# different days (the recorded rule; otherwise a callback that reached the citizen is needed).
HOTLINE_CALLBACK_ATTEMPTS = env.int("HOTLINE_CALLBACK_ATTEMPTS", default=3)
# Office hours of the working-time deadline clock (local time, "HH:MM-HH:MM" spans).
HOTLINE_OFFICE_HOURS = env.list("HOTLINE_OFFICE_HOURS", default=["09:00-12:00", "13:30-17:30"])
# The most rows one Excel export of the case list may hold; past it the user narrows the filters.
HOTLINE_EXPORT_MAX_ROWS = env.int("HOTLINE_EXPORT_MAX_ROWS", default=50_000)
# Where beat writes the monthly reports (.xlsx and .pdf, one pair per month).
HOTLINE_REPORTS_DIR = env.path("HOTLINE_REPORTS_DIR", default=VAR_DIR / "reports")

# Logs (core/logging.py): one line per request, per case event and per refusal, each with the
# request id, user and department. LOG_FORMAT=json: one JSON object per line.
LOG_FORMAT = env("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT is text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.logging.RequestContextFilter"}},
    "formatters": {
        "text": {"()": "core.logging.TextFormatter"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_context"],
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Operations: health checks and the beat schedule
# Every periodic job, in this one place; no task reschedules itself. Beat runs it whenever a
# broker is configured (`celery -A hotline beat`); without one, cron runs the same commands.
HOTLINE_SWEEP_INTERVAL = env.int("HOTLINE_SWEEP_INTERVAL", default=300)  # seconds
HOTLINE_WEBHOOK_DELIVERY_INTERVAL = env.int("HOTLINE_WEBHOOK_DELIVERY_INTERVAL", default=30)
HOTLINE_NOTIFY_DELIVERY_INTERVAL = env.int("HOTLINE_NOTIFY_DELIVERY_INTERVAL", default=30)
CELERY_BEAT_SCHEDULE = {
    # The deadline watch; each pass also refreshes yesterday's and today's dashboard rows.
    "sweep-deadlines": {
        "task": "hotline.sweep_deadlines",
        "schedule": float(HOTLINE_SWEEP_INTERVAL),
    },
    # Nightly: the last 60 days of dashboard rows again, for late corrections.
    "refresh-stats": {
        "task": "hotline.refresh_stats",
        "schedule": crontab(hour=2, minute=15),
    },
    # The webhook outbox: retries come due here, and so does a row whose kick was lost.
    "deliver-webhooks": {
        "task": "departments.deliver_webhooks",
        "schedule": float(HOTLINE_WEBHOOK_DELIVERY_INTERVAL),
        "options": {"expires": float(HOTLINE_WEBHOOK_DELIVERY_INTERVAL)},
    },
    # The notification outbox (SMS, e-mail) and the SMS surveys past their deadline.
    "deliver-notifications": {
        "task": "notifications.deliver_notifications",
        "schedule": float(HOTLINE_NOTIFY_DELIVERY_INTERVAL),
        "options": {"expires": float(HOTLINE_NOTIFY_DELIVERY_INTERVAL)},
    },
    # Every morning; the task makes last month's report only on the month's first working day.
    "monthly-report": {
        "task": "hotline.monthly_report",
        "schedule": crontab(hour=6, minute=30),
    },
}
# /healthz warns when webhook deliveries have been due (and undelivered) longer than this.
HOTLINE_HEALTH_OUTBOX_LAG_MINUTES = env.int("HOTLINE_HEALTH_OUTBOX_LAG_MINUTES", default=15)
# A load balancer may probe over plain HTTP: /healthz is never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Celery's worker and beat log through LOGGING above (same format, LOG_LEVEL), not their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
