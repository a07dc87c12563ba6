"""Tandem settings: one file, every deployment choice read from the environment.

Development defaults are safe to run on a laptop (SQLite, mail written to files). Production sets
TANDEM_DEBUG=0, TANDEM_SECRET_KEY (or TANDEM_SECRET_KEY_FILE), TANDEM_ALLOWED_HOSTS and
TANDEM_DB=postgres; `manage.py check --deploy` then reports nothing (a test holds it to that).
Every secret can come from a file instead (`NAME_FILE`, see `config/env.py`); docs/deployment.md
lists the production variables.
"""

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TANDEM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("TANDEM_DEBUG", False)
SECRET_KEY = env_secret("TANDEM_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "development-only-" + "x" * 40  # noqa: S105 - never used with DEBUG off
# Without a key and without debug, build steps that sign nothing (compile_translations,
# collectstatic: `make install`, the container build) still run; serving and every command that
# runs the system checks refuse to start (tandem/core/checks.py, config/wsgi.py).

ALLOWED_HOSTS = env_list("TANDEM_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env_str("TANDEM_SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    "tandem.accounts",
    "tandem.core",
    "tandem.reference",
    "tandem.organizations",
    "tandem.participants",
    "tandem.programs",
    "tandem.referrals",
    "tandem.events",
    "tandem.meetings",
    "tandem.outcomes",
    "tandem.matching",
    "tandem.mentorships",
    "tandem.circles",  # group and peer mentoring (issue 19)
    "tandem.connectors",
    "tandem.opportunities",  # short mentorship opportunities and provincial hubs (issue 22)
    "tandem.reports",
    "tandem.employers",  # employer and association partners (issue 21)
    "tandem.community",  # communities of practice: spaces and conversations (issue 23)
    "tandem.library",  # the community's repertoire, directory and gatherings (issue 23)
    "tandem.privacy",  # consent per purpose, who viewed what, access requests (issue 24)
    "tandem.demo",  # the top floor: the demo network and `seed_demo`
    "tandem.core.admin_apps.TandemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Full-text search fields and GIN indexes (core/fulltext.py); inert on SQLite.
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: the client's address (behind a trusted proxy) and a request id for every log line.
    "tandem.core.middleware.ClientAddressMiddleware",
    "tandem.core.middleware.RequestLogMiddleware",
    "tandem.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tandem.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.core.middleware.RequireMultiFactorMiddleware",
    "tandem.core.middleware.StorageFullMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A consent notice changed since the person agreed: asked again at sign-in (issue 24).
    "tandem.privacy.middleware.ReaskMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "tandem.core.middleware.NoStoreForSignedInMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.organizations.context_processors.navigation",
            ],
        },
    }
]

# SQLite is the embedded default; production runs PostgreSQL, configured with the standard
# libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) so no URL parser is needed.
if env_str("TANDEM_DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("PGDATABASE", "tandem"),
            "USER": env_str("PGUSER", "postgres"),
            "PASSWORD": env_secret("PGPASSWORD", ""),
            "HOST": env_str("PGHOST", "127.0.0.1"),
            "PORT": env_str("PGPORT", "5432"),
            "CONN_MAX_AGE": env_int("TANDEM_DB_CONN_MAX_AGE", 60),
            # A connection kept from before a PostgreSQL restart is tested before reuse, so the
            # first request after the restart does not fail on a dead socket.
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"connect_timeout": env_int("TANDEM_DB_CONNECT_TIMEOUT", 5)},
        }
    }
    # Reports may read from a streaming replica (config/routers.py): set TANDEM_DB_REPLICA_HOST
    # (and _PORT, _NAME, _USER, _PASSWORD when they differ from the primary's).
    if env_str("TANDEM_DB_REPLICA_HOST", ""):
        primary: dict[str, str] = DATABASES["default"]  # type: ignore[assignment]
        DATABASES["replica"] = {
            **primary,
            "NAME": env_str("TANDEM_DB_REPLICA_NAME", primary["NAME"]),
            "USER": env_str("TANDEM_DB_REPLICA_USER", primary["USER"]),
            "PASSWORD": env_secret("TANDEM_DB_REPLICA_PASSWORD", primary["PASSWORD"]),
            "HOST": env_str("TANDEM_DB_REPLICA_HOST", ""),
            "PORT": env_str("TANDEM_DB_REPLICA_PORT", primary["PORT"]),
            "TEST": {"MIRROR": "default"},
        }
        DATABASE_ROUTERS = ["config.routers.ReportReplicaRouter"]
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("TANDEM_SQLITE_PATH", str(VAR_DIR / "tandem.sqlite3")),
            # The web server and the worker write at once: wait for the lock instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds allauth's failed-sign-in counters: it must be shared by every process, so it
# lives in the database rather than in one process's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tandem_cache",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# django-allauth: sign-in by e-mail, verified addresses, lockout after repeated failures.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "tandem.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Five failed attempts on one account lock it for 15 minutes; an address gets 20 a minute.
    "login_failed": env_str("TANDEM_LOGIN_FAILED_LIMIT", "20/m/ip,5/15m/key"),
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tandem] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tandem"
# Staff who can open a client's record must have a second factor (TOTP). Off only in the
# local demo, whose accounts are shared; see the README.
TANDEM_MFA_REQUIRED = env_bool("TANDEM_MFA_REQUIRED", True)
# Who must have it: anyone who can reach a client record (the policy lives above core).
TANDEM_SECOND_FACTOR_POLICY = "tandem.programs.access.requires_second_factor"
# What a signed-in person sees first (core's home page renders it; it gathers every area's).
TANDEM_DASHBOARD = "tandem.home.selectors.dashboard_for"

SESSION_COOKIE_AGE = env_int("TANDEM_SESSION_IDLE_SECONDS", 30 * 60)
# SESSION_COOKIE_AGE is an idle timeout: tandem.core.middleware.SessionMiddleware moves the expiry
# at most once a minute (not a write per request, as SESSION_SAVE_EVERY_REQUEST would do).
SESSION_REFRESH_SECONDS = env_int("TANDEM_SESSION_REFRESH_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "tandem_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True
# Canadian French dates, times and numbers (« 6 décembre 2026 », « 2026-12-06 », « 13 h 30 »).
FORMAT_MODULE_PATH = ["tandem.core.formats"]

STATIC_URL = "/static/"
# The container image collects static files at build time, outside the data volume.
STATIC_ROOT = Path(env_str("TANDEM_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    # FileSystemStorage that reports a full disk as such (tandem/core/storage.py).
    "default": {"BACKEND": "tandem.core.storage.UploadStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "TANDEM_STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Background work: django.tasks with the database backend; `manage.py tandem_worker` runs it.
# Two queues: "reports" (the funder PDF and other whole-report files) has a worker of its own in
# production (deploy/), polling often, so that a file somebody waits for never queues behind mail,
# an import or a proposal run; every other task goes to "default". `--queue-name '*'` serves both.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "reports"],
    }
}
# Ten attempts 30 s apart and doubling span about four hours and a quarter (30 s ... 2 h 8 min):
# a mail server down for an hour loses nothing (benchmarks/drills.py --scale hour). Five
# attempts spanned 7.5 minutes, so an hour's outage turned every reminder into a failed task.
TANDEM_TASK_MAX_ATTEMPTS = env_int("TANDEM_TASK_MAX_ATTEMPTS", 10)
TANDEM_TASK_RETRY_BASE_SECONDS = env_int("TANDEM_TASK_RETRY_BASE_SECONDS", 30)
# A finished task's row holds what it was given: a mail's address, subject, whole text and
# calendar file; a failed one its traceback. The hourly sweep deletes them (core/taskrows.py):
# successful ones after a week (long enough to answer "did the reminder go out on Monday?"),
# failed ones after 30 days (operators diagnose them, and a monthly review finds them). Never
# more than 31 days: an organization may keep a kind of record as little as one month
# (docs/privacy.md, "Retention"), and a copy of it in a mail must not outlive it.
TANDEM_TASK_KEEP_SUCCESSFUL_DAYS = env_int("TANDEM_TASK_KEEP_SUCCESSFUL_DAYS", 7, low=1, high=31)
TANDEM_TASK_KEEP_FAILED_DAYS = env_int(
    "TANDEM_TASK_KEEP_FAILED_DAYS", 30, low=TANDEM_TASK_KEEP_SUCCESSFUL_DAYS, high=31
)
# Every worker writes a heartbeat (tandem/core/worker.py). A RUNNING task whose worker has not
# been seen for the lease is put back in the queue (its worker was killed); a task that loses its
# worker TANDEM_TASK_MAX_CLAIMS times is recorded as failed instead of killing workers forever.
TANDEM_WORKER_HEARTBEAT_SECONDS = env_int("TANDEM_WORKER_HEARTBEAT_SECONDS", 5)
TANDEM_TASK_LEASE_SECONDS = env_int("TANDEM_TASK_LEASE_SECONDS", 60)
TANDEM_TASK_MAX_CLAIMS = env_int("TANDEM_TASK_MAX_CLAIMS", 3)
# /health/worker answers 503 when the oldest task waiting to run is older than this.
TANDEM_QUEUE_MAX_AGE_SECONDS = env_int("TANDEM_QUEUE_MAX_AGE_SECONDS", 300)

# Mail: files a person can open in development, SMTP in production.
DEFAULT_FROM_EMAIL = env_str("TANDEM_FROM_EMAIL", "Tandem <no-reply@tandem.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMTP_SECURITY = env_str(
    "TANDEM_SMTP_SECURITY", "ssl" if env_int("TANDEM_SMTP_PORT", 587) == 465 else "starttls"
)
if env_str("TANDEM_MAIL", "files") == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("TANDEM_SMTP_HOST", "localhost"),
                "port": env_int("TANDEM_SMTP_PORT", 587),
                "username": env_str("TANDEM_SMTP_USER", ""),
                "password": env_secret("TANDEM_SMTP_PASSWORD", ""),
                # starttls (port 587), ssl (port 465) or none (a relay on the same host).
                "use_tls": SMTP_SECURITY == "starttls",
                "use_ssl": SMTP_SECURITY == "ssl",
                # A server that accepts the connection and never answers must not hold the
                # worker (and every import, report and run behind it): give up, retry later.
                "timeout": env_int("TANDEM_SMTP_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            # One readable .eml file per message, named by recipient and subject (tandem/core/mail.py).
            "BACKEND": "tandem.core.mail.EmlFileBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }

# Security headers. CSP forbids inline script and style, so every page works with files only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = env_bool("TANDEM_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REDIRECT_EXEMPT = [r"^health(/worker)?$"]  # probes from the host itself, in plain HTTP
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS", [])
# Addresses (or networks) of the reverse proxies in front of the app. A request from one of them
# is attributed to the address it names in X-Forwarded-For, so sign-in limits count per person,
# not per proxy; from anywhere else the header is ignored (it could be forged).
TANDEM_TRUSTED_PROXIES = env_list("TANDEM_TRUSTED_PROXIES", [])

# /metrics (Prometheus text format) answers platform admins, or a scraper sending
# "Authorization: Bearer <token>".
TANDEM_METRICS_TOKEN = env_secret("TANDEM_METRICS_TOKEN", "")

# Audit history of every write to a person's record (django-auditlog, actor from the request).
AUDITLOG_INCLUDE_ALL_MODELS = False

# One JSON object per line in production (with the request id), plain text in development.
LOG_FORMAT = env_str("TANDEM_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tandem.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default handler would print every worker and request line a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # One line per request with its latency: for production logs, not the development console
        # (runserver prints its own).
        "tandem.access": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
        # WeasyPrint says each step of each PDF ("Step 5 - Creating layout - Page 12") at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

# Uploads: résumés (PDF or DOCX, checked by content) and participants CSV files.
TANDEM_RESUME_MAX_BYTES = env_int("TANDEM_RESUME_MAX_BYTES", 5 * 1024 * 1024)
# Communities of practice (tandem/community): an attachment's size, and how many posts (threads
# and replies) and private messages one person may write per minute and per hour ("N/m,N/h").
TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES = env_int(
    "TANDEM_COMMUNITY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024
)
TANDEM_COMMUNITY_POST_LIMIT = env_str("TANDEM_COMMUNITY_POST_LIMIT", "5/m,40/h")
TANDEM_COMMUNITY_MESSAGE_LIMIT = env_str("TANDEM_COMMUNITY_MESSAGE_LIMIT", "10/m,100/h")
TANDEM_IMPORT_MAX_BYTES = env_int("TANDEM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# A file of the community's repertoire (a toolkit's PDF, a workshop's slides).
TANDEM_LIBRARY_MAX_BYTES = env_int("TANDEM_LIBRARY_MAX_BYTES", 10 * 1024 * 1024)
# The whole request body: the largest upload and a margin for the form around it.
TANDEM_REQUEST_MAX_BYTES = env_int(
    "TANDEM_REQUEST_MAX_BYTES",
    max(TANDEM_IMPORT_MAX_BYTES, TANDEM_RESUME_MAX_BYTES, TANDEM_LIBRARY_MAX_BYTES) + 1024 * 1024,
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # a form's fields, its files apart
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files go to a temporary file

# Funders never see a cell that counts fewer people than this (reports).
TANDEM_SMALL_CELL_THRESHOLD = env_int("TANDEM_SMALL_CELL_THRESHOLD", 5)
# How long an invitation link works (tandem/accounts/services.py).
TANDEM_INVITATION_DAYS = env_int("TANDEM_INVITATION_DAYS", 7)
# Connections that read a report's sections side by side on PostgreSQL (reports/sections.py):
# each extra one is a server process for the length of a report. 1 reads them one by one.
TANDEM_REPORT_READERS = env_int("TANDEM_REPORT_READERS", 2)
# Staff reports over this many mentorships or more read stored figures, counted again by the
# worker after a change or after TANDEM_REPORT_FRESH_SECONDS (reports/snapshots.py).
TANDEM_REPORT_SNAPSHOT_FROM = env_int("TANDEM_REPORT_SNAPSHOT_FROM", 2000)
TANDEM_REPORT_FRESH_SECONDS = env_int("TANDEM_REPORT_FRESH_SECONDS", 900)
