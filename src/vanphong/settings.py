"""Django settings for vanphong, read from `VANPHONG_*` environment variables.

Safe defaults: an embedded SQLite database under `var/`, DEBUG off, e-mail printed to
the console. `DATABASE_URL` selects PostgreSQL, the production database.
"""

import datetime
import secrets
from pathlib import Path

import dj_database_url

from vanphong.env import envbool, envint, envlist, envsecret, envstr

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(envstr("VANPHONG_VAR_DIR", str(BASE_DIR / "var"))).resolve()


def _secret_key() -> str:
    """The configured key, else one generated once and kept under var/ so that
    sessions survive a restart of the demo."""
    configured = envsecret("VANPHONG_SECRET_KEY")
    if configured:
        return configured
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("VANPHONG_DEBUG", False)
ALLOWED_HOSTS = envlist("VANPHONG_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("VANPHONG_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "vanphong.core.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "vanphong.core",
    "vanphong.registry",
    "vanphong.handling",
    "vanphong.api",
    "vanphong.attachments",
    "vanphong.signatures",
    "vanphong.drafting",
    "vanphong.exchange",
    "vanphong.archive",
    "vanphong.scans",
    "vanphong.followup",
    "vanphong.schedule",
    "vanphong.programs",
    "vanphong.figures",
    "vanphong.reports",
    "vanphong.statistics",
    "vanphong.meetings",
    "vanphong.voting",
    "vanphong.letters",
    "vanphong.public",
    "captcha",
    # django-ninja's own Swagger UI files (in the wheel, no CDN): the API's docs page.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A host in VANPHONG_PUBLIC_HOSTS sees only the public site's URL map.
    "vanphong.public.middleware.PublicHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vanphong.core.middleware.ClientAddressMiddleware",
    "vanphong.core.middleware.GrantsMemoMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vanphong.urls"
WSGI_APPLICATION = "vanphong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanphong.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
_SQLITE_PATH = VAR_DIR / "vanphong.sqlite3"
DATABASE_URL = envstr("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers go on while one clerk writes; IMMEDIATE takes the
                # write lock at BEGIN so two writers queue instead of failing with
                # "database is locked" half-way through a transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work ------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr("VANPHONG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Authentication ---------------------------------------------------------------
AUTH_USER_MODEL = "core.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = envint("VANPHONG_LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = envint("VANPHONG_LOGIN_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- Sessions, cookies, transport security ----------------------------------------
HTTPS = envbool("VANPHONG_HTTPS", False)
SESSION_COOKIE_AGE = envint("VANPHONG_SESSION_HOURS", 10) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("VANPHONG_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Language, time, formats -------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = envstr("VANPHONG_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy and 1.234,5 for Vietnamese; see vanphong/formats/.
FORMAT_MODULE_PATH = ["vanphong.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static and uploaded files -----------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# The largest file a clerk may attach to a document, in megabytes (the web server in
# front must accept at least as much, e.g. nginx `client_max_body_size`).
VANPHONG_MAX_UPLOAD_MB = envint("VANPHONG_MAX_UPLOAD_MB", 50)
# A deployment on an isolated LAN (2025 law on state secrets: one building, no outside
# network) may draft and store classified documents; any other keeps them on paper or
# the cơ yếu system and registers them as metadata only (DOMAIN.md §2).
VANPHONG_ISOLATED_LAN = envbool("VANPHONG_ISOLATED_LAN", False)
# Digital signatures. Root certificates (PEM or DER files) and revocation lists (CRL
# files) of the national authorities, loaded from a directory: the networks are closed,
# nothing is fetched. The demo CA is added by `vanphong demo` as a trusted authority.
VANPHONG_TRUST_DIR = envstr("VANPHONG_TRUST_DIR", str(VAR_DIR / "trust"))
# PKCS#11 libraries of the tokens or HSMs the server may load (full paths, e.g. the
# vendor's library or /usr/lib/softhsm/libsofthsm2.so). Only these: a library is code
# run inside the server, so nobody may name another one from a form.
VANPHONG_PKCS11_MODULES = envlist("VANPHONG_PKCS11_MODULES", [])
# A timestamp server (RFC 3161) makes signatures PAdES B-T; empty: B-B.
VANPHONG_TIMESTAMP_URL = envstr("VANPHONG_TIMESTAMP_URL", "")
# Digitization: how long a worker may hold a scanned page before another takes it over
# (its worker was killed), in seconds; well above the time OCR takes for one page.
VANPHONG_SCAN_LEASE_SECONDS = envint("VANPHONG_SCAN_LEASE_SECONDS", 600)
# How many files one upload may hold (Django's default is 100): a box of scans is several
# hundred pages, uploaded as files from the digitization page.
DATA_UPLOAD_MAX_NUMBER_FILES = envint("VANPHONG_UPLOAD_MAX_FILES", 1000)
# Uploads above this size go to a temporary file rather than memory (Django's default).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# Source maps are for developers' tools, not worth compressing on every
# collectstatic (brotli at its highest level takes seconds on them).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "gz",
    "tgz",
    "bz2",
    "tbz",
    "xz",
    "br",
    "swf",
    "flv",
    "woff",
    "woff2",
    "3gp",
    "3gpp",
    "asf",
    "avi",
    "m4v",
    "mov",
    "mp4",
    "mpeg",
    "mpg",
    "webm",
    "wmv",
    "map",
]

# --- The public site ------------------------------------------------------------------
# Host names that serve only the public site (its own URL map, at /); empty: it is at
# /cong-khai/ beside the internal pages.
VANPHONG_PUBLIC_HOSTS = envlist("VANPHONG_PUBLIC_HOSTS", [])
ALLOWED_HOSTS += [host for host in VANPHONG_PUBLIC_HOSTS if host not in ALLOWED_HOSTS]
# Visitor counts (Đang online, Hôm nay, Trong tuần, Tất cả), kept in the cache.
VANPHONG_PUBLIC_COUNT_VISITS = envbool("VANPHONG_PUBLIC_COUNT_VISITS", True)
# The default cache as Django's own default; the public site's visitors and rate
# limits in a cache of their own, large enough for a day's visitors (one key each).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public",
        "OPTIONS": {"MAX_ENTRIES": envint("VANPHONG_PUBLIC_CACHE_ENTRIES", 200_000)},
    },
}
# The contact form's check: a small sum, with its words as the text alternative.
CAPTCHA_CHALLENGE_FUNCT = "vanphong.public.captcha.challenge"
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_dots",)
# Minutes: long enough to type a letter.
CAPTCHA_TIMEOUT = 60
CAPTCHA_2X_IMAGE = False

# --- E-mail -------------------------------------------------------------------------
EMAIL_BACKEND = envstr("VANPHONG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("VANPHONG_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("VANPHONG_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("VANPHONG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envsecret("VANPHONG_EMAIL_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("VANPHONG_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = envstr("VANPHONG_FROM_EMAIL", "vanphong@localhost")
# The address users open the office at, for links in e-mails (e.g. https://vanphong.tu.vn).
# By default the address `make demo` serves on, so that a mail's link opens there; a
# bare path cannot be clicked in a mail program.
SITE_URL = envstr("VANPHONG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("VANPHONG_LOG_LEVEL", "WARNING")},
}
