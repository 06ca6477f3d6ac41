"""Settings for MO-Portal, read from environment variables.

With nothing set, the portal runs locally in debug mode on SQLite. Production
sets at least DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
See README.md and docs/ for every variable.
"""

from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.database import bound_database_work
from config.env import envbool, envfloat, envint, envlist, envstr, url_origin

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the portal refuses to start without "
            "a secret key: set the SECRET_KEY environment variable to a long random "
            "string (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Transport and browser security. In production (DEBUG off) the portal is served
# over HTTPS only (behind nginx, which sets X-Forwarded-Proto; docs/deployment.md).
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"  # the widget page alone may be framed (xframe_options_exempt)
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
# Content-Security-Policy (core/security.py): no inline script or style anywhere,
# everything from the portal itself. MEDIA_ORIGIN: where logos are served from when
# media live on object storage.
MEDIA_ORIGIN = envstr("MEDIA_ORIGIN", "")
# The directory's map (static/js/directory-map.js): the address of a tile server with
# {z}/{x}/{y} (and {s} for its subdomains), and the credit it requires. Empty (the
# default; closed networks): the map draws the offline borders of the 16 states
# (static/vendor/natural-earth-admin1-4.1.0/). Its origin is allowed as img-src.
MAP_TILE_URL = envstr("MAP_TILE_URL", "").strip()
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION", "").strip()
MAP_TILE_ORIGIN = url_origin("MAP_TILE_URL", MAP_TILE_URL) if MAP_TILE_URL else ""
# At most this many points in one answer of the map's data (the first by name, or the
# nearest in a radius search); the map says when there are more.
MAP_MAX_POINTS = envint("MAP_MAX_POINTS", 10000)
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"]
    + ([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])
    + ([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else []),
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# The portal's address for absolute links in mails and open data: set it in
# production (check --deploy warns without it). Unset, links made during a request
# use the address of that request, and links made outside one (the worker,
# commands) SITE_URL_DEFAULT, which make run sets to its HOST and PORT
# (core/siteurl.py).
SITE_URL = envstr("SITE_URL", "").rstrip("/")
SITE_URL_DEFAULT = envstr("SITE_URL_DEFAULT", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_ratelimit",
    # The project's rooms, from the ground up (see docs/architecture.md).
    "core",
    "mailer",
    "directory",
    "accounts",
    "guidance",
    "finder",
    "cooperation",
    "events",
    "intake",
    "support",
    "opendata",
    "portal",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "core.logs.RequestLogMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # open data readable from other origins
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "core.compression.OpenDataGZipMiddleware",  # JSON and CSV, after the ETag is set
    "directory.vocabulary.VocabularyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.params.QueryLimitMiddleware",  # repeated parameters dropped, counts capped
    "django.middleware.common.CommonMiddleware",
    "core.siteurl.SiteUrlMiddleware",  # links in mails: SITE_URL or the request's address
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.security.RejectNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.security.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.once.SubmitOnceMiddleware",  # a form with a submit key runs once (core/once.py)
    "core.security.RateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "core.context_processors.site",
                "cooperation.context_processors.unread",
                "portal.context_processors.operator",
            ],
        },
    }
]

# Database: the embedded SQLite default, or whatever DATABASE_URL names.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets readers and a writer work side by side on the local default.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    # random_page_cost 1.1 tells the planner that the data lives on SSD or in
    # memory, so that it uses the GIN search indexes instead of scanning the table
    # (measured: 108 ms -> 3 ms for a common word at 16,000 MOs, bench/).
    # jit off: the portal's statements take milliseconds to a few hundred; when the
    # planner overestimates rows (it cannot know a materialised CTE's size), JIT
    # compiled expressions for 17-320 ms to save less (the partner finder at
    # 160,000 MOs: 804 ms with JIT, 390 ms without).
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c random_page_cost={envstr('PG_RANDOM_PAGE_COST', '1.1')} -c jit=off"
    )
# Bounded database work (config/database.py, docs/deployment.md): a database that
# accepts and never answers costs a request DB_CONNECT_TIMEOUT seconds, and a web
# request's statement is cancelled after DB_STATEMENT_TIMEOUT seconds (friendly 503).
# Commands and the background worker (manage.py sets PORTAL_PROCESS=command; a web
# server leaves it at "web") get DB_COMMAND_STATEMENT_TIMEOUT (0: none). 0 switches
# a timeout off.
PORTAL_PROCESS = envstr("PORTAL_PROCESS", "web")
if PORTAL_PROCESS not in ("web", "command"):
    raise ImproperlyConfigured(f"PORTAL_PROCESS is 'web' or 'command', not {PORTAL_PROCESS!r}.")
DB_CONNECT_TIMEOUT = envint("DB_CONNECT_TIMEOUT", 3)
DB_STATEMENT_TIMEOUT = envint("DB_STATEMENT_TIMEOUT", 10)
DB_COMMAND_STATEMENT_TIMEOUT = envint("DB_COMMAND_STATEMENT_TIMEOUT", 0)
# The client's own deadline per database wait in web processes on PostgreSQL
# (core/dbdeadline.py): ends the wait for a server or network that froze with the
# connection open, where the server's statement timeout cannot act. Half a second
# after the statement timeout by default, so that the server's cancel comes first.
DB_CLIENT_TIMEOUT = envfloat(
    "DB_CLIENT_TIMEOUT", DB_STATEMENT_TIMEOUT + 0.5 if DB_STATEMENT_TIMEOUT else 0.0
)
bound_database_work(
    DATABASES["default"],
    connect_timeout=DB_CONNECT_TIMEOUT,
    statement_timeout=(
        DB_STATEMENT_TIMEOUT if PORTAL_PROCESS == "web" else DB_COMMAND_STATEMENT_TIMEOUT
    ),
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared Redis in production, process memory locally. The cache is optional
# at run time (core/cache.py): while Redis refuses or hangs, calls answer as on a
# miss and pages are computed. Short socket timeouts bound what a hanging Redis
# costs; after a failure the cache is skipped for CACHE_RETRY_SECONDS, so that a
# page with many cache calls waits for one timeout at most.
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "moportal"),
            "OPTIONS": {
                "socket_connect_timeout": envfloat("CACHE_CONNECT_TIMEOUT", 0.25),
                "socket_timeout": envfloat("CACHE_TIMEOUT", 0.5),
                "retry_seconds": envfloat("CACHE_RETRY_SECONDS", 5.0),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts: sign-in with the e-mail address, argon2 hashes, lockout after failed logins.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Rate limits (django-ratelimit), counted in the default cache: with REDIS_URL
# shared by all server processes. Keys are per client address (CLIENT_IP_HEADER
# behind a proxy) or per signed-in user. Over the limit: a 429 page.
RATELIMIT_ENABLE = envbool("RATELIMIT_ENABLE", True)
CLIENT_IP_HEADER = envstr("CLIENT_IP_HEADER", "REMOTE_ADDR")  # e.g. HTTP_X_REAL_IP behind nginx
RATELIMIT_IP_META_KEY = "core.security.client_ip"
RATE_LIMITS = {
    "login": envstr("RATE_LOGIN", "20/10m"),  # per client address; lockout per account: axes
    # Per account across all client addresses (a trade-off: core/security.py).
    "login_account": envstr("RATE_LOGIN_ACCOUNT", "30/h"),
    "signup": envstr("RATE_SIGNUP", "10/h"),
    "password_reset": envstr("RATE_PASSWORD_RESET", "10/h"),
    "request": envstr("RATE_REQUEST", "30/h"),  # cooperation requests and replies, per user
    "interest": envstr("RATE_INTEREST", "30/h"),  # interest and contact messages, per user
    # Per target of a message (an MO, an offer, a mentor, an expert, a conversation),
    # over all senders: nobody's inbox can be flooded by many fresh accounts.
    "contact_target": envstr("RATE_CONTACT_TARGET", "20/h"),
    "feedback": envstr("RATE_FEEDBACK", "5/h"),  # accessibility feedback, per address
    "invitation": envstr("RATE_INVITATION", "20/d"),  # per inviting user
    "invitation_organisation": envstr("RATE_INVITATION_ORGANISATION", "30/d"),
    "invitation_address": envstr("RATE_INVITATION_ADDRESS", "3/d"),  # per invited address
    "claim": envstr("RATE_CLAIM", "5/d"),  # claims of ownerless profiles, per user
    # Letters' codes typed in (right or wrong), per client address: against guessing.
    "takeover_code": envstr("RATE_TAKEOVER_CODE", "10/h"),
    "report": envstr("RATE_REPORT", "5/d"),  # reports of accounts by MOs, per user
}
# Coordinators get at most one mail per period about new accessibility feedback
# (stored in the portal, read at /koordination/rueckmeldungen/).
FEEDBACK_NOTIFY_MINUTES = envint("FEEDBACK_NOTIFY_MINUTES", 60)
# The same for reports of accounts by MOs (read at /koordination/meldungen/).
ACCOUNT_REPORT_NOTIFY_MINUTES = envint("ACCOUNT_REPORT_NOTIFY_MINUTES", 60)
# A second invitation to a pending address re-sends the mail at most once per period.
INVITATION_RESEND_HOURS = envint("INVITATION_RESEND_HOURS", 24)
# Invitations to take over a profile without a team (directory.outreach): valid
# for so many days (a letter takes time); bulk invitations skip profiles invited
# within OUTREACH_SKIP_DAYS.
TAKEOVER_INVITATION_DAYS = envint("TAKEOVER_INVITATION_DAYS", 90)
OUTREACH_SKIP_DAYS = envint("OUTREACH_SKIP_DAYS", 14)
# Imports of MO lists (intake): the rows' values (names, addresses, e-mails of a
# list) are kept this many days after a job is done, undone, failed or left
# standing in its mapping, then purged (the report stays; no undo after that).
IMPORT_RETENTION_DAYS = envint("IMPORT_RETENTION_DAYS", 90)
# Pending invitations of a profile that the portal has not published (reviewed).
INVITATIONS_PENDING_UNPUBLISHED = envint("INVITATIONS_PENDING_UNPUBLISHED", 5)
# Locally (one process) the memory cache counts correctly, and production sets
# REDIS_URL (check --deploy warns without it: core/checks.py). The portal's Redis
# backend (core.cache, Django's own underneath) increments with Redis' INCR; the
# library only names django-redis.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001" if REDIS_URL else "django_ratelimit.E003"]
# While the cache is away nothing can be counted: requests are let through (with
# a log line, core/security.py) rather than all refused. Logins stay protected by
# the lockout per account, counted in the database (django-axes).
RATELIMIT_FAIL_OPEN = True
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# One identity whatever the case of the address (core.security.normalise_identity).
AXES_USERNAME_CALLABLE = "core.security.axes_username"
AXES_DISABLE_ACCESS_LOG = True  # no log of successful logins with IP addresses
AXES_VERBOSE = False
EMAIL_VERIFICATION_DAYS = envint("EMAIL_VERIFICATION_DAYS", 3)
INVITATION_DAYS = envint("INVITATION_DAYS", 14)
REQUESTS_PER_DAY = envint("REQUESTS_PER_DAY", 10)  # cooperation requests per sender
# The one-time link mailed to an MO without a team (read, answer, take over) works
# this many days; open requests unanswered for longer than REQUEST_UNANSWERED_DAYS
# are on the coordinators' work list.
REQUEST_LINK_DAYS = envint("REQUEST_LINK_DAYS", 30)
REQUEST_UNANSWERED_DAYS = envint("REQUEST_UNANSWERED_DAYS", 7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English second.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates day first ("2 October 2026"), not Django's American default.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Static files are served by the portal itself (no CDN).
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
# Seconds the worker waits for the mail server (connect, each reply). Only the
# worker talks to it (requests only queue mail); a server that is away costs
# one timeout per mail round, so keep it short.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 5)
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "MO-Portal <noreply@mo-portal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "account"
LOGOUT_REDIRECT_URL = "home"

# Open data and the API
OPEN_DATA_LICENCE_NAME = envstr(
    "OPEN_DATA_LICENCE_NAME", "Creative Commons Namensnennung 4.0 (CC BY 4.0)"
)
OPEN_DATA_LICENCE_URL = envstr(
    "OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.de"
)
OPEN_DATA_ATTRIBUTION = envstr("OPEN_DATA_ATTRIBUTION", "Quelle: MO-Portal")
OPEN_DATA_PUBLISHER = envstr("OPEN_DATA_PUBLISHER", "MO-Portal")  # DCAT: who publishes the data

# CORS (django-cors-headers): a page on any other origin may read the open data
# (the API, HSDS, the dumps and the result downloads), never with cookies, so
# it sees exactly what an anonymous visitor sees; no other address is opened.
CORS_URLS_REGEX = r"^/(api/|organisationen/export\.(csv|json|xlsx)$)"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-none-match", "if-modified-since")  # revalidation
CORS_EXPOSE_HEADERS = ("ETag", "Link", "X-Ignored-Parameters", "X-Generated-At")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "opendata.schema.PortalAutoSchema",
    # Throttling counts in the default cache: shared by all processes with REDIS_URL.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": envstr("API_RATE", "600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MO-Portal API",
    "DESCRIPTION": "Read-only open data of the MO-Portal: migrant organisations, the shared "
    "vocabulary, the guide and support offers. The HSDS 3.0 API is at /api/hsds/.",
    "VERSION": "1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "LICENSE": {"name": OPEN_DATA_LICENCE_NAME, "url": OPEN_DATA_LICENCE_URL},
}

BENCHMARK_FLOOR = envbool("BENCHMARK_FLOOR", False)  # bench/run.py: route the trivial view
# Whole anonymous pages from the shared cache (off: bench/run.py measures the computed pages).
PAGE_CACHE = envbool("PAGE_CACHE", True)

# Directory
DIRECTORY_PAGE_SIZE = envint("DIRECTORY_PAGE_SIZE", 20)

# Logs: JSON lines on stderr (core/logs.py), one per request, without personal
# data. Django's own "Not Found: <path>" warnings are left out (paths may carry tokens).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "django.security.csrf": {"level": "ERROR"},
        "portal.requests": {"level": "INFO" if envbool("LOG_REQUESTS", not DEBUG) else "WARNING"},
    },
}
