"""`lumbung init` and `lumbung createuser`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lumbung.cli import main

#: The `lumbung` command itself (its error handling included); commands load lazily, so this imports
#: only the registry's and the portal's command modules.
LUMBUNG = "from lumbung.cli import main; main()"


def run_lumbung(home, *args, input=None, extra_env=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), **(extra_env or {}))
    return subprocess.run([sys.executable, "-c", LUMBUNG, *args],
                          env=env, input=input, capture_output=True, text=True, timeout=120)


def test_init_creates_migrates_and_is_idempotent(tmp_path):
    first = run_lumbung(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    database = tmp_path / "lumbung.sqlite3"
    assert str(database) in first.stdout and "Applied" in first.stdout
    second = run_lumbung(tmp_path, "init")
    assert second.returncode == 0, second.stderr
    assert "Already up to date" in second.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        groups = {row[0] for row in connection.execute("SELECT name FROM auth_group")}
    assert groups == {"owner", "officer", "analyst", "admin"}


def test_createuser_in_a_fresh_database(tmp_path):
    assert run_lumbung(tmp_path, "init").returncode == 0
    made = run_lumbung(tmp_path, "createuser", "dinas", "--role", "officer", "--region", "3204",
                       "--password-stdin", input="rahasia-123\n")
    assert made.returncode == 0, made.stderr
    assert "32.04" in made.stdout
    with sqlite3.connect(tmp_path / "lumbung.sqlite3") as connection:
        scopes = connection.execute("SELECT region_code FROM registry_regionscope").fetchall()
    assert scopes == [("32.04",)]


@pytest.mark.django_db
def test_createuser_sets_role_regions_and_password():
    from django.contrib.auth.models import User

    result = CliRunner().invoke(main, ["createuser", "dinas_jabar", "--role", "officer", "--region", "32",
                                       "--region", "31.71", "--password-stdin"], input="kata-sandi-9\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="dinas_jabar")
    assert user.check_password("kata-sandi-9") and not user.is_staff  # officers use /workspace/, not the admin
    assert list(user.groups.values_list("name", flat=True)) == ["officer"]
    assert sorted(user.region_scopes.values_list("region_code", flat=True)) == ["31.71", "32"]


@pytest.mark.django_db
def test_createuser_password_prompt_and_owner_link(make_enterprise):
    from django.contrib.auth.models import User

    enterprise = make_enterprise()
    result = CliRunner().invoke(main, ["createuser", "ibu_sari", "--role", "owner", "--enterprise",
                                       str(enterprise.pk), "--password"], input="s4ndi-ku\ns4ndi-ku\n")
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="ibu_sari")
    assert user.check_password("s4ndi-ku") and not user.is_staff
    assert list(user.owned_enterprises.all()) == [enterprise]


@pytest.mark.django_db
def test_createuser_analyst_regions_are_grants():
    from django.contrib.auth.models import User

    result = CliRunner().invoke(main, ["createuser", "analis_jabar", "--role", "analyst", "--region", "32",
                                       "--region", "3204", "--records"])
    assert result.exit_code == 0 and "32, 32.04" in result.output
    user = User.objects.get(username="analis_jabar")
    assert sorted(user.analyst_grants.values_list("region_code", "records")) == [("32", True), ("32.04", True)]
    assert not user.region_scopes.exists()


@pytest.mark.django_db
def test_createuser_without_password_cannot_log_in():
    from django.contrib.auth.models import User

    assert CliRunner().invoke(main, ["createuser", "analis", "--role", "analyst"]).exit_code == 0
    assert not User.objects.get(username="analis").has_usable_password()


@pytest.mark.django_db
@pytest.mark.parametrize("args,message", [
    (["x", "--role", "boss"], "'boss' is not one of"),
    (["x", "--role", "officer"], "needs at least one region"),
    (["x", "--role", "officer", "--region", "99.99"], "does not exist"),
    (["x", "--role", "officer", "--region", "32-04"], "malformed region code"),
    (["x", "--role", "owner", "--enterprise", "987654"], "no enterprise with id 987654"),
    (["x", "--role", "analyst", "--password", "--password-stdin"], "not both"),
])
def test_createuser_bad_input_exits_2_with_one_message(args, message):
    from django.contrib.auth.models import User

    result = CliRunner().invoke(main, ["createuser", *args], input="a\na\n")
    assert result.exit_code == 2
    assert message in result.output
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_createuser_existing_name_exits_2(make_user):
    make_user("ada", "analyst")
    result = CliRunner().invoke(main, ["createuser", "ada", "--role", "admin"])
    assert result.exit_code == 2 and "already exists" in result.output
