"""The bulk NIK protection the importer uses (registry.nik.protect_many builds the Fernet tokens of a
whole batch at once): its tokens must be ordinary Fernet tokens that reveal() and cryptography's own
Fernet read, with a fresh IV each, and digests equal to digest()."""

from __future__ import annotations

import base64
import time

import pytest
from cryptography.fernet import Fernet

from lumbung.registry import nik as protection

NIKS = [f"3204{n:012d}" for n in range(1, 1001)]


def test_tokens_reveal_to_their_niks_and_digests_match():
    pairs = protection.protect_many(NIKS)
    assert len(pairs) == len(NIKS)
    for nik, (token, digest) in zip(NIKS, pairs, strict=False):
        assert nik not in token
        assert protection.reveal(token) == nik
        assert digest == protection.digest(nik)


def test_tokens_follow_the_fernet_layout():
    # Fernet spec: 0x80, 8-byte timestamp, 16-byte IV, ciphertext (two AES blocks for 16 bytes of
    # text: the text and one full block of padding), 32-byte HMAC = 89 bytes, 120 base64 characters.
    token, _digest = protection.protect_many(["3204011203850001"])[0]
    raw = base64.urlsafe_b64decode(token)
    assert len(token) == 120 and len(raw) == 1 + 8 + 16 + 32 + 32
    assert raw[0] == 0x80
    assert abs(int.from_bytes(raw[1:9], "big") - time.time()) < 60


def test_cryptography_fernet_reads_them_with_a_time_limit():
    fernet, _mac_key = protection._keys(protection._key_material())
    assert isinstance(fernet, Fernet)
    token, _digest = protection.protect_many(["3204011203850001"])[0]
    assert fernet.decrypt(token.encode("ascii"), ttl=3600) == b"3204011203850001"


def test_equal_niks_get_different_tokens():
    pairs = protection.protect_many(["3204011203850001"] * 50)
    assert len({token for token, _d in pairs}) == 50  # a fresh random IV per token
    assert len({digest for _t, digest in pairs}) == 1


def test_same_results_as_protect_for_written_forms():
    pairs = protection.protect_many(["3204 0112 0385 0001", "3204-0112-0385-0002"])
    assert [protection.reveal(t) for t, _d in pairs] == ["3204011203850001", "3204011203850002"]
    assert pairs[0][1] == protection.protect("3204011203850001")[1]


def test_malformed_nik_is_refused_without_echo():
    with pytest.raises(protection.NIKError) as error:
        protection.protect_many(["3204011203850001", "32040112038500"])
    assert "32040112038500" not in str(error.value)


def test_nothing_to_protect():
    assert protection.protect_many([]) == []
