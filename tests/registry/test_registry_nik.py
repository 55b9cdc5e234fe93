"""NIK protection (UU 27/2022): encrypted at rest, digest for matching, masked outside the owner."""

from __future__ import annotations

import pytest
from registry_samples import NIK, NIK_MASKED

from lumbung.registry import nik as nik_protection


def test_protect_and_reveal_round_trip():
    token, digest = nik_protection.protect(NIK)
    assert NIK not in token and NIK not in digest
    assert nik_protection.reveal(token) == NIK
    assert len(digest) == 64


def test_tokens_differ_but_digests_match():
    token_a, digest_a = nik_protection.protect(NIK)
    token_b, digest_b = nik_protection.protect("3204 0112 0385 0001")
    assert token_a != token_b  # Fernet uses a fresh IV: equal NIKs are not linkable from tokens
    assert digest_a == digest_b == nik_protection.digest(NIK)
    assert nik_protection.digest("3204011203850002") != digest_a


def test_digest_is_keyed(monkeypatch):
    plain_sha = __import__("hashlib").sha256(NIK.encode()).hexdigest()
    assert nik_protection.digest(NIK) != plain_sha  # a bare hash of 10^16 values is brute-forceable
    default = nik_protection.digest(NIK)
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "another key")
    assert nik_protection.digest(NIK) != default


def test_token_from_another_key_cannot_be_read(monkeypatch):
    token, _ = nik_protection.protect(NIK)
    monkeypatch.setenv("LUMBUNG_NIK_KEY", "another key")
    with pytest.raises(nik_protection.NIKError):
        nik_protection.reveal(token)


def test_mask_keeps_first_and_last_four():
    assert nik_protection.mask(NIK) == NIK_MASKED
    assert nik_protection.mask("32.04.01.120385.0001") == NIK_MASKED


@pytest.mark.parametrize("bad", ["", "320401120385000", "32040112038500011", "3204O11203850001", None])
def test_malformed_nik_rejected_without_echo(bad):
    assert not nik_protection.is_valid(bad)
    with pytest.raises(nik_protection.NIKError) as error:
        nik_protection.protect(bad)
    if bad:
        assert str(bad) not in str(error.value)


@pytest.mark.django_db
def test_stored_columns_hold_no_plain_nik(make_enterprise):
    from django.db import connection

    enterprise = make_enterprise(nik=NIK)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_enterprise WHERE id = %s", [enterprise.pk])
        row = cursor.fetchone()
    assert all(NIK not in str(value) for value in row)
    assert enterprise.owner_nik_masked == NIK_MASKED


@pytest.mark.django_db
def test_full_nik_only_for_the_owner(make_enterprise, make_user):
    enterprise = make_enterprise(nik=NIK)
    owner = make_user("pemilik", "owner", enterprises=[enterprise.pk])
    other_owner = make_user("pemilik2", "owner")
    analyst = make_user("analis", "analyst")
    assert enterprise.owner_nik_for(owner) == NIK
    assert enterprise.owner_nik_for(other_owner) == NIK_MASKED
    assert enterprise.owner_nik_for(analyst) == NIK_MASKED
    assert enterprise.owner_nik_for(None) == NIK_MASKED
    assert enterprise.as_dict(owner)["owner_nik"] == NIK
    assert enterprise.as_dict(analyst)["owner_nik"] == NIK_MASKED


@pytest.mark.django_db
def test_find_by_nik_and_clear(make_enterprise):
    from lumbung.registry.models import Enterprise

    enterprise = make_enterprise(nik=NIK)
    make_enterprise(nik="3204011203850002")
    assert list(Enterprise.objects.with_nik("3204-0112-0385-0001")) == [enterprise]
    enterprise.set_owner_nik(None)
    enterprise.save()
    enterprise.refresh_from_db()
    assert enterprise.owner_nik_token is None and enterprise.owner_nik_digest is None
    assert enterprise.owner_nik_for(None) is None
