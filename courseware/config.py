"""Settings from the environment, with embedded defaults that are safe for a single machine.

Every setting can be overridden by `create_app(config={...})` (the tests do).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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
        "SECRET_KEY": env.get("SECRET_KEY")
        or read_or_create_secret(instance / "secret_key", lambda: secrets.token_hex(32).encode()).decode(),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A ping before each checkout finds dropped server connections; SQLite is a local file and has none.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "CONTENT_DIR": env.get("CONTENT_DIR") or str(Path(__file__).resolve().parent.parent / "modules"),
        "CONTENT_RELOAD": development,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Behind a reverse proxy, how many proxies to trust for the client address.
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
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
    }


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


def check_required(config: dict) -> None:
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
    if config.get("LOG_FORMAT") not in ("text", "json"):
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {config.get('LOG_FORMAT')!r}.")
