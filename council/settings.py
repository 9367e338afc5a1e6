"""Settings for Ratsbuch, read from the environment (see `.env.example`).

One file for every deployment: the embedded default is a SQLite file next to
`manage.py`; production sets `DATABASE_URL`, `DJANGO_SECRET_KEY` and
`DJANGO_ALLOWED_HOSTS` and leaves `DJANGO_DEBUG` off.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no switch from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = "pytest" in sys.modules or env_bool("RATSBUCH_TESTING")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Only a development server or the test suite may run with a throwaway key;
        # sessions signed with it are worthless outside this process tree.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production refuses to start without a secret key; "
            "set DJANGO_DEBUG=1 for a development server."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",  # Bootstrap's CSS and JS, from the django-bootstrap-static package
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "council",
    "resolutions",
    "alliances",
    "oparl",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff logins (office, admin) end after inactivity and need their second factor first.
    "council.security.StaffSessionTimeoutMiddleware",
    "council.security.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "council.urls"

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
                "council.context_processors.ratsbuch",
            ],
        },
    },
]

WSGI_APPLICATION = "council.wsgi.application"

# SQLite is the embedded default. IMMEDIATE transactions take SQLite's write lock at
# BEGIN, so two clerks allocating a KSD number at once queue instead of failing with
# "database is locked" half-way through a transaction.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'ratsbuch.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    # The test database is a file, not memory: the concurrency tests of the KSD numbering
    # and the browser tests' live server use it from several threads with real locking.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("RATSBUCH_SQLITE_TEST_NAME", str(BASE_DIR / "test-ratsbuch.sqlite3"))
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("RATSBUCH_PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# A login lands on the desk: what waits for the user, by role.
LOGIN_REDIRECT_URL = "resolutions:desk"
LOGOUT_REDIRECT_URL = "council:home"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("RATSBUCH_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# In development and tests whitenoise serves straight from the apps' static folders and
# looks again on every request; production serves the collected, hashed files.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening; a reverse proxy terminates TLS and says so in this header.
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Browsers that once saw the site over HTTPS keep to it (a year by default).
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# --- logins -----------------------------------------------------------------------------------
# Failed logins are counted per account and per address apart (django-axes): after
# RATSBUCH_LOGIN_FAILURE_LIMIT failures either is locked for RATSBUCH_LOGIN_LOCKOUT_MINUTES,
# and the lock-out page says until when. A success clears the account's count.
AXES_FAILURE_LIMIT = int(os.environ.get("RATSBUCH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("RATSBUCH_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "council.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "council.security.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the
# address is REMOTE_ADDR). Counting from the right, so that a client cannot forge its address.
RATSBUCH_PROXY_COUNT = int(os.environ.get("RATSBUCH_PROXY_COUNT", "0"))

# Office and admin accounts log in with a second factor, a TOTP code (django-otp); until they
# have confirmed an authenticator app they are sent to set one up before anything else.
RATSBUCH_TWO_FACTOR = env_bool("RATSBUCH_TWO_FACTOR", default=True)
OTP_TOTP_ISSUER = os.environ.get("RATSBUCH_OTP_ISSUER", "Ratsbuch")
# A staff login (office, admin) ends after this many minutes without a request.
RATSBUCH_STAFF_SESSION_MINUTES = int(os.environ.get("RATSBUCH_STAFF_SESSION_MINUTES", "30"))

# --- a policy for every page ---------------------------------------------------------------------
# No inline script or style: everything comes from our static files; a block that must stay
# inline carries the request's nonce (`nonce="{{ request.csp_nonce }}"`).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its icons (navbar toggler, form controls) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Attachments: the largest file a clerk may upload (default 20 MB). Django's own limit on
# in-memory uploads stays small; larger files are streamed to a temporary file.
RATSBUCH_MAX_UPLOAD_BYTES = int(os.environ.get("RATSBUCH_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Bounds of the work one attachment may cause (resolutions.filecheck): pages of a PDF, the
# unpacked size of an office document (a ZIP), the inflated size of one PDF stream, and the
# time, memory and characters of the text extraction, which runs in a background task.
RATSBUCH_MAX_PAGES = int(os.environ.get("RATSBUCH_MAX_PAGES", "2000"))
RATSBUCH_MAX_UNPACKED_BYTES = int(os.environ.get("RATSBUCH_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
RATSBUCH_MAX_STREAM_BYTES = int(os.environ.get("RATSBUCH_MAX_STREAM_BYTES", str(50 * 1024 * 1024)))
RATSBUCH_EXTRACT_SECONDS = float(os.environ.get("RATSBUCH_EXTRACT_SECONDS", "120"))
RATSBUCH_EXTRACT_MEMORY_BYTES = int(os.environ.get("RATSBUCH_EXTRACT_MEMORY_BYTES", str(1024 * 1024 * 1024)))
RATSBUCH_MAX_EXTRACTED_CHARS = int(os.environ.get("RATSBUCH_MAX_EXTRACTED_CHARS", "1000000"))
# The longest text a clerk may give a Vorlage in one field (Sachverhalt, Beschlussvorschlag,
# financial impact): about 200 printed pages. Longer material belongs in an attachment; the
# form says so and keeps the text.
RATSBUCH_MAX_TEXT_CHARS = int(os.environ.get("RATSBUCH_MAX_TEXT_CHARS", "500000"))
# The largest form a browser may send (files not counted). Large enough that a Vorlage
# with every text field at its limit arrives (URL-encoded, up to 9 bytes a character) and
# its form can answer with a message instead of Django refusing the request unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("RATSBUCH_MAX_FORM_BYTES", str(max(16 * 1024 * 1024, 3 * 9 * RATSBUCH_MAX_TEXT_CHARS)))
)

# The services called, in this order, inside the transaction of a decision after a result
# that settles a Vorlage is recorded (the authoritative step's result, or a withdrawal), as
# `service(decision=..., by=...)`. Dotted paths, so that resolutions does not import the
# apps that depend on it (alliances: a decided Vorlage settles alliance memberships).
# The licence the OParl API states for the council's data (a URL, e.g. of CC BY 4.0);
# empty: no licence is claimed, as the operator has to decide it, not the software.
RATSBUCH_OPARL_LICENSE = os.environ.get("RATSBUCH_OPARL_LICENSE", "")
RATSBUCH_DECISION_FOLLOWERS = [
    "alliances.services.membership_follow_decision",
    "resolutions.mailing.decision_recorded",  # the originating unit hears of the decision by mail
    "resolutions.tracking.services.tracking_follow_decision",
]

# Beschlusskontrolle: the authoritative results that give the administration work and so open
# a tracking record (values of resolutions.Decision.Result); the days the administration has
# by default to carry a decision out (the office sets the real target date); and how many
# days before the target date the traffic light turns amber.
RATSBUCH_TRACKING_RESULTS = [
    value.strip()
    for value in os.environ.get("RATSBUCH_TRACKING_RESULTS", "beschlossen,geändert beschlossen").split(",")
    if value.strip()
]
RATSBUCH_TRACKING_DEFAULT_DAYS = int(os.environ.get("RATSBUCH_TRACKING_DEFAULT_DAYS", "90"))
RATSBUCH_TRACKING_AMBER_DAYS = int(os.environ.get("RATSBUCH_TRACKING_AMBER_DAYS", "14"))

# What the search at /suche/ looks through, in this order: each app declares its own
# sources (`council.search.SearchSource`), so that council does not import the apps that
# depend on it. Dotted paths, like the decision followers above.
RATSBUCH_SEARCH_SOURCES = [
    "resolutions.search.PaperSource",
    "council.search_sources.AgendaItemSource",
    "council.search_sources.MeetingSource",
    "council.search_sources.OrganizationSource",
    "council.search_sources.PersonSource",
    "alliances.search.AllianceSource",
]

# --- background tasks (django-tasks, the backport of Django 6.0's django.tasks) ---------------
# The embedded default is a queue in the database, run by `manage.py db_worker` (which
# `make run` starts next to the web server). Production with several machines uses Redis:
# RATSBUCH_TASKS=rq, REDIS_URL=redis://…, and `manage.py rqworker default` on each worker
# machine. The tests run every task at once, in the process that enqueues it.
RATSBUCH_TASKS = os.environ.get("RATSBUCH_TASKS", "immediate" if TESTING else "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
if RATSBUCH_TASKS not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"RATSBUCH_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {RATSBUCH_TASKS!r}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[RATSBUCH_TASKS], "QUEUES": ["default"]}}
if RATSBUCH_TASKS == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# How often a task that failed for a passing reason (the mail server is away) is tried in
# all, and how long the first wait is (doubled each time).
RATSBUCH_TASK_ATTEMPTS = int(os.environ.get("RATSBUCH_TASK_ATTEMPTS", "5"))
RATSBUCH_TASK_RETRY_SECONDS = int(os.environ.get("RATSBUCH_TASK_RETRY_SECONDS", "60"))

# --- the cache (anonymous pages, council.page_cache) ------------------------------------------
# Embedded default: each worker's own memory. Production: Redis, shared by all workers and
# machines (CACHE_URL=redis://127.0.0.1:6379/1), or the database (CACHE_URL=db://, after
# `manage.py createcachetable`). CACHE_URL=dummy:// caches nothing.
CACHE_URL = os.environ.get("CACHE_URL", "locmem://")
_cache_scheme, _, _cache_rest = CACHE_URL.partition("://")
_CACHE_BACKENDS = {
    "locmem": ("django.core.cache.backends.locmem.LocMemCache", "ratsbuch"),
    "db": ("django.core.cache.backends.db.DatabaseCache", _cache_rest or "ratsbuch_cache"),
    "redis": ("django.core.cache.backends.redis.RedisCache", CACHE_URL),
    "rediss": ("django.core.cache.backends.redis.RedisCache", CACHE_URL),
    "dummy": ("django.core.cache.backends.dummy.DummyCache", ""),
}
if _cache_scheme not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(f"CACHE_URL must start with one of {', '.join(_CACHE_BACKENDS)}://, not {CACHE_URL!r}.")
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKENDS[_cache_scheme][0],
        "LOCATION": _CACHE_BACKENDS[_cache_scheme][1],
        "OPTIONS": {"MAX_ENTRIES": 5000} if _cache_scheme in ("locmem", "db") else {},
    }
}
# A cached PDF handed to nginx after the permission check: the internal location that serves
# MEDIA_ROOT (e.g. /protected-media/, see README). Empty: Django streams the file itself.
RATSBUCH_X_ACCEL_REDIRECT = os.environ.get("RATSBUCH_X_ACCEL_REDIRECT", "")

# --- outgoing mail ------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes out through that SMTP server. Without it, a development
# server (DJANGO_DEBUG=1, `make run`) writes every message as an .eml file into
# RATSBUCH_OUTBOX, which the council office reads at /postausgang/; production without a
# host sends through localhost:25, the local MTA.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
RATSBUCH_OUTBOX = Path(os.environ.get("RATSBUCH_OUTBOX", BASE_DIR / "outbox"))
if EMAIL_HOST or not DEBUG:
    EMAIL_HOST = EMAIL_HOST or "localhost"
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "council.mail.OutboxBackend"
# The sender of every message; the name shown is the body's (e.g. "Stadt Ludwigshafen am Rhein").
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ratsbuch@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's address as mail links print it (mail has no request to build URLs from).
RATSBUCH_SITE_URL = os.environ.get("RATSBUCH_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The invitation PDF of a meeting, as `render(meeting=..., insider=...) -> bytes`; a dotted path,
# so that council does not import resolutions, which renders it.
RATSBUCH_INVITATION_RENDERER = "resolutions.services.invitation_render"
RATSBUCH_MINUTES_PDF = "resolutions.services.minutes_mail_pdf"  # the stored Niederschrift for its mailing
# What a follower's digest holds, as `items(subscription, since, user) -> list[DigestItem]`;
# each app names the news of what it knows (dotted paths, like the decision followers).
RATSBUCH_DIGEST_SOURCES = ["resolutions.following.digest_items"]
# Whether a Vorlage may be followed, as `followable(reference, user) -> bool` (it must be visible).
RATSBUCH_FOLLOWABLE_PAPER = "resolutions.following.paper_followable"

# The accessibility statement (BITV 2.0 § 7): the date it was written or last checked, and the
# body that enforces accessibility when the council office's answer does not help (the
# Schlichtungsstelle or Durchsetzungsstelle of the municipality's Land; the federal one as default).
RATSBUCH_ACCESSIBILITY_STATEMENT_DATE = os.environ.get("RATSBUCH_ACCESSIBILITY_STATEMENT_DATE", "2026-12-07")
RATSBUCH_ENFORCEMENT_NAME = os.environ.get(
    "RATSBUCH_ENFORCEMENT_NAME",
    "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz bei dem Beauftragten der Bundesregierung "
    "für die Belange von Menschen mit Behinderungen",
)
RATSBUCH_ENFORCEMENT_ADDRESS = os.environ.get("RATSBUCH_ENFORCEMENT_ADDRESS", "Mauerstraße 53, 10117 Berlin")
RATSBUCH_ENFORCEMENT_EMAIL = os.environ.get("RATSBUCH_ENFORCEMENT_EMAIL", "info@schlichtungsstelle-bgg.de")
RATSBUCH_ENFORCEMENT_URL = os.environ.get("RATSBUCH_ENFORCEMENT_URL", "https://www.schlichtungsstelle-bgg.de")
