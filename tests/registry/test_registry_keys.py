"""Keys (issue 8 point 11): `lumbung init` writes random keys (mode 0600), the NIK key is not
Django's secret key, weak settings are warned about by every command, and a key rotation
re-encrypts stored NIKs while pages keep working."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lumbung import conf
from lumbung.cli import main
from lumbung.registry import nik

NIK = "3204011234560001"
LUMBUNG = "from lumbung.cli import main; main()"


def _env(home, **values):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUMBUNG_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(LUMBUNG_HOME=str(home), **values)
    return env


def _run(home, *args, **values):
    return subprocess.run([sys.executable, "-c", LUMBUNG, *args], env=_env(home, **values), capture_output=True,
                          text=True, timeout=120)


@pytest.fixture(autouse=True)
def fresh_ring():
    nik.forget_keys()
    yield
    nik.forget_keys()


def test_init_writes_random_private_keys(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    for name in (conf.SECRET_KEY_FILE, conf.NIK_KEYS_FILE):
        path = tmp_path / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
        [key] = path.read_text().split()
        assert len(key) >= conf.MIN_SECRET_LENGTH and len(set(key)) > 20
    assert (tmp_path / conf.SECRET_KEY_FILE).read_text() != (tmp_path / conf.NIK_KEYS_FILE).read_text()
    other = tmp_path / "other"
    assert _run(other, "init").returncode == 0
    assert (other / conf.SECRET_KEY_FILE).read_text() != (tmp_path / conf.SECRET_KEY_FILE).read_text()


def test_init_keeps_existing_keys_and_set_keys(tmp_path):
    assert _run(tmp_path, "init").returncode == 0
    before = (tmp_path / conf.NIK_KEYS_FILE).read_text()
    assert _run(tmp_path, "init").returncode == 0
    assert (tmp_path / conf.NIK_KEYS_FILE).read_text() == before
    given = tmp_path / "given"
    assert _run(given, "init", LUMBUNG_SECRET_KEY="s" + conf.new_key(), LUMBUNG_NIK_KEY=conf.new_key()).returncode == 0
    assert not (given / conf.SECRET_KEY_FILE).exists() and not (given / conf.NIK_KEYS_FILE).exists()


def test_the_nik_key_does_not_depend_on_the_secret_key_or_the_folder(lumbung_home, monkeypatch, settings):
    monkeypatch.delenv("LUMBUNG_NIK_KEY", raising=False)
    token, _ = nik.protect(NIK)
    # Knowing the data folder's path (the old derivation) and the secret key does not open it.
    from lumbung.registry.keys import legacy_materials

    for material in [settings.SECRET_KEY, *legacy_materials()]:
        with pytest.raises(nik.NIKError):
            nik.reveal_with_material(token, material)
    assert nik.reveal(token) == NIK
    assert stat.S_IMODE((lumbung_home / conf.NIK_KEYS_FILE).stat().st_mode) == 0o600


def test_old_keys_still_open_tokens_during_a_rotation(monkeypatch):
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "old-" + conf.new_key())
    token, _ = nik.protect(NIK)
    old = os.environ["LUMBUNG_NIK_KEY"]
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "new-" + conf.new_key())
    with pytest.raises(nik.NIKError):
        nik.reveal(token)
    monkeypatch.setenv("LUMBUNG_NIK_OLD_KEYS", old)
    assert nik.reveal_with_index(token) == (NIK, 1)


@pytest.mark.django_db
def test_rotation_reencrypts_every_stored_nik(make_enterprise, lumbung_home, monkeypatch):
    from lumbung.registry.models import Enterprise

    monkeypatch.delenv("LUMBUNG_NIK_KEY", raising=False)
    niks = [f"32040112345600{n:02d}" for n in range(5)]
    firms = [make_enterprise(nik=number) for number in niks]
    old_key = conf.read_keys(conf.NIK_KEYS_FILE)[0]
    result = CliRunner().invoke(main, ["rotate-nik-key"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "5 of 5" in result.output
    [new_key] = conf.read_keys(conf.NIK_KEYS_FILE)
    assert new_key != old_key
    for firm, number in zip(firms, niks, strict=True):
        stored = Enterprise.objects.get(pk=firm.pk)
        text, index = nik.reveal_with_index(stored.owner_nik_token)
        assert index == 0 and text == number
        with pytest.raises(nik.NIKError):
            nik.reveal_with_material(stored.owner_nik_token, old_key)
        assert Enterprise.objects.with_nik(text).get() == stored  # digests follow the new key


@pytest.mark.django_db
def test_owner_page_works_after_a_rotation_with_env_keys(make_enterprise, make_user, client, monkeypatch):
    old = "old-" + conf.new_key()
    monkeypatch.setenv("LUMBUNG_NIK_KEY", old)
    firm = make_enterprise(nik=NIK)
    owner = make_user("pemilik", "owner", enterprises=[firm.pk])
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "new-" + conf.new_key())
    monkeypatch.setenv("LUMBUNG_NIK_OLD_KEYS", old)
    client.force_login(owner)
    page = client.get(f"/en/enterprises/{firm.pk}/")
    assert page.status_code == 200 and NIK in page.content.decode()
    result = CliRunner().invoke(main, ["rotate-nik-key"], catch_exceptions=False)
    assert result.exit_code == 0 and "1 of 1" in result.output
    monkeypatch.delenv("LUMBUNG_NIK_OLD_KEYS")
    assert client.get(f"/en/enterprises/{firm.pk}/").status_code == 200


@pytest.mark.django_db
def test_init_moves_legacy_tokens_to_the_nik_key(make_enterprise, monkeypatch):
    """NIKs stored before the NIK key was separate (derived from the secret key) move to the ring."""
    from django.conf import settings

    from lumbung.registry.keys import reencrypt
    from lumbung.registry.models import Enterprise

    monkeypatch.setenv("LUMBUNG_NIK_KEY", settings.SECRET_KEY)  # what the old version used
    firm = make_enterprise(nik=NIK)
    monkeypatch.delenv("LUMBUNG_NIK_KEY")
    nik.forget_keys()
    assert reencrypt().reencrypted == 1
    assert nik.reveal_with_index(Enterprise.objects.get(pk=firm.pk).owner_nik_token) == (NIK, 0)


@pytest.mark.parametrize("values,expected", [
    ({"LUMBUNG_SECRET_KEY": "abc"}, "LUMBUNG_SECRET_KEY is weak"),
    ({"LUMBUNG_NIK_KEY": "short"}, "LUMBUNG_NIK_KEY is weak"),
    ({"LUMBUNG_ALLOWED_HOSTS": "ikm.example.go.id"}, "LUMBUNG_DEBUG is on while"),
    ({"LUMBUNG_DEBUG": "0"}, "no secret key"),
    ({"LUMBUNG_LOGIN_ATTEMPTS": "many"}, "not a whole number"),
])
def test_every_command_warns_about_weak_settings(tmp_path, values, expected):
    result = _run(tmp_path, "classify", "--list", **values)
    assert result.returncode == 0, result.stderr
    assert "WARNING" in result.stderr and expected in result.stderr


def test_strong_settings_give_no_warning(tmp_path):
    result = _run(tmp_path, "classify", "--list", LUMBUNG_SECRET_KEY=conf.new_key(), LUMBUNG_NIK_KEY=conf.new_key())
    assert result.returncode == 0 and "WARNING" not in result.stderr


def test_loose_key_file_is_warned_about(tmp_path):
    conf_path = tmp_path / conf.NIK_KEYS_FILE
    conf_path.write_text(conf.new_key() + "\n")
    conf_path.chmod(0o644)
    assert "chmod 600" in _run(tmp_path, "classify", "--list").stderr
