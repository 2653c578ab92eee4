"""Settings from the environment, with embedded defaults that are safe for a single machine.

Every setting can be overridden by `create_app(config={...})` (the tests do).
"""
from __future__ import annotations

import logging
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _list(value: str | None) -> list[str] | None:
    """A comma-separated setting as a list; None when unset or empty."""
    items = [item.strip() for item in (value or "").split(",") if item.strip()]
    return items or None


def read_or_create_secret(path: Path, make) -> bytes:
    """Return the content of `path`, creating it with `make()` when absent.

    Several gunicorn workers may start at once; the file is written in full under a
    temporary name and then hard-linked into place, which fails if another worker won.
    Everyone then reads the same winner.
    """
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def secure_sqlite_file(database_url: str) -> None:
    """Create the SQLite file readable by its owner only (0600), as the keys are; tighten an existing one.

    SQLite creates its -wal and -shm files with the mode of the database file, so they follow.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    except FileNotFoundError:
        return   # no such folder: SQLite will say so when it connects
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                file.chmod(mode & 0o700)
                log.warning("%s was readable by other users; it is now readable by its owner only", file.name)
        except FileNotFoundError:
            continue


def from_environment(instance_path: str) -> dict:
    env = os.environ
    instance = Path(instance_path)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'courseware.sqlite3'}"
    # Heroku-style URLs name the old driver; SQLAlchemy wants an explicit dialect.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    development = _bool(env.get("FLASK_DEBUG")) or env.get("COURSEWARE_ENV") == "development"
    base_url = env.get("BASE_URL", "").strip()
    if not base_url and development:
        # `make run` passes HOST and PORT; a developer's site is where it is served.
        base_url = f"http://{env.get('HOST') or '127.0.0.1'}:{env.get('PORT') or '5000'}"
    return {
        # The site's canonical address: every absolute link (mail, certificate, QR code, credential,
        # issuer, calendar feeds) is built from it, never from the request. Required in production.
        "BASE_URL": base_url,
        # Host names this site answers to; a request naming any other host is refused with 400.
        # Unset: the host of BASE_URL (plus localhost and 127.0.0.1 in development). See complete().
        "TRUSTED_HOSTS": _list(env.get("TRUSTED_HOSTS")),
        "SECRET_KEY": env.get("SECRET_KEY")
        or read_or_create_secret(instance / "secret_key", lambda: secrets.token_hex(32).encode()).decode(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A ping before each checkout finds dropped server connections; SQLite is a local file and has none.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "CONTENT_DIR": env.get("CONTENT_DIR") or str(Path(__file__).resolve().parent.parent / "modules"),
        "CONTENT_RELOAD": development,
        # Where rate limits are counted: database:// (the site's database, shared by every worker and
        # server; core/rate_limits.py), redis://host:6379, or memory:// (one process only: development).
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "database://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Storage down (Redis stopped): keep serving; the limiter's limits count per process meanwhile and
        # sign-in and reset limits count in the database (core/rate_limits.py). Other errors are not
        # swallowed: a database cut while the limiter loads the user still ends in the 503 page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # Behind a reverse proxy, how many proxies to trust for the client address and scheme
        # (X-Forwarded-For, X-Forwarded-Proto). X-Forwarded-Host is never trusted.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        # Sign-in sessions (accounts/sessions.py): signed out after this long unused, and this long after
        # signing in however busy. A public body's usual figures; shorten them for shared computers.
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "120")),
        "SESSION_LIFETIME_HOURS": int(env.get("SESSION_LIFETIME_HOURS", "8")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=not development),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), default=not development),
        "MAX_CONTENT_LENGTH": 11 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # Mail: SMTP when MAIL_SERVER is set, otherwise written to the log (README, "Mail").
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        # TLS from the start (port 465), or else STARTTLS (port 587, the default); never both.
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), default=True) and not _bool(env.get("MAIL_USE_SSL")),
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT", "30")),              # seconds per SMTP operation
        "MAIL_FROM": env.get("MAIL_FROM", ""),   # empty: "Smart-charging course <no-reply@BASE_URL's host>"
        "PASSWORD_RESET_MAX_AGE": int(env.get("PASSWORD_RESET_MAX_AGE", str(60 * 60))),
        # Email confirmation (SPEC section 4, an operator option): until the owner follows the mailed link,
        # an account can read but not post, submit or claim; registration then reveals nobody's address.
        "EMAIL_CONFIRMATION": _bool(env.get("EMAIL_CONFIRMATION")),
        "EMAIL_CONFIRMATION_MAX_AGE": int(env.get("EMAIL_CONFIRMATION_MAX_AGE", str(72 * 60 * 60))),
        # Argon2id parameters (RFC 9106 second recommended profile: 64 MiB, 3 passes).
        "ARGON2_TIME_COST": int(env.get("ARGON2_TIME_COST", "3")),
        "ARGON2_MEMORY_COST": int(env.get("ARGON2_MEMORY_COST", str(64 * 1024))),
        "ARGON2_PARALLELISM": int(env.get("ARGON2_PARALLELISM", "4")),
        # Named in the privacy notice and the accessibility statement.
        "OPERATOR_NAME": env.get("OPERATOR_NAME", "the operator of this site"),
        "OPERATOR_EMAIL": env.get("OPERATOR_EMAIL", "privacy@localhost"),
        # Grading: how long opening a submission for grading keeps it taken by one tutor.
        "ASSIGNMENT_CLAIM_MINUTES": int(env.get("ASSIGNMENT_CLAIM_MINUTES", "30")),
        # Reminders to tutors about work waiting longer than this (`flask assignments remind`).
        "ASSIGNMENT_REMINDER_DAYS": int(env.get("ASSIGNMENT_REMINDER_DAYS", "5")),
        # Times are shown in each person's own time zone (an account setting); this is the zone of visitors
        # and of accounts that have not chosen one. An IANA name, e.g. Europe/Brussels.
        "DEFAULT_TIME_ZONE": env.get("DEFAULT_TIME_ZONE", "Europe/Brussels"),
        # Live sessions: how long before a session starts `flask sessions remind` mails its reminder.
        "SESSION_REMINDER_HOURS": int(env.get("SESSION_REMINDER_HOURS", "24")),
        # Public certificate verification, per client address.
        "VERIFY_RATE_LIMIT": env.get("VERIFY_RATE_LIMIT", "60 per minute"),
        "DEVELOPMENT": development,
        # Operations (README, "Operations"). Logs: "text" (one readable line) or "json" (one JSON object a line).
        "LOG_FORMAT": env.get("LOG_FORMAT", "text").strip().lower(),
        # /metrics answers loopback clients, and anyone sending "Authorization: Bearer <METRICS_TOKEN>".
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Where gunicorn's workers add up their request counts (prometheus-client's multiprocess mode).
        "METRICS_DIR": metrics_dir(env, instance),
        # Retention (GDPR storage limitation), run daily by `flask privacy retention`; 0 keeps forever.
        "RETENTION_INACTIVE_ACCOUNT_DAYS": _days(env, "RETENTION_INACTIVE_ACCOUNT_DAYS", 3 * 365),
        "RETENTION_WARNING_DAYS": _days(env, "RETENTION_WARNING_DAYS", 30),
        "RETENTION_ATTACHMENT_DAYS": _days(env, "RETENTION_ATTACHMENT_DAYS", 365),
        "RETENTION_MAIL_DAYS": _days(env, "RETENTION_MAIL_DAYS", 90),
        # Sign-in through the organisation (OpenID Connect, SPEC section 8.4; README, "Sign in with the
        # organisation's account"). OIDC_PROVIDERS names them; each has its own OIDC_<NAME>_* settings.
        "OIDC_PROVIDERS": oidc_providers(env),
        # Seconds the site waits for a provider's discovery document, keys and token endpoint.
        "OIDC_TIMEOUT": float(env.get("OIDC_TIMEOUT", "10")),
    }


def oidc_providers(env) -> list[dict]:
    """The OpenID providers named in OIDC_PROVIDERS (comma-separated short names such as `entra,keycloak`),
    each read from OIDC_<NAME>_DISCOVERY_URL, _CLIENT_ID, _CLIENT_SECRET, _LABEL, _DOMAINS, _ORGANISATION.
    Checked by check_required(). Whether a provider's domains may still use passwords is an admin's decision
    (/admin/sso/), not a setting."""
    providers = []
    for name in _list(env.get("OIDC_PROVIDERS")) or []:
        prefix = f"OIDC_{name.upper().replace('-', '_')}_"
        providers.append({
            "name": name.lower(),
            "discovery_url": env.get(prefix + "DISCOVERY_URL", "").strip(),
            "client_id": env.get(prefix + "CLIENT_ID", "").strip(),
            "client_secret": env.get(prefix + "CLIENT_SECRET", ""),
            "label": env.get(prefix + "LABEL", "").strip() or name,
            "domains": [d.lower().lstrip("@") for d in _list(env.get(prefix + "DOMAINS")) or []],
            "organisation": env.get(prefix + "ORGANISATION", "").strip(),
        })
    return providers


LOCAL_HOSTS = ("localhost", "127.0.0.1")


def complete(config) -> None:
    """Settings derived from others once every override is in (create_app calls it)."""
    check_required(config)
    if not config.get("TRUSTED_HOSTS"):
        hosts = [urlsplit(config["BASE_URL"]).hostname or ""]
        if config.get("DEVELOPMENT") or config.get("TESTING"):
            hosts += [h for h in LOCAL_HOSTS if h not in hosts]
        config["TRUSTED_HOSTS"] = [h for h in hosts if h]
    # The signed cookie itself expires with the longest a sign-in may last (Flask's default is 31 days).
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config.get("SESSION_LIFETIME_HOURS", 8))
    if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory") and not (
            config.get("DEVELOPMENT") or config.get("TESTING")):
        log.warning("RATELIMIT_STORAGE_URI is memory://: each worker process counts on its own, so with several "
                    "workers the rate limits allow several times what they say. Use database:// or redis://.")


def metrics_dir(env, instance: Path) -> str:
    """The metrics folder: PROMETHEUS_MULTIPROC_DIR (the client library's own variable) or instance/metrics.
    gunicorn.conf.py computes the same folder to empty it when the server starts."""
    return env.get("PROMETHEUS_MULTIPROC_DIR") or str(instance / "metrics")


def _days(env, name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number of days (0 keeps forever), not {value!r}.")
    return int(value)


def check_required(config) -> None:
    """Refuse to start a production site that lacks what it cannot guess, or that names an unknown time zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(config.get("DEFAULT_TIME_ZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise RuntimeError(f"DEFAULT_TIME_ZONE={config.get('DEFAULT_TIME_ZONE')!r} is not a time zone: use an "
                           "IANA name such as Europe/Brussels.") from None
    if not config.get("BASE_URL"):
        raise RuntimeError("BASE_URL is not set: set it to the site's public address, for example "
                           "BASE_URL=https://course.example.org (every link in mail and on certificates "
                           "is built from it).")
    check_oidc_providers(config.get("OIDC_PROVIDERS") or [])
    if config.get("LOG_FORMAT") not in ("text", "json"):
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {config.get('LOG_FORMAT')!r}.")


PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def check_oidc_providers(providers: list[dict]) -> None:
    """Refuse to start with a provider that cannot work: no discovery URL or client id, a name unfit for
    a URL, or a name given twice."""
    seen = set()
    for provider in providers:
        name = provider.get("name", "")
        env = f"OIDC_{name.upper().replace('-', '_')}_"
        if not PROVIDER_NAME.match(name) or name in seen:
            raise RuntimeError(f"OIDC_PROVIDERS: {name!r} is not a usable provider name (lower-case letters, "
                               "digits and hyphens, each name once).")
        seen.add(name)
        if urlsplit(provider.get("discovery_url", "")).scheme not in ("http", "https"):
            raise RuntimeError(f"{env}DISCOVERY_URL is not set: the provider's "
                               "/.well-known/openid-configuration address.")
        if not provider.get("client_id"):
            raise RuntimeError(f"{env}CLIENT_ID is not set: the id of this site's registration at the provider.")
