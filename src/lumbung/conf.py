"""Settings read from the environment, without Django (domain packages and the CLI use these).

Every setting is documented in docs/settings.md; tests/test_docs.py checks that. Secrets come from
the environment or, when unset, from key files that ``lumbung init`` writes into the data folder
with mode 0600 (``secret_key``, ``nik_keys``).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
from functools import lru_cache
from pathlib import Path

from lumbung.i18n import _

#: name -> (default, meaning). The single list of settings; docs/settings.md documents each.
SETTINGS: dict[str, tuple[str | None, str]] = {
    "LUMBUNG_HOME": ("./.lumbung", "data folder: database, analytics tables, lab runs"),
    "LUMBUNG_DATABASE_URL": (None, "registry database URL; default a SQLite file in LUMBUNG_HOME"),
    "LUMBUNG_TEST_DATABASE_URL": (None, "tests also run on this database (PostgreSQL in CI)"),
    "LUMBUNG_SECRET_KEY": (None, "Django secret key; default the file secret_key in LUMBUNG_HOME (lumbung init)"),
    "LUMBUNG_DEBUG": ("1", "1 for development (default), 0 for production"),
    "LUMBUNG_ALLOWED_HOSTS": ("127.0.0.1,localhost", "comma-separated host names the web app answers"),
    "LUMBUNG_SSL_REDIRECT": ("1", "production only: redirect HTTP to HTTPS (0 behind a proxy that does it)"),
    "LUMBUNG_TRUSTED_PROXY": (None, "address of the reverse proxy whose X-Forwarded-* headers are believed"),
    "LUMBUNG_TRUSTED_PROXY_HEADERS": ("x-forwarded-proto", "headers believed from LUMBUNG_TRUSTED_PROXY"),
    "LUMBUNG_NIK_KEY": (None, "key encrypting owners' NIK at rest; default the file nik_keys in LUMBUNG_HOME"),
    "LUMBUNG_NIK_OLD_KEYS": (None, "comma-separated previous NIK keys, only read (during a key rotation)"),
    "LUMBUNG_EMAIL_URL": (None, "outgoing mail server, smtp://user:password@host:587 (password reset)"),
    "LUMBUNG_EMAIL_FROM": ("lumbung@localhost", "sender address of the mail Lumbung sends"),
    "LUMBUNG_LOGIN_ATTEMPTS": ("5", "failed logins of one user name from one address before a lock"),
    "LUMBUNG_LOGIN_LOCK_MINUTES": ("15", "minutes a user name and address stay locked after those failures"),
    "LUMBUNG_LANGUAGE": ("en", "language of the CLI and library messages: en or id (the web app follows the visitor)"),
    "LUMBUNG_DISCLOSURE_MIN_FIRMS": ("3", "public cells with fewer enterprises are suppressed"),
    "LUMBUNG_DISCLOSURE_DOMINANCE": ("0.85", "public money cells where one enterprise holds more than this share are suppressed"),
    "LUMBUNG_PORTAL_GEOJSON": (None, "GeoJSON file of province shapes keyed by region code (properties.code); the map uses it instead of the tile grid"),
    "LUMBUNG_JOBS_STALE_MINUTES": ("10", "a running background task whose worker has not beaten for this long is run again"),
    "LUMBUNG_JOBS_MAX_ATTEMPTS": ("3", "attempts of a background task whose workers stopped, before it fails"),
    "LUMBUNG_JOBS_KEEP_DAYS": ("30", "days a finished job's files (upload, errors file) are kept by `lumbung jobs clean`"),
    "LUMBUNG_API_ANON_RATE": ("120/min", "requests an anonymous API caller may make per address (N/sec, /min, /hour, /day)"),
}

#: Key files in the data folder (mode 0600), used when the matching setting is unset.
SECRET_KEY_FILE = "secret_key"
NIK_KEYS_FILE = "nik_keys"

#: A secret shorter than this, or with fewer distinct characters, is weak (Django's own check
#: security.W009 asks for 50 characters and 5 distinct ones).
MIN_SECRET_LENGTH = 50
MIN_SECRET_DISTINCT = 5
#: A NIK key is HKDF input: 32 random characters carry more than 128 bits.
MIN_NIK_KEY_LENGTH = 32

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}


def get(name: str) -> str | None:
    default, _ = SETTINGS[name]
    return os.environ.get(name, default)


def home() -> Path:
    path = _resolved(get("LUMBUNG_HOME") or ".lumbung", os.getcwd())
    path.mkdir(parents=True, exist_ok=True)
    return path


@lru_cache(maxsize=64)
def _resolved(text: str, cwd: str) -> Path:
    """``text`` as an absolute path without links, once per setting and working folder: resolving
    stats every part of the path, and the portal asks for the folder on every request."""
    return Path(text).expanduser().resolve()


def database_url() -> str:
    return get("LUMBUNG_DATABASE_URL") or f"sqlite:///{home() / 'lumbung.sqlite3'}"


def flag(name: str) -> bool:
    return (get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def debug() -> bool:
    return flag("LUMBUNG_DEBUG")


def number(name: str) -> int:
    """An integer setting; a malformed value falls back to the default (and is reported by
    :func:`weak_settings`)."""
    try:
        return int(get(name) or "")
    except ValueError:
        return int(SETTINGS[name][0] or 0)


def listing(name: str) -> list[str]:
    return [item.strip() for item in (get(name) or "").split(",") if item.strip()]


# -- key files ---------------------------------------------------------------------------------

def key_file(name: str) -> Path:
    return home() / name


def read_keys(name: str) -> list[str]:
    """The keys in a key file, one a line (empty when the file does not exist)."""
    try:
        text = key_file(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


def write_keys(name: str, keys: list[str]) -> Path:
    """Replace a key file atomically; the file is readable by its owner only (0600)."""
    path = key_file(name)
    temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("".join(f"{key}\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path


def new_key() -> str:
    """A fresh random key: 50 URL-safe characters (about 300 bits)."""
    return secrets.token_urlsafe(MIN_SECRET_LENGTH)[:MIN_SECRET_LENGTH]


def secret_key() -> str | None:
    """Django's secret key: the setting, else the key file; None when neither exists."""
    explicit = get("LUMBUNG_SECRET_KEY")
    if explicit:
        return explicit
    keys = read_keys(SECRET_KEY_FILE)
    return keys[0] if keys else None


def ensure_key_file(name: str) -> bool:
    """Write a fresh key file unless it exists; True when one was written."""
    if key_file(name).exists():
        return False
    write_keys(name, [new_key()])
    return True


def ensure_key_files() -> list[str]:
    """Write the key files that are missing and not replaced by a setting; their names.

    Before Django starts (``lumbung init`` in production needs the secret key to start it)."""
    written = []
    if not get("LUMBUNG_SECRET_KEY") and ensure_key_file(SECRET_KEY_FILE):
        written.append(SECRET_KEY_FILE)
    if not get("LUMBUNG_NIK_KEY") and ensure_key_file(NIK_KEYS_FILE):
        written.append(NIK_KEYS_FILE)
    return written


# -- weak settings -------------------------------------------------------------------------------

def _is_weak_secret(value: str, length: int) -> bool:
    return len(value) < length or len(set(value)) < MIN_SECRET_DISTINCT


def _is_local(host: str) -> bool:
    if host in LOCAL_HOSTS or host.startswith(".localhost") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _loose_key_files() -> list[str]:
    folder = Path(get("LUMBUNG_HOME") or ".lumbung").expanduser()
    loose = []
    for name in (SECRET_KEY_FILE, NIK_KEYS_FILE):
        try:
            mode = (folder / name).stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            loose.append(name)
    return loose


def weak_settings() -> list[str]:
    """Settings that would be unsafe in production, as sentences (every command prints them).

    Cheap on purpose (no Django, no database): it runs before every command."""
    warnings = []
    secret = get("LUMBUNG_SECRET_KEY")
    if secret and _is_weak_secret(secret, MIN_SECRET_LENGTH):
        warnings.append(_("LUMBUNG_SECRET_KEY is weak ({length} characters, {distinct} distinct); use {minimum} or "
                          "more random characters, or unset it and run `lumbung init`.").format(
            length=len(secret), distinct=len(set(secret)), minimum=MIN_SECRET_LENGTH))
    nik_key = get("LUMBUNG_NIK_KEY")
    if nik_key and _is_weak_secret(nik_key, MIN_NIK_KEY_LENGTH):
        warnings.append(_("LUMBUNG_NIK_KEY is weak ({length} characters); use {minimum} or more random characters "
                          "(then `lumbung rotate-nik-key`).").format(length=len(nik_key), minimum=MIN_NIK_KEY_LENGTH))
    if nik_key and secret and nik_key == secret:
        warnings.append(_("LUMBUNG_NIK_KEY equals LUMBUNG_SECRET_KEY; the NIK key must be a separate secret."))
    public = [host for host in listing("LUMBUNG_ALLOWED_HOSTS") if not _is_local(host)]
    if debug() and public:
        warnings.append(_("LUMBUNG_DEBUG is on while the web app answers {hosts}: debug pages show settings and "
                          "data to anyone; set LUMBUNG_DEBUG=0.").format(hosts=", ".join(public)))
    if not debug() and not secret_key():
        warnings.append(_("LUMBUNG_DEBUG is off and there is no secret key: set LUMBUNG_SECRET_KEY or run "
                          "`lumbung init`."))
    for name in _loose_key_files():
        warnings.append(_("the key file {name} in LUMBUNG_HOME can be read by other users; `chmod 600` it.").format(
            name=name))
    for name in ("LUMBUNG_LOGIN_ATTEMPTS", "LUMBUNG_LOGIN_LOCK_MINUTES"):
        if not (get(name) or "").strip().isdigit():
            warnings.append(_("{name} is not a whole number; the default {default} applies.").format(
                name=name, default=SETTINGS[name][0]))
    return warnings
