"""Settings, read from the environment (CONTRACT.md lists the variables).

Development defaults apply only while DEBUG is on; with DEBUG off a missing
SECRET_KEY stops start-up instead of running with a known key.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # raises ImproperlyConfigured when missing

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "anymail",
    "axes",
    "complaints",
    "intake",
    "notifications",
    "sla",
    "improvement",
]

MIDDLEWARE = [
    # First: a NUL anywhere in a request is a 400 before any query sees it.
    "common.middleware.RefuseNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Public endpoints (form, tracking, webhooks): per-address limits, 429 + Retry-After.
    "intake.ratelimit.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An admin list filter outside the calendar: the admin's own ?e=1 redirect.
    "common.middleware.AdminFilterOverflowMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
            "libraries": {"wording": "config.wording", "fragments": "common.fragments"},
        },
    },
    {
        # Plain text (SMS, e-mail subjects and text parts: notifications.content):
        # nothing in it is HTML, so nothing is escaped ("&" stays "&", not "&amp;").
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, a transaction's BEGIN sent with its first statement
    # (one round trip fewer per transaction: common/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "common.postgresql"
# Persistent connections in production (issue 15): a new PostgreSQL connection
# per request cost a sync worker more CPU than most of its queries.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if DEBUG else 60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite behind a threaded web server (`make run`, or any sqlite:/// URL):
    # WAL lets readers work while one writer writes; BEGIN IMMEDIATE takes the
    # write lock at the start of a transaction, so two submissions queue on the
    # busy timeout instead of one failing with "database is locked" when its
    # read lock cannot be upgraded (SQLite does not wait in that case).
    # Options given in the URL (?timeout=...) win over these.
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("timeout", env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis / Celery / cache (config/settings_celery.py) ---------------------------
from config.settings_celery import *  # noqa: E402, F403
from config.settings_celery import CELERY_TASK_ALWAYS_EAGER  # noqa: E402

# --- Auth ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (README "Staff logins"): AXES_FAILURE_LIMIT failures for one
# username from one client address lock that pair out for AXES_COOLOFF_MINUTES;
# a success below the limit starts the count again. The address is the one the
# public rate limits use (INTAKE_TRUSTED_PROXY_COUNT behind a proxy).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "intake.ratelimit.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# --- i18n: Turkish first, English second --------------------------------------
LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Turkish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Istanbul")
USE_I18N = True
USE_TZ = True

# --- Static -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served at the site's root by WhiteNoise: /favicon.ico, which browsers ask for unprompted.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"

# --- E-mail, SMS, WhatsApp and the notices (config/settings_notifications.py) -----
from config.settings_notifications import *  # noqa: E402, F403

# Intake (docs/channels.md): abuse limits and what the outside world sees.
INTAKE_RATE_LIMIT_ENABLED = env.bool("INTAKE_RATE_LIMIT_ENABLED", default=True)
INTAKE_RATE_LIMITS = {
    "submit": env.str("INTAKE_RATE_LIMIT_SUBMIT", default="20/h"),
    "track": env.str("INTAKE_RATE_LIMIT_TRACK", default="60/m"),
    "webhook": env.str("INTAKE_RATE_LIMIT_WEBHOOK", default="600/m"),
    "access": env.str("INTAKE_RATE_LIMIT_ACCESS", default="20/h"),
    # New complaints by e-mail / SMS per sender (not per provider address).
    "sender": env.str("INTAKE_RATE_LIMIT_SENDER", default="20/h"),
}
# Behind a reverse proxy (docker-compose behind TLS termination) set this to the
# number of proxies that append to X-Forwarded-For, or every client shares one limit.
INTAKE_TRUSTED_PROXY_COUNT = env.int("INTAKE_TRUSTED_PROXY_COUNT", default=0)
INTAKE_PUBLIC_BASE_URL = env.str("INTAKE_PUBLIC_BASE_URL", default="")
INTAKE_ATTACHMENT_MAX_BYTES = env.int("INTAKE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
INTAKE_ATTACHMENT_MAX_COUNT = env.int("INTAKE_ATTACHMENT_MAX_COUNT", default=10)
INTAKE_REPEAT_WINDOW_SECONDS = env.int("INTAKE_REPEAT_WINDOW_SECONDS", default=600)

# The customer conversation (docs/conversation.md): the customer's own page,
# one-time codes and the files customers send (kept through STORAGES["default"]).
COMPLAINTS_CUSTOMER_ACCESS_SECONDS = env.int("COMPLAINTS_CUSTOMER_ACCESS_SECONDS", default=7200)
COMPLAINTS_CUSTOMER_LINK_MAX_AGE_SECONDS = env.int(
    "COMPLAINTS_CUSTOMER_LINK_MAX_AGE_SECONDS", default=30 * 24 * 3600
)
COMPLAINTS_ACCESS_CODE_VALID_SECONDS = env.int("COMPLAINTS_ACCESS_CODE_VALID_SECONDS", default=600)
COMPLAINTS_ACCESS_CODE_MAX_ATTEMPTS = env.int("COMPLAINTS_ACCESS_CODE_MAX_ATTEMPTS", default=5)
COMPLAINTS_ACCESS_LOCK_SECONDS = env.int("COMPLAINTS_ACCESS_LOCK_SECONDS", default=900)
COMPLAINTS_ACCESS_CODES_PER_HOUR = env.int("COMPLAINTS_ACCESS_CODES_PER_HOUR", default=5)
COMPLAINTS_ATTACHMENT_MAX_BYTES = env.int(
    "COMPLAINTS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024
)
COMPLAINTS_ATTACHMENT_MAX_COUNT = env.int("COMPLAINTS_ATTACHMENT_MAX_COUNT", default=5)
NOTIFICATIONS_REPRESENTATIVE_GROUP = env.str(
    "NOTIFICATIONS_REPRESENTATIVE_GROUP", default="Representative"
)

# --- Personal data (PROCESS.md "Personal data", KVKK; docs/privacy.md) -----------
# Days after closure that a complaint's personal data is kept, then anonymised
# in place. The company's personal data retention and destruction policy sets
# it; the default, two years, is as long as a consumer's claims over a
# defective service run (Law 6502, article 12), so the record of a complaint is
# there for an arbitration committee or a court while one can still be asked.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=730)
PERSONAL_DATA_RETENTION_BATCH_SIZE = env.int("PERSONAL_DATA_RETENTION_BATCH_SIZE", default=200)

# --- The process (PROCESS.md) ---------------------------------------------------
# Where a phone number is given without a country code, it is read as Turkish.
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="TR")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Business calendar (PROCESS.md "Business-day rules"); see docs/calendar.md.
SLA_TIME_ZONE = env.str("SLA_TIME_ZONE", default="Europe/Istanbul")
SLA_OPENING_TIME = env.str("SLA_OPENING_TIME", default="09:00")
SLA_CLOSING_TIME = env.str("SLA_CLOSING_TIME", default="18:00")
SLA_HALF_DAY_CLOSING_TIME = env.str("SLA_HALF_DAY_CLOSING_TIME", default="13:00")
SLA_CALENDAR_COUNTRY = env.str("SLA_CALENDAR_COUNTRY", default="TR")
# Targets (docs/sla.md): business days to the solution proposal, by priority.
SLA_RESOLUTION_DAYS = {
    "high": env.int("SLA_RESOLUTION_DAYS_HIGH", default=1),
    "normal": env.int("SLA_RESOLUTION_DAYS_NORMAL", default=3),
    "low": env.int("SLA_RESOLUTION_DAYS_LOW", default=5),
}
# Feedback (an opinion) has no resolution target unless given (days at every priority).
SLA_FEEDBACK_RESOLUTION_DAYS = env.int("SLA_FEEDBACK_RESOLUTION_DAYS", default=None)
SLA_AT_RISK_FRACTION = env.float("SLA_AT_RISK_FRACTION", default=0.75)
# PROCESS.md "An unanswered decision": business days to the one reminder, then
# from the reminder to closing with the answer "no answer" (0: never close).
SLA_ANSWER_REMINDER_DAYS = env.int("SLA_ANSWER_REMINDER_DAYS", default=5)
SLA_ANSWER_CLOSE_DAYS = env.int("SLA_ANSWER_CLOSE_DAYS", default=10)
SLA_SWEEP_BATCH_SIZE = env.int("SLA_SWEEP_BATCH_SIZE", default=500)
SLA_DASHBOARD_WEEKS = env.int("SLA_DASHBOARD_WEEKS", default=12)
SLA_DASHBOARD_MAX_DAYS = env.int("SLA_DASHBOARD_MAX_DAYS", default=371)
SLA_DASHBOARD_LIST_SIZE = env.int("SLA_DASHBOARD_LIST_SIZE", default=50)
SLA_DASHBOARD_WORK_MEM = env.str("SLA_DASHBOARD_WORK_MEM", default="64MB")

# --- REST framework -----------------------------------------------------------
# API tokens (Authorization: Token <key>) stop working this many days after they
# were issued (0: never); a superuser issues and revokes them in the admin.
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "complaints.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only; nesting too deep for the parser is a 400 (config/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["config.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Şikâyet Yönetimi API",
    "DESCRIPTION": "Complaint management (ISO 10002) for Key İnternet's 8-stage process.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per enumeration, shared by every serializer that uses it.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "complaints.workflow.Stage",
        "KindEnum": "complaints.workflow.Kind",
        "AnswerEnum": "complaints.workflow.Answer",
        "ChannelEnum": "complaints.models.Channel",
        "PriorityEnum": "complaints.models.Priority",
        "LanguageEnum": "complaints.models.Language",
        "AuthorKindEnum": "complaints.models.MessageAuthor",
        "PublicChannelEnum": "intake.serializers.PUBLIC_CHANNEL_CHOICES",
        "StaffChannelEnum": "complaints.serializers.STAFF_CHANNEL_CHOICES",
    },
}
# Inbound e-mail arrives as JSON with base64 attachments (Postmark allows 35 MB);
# per-attachment limits are INTAKE_ATTACHMENT_*.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=40 * 1024 * 1024)

# --- Security -----------------------------------------------------------------
# common.middleware.RefuseNulMiddleware leaves these to drop NULs themselves.
REFUSE_NUL_EXEMPT_PATHS = [r"^/webhooks/twilio/sms/$", r"^/webhooks/twilio/whatsapp/$"]
# Django's database sessions, each write one statement (common/sessions.py: issue 15).
SESSION_ENGINE = "common.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_403_traceback": {"()": "config.log_filters.PermissionDeniedWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        # One handler for Django's messages too (its default adds a second console
        # handler while DEBUG is on, so each line was printed twice).
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.request": {"filters": ["no_403_traceback"]},
        # Tasks run in-process without a broker: a "Task ... succeeded" line per
        # notice sent is noise there; with a worker it says what the worker did.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else LOG_LEVEL},
        # django-axes logs every login and logout at INFO; lockouts are WARNING.
        "axes": {"level": env.str("AXES_LOG_LEVEL", default="WARNING")},
        # WeasyPrint (PDF packs and dossiers) logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
