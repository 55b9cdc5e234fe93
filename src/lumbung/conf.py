"""Settings read from the environment, without Django (domain packages and the CLI use these).

Every setting is documented in docs/settings.md; tests/test_docs.py checks that.
"""

from __future__ import annotations

import os
from pathlib import Path

#: name -> (default, meaning). The single list of settings; docs/settings.md documents each.
SETTINGS: dict[str, tuple[str | None, str]] = {
    "LUMBUNG_HOME": ("./.lumbung", "data folder: database, analytics tables, lab runs"),
    "LUMBUNG_DATABASE_URL": (None, "registry database URL; default a SQLite file in LUMBUNG_HOME"),
    "LUMBUNG_TEST_DATABASE_URL": (None, "tests also run on this database (PostgreSQL in CI)"),
    "LUMBUNG_SECRET_KEY": (None, "Django secret key; required when LUMBUNG_DEBUG is off"),
    "LUMBUNG_DEBUG": ("1", "1 for development (default), 0 for production"),
    "LUMBUNG_ALLOWED_HOSTS": ("127.0.0.1,localhost", "comma-separated host names the web app answers"),
    "LUMBUNG_SSL_REDIRECT": ("1", "production only: redirect HTTP to HTTPS (0 behind a proxy that does it)"),
    "LUMBUNG_NIK_KEY": (None, "key protecting owners' NIK at rest; default derived from the secret key"),
    "LUMBUNG_LANGUAGE": ("en", "language of the CLI and library messages: en or id (the web app follows the visitor)"),
    "LUMBUNG_DISCLOSURE_MIN_FIRMS": ("3", "public cells with fewer enterprises are suppressed"),
    "LUMBUNG_DISCLOSURE_DOMINANCE": ("0.85", "public money cells where one enterprise holds more than this share are suppressed"),
    "LUMBUNG_API_ANON_RATE": ("120/min", "requests an anonymous API caller may make per address (N/sec, /min, /hour, /day)"),
}


def get(name: str) -> str | None:
    default, _ = SETTINGS[name]
    return os.environ.get(name, default)


def home() -> Path:
    path = Path(get("LUMBUNG_HOME") or ".lumbung").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    return get("LUMBUNG_DATABASE_URL") or f"sqlite:///{home() / 'lumbung.sqlite3'}"


def flag(name: str) -> bool:
    return (get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def debug() -> bool:
    return flag("LUMBUNG_DEBUG")
