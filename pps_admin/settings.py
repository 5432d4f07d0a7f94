"""PPS Admin settings: one module, configured only through environment variables.

See README.md ("Environment variables") for the full list.
"""

import importlib.util
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - DEBUG only
# Earlier keys, comma-separated, still accepted after a rotation (sessions, password-reset links).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# The public address of this site as printed on paper: every document's QR code and check address are
# SITE_URL + /cek/<code>/. Unset with DEBUG off: documents carry the check code alone, and `manage.py
# check` warns (pps_admin.W004).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// (or http://), got {SITE_URL!r}")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "pps_admin.apps.PpsAdminConfig",
    # django.contrib.admin with our site (app order, superuser-only login records): pps_admin/admin_site.py
    "pps_admin.apps.AdminSiteConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "kelurahan",
    "secretariat",
    "integrity",
]

# Load-test tooling (bench/loadtest: `seed_synthetic`) is no part of the product and not in its image: it is
# installed only where asked for, and asking for it where it is missing is an error, not a silent no-op.
if env_bool("LOADTEST", False):
    try:
        _loadtest_found = importlib.util.find_spec("bench.loadtest") is not None
    except ModuleNotFoundError:  # no `bench` package at all (the production image)
        _loadtest_found = False
    if not _loadtest_found:
        raise ImproperlyConfigured("LOADTEST=true needs bench/loadtest, which this installation lacks.")
    INSTALLED_APPS.append("bench.loadtest.apps.LoadTestConfig")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pps_admin.security.ContentSecurityPolicyMiddleware",
    "pps_admin.security.RejectNulInQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff read times on their office's clock (WIB, WITA, WIT).
    "secretariat.time_zones.OfficeTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user as the author of every audited change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A member with a one-time password must change it before using the portal.
    "secretariat.portal.middleware.PasswordChangeRequiredMiddleware",
    # Login throttling for the portal and the admin (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username+address pair after 5 failed logins for 15 minutes (portal and admin alike).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pps_admin.security.login_locked_out"
# The client address django-axes locks (through django-ipware). AXES_PROXY_COUNT is the number of reverse
# proxies in front of the app that each append to X-Forwarded-For (compose's nginx: 1; a TLS terminator in
# front of it: 2). 0: the socket's address only, and a client's own X-Forwarded-For is never read.
# ipware counts the proxies listed *inside* the header: the nearest one is the socket's address, not in it,
# hence count - 1; the client is the entry that many places from the right, so anything a client puts in
# front of the header itself is never taken (non-strict: a longer header is not thrown out for that).
# (Not a setting named AXES_PROXY_COUNT: axes reports that old name as deprecated.)
_proxy_count = env_int("AXES_PROXY_COUNT", 0)
if _proxy_count < 0:
    raise ImproperlyConfigured("AXES_PROXY_COUNT must be 0 or more.")
if _proxy_count:
    # Without django-ipware axes silently falls back to the socket's address (the proxy's): the bug of #14.
    if importlib.util.find_spec("ipware") is None:
        raise ImproperlyConfigured("AXES_PROXY_COUNT needs django-ipware: install django-axes[ipware].")
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
IPWARE_STRICT = False
AXES_VERBOSE = False

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

ROOT_URLCONF = "pps_admin.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "secretariat.portal.context_processors.portal_office",
            ],
        },
    },
]

WSGI_APPLICATION = "pps_admin.wsgi.application"

# Unset DATABASE_URL: a SQLite file in the project (the zero-setup default of `make run`).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s SQLite is written by the web server and the embedded worker's two processes at once.
    # WAL: readers (progress pages) never wait for a writer. IMMEDIATE: a transaction takes the write lock
    # when it begins, and waits up to `timeout` seconds for it, instead of failing with "database is
    # locked" when it upgrades a read to a write halfway. Writers still take turns: production uses
    # PostgreSQL (the check in pps_admin/apps.py says so when workers run on SQLite).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: this is short-query (OLTP) work, and PostgreSQL compiles any query whose
    # estimated cost passes jit_above_cost. The office overview's correlated subqueries pass it and spent
    # 3-4 s compiling for 0.4 s of execution at national scale (bench/RESULTS.md, "#17 offices").
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "secretariat.hashers.OneTimePasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
TIME_ZONE = "Asia/Makassar"
USE_I18N = True
USE_TZ = True
# One date format on every admin screen, and inputs that accept what they show (DD-MM-YYYY, ISO).
FORMAT_MODULE_PATH = ["pps_admin.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
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

# Uploads: spreadsheets for the roster import stay well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Above the scan intake's own limit of 100 images (pps_admin/scans/pages.py), so staff get its
# Indonesian message rather than Django's bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 200
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
# Rows an admin upload may hold: a province's roster, checked and written well within a request's time
# (bench/RESULTS.md, "Admin import of a national file"); bigger files go through `manage.py import_members`,
# which has no request time limit.
IMPORT_WEB_MAX_ROWS = env_int("IMPORT_WEB_MAX_ROWS", 20_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery. REDIS_URL set: tasks go to the workers through Redis (production). Unset (`make run`): they go to
# the embedded worker that `make run` starts beside the web server (`manage.py run_embedded`), through a
# queue of files in EMBEDDED_BROKER_DIR (kombu's filesystem transport: no server to install). Either way no
# request renders a document; the app says which at start-up (pps_admin/apps.py).
REDIS_URL = env_str("REDIS_URL")
EMBEDDED_BROKER_DIR = Path(env_str("EMBEDDED_BROKER_DIR", str(BASE_DIR / ".run" / "broker")))
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
# "localhost": kombu reverts to it anyway for the file transport, and warned that it did on every send.
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "pps_admin")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task is acknowledged only after it finished, and given back if its worker dies mid-way.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Messages a worker process holds besides the one it runs. More than 1 saves the round trip to the broker
# between two short tasks; what a killed worker held but had not begun is sent again at the next worker's
# start (`documents_resend_pending_of_running_jobs`). Measured in bench/RESULTS.md "#18 pipeline".
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_PREFETCH_MULTIPLIER", 1)
if CELERY_WORKER_PREFETCH_MULTIPLIER < 1:  # Celery reads 0 as "no limit": one worker would take the queue
    raise ImproperlyConfigured("CELERY_PREFETCH_MULTIPLIER must be 1 or more.")
# Bound memory: a worker child is replaced after this many tasks or this much resident memory (KiB).
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_MAX_TASKS_PER_CHILD", 500)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_MAX_MEMORY_PER_CHILD_KB", 300_000)
# A worker process keeps its database connection from one task to the next, as a web process keeps it
# between requests (CONN_MAX_AGE, CONN_HEALTH_CHECKS). Celery's Django fix-up closes it after every task
# unless this is set, and each document then paid a new PostgreSQL session: a connection, a backend process
# started and its catalog caches cold for the task's first statements (bench/RESULTS.md "#18 goal 2
# overhead"). Each task starts and ends with Django's own check instead (pps_admin/celery.py: a connection
# that failed, outlived CONN_MAX_AGE or does not answer the health check is replaced), and Celery still
# closes it after this many tasks.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 100)
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task taken by a worker that dies (SIGKILL, OOM, machine lost) goes back to the queue after this many
# seconds (Redis' default is one hour). It must exceed the hard time limit above, or a slow task would
# run twice; rendering is idempotent anyway (a finished document is never rendered again).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300)}
if REDIS_URL is None:
    # The file queue hands a message over by moving its file away: nothing to give back, so a killed
    # embedded worker's documents come back through the sweep below (`documents_requeue_abandoned`).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(EMBEDDED_BROKER_DIR / "queue"),
        "data_folder_out": str(EMBEDDED_BROKER_DIR / "queue"),
        "control_folder": str(EMBEDDED_BROKER_DIR / "control"),
        "polling_interval": 0.2,
    }
# A job whose documents have shown no progress for this long is taken as lost (a broker flush, a revoked
# task, a task that gave up its database retries) and sent again by the sweep below, at worker start and by
# the admin's retry. Longer than a task's database retries (25 minutes at most), so a task still retrying is
# not doubled; a document a worker is rendering is never taken from it, however long (its row is locked).
STUCK_JOB_MINUTES = env_int("STUCK_JOB_MINUTES", 30)
if STUCK_JOB_MINUTES < 1:
    raise ImproperlyConfigured("STUCK_JOB_MINUTES must be at least 1.")
# A document left running by a worker that died (its claim gone with its connection) is sent again by
# a sweep at worker start and every ABANDONED_SWEEP_SECONDS (beat), instead of after the visibility timeout.
# The grace spares a renderer the instant between marking its document running and locking it (taking it
# anyway would cost one more message, not a second render).
ABANDONED_SWEEP_SECONDS = env_int("ABANDONED_SWEEP_SECONDS", 30)
ABANDONED_GRACE_SECONDS = 1
CELERY_BEAT_SCHEDULE = {
    "dispatch-pending-jobs": {"task": "secretariat.tasks.dispatch_pending_jobs", "schedule": 60.0},
    "requeue-abandoned-documents": {
        "task": "secretariat.tasks.requeue_abandoned_documents",
        "schedule": float(ABANDONED_SWEEP_SECONDS),
    },
    # Staged uploads (imports, scans) abandoned past their lifetime (pps_admin/staging.py).
    "sweep-staging": {"task": "pps_admin.sweep_staging", "schedule": 15 * 60.0},
}

# Electronic signature of every document (pps_admin/signing/, README "Signing"). SIGNER=local: the office's
# own PKCS#12 seal, an uncertified electronic signature (PP 71/2019); bsre: BSrE's Esign Client Service, the
# Ketua's certified signature with a passphrase typed once per job; none: unsigned. Unset: local when a
# PKCS#12 is configured, else none. A broken configuration is reported by `manage.py check`.
SEAL_PKCS12_PATH = env_str("SEAL_PKCS12_PATH")
SEAL_PKCS12_PASSPHRASE = env_str("SEAL_PKCS12_PASSPHRASE")
SEAL_TSA_URL = env_str("SEAL_TSA_URL")  # RFC 3161 timestamp authority; unset: no timestamp
SEAL_TSA_TIMEOUT = env_int("SEAL_TSA_TIMEOUT", 10)
SIGNER = env_str("SIGNER", "local" if SEAL_PKCS12_PATH else "none").lower()
if SIGNER not in ("local", "bsre", "none"):
    raise ImproperlyConfigured(f"SIGNER must be local, bsre or none, got {SIGNER!r}")
# Each office signs with its own seal (secretariat/services/office_seals.py, `manage.py set_office_seal`);
# the seal configured here belongs to one office only: SEAL_OFFICE (a code like 64.71). Unset: the only
# kabupaten/kota office when there is one, else 64.71.
SEAL_OFFICE = (env_str("SEAL_OFFICE") or "").strip()
BSRE_URL = env_str("BSRE_URL")
BSRE_USER = env_str("BSRE_USER", "")
BSRE_PASSWORD = env_str("BSRE_PASSWORD", "")
BSRE_NIK = env_str("BSRE_NIK")  # the signer's NIK (personal data: never logged or shown)
BSRE_SIGNER_NAME = env_str("BSRE_SIGNER_NAME")
# Below the tasks' soft time limit (120 s), so a silent BSrE fails the document instead of the task.
BSRE_TIMEOUT = env_int("BSRE_TIMEOUT", 60)
if not 1 <= BSRE_TIMEOUT < CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured(f"BSRE_TIMEOUT must be 1-{CELERY_TASK_SOFT_TIME_LIMIT - 1} seconds.")
# How long a passphrase typed for a job may be used at most (it is deleted when the job ends anyway).
SIGNING_PASSPHRASE_MAX_HOURS = env_int("SIGNING_PASSPHRASE_MAX_HOURS", 12)
# The key of the box a job's passphrase is kept in (pps_admin/signing/passphrase_box.py): a key of its own,
# so that rotating SECRET_KEY breaks no pending job and the sessions' key encrypts nothing else.
# Comma-separated: the first encrypts, each one decrypts (a rotation keeps the old one second for a while).
# Unset: derived from SECRET_KEY and SECRET_KEY_FALLBACKS, and under SIGNER=bsre `manage.py check` warns.
PASSPHRASE_KEYS = env_list("PASSPHRASE_KEY", [])

# simple-history: audit rows keep the user even if the account is later deleted.
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No NIK in any log line: query strings (staff searches) dropped, 16+ digit runs masked.
    "filters": {"no_personal_data": {"()": "pps_admin.log_redaction.RedactPersonalData"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults give these their own unfiltered handlers (django.request's "Not Found: <path>",
        # runserver's request lines with the query string); here they go through the filtered console only.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # Never log SQL parameters: they would contain NIK values.
        "django.db.backends": {"level": "WARNING"},
        # One line per rendered document is noise; failures are still logged by our tasks.
        "celery.app.trace": {"level": "WARNING"},
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# E-mail (password reset): SMTP when EMAIL_HOST is set; otherwise printed to the console in DEBUG only, and
# in production not sent at all (pps_admin/mail.py: a console log would hold reset links and personal data).
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "pps_admin.mail.UnconfiguredEmailBackend"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "PPS Admin KPU Kota Balikpapan <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# The public check page (/cek/<code>/): requests per client address (the address django-axes locks) and
# window, and the largest PDF its upload box takes. Counted in the "ratelimit" cache: Redis when REDIS_URL
# is set (shared by every web process), else this process's memory.
CHECK_RATE_LIMIT = env_int("CHECK_RATE_LIMIT", 30)
CHECK_RATE_WINDOW_SECONDS = env_int("CHECK_RATE_WINDOW_SECONDS", 60)
CHECK_UPLOAD_MAX_BYTES = env_int("CHECK_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "rl"}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"}
    ),
}

# Demo login printed by `make run` (development only; never created with DEBUG off).
DEMO_ADMIN_USERNAME = env_str("DEMO_ADMIN_USERNAME", "admin")
