"""Settings for Home Learning: every value comes from the environment.

See README.md ("Configuration") for the variables. A bad value stops start-up
with a message naming the variable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import dj_database_url
from django.conf import locale as _django_locale
from django.core.exceptions import ImproperlyConfigured

from homelearning.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# The demo (make demo) turns on the local outbox page and the printed logins.
DEMO_MODE = env_bool("DEMO_MODE", default=False)
# The demo's invented pupils carry UPNs from an invented local authority (999), so they can never match a
# real child's; only the demo accepts that number in an import (people.upn).
UPN_DEMO_LA_NUMBER = "999"
if DEMO_MODE and not DEBUG:
    raise ImproperlyConfigured("DEMO_MODE needs DEBUG=true: the demo is never a production server.")

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off. "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"  # noqa: S105
elif len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "homelearning.core",
    "homelearning.people",
    "homelearning.api",
    "homelearning.provision",
    "homelearning.learning",
    "homelearning.journal",
    "homelearning.packs",
    "homelearning.live",
    "homelearning.contact",
    "homelearning.safeguarding",
    "homelearning.privacy",
    "homelearning.roster",
    "homelearning.translation",
    "homelearning.texts",
    "homelearning.engagement",
    "homelearning.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "homelearning.people.middleware.ViewerMiddleware",
    "homelearning.people.middleware.ViewerLanguageMiddleware",
    "homelearning.people.middleware.RequireMfaMiddleware",
    "homelearning.sso.middleware.ProviderRecheckMiddleware",
    "homelearning.privacy.middleware.StaffIdleTimeoutMiddleware",
    "homelearning.privacy.middleware.DeviceConfirmationMiddleware",
    "homelearning.learning.offline.ClearSiteDataOnSignOut",
    "csp.middleware.CSPMiddleware",
    "homelearning.sso.middleware.ProviderFormActionMiddleware",
]

ROOT_URLCONF = "homelearning.urls"
WSGI_APPLICATION = "homelearning.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "homelearning" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "homelearning.people.context_processors.viewer",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
_default_db = f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"
# Production needs an explicit DATABASE_URL; DEBUG falls back to a local SQLite file.
_database_url = env_str("DATABASE_URL", _default_db if DEBUG else None)
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL Home Learning understands: {exc}") from None
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while the worker writes; IMMEDIATE takes the
    # write lock at BEGIN so two writers queue instead of failing mid-transaction.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if str(_db["NAME"]) != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] not in {"django.db.backends.postgresql"}:
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite (sqlite:///path) or PostgreSQL (postgres://...).")
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, TOTP replay protection) --------------------------------
_redis_url = env_str("REDIS_URL", "")
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work -------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Queued once a day by `manage.py enqueue_daily` (cron or a systemd timer, e.g. 06:30).
DAILY_TASKS = [
    "homelearning.provision.tasks.illness_alerts",
    "homelearning.safeguarding.tasks.overdue_contacts_digest",
    "homelearning.engagement.tasks.quiet_digest",
    "homelearning.roster.tasks.expire_previews",
    "homelearning.roster.tasks.wonde_nightly",
    "homelearning.journal.tasks.feedback_digest",
    "homelearning.journal.tasks.orphan_files_sweep",
    "homelearning.privacy.tasks.retention_daily",
    "homelearning.privacy.tasks.policy_review_reminders",
    "homelearning.privacy.tasks.sar_deadline_digest",
    "homelearning.live.tasks.end_overdue_sessions",
    "homelearning.people.tasks.remembered_phones_purge",
]
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 6, minimum=1, maximum=20)
# Seconds before retry n (1-based): base * 4**(n-1), so 60s, 4m, 16m, 64m, ~4h.
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 60, minimum=0)
# A worker sends up to this many ready emails over one SMTP connection before it takes its next job.
EMAIL_BATCH_SIZE = env_int("EMAIL_BATCH_SIZE", 50, minimum=1, maximum=1000)
# /health/ answers 503 when a job that could run has waited longer than this (no worker, or too few).
HEALTH_QUEUE_MAX_AGE_SECONDS = env_int("HEALTH_QUEUE_MAX_AGE_SECONDS", 300, minimum=10)

# --- Roster import ----------------------------------------------------------------
# A file bigger than this is refused from its declared size, before it is read.
ROSTER_MAX_UPLOAD_BYTES = env_int("ROSTER_MAX_UPLOAD_BYTES", 20_000_000, minimum=10_000, maximum=100_000_000)
ROSTER_MAX_ROWS = env_int("ROSTER_MAX_ROWS", 60_000, minimum=10)

# --- Email ------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Home Learning <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) --------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "homelearning.people.adapter.AccountAdapter"
# Password reset requests only queue a job, whoever the address belongs to (no timing tells).
ACCOUNT_FORMS = {
    "reset_password": "homelearning.people.forms.QueuedResetPasswordForm",
    "request_login_code": "homelearning.people.forms.EmailOrMobileLoginCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Email for everyone; a carer's mobile too, for a code by text (issue 16). Staff have no phone login.
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"  # The school provisions every address.
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True  # Parents: a one-time code by email, no password.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True
# Never email an address the school does not know (no "you have no account" mail to strangers).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one address lock it for five minutes.
    "login_failed": "10/m/ip,5/300s/key",
    "login": "30/m/ip",
    "request_login_code": "5/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# --- Staff single sign-on (issue 17; docs/sign-in.md) ------------------------------------
# One registered client a provider for the deployment; each school sets its own tenant or domain on its
# sign-in page. The base addresses are settings only so that tests can run a local provider.
SSO_CLIENTS = {
    "microsoft": {
        "client_id": env_str("MICROSOFT_CLIENT_ID", ""),
        "secret": env_secret("MICROSOFT_CLIENT_SECRET") or "",
        "authority": env_str("MICROSOFT_AUTHORITY", "https://login.microsoftonline.com"),
    },
    "google": {
        "client_id": env_str("GOOGLE_CLIENT_ID", ""),
        "secret": env_secret("GOOGLE_CLIENT_SECRET") or "",
        "issuer": env_str("GOOGLE_ISSUER", "https://accounts.google.com"),
    },
}
# How often a signed-in staff session asks the provider (by its refresh token) whether the account still works.
SSO_RECHECK_SECONDS = env_int("SSO_RECHECK_SECONDS", 15 * 60, minimum=60)
# Wonde (the MIS, issue 17; docs/import.md): the deployment's API token, and the region's API address.
WONDE_TOKEN = env_secret("WONDE_TOKEN") or ""
WONDE_API_URL = env_str("WONDE_API_URL", "https://api.wonde.com/v1.0")
SOCIALACCOUNT_ADAPTER = "homelearning.sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # our adapter matches the verified address to a Staff record itself
SOCIALACCOUNT_STORE_TOKENS = True  # the refresh token, for the recheck
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Home Learning")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Parents' and pupils' pages, emails and packs come in these languages (issue 16; docs/translations.md);
# staff pages stay in English. Names are in the language itself, as a chooser shows them.
LANGUAGES = [
    ("en-gb", "English"),
    ("pl", "Polski"),
    ("ro", "Română"),
    ("ur", "اردو"),
    ("pa", "ਪੰਜਾਬੀ"),
    ("bn", "বাংলা"),
    ("ar", "العربية"),
    ("pt", "Português"),
    ("so", "Soomaali"),
    ("es", "Español"),
    ("uk", "Українська"),
]
# Django ships no Somali locale data: name it, so the language tags and the chooser know it.
_django_locale.LANG_INFO.setdefault("so", {"bidi": False, "code": "so", "name": "Somali", "name_local": "Soomaali"})
LOCALE_PATHS = [BASE_DIR / "homelearning" / "locale"]
LANGUAGE_COOKIE_NAME = "homelearning_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE: Literal["Lax"] = "Lax"
USE_TZ = True

# --- Files ----------------------------------------------------------------------------
STATIC_URL = "static/"
# The project's own CSS lives beside the apps; the project package is not an app, so name it.
STATICFILES_DIRS = [BASE_DIR / "homelearning" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Teaching clips and worksheets: the largest upload accepted (bytes). Served only through access-checked views.
LEARNING_UPLOAD_MAX_BYTES = env_int("LEARNING_UPLOAD_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# A teacher's recorded clip for an activity (issue 16): short, so that it is quick on a phone's data.
LEARNING_AUDIO_MAX_SECONDS = env_int("LEARNING_AUDIO_MAX_SECONDS", 300, minimum=10, maximum=3600)
JOURNAL_UPLOAD_MAX_BYTES = env_int("JOURNAL_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Static files: `manage.py collectstatic` once per release, then whitenoise serves hashed, compressed
# copies with far-future caching. STATIC_MANIFEST=false serves straight from the apps (DEBUG, tests).
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Media (uploads): MEDIA_STORAGE=local keeps them under MEDIA_ROOT (one host, or a shared mount);
# MEDIA_STORAGE=s3 puts them in an S3-compatible bucket, so any number of web hosts share them.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "local":
    _media_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET"),
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("MEDIA_S3_REGION", "") or None,
            "access_key": env_secret("MEDIA_S3_ACCESS_KEY_ID"),
            "secret_key": env_secret("MEDIA_S3_SECRET_ACCESS_KEY"),
            "location": env_str("MEDIA_S3_PREFIX", ""),
            # Private objects: files reach people only through the access-checked views.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("MEDIA_S3_URL_SECONDS", 300, minimum=30, maximum=3600),
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- API ----------------------------------------------------------------------------------------
# Requests per API token: "<n>/<s|min|h|d>". Past it the API answers 429 with Retry-After.
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "300/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured("API_RATE_LIMIT must look like 300/min (a number, a slash, then s, min, h or d).")

# --- Machine translation of the school's own words (issue 16) ----------------------------------
# "" (none: parents read activities, feedback and answers as the school wrote them) or "azure" (Azure AI
# Translator's REST API). Names and contact details never leave: translation.masking replaces them first.
MACHINE_TRANSLATION_PROVIDER = env_str("MACHINE_TRANSLATION_PROVIDER", "")
if MACHINE_TRANSLATION_PROVIDER not in {"", "azure"}:
    raise ImproperlyConfigured(
        f"MACHINE_TRANSLATION_PROVIDER must be empty or azure, not {MACHINE_TRANSLATION_PROVIDER!r}."
    )
AZURE_TRANSLATOR_KEY = env_secret("AZURE_TRANSLATOR_KEY") or ""
AZURE_TRANSLATOR_REGION = env_str("AZURE_TRANSLATOR_REGION", "")  # e.g. uksouth, for a regional resource
AZURE_TRANSLATOR_ENDPOINT = env_str("AZURE_TRANSLATOR_ENDPOINT", "https://api.cognitive.microsofttranslator.com")
if MACHINE_TRANSLATION_PROVIDER == "azure" and not AZURE_TRANSLATOR_KEY:
    raise ImproperlyConfigured(
        "MACHINE_TRANSLATION_PROVIDER=azure needs AZURE_TRANSLATOR_KEY (or AZURE_TRANSLATOR_KEY_FILE)."
    )

# --- Text messages (issue 16) -------------------------------------------------------------------
# "" (none: families without email go on the office's call-or-post list), "notify" (GOV.UK Notify) or "demo"
# (nothing sent; each text shown as sent). The demo and a developer's machine (DEBUG) default to "demo".
TEXTS_PROVIDER = env_str("TEXTS_PROVIDER", "demo" if DEBUG else "")
if TEXTS_PROVIDER not in {"", "notify", "demo"}:
    raise ImproperlyConfigured(f"TEXTS_PROVIDER must be empty, notify or demo, not {TEXTS_PROVIDER!r}.")
NOTIFY_API_KEY = env_secret("NOTIFY_API_KEY") or ""
NOTIFY_SMS_TEMPLATE_ID = env_str("NOTIFY_SMS_TEMPLATE_ID", "")  # a template whose whole text is ((body))
NOTIFY_BASE_URL = env_str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if TEXTS_PROVIDER == "notify" and not (NOTIFY_API_KEY and NOTIFY_SMS_TEMPLATE_ID):
    raise ImproperlyConfigured("TEXTS_PROVIDER=notify needs NOTIFY_API_KEY (or _FILE) and NOTIFY_SMS_TEMPLATE_ID.")
TEXT_MAX_ATTEMPTS = env_int("TEXT_MAX_ATTEMPTS", 5, minimum=1, maximum=20)
TEXT_PROVIDER_TIMEOUT = env_int("TEXT_PROVIDER_TIMEOUT", 10, minimum=1, maximum=60)

# --- Live sessions ------------------------------------------------------------------------------
# "demo" (an in-app room, for the demo and tests), "bigbluebutton" or "teams"; a headteacher may choose
# another configured provider for their school. Credentials come only from the environment.
LIVE_PROVIDER = env_str("LIVE_PROVIDER", "demo")
if LIVE_PROVIDER not in {"demo", "bigbluebutton", "teams"}:
    raise ImproperlyConfigured(f"LIVE_PROVIDER must be demo, bigbluebutton or teams, not {LIVE_PROVIDER!r}.")
LIVE_BBB_URL = env_str("LIVE_BBB_URL", "")
LIVE_BBB_SECRET = env_secret("LIVE_BBB_SECRET") or ""
if LIVE_PROVIDER == "bigbluebutton" and not (LIVE_BBB_URL and LIVE_BBB_SECRET):
    raise ImproperlyConfigured(
        "LIVE_PROVIDER=bigbluebutton needs LIVE_BBB_URL and LIVE_BBB_SECRET (or LIVE_BBB_SECRET_FILE)."
    )
# The checksum algorithm the BigBlueButton server accepts (its supportedChecksumAlgorithms; servers
# before 2.5 take sha1 only).
LIVE_BBB_CHECKSUM = env_str("LIVE_BBB_CHECKSUM", "sha256").lower()
if LIVE_BBB_CHECKSUM not in {"sha1", "sha256", "sha384", "sha512"}:
    raise ImproperlyConfigured(f"LIVE_BBB_CHECKSUM must be sha1, sha256, sha384 or sha512, not {LIVE_BBB_CHECKSUM!r}.")
LIVE_PROVIDER_TIMEOUT = env_int("LIVE_PROVIDER_TIMEOUT", 5, minimum=1, maximum=60)
# Microsoft Teams through Microsoft Graph: an app registration with OnlineMeetings.ReadWrite.All.
LIVE_TEAMS_TENANT_ID = env_str("LIVE_TEAMS_TENANT_ID", "")
LIVE_TEAMS_CLIENT_ID = env_str("LIVE_TEAMS_CLIENT_ID", "")
LIVE_TEAMS_CLIENT_SECRET = env_secret("LIVE_TEAMS_CLIENT_SECRET") or ""
LIVE_TEAMS_AUTHORITY = env_str("LIVE_TEAMS_AUTHORITY", "https://login.microsoftonline.com")
LIVE_GRAPH_URL = env_str("LIVE_GRAPH_URL", "https://graph.microsoft.com/v1.0")
LIVE_TEAMS_CA_BUNDLE = env_str("LIVE_TEAMS_CA_BUNDLE", "")  # a private CA, e.g. a school's TLS proxy
if LIVE_PROVIDER == "teams" and not (LIVE_TEAMS_TENANT_ID and LIVE_TEAMS_CLIENT_ID and LIVE_TEAMS_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "LIVE_PROVIDER=teams needs LIVE_TEAMS_TENANT_ID, LIVE_TEAMS_CLIENT_ID and LIVE_TEAMS_CLIENT_SECRET(_FILE)."
    )

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=300)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe /health/ over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The header alone submits nothing; a site joins the preload list only when its owner applies.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The number of trusted reverse proxies in front of the app, for the audit log's IP.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
# Content-Security-Policy (django-csp): scripts and styles only from this origin, never inline scripts;
# style *attributes* are allowed (a few tables position a sticky header) but not <style> elements.
# Forms may post on to the configured live-session provider (staff join redirects there).
_form_action = ["'self'"]
if LIVE_BBB_URL:
    _form_action.append("/".join(LIVE_BBB_URL.split("/", 3)[:3]))
if LIVE_TEAMS_TENANT_ID:
    _form_action.append("https://teams.microsoft.com")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": _form_action,
    }
}
# Staff sessions end after this much inactivity (parents keep SESSION_COOKIE_AGE).
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 60, minimum=5, maximum=24 * 60)

# LOG_FORMAT=json (production default) writes one JSON object a line; plain is for a terminal.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object a line, for journald / a log shipper: see homelearning/core/logs.py.
        "json": {"()": "homelearning.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
