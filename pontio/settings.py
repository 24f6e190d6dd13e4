"""Pontio's settings: one file, read from the environment, embedded defaults.

Without any environment Pontio runs in its embedded mode: SQLite (WAL) and files
under ``./var``. Production differs only in environment variables (see README).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_secret(name: str, default: str = "") -> str:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def _data_file_secret(path: Path, make: Callable[[], str]) -> str:
    """Read a generated secret, creating it (mode 0600) on first start."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(make())
    return path.read_text(encoding="utf-8").strip()


DATA_DIR = Path(os.environ.get("PONTIO_DATA_DIR") or BASE_DIR / "var").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("PONTIO_DEBUG")
SECRET_KEY = env_secret("PONTIO_SECRET_KEY") or _data_file_secret(
    DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(50)
)
# The key that wraps every stored file's data key (see pontio/transfers).
MASTER_KEY_FILE = Path(
    os.environ.get("PONTIO_MASTER_KEY_FILE") or DATA_DIR / "master.key"
)
_data_file_secret(MASTER_KEY_FILE, lambda: secrets.token_hex(32))
# Every model holding data keys wrapped by the master key: `pontio keys rotate`
# re-wraps them all.
WRAPPED_KEY_MODELS = ["transfers.StoredBlob", "messaging.Message"]

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("PONTIO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
SITE_URL = os.environ.get("PONTIO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "pontio.directory",
    "pontio.audit",
    "pontio.transfers",
    "pontio.lostpupils",
    "pontio.messaging",
    "pontio.reports",
    "pontio.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pontio.web.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pontio.directory.middleware.session_limits",
    "pontio.directory.middleware.sign_in_steps",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pontio.urls"
CSRF_FAILURE_VIEW = "pontio.web.views.csrf_failure"
WSGI_APPLICATION = "pontio.wsgi.application"

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
                "pontio.web.context_processors.navigation",
                "pontio.messaging.context.unread_messages",
            ],
        },
    },
]
FORM_RENDERER = "pontio.web.forms.GovukFormRenderer"

# Database: SQLite in WAL mode under the data folder, or DATABASE_URL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "pontio.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
# After NCSC and OWASP ASVS: length, not composition; no common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "pontio.directory.passwords.MaximumLengthValidator"},
    {"NAME": "pontio.directory.passwords.UsernameNotInPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Set-password links (new accounts and resets) last 48 hours and work once.
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=48).total_seconds())
LOGIN_URL = "account:sign_in"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account:sign_in"

# Lockout after repeated failures (django-axes), per username.
AXES_FAILURE_LIMIT = env_int("PONTIO_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PONTIO_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pontio.directory.views.signin.locked_out"
AXES_VERBOSE = False
# Lock the account, not the address: a whole school or LA often shares one IP.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Pontio"

# Sessions: idle timeout 30 minutes, absolute 12 hours (the middleware).
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
SESSION_COOKIE_AGE = int(timedelta(minutes=30).total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(timedelta(hours=12).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

if not DEBUG:
    # Production-grade whenever debug is off. Browsers treat http://127.0.0.1
    # and http://localhost as secure contexts, so the embedded mode still works.
    SESSION_COOKIE_NAME = "__Host-pontio-session"
    CSRF_COOKIE_NAME = "__Host-pontio-csrf"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_NAME = "__Host-pontio-language"
    LANGUAGE_COOKIE_SECURE = True
    LANGUAGE_COOKIE_PATH = "/"
    SECURE_HSTS_SECONDS = int(timedelta(days=365).total_seconds())
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
    SECURE_SSL_REDIRECT = env_bool("PONTIO_SSL_REDIRECT")
    if env_bool("PONTIO_BEHIND_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("PONTIO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Languages: every page, e-mail and report in English and Welsh.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/London"
USE_TZ = True

# Static files: built by `make install` (govuk-frontend and Pontio's Sass).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "pontio" / "web" / "build"]


def _storages() -> dict[str, dict[str, object]]:
    url = os.environ.get("PONTIO_STORAGE_URL", "")
    if url.startswith("s3://"):
        parts = urlsplit(url)
        default: dict[str, object] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": parts.netloc,
                "location": parts.path.strip("/"),
                "default_acl": "private",
                "file_overwrite": False,
            },
        }
    else:
        location = Path(url.removeprefix("file://")) if url else DATA_DIR / "files"
        default = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "file_permissions_mode": 0o600},
        }
    return {
        "default": default,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }


STORAGES = _storages()


def _email() -> dict[str, object]:
    url = os.environ.get("EMAIL_URL", "")
    if not url:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(DATA_DIR / "outbox"),
        }
    parts = urlsplit(url)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or 25,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": 30,
    }


globals().update(_email())
DEFAULT_FROM_EMAIL = os.environ.get("PONTIO_FROM_EMAIL", "pontio@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: the queue lives in the database (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"pontio": {"level": "INFO"}},
}
