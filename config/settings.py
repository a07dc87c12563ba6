"""Tandem settings: one file, every deployment choice read from the environment.

Development defaults are safe to run on a laptop (SQLite, mail written to files). Production sets
TANDEM_DEBUG=0, TANDEM_SECRET_KEY, TANDEM_ALLOWED_HOSTS and TANDEM_DB=postgres; `manage.py check
--deploy` then reports nothing (a test holds it to that).
"""

from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TANDEM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("TANDEM_DEBUG", False)
SECRET_KEY = env_str("TANDEM_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("TANDEM_SECRET_KEY must be set when TANDEM_DEBUG is off")
    SECRET_KEY = "development-only-" + "x" * 40  # noqa: S105 - never used with DEBUG off

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
    "tandem.reports",
    "tandem.demo",  # the top floor: the demo network and `seed_demo`
    "tandem.core.admin_apps.TandemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tandem.core.middleware.RequireMultiFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
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
            "PASSWORD": env_str("PGPASSWORD", ""),
            "HOST": env_str("PGHOST", "127.0.0.1"),
            "PORT": env_str("PGPORT", "5432"),
            "CONN_MAX_AGE": env_int("TANDEM_DB_CONN_MAX_AGE", 60),
        }
    }
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
SESSION_SAVE_EVERY_REQUEST = True  # makes SESSION_COOKIE_AGE an idle timeout
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

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "TANDEM_STATIC_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Background work: django.tasks with the database backend; `manage.py db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TANDEM_TASK_MAX_ATTEMPTS = env_int("TANDEM_TASK_MAX_ATTEMPTS", 5)
TANDEM_TASK_RETRY_BASE_SECONDS = env_int("TANDEM_TASK_RETRY_BASE_SECONDS", 30)

# Mail: files a person can open in development, SMTP in production.
DEFAULT_FROM_EMAIL = env_str("TANDEM_FROM_EMAIL", "Tandem <no-reply@tandem.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("TANDEM_MAIL", "files") == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("TANDEM_SMTP_HOST", "localhost"),
                "port": env_int("TANDEM_SMTP_PORT", 587),
                "username": env_str("TANDEM_SMTP_USER", ""),
                "password": env_str("TANDEM_SMTP_PASSWORD", ""),
                "use_tls": True,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
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
SECURE_REDIRECT_EXEMPT = [r"^health$"]
CSRF_TRUSTED_ORIGINS = env_list("TANDEM_CSRF_TRUSTED_ORIGINS", [])

# Audit history of every write to a person's record (django-auditlog, actor from the request).
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TANDEM_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default handler would print every worker and request line a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint says each step of each PDF ("Step 5 - Creating layout - Page 12") at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}

# Uploads: résumés (PDF or DOCX, checked by content) and participants CSV files.
TANDEM_RESUME_MAX_BYTES = env_int("TANDEM_RESUME_MAX_BYTES", 5 * 1024 * 1024)
TANDEM_IMPORT_MAX_BYTES = env_int("TANDEM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# Funders never see a cell that counts fewer people than this (reports).
TANDEM_SMALL_CELL_THRESHOLD = env_int("TANDEM_SMALL_CELL_THRESHOLD", 5)
# How long an invitation link works (tandem/accounts/services.py).
TANDEM_INVITATION_DAYS = env_int("TANDEM_INVITATION_DAYS", 7)
# Connections that read a report's sections side by side on PostgreSQL (reports/sections.py):
# each extra one is a server process for the length of a report. 1 reads them one by one.
TANDEM_REPORT_READERS = env_int("TANDEM_REPORT_READERS", 2)
