"""`lumbung doctor`: one line per finding, exit status 1 on an error, with bad configurations."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

LUMBUNG = "from lumbung.cli import main; main()"


def run_lumbung(home, *args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), **(extra_env or {}))
    return subprocess.run([sys.executable, "-c", LUMBUNG, *args], env=env, capture_output=True, text=True,
                          timeout=180)


def _lines(result) -> dict[str, str]:
    """topic -> the level of its (last) line."""
    out = {}
    for line in result.stdout.splitlines():
        level, rest = line.split(None, 1)
        out[rest.split(":", 1)[0]] = level
    return out


def test_a_sound_development_install_passes_with_warnings(tmp_path):
    assert run_lumbung(tmp_path, "init").returncode == 0
    result = run_lumbung(tmp_path, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    found = _lines(result)
    assert found["database"] in ("OK", "INFO") and "is reachable and up to date" in result.stdout
    assert found["debug"] == "WARNING"  # the default is development mode
    assert found["analytics"] == "WARNING" and "lumbung analytics build" in result.stdout
    assert found["nik key"] == "OK" and found["data folder"] == "OK"
    assert "Traceback" not in result.stdout + result.stderr


def test_no_database_yet_is_an_error_and_creates_nothing(tmp_path):
    result = run_lumbung(tmp_path, "doctor")
    assert result.returncode == 1
    assert "ERROR   database: " in result.stdout and "lumbung init" in result.stdout
    assert not (tmp_path / "lumbung.sqlite3").exists()


def test_production_without_secret_key_and_unreachable_database(tmp_path):
    result = run_lumbung(tmp_path, "doctor", extra_env={
        "LUMBUNG_DEBUG": "0", "LUMBUNG_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
        "LUMBUNG_TRUSTED_PROXY": "127.0.0.1", "LUMBUNG_ALLOWED_HOSTS": "lumbung.example.id"})
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("ERROR   lumbung.E001:") for line in lines)
    assert any(line.startswith("ERROR   database:") and "cannot be reached" in line and "LUMBUNG_DATABASE_URL" in line
               for line in lines)
    assert any(line.startswith("OK      debug:") for line in lines)
    assert lines[0].startswith("ERROR")  # errors come first
    assert "Traceback" not in result.stdout + result.stderr


def test_unreadable_settings_are_one_sentence(tmp_path):
    result = run_lumbung(tmp_path, "doctor", extra_env={"LUMBUNG_DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("ERROR") or result.stderr.strip()


@pytest.mark.django_db
def test_diagnose_sees_the_test_database():
    from lumbung.registry.doctor import diagnose, has_errors

    findings = diagnose()
    topics = {f.topic: f.level for f in findings}
    assert topics["database"] in ("ok", "info")
    assert not [f for f in findings if f.topic == "database" and f.level == "error"]
    assert all(f.level in ("ok", "info", "warning", "error") for f in findings)
    assert has_errors(findings) == any(f.level == "error" for f in findings)
