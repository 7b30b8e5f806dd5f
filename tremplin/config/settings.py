"""Settings for every deployment, driven by the environment (see docs/configuration.md).

Production defaults are the safe ones: DEBUG is off, cookies are secure, HTTPS is enforced,
and a missing SECRET_KEY stops the start-up instead of falling back to a known key.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tremplin.config.env import env_bool, env_int, env_list, env_prefixed, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(env_str("TREMPLIN_DATA_DIR", str(Path.cwd()))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tremplin.core",
    "tremplin.agencies",
    "tremplin.accounts",
    "tremplin.audit",
    "tremplin.clients",
    "tremplin.programs",
    "tremplin.learning",
    "tremplin.messaging",
    "tremplin.assistant",
    "tremplin.ops",
    "tremplin.outcomes",
    "tremplin.surveys",
    "tremplin.employers",
    "tremplin.reports",
    # After our apps so that our templates override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "huey.contrib.djhuey",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tremplin.api",
    "tremplin.privacy",
    "tremplin.agencies.admin_site.TremplinAdminConfig",
    "anymail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed for slow lines; static files come pre-compressed from WhiteNoise. Django's
    # GZip pads each response at random against BREACH, and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "tremplin.ops.middleware.SecurityHeadersMiddleware",
    "tremplin.ops.edge.ControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "tremplin.privacy.middleware.SessionLimitsMiddleware",
    "tremplin.accounts.middleware.StaffSessionMiddleware",
    "tremplin.agencies.middleware.AgencyMiddleware",
]

ROOT_URLCONF = "tremplin.config.urls"
WSGI_APPLICATION = "tremplin.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tremplin.core.context_processors.site",
            ],
        },
    }
]

# Databases: SQLite file in the working folder unless DATABASE_URL says otherwise.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{WORK_DIR / 'db.sqlite3'}"
# PostgreSQL: each app-server worker serves one request at a time and keeps its connection for
# DB_CONN_MAX_AGE seconds (a pool of one per worker), checked before reuse; beyond a few app
# servers, PgBouncer in transaction mode in front (docs/deployment.md).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Page queries are short: PostgreSQL's JIT compiler spent 50–1000 ms compiling plans whose
    # estimated cost crossed its threshold (seat counts, dashboards) to save a few.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on busy_timeout
        # instead of failing with "database is locked" when a read lock is upgraded.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "tremplin.ops.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Every signed-in request reads its session: from Redis, the database keeping the record
    # (without Redis the cache is a table too, so reading it would save nothing).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # No Redis: a cache every process on the machine shares (a table in the database), so
    # allauth's login throttles and used TOTP codes and core.ratelimit hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "tremplin.ops.cache.DatabaseCache",
            "LOCATION": "tremplin_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# How long anonymous visitors' agency pages stay cached at most (tremplin/core/pagecache.py).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60)

# Background work: Redis in production, a SQLite file for the embedded default (no server).
HUEY = {
    "name": "tremplin",
    "immediate": env_bool("TASKS_IMMEDIATE", False),
    # max_delay: an idle SQLite queue is polled at least every second (huey's default backs off to
    # 10 s), so a knowledge-base edit retrains within seconds.
    "consumer": {"workers": env_int("TASK_WORKERS", 2), "worker_type": "thread", "max_delay": 1.0},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(WORK_DIR / "tasks.sqlite3")})

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
LOGIN_REDIRECT_URL = "landing"

# Accounts (django-allauth): login by email, verified email, TOTP for staff (enforced by
# tremplin.accounts.middleware), repeated failed logins throttled per address and per IP
# whether or not the account exists.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "tremplin.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "tremplin.accounts.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,5/900s/key"}
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tremplin] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tremplin"
# One 30-second step either side: a code typed as it changes (or read off a phone whose clock
# drifts a little) still works; each code is still accepted once (allauth marks it used).
MFA_TOTP_TOLERANCE = 1
STAFF_IDLE_TIMEOUT_SECONDS = env_int("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60)
# Clients' sessions: end after this many idle seconds, and in any case this long after sign-in.
CLIENT_IDLE_TIMEOUT_SECONDS = env_int("CLIENT_IDLE_TIMEOUT_SECONDS", 2 * 60 * 60)
CLIENT_SESSION_MAX_SECONDS = env_int("CLIENT_SESSION_MAX_SECONDS", 7 * 24 * 60 * 60)
# Door and self check-in open this many minutes before a session starts.
CHECK_IN_OPENS_MINUTES = env_int("CHECK_IN_OPENS_MINUTES", 30)
SESSION_COOKIE_AGE = CLIENT_SESSION_MAX_SECONDS

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# Email providers through django-anymail: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend and
# ANYMAIL_<SETTING> variables (ANYMAIL_POSTMARK_SERVER_TOKEN…). Delivery webhooks
# (/messaging/email/<esp>/tracking/) are applied only with ANYMAIL_WEBHOOK_SECRET=user:password.
ANYMAIL = env_prefixed("ANYMAIL_")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Emails to people carry the agency's name (or this one) and this postal address (anti-spam law).
TREMPLIN_SITE_NAME = env_str("TREMPLIN_SITE_NAME", "Tremplin")
TREMPLIN_POSTAL_ADDRESS = env_str("TREMPLIN_POSTAL_ADDRESS")
_MAIL_HOST = next(
    (h for h in ALLOWED_HOSTS if "." in h and not h.replace(".", "").isdigit() and "*" not in h),
    "tremplin.example.org",
).lstrip(".")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{TREMPLIN_SITE_NAME} <no-reply@{_MAIL_HOST}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The public address of this deployment, for links in messages (survey invitations…).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS: list[Path] = []
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"

STATIC_URL = "static/"
STATIC_ROOT: Path | None = Path(env_str("STATIC_ROOT", str(WORK_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(WORK_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Messaging and assistant
# Outbound channels: "file" writes var/outbox/<channel>.jsonl and sends nothing; "twilio" sends for real.
MESSAGING_SMS_BACKEND = env_str("MESSAGING_SMS_BACKEND", "file")
MESSAGING_WHATSAPP_BACKEND = env_str("MESSAGING_WHATSAPP_BACKEND", "file")
MESSAGING_OUTBOX_DIR = WORK_DIR / "var" / "outbox"
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env_str(
    "TWILIO_AUTH_TOKEN"
)  # also checks the signature of incoming SMS webhooks
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER")
# Messaging outbox (docs/messaging.md): email through Django's EMAIL_BACKEND ("django") or the
# file outbox ("file"); a row "sending" longer than the timeout (seconds) is taken back from its
# dead worker; MESSAGING_PUBLIC_URL (https://host) turns on Twilio delivery-status callbacks;
# WhatsApp outside the 24-hour window after the person's last message needs an approved
# template: TWILIO_WHATSAPP_TEMPLATES="survey_invitation=HX…,session_reminder_24h=HX…" (Twilio
# content SID per message type), TWILIO_WHATSAPP_CONTENT_SID for the types not listed; none →
# the next channel.
MESSAGING_EMAIL_BACKEND = env_str("MESSAGING_EMAIL_BACKEND", "django")
MESSAGING_SENDING_TIMEOUT = env_int("MESSAGING_SENDING_TIMEOUT", 300)
MESSAGING_BATCH_SIZE = env_int("MESSAGING_BATCH_SIZE", 100)  # rows a worker claims at once
MESSAGING_FILE_DELAY = float(env_str("MESSAGING_FILE_DELAY", "0") or 0)  # tests: provider latency
MESSAGING_PUBLIC_URL = env_str("MESSAGING_PUBLIC_URL")
TWILIO_WHATSAPP_CONTENT_SID = env_str("TWILIO_WHATSAPP_CONTENT_SID")
TWILIO_WHATSAPP_TEMPLATES = dict(
    item.split("=", 1) for item in env_list("TWILIO_WHATSAPP_TEMPLATES", []) if "=" in item
)
ASSISTANT_DATA_DIR = WORK_DIR / "var" / "assistant"  # embedding cache shared by the workers
ASSISTANT_ENCODER = env_str(
    "ASSISTANT_ENCODER"
)  # empty: the best installed (see assistant/nlu/encoders.py)
ASSISTANT_RATE_LIMIT = env_int(
    "ASSISTANT_RATE_LIMIT", 20
)  # messages per window, per web conversation and per phone
ASSISTANT_RATE_WINDOW_SECONDS = env_int("ASSISTANT_RATE_WINDOW_SECONDS", 600)
# Per IP ceiling of the web chat (the per-conversation limit above is the real one).
ASSISTANT_IP_RATE_LIMIT = env_int("ASSISTANT_IP_RATE_LIMIT", 300)
# The demo's SMS webhook works without Twilio: requests signed with this token are accepted
# when TWILIO_AUTH_TOKEN is empty (never in production: empty unless DEBUG or set explicitly).
ASSISTANT_DEMO_SMS_TOKEN = env_str("ASSISTANT_DEMO_SMS_TOKEN") or (
    "tremplin-demo-sms" if DEBUG else ""
)
ASSISTANT_MAX_MESSAGE_CHARS = 1000
# Reports: groups of fewer clients than this are hidden in network views and downloads.
REPORTS_SUPPRESSION_THRESHOLD = env_int("REPORTS_SUPPRESSION_THRESHOLD", 5)

# REST API and webhooks (tremplin/api, docs/api.md)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tremplin.api.errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["tremplin.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tremplin.api.permissions.TokenScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["tremplin.api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tremplin API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "tremplin.programs.models.SessionStatus",
        "RegistrationStatusEnum": "tremplin.programs.models.RegistrationStatus",
        "AttendanceModeEnum": "tremplin.programs.models.AttendanceMode",
        "MessageStatusEnum": "tremplin.messaging.models.OutboundStatus",
        "PostingStatusEnum": "tremplin.employers.models.PostingStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tremplin.api.schema.add_error_responses",
    ],
}
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)  # default of new tokens
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 65_536)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# Webhook receivers must use https; plain http only to this machine, and only in development.
WEBHOOK_ALLOW_HTTP_LOCALHOST = env_bool("WEBHOOK_ALLOW_HTTP_LOCALHOST", DEBUG)
# Webhook receivers must be on the public internet (no private, loopback, link-local or reserved
# address, at subscription and at each delivery: tremplin/api/addresses.py). True only for tests
# and development with a receiver on this machine.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)

# Production refuses to start (tremplin serve, the WSGI module) with the "file" SMS/WhatsApp
# backends or a non-sending e-mail backend, unless this is set (demos).
TREMPLIN_ALLOW_FILE_BACKENDS = env_bool("TREMPLIN_ALLOW_FILE_BACKENDS", False)

# Content-Security-Policy (django-csp): no inline script or style anywhere, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Every log line goes through a filter that removes query strings (search terms), e-mail
# addresses and phone numbers (tremplin.ops.logging).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "tremplin.ops.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
