"""Protection of the owner's NIK (Nomor Induk Kependudukan, the national ID number).

A NIK is personal data under UU 27/2022 on personal data protection (Pelindungan Data
Pribadi): it is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256, from ``cryptography``)
and matched through a keyed HMAC-SHA256 digest, so the database never holds it in clear text
and equal NIKs can still be found without decrypting every row. Outside the owner's own view it
is shown masked (first 4 and last 4 digits).

Keys (issue 8 point 11): the NIK key is separate from Django's secret key. It is a key ring:
``LUMBUNG_NIK_KEY`` (the current key) with ``LUMBUNG_NIK_OLD_KEYS`` (previous keys, comma-separated),
or else the file ``nik_keys`` in the data folder (mode 0600, one key a line, current first), which
``lumbung init`` writes and which is written on first use when nothing is configured. New tokens
and digests use the current key; a token is opened with whichever key of the ring made it, so pages
keep working during a rotation, and ``lumbung rotate-nik-key`` (:mod:`lumbung.registry.keys`)
re-encrypts every stored NIK under the current key. Two keys are derived from each (HKDF-SHA256):
one for encryption, one for the digest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import struct
import time
from functools import lru_cache

import numpy as np
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lumbung import conf

#: A NIK has 16 digits (the Dukcapil format under UU 23/2006 on population administration,
#: as amended by UU 24/2013).
NIK_LENGTH = 16
_NIK_RE = re.compile(r"^\d{16}$")
_SEPARATORS = re.compile(r"[\s.\-]")


class NIKError(ValueError):
    """A malformed NIK. The message never repeats the value (it may be personal data)."""


def normalize(nik: object) -> str:
    """Strip spaces, dots and dashes; raise :class:`NIKError` unless 16 digits remain."""
    text = _SEPARATORS.sub("", str(nik if nik is not None else ""))
    if not _NIK_RE.match(text):
        raise NIKError(f"a NIK has exactly {NIK_LENGTH} digits (got {len(text)} characters)")
    return text


def is_valid(nik: object) -> bool:
    try:
        normalize(nik)
    except NIKError:
        return False
    return True


def mask(nik: str) -> str:
    """The region prefix and the sequence only.

    >>> mask("3204 0112 3456 0001")
    '3204********0001'
    """
    text = normalize(nik)
    return text[:4] + "*" * (NIK_LENGTH - 8) + text[-4:]


def mask_token(token: str | None) -> str | None:
    """The masked NIK behind a stored token; ``"****"`` when no key of the ring opens it
    (a change is still audited after a key is lost)."""
    if not token:
        return None
    try:
        return mask(reveal(token))
    except NIKError:
        return "****"


class KeyRingError(NIKError):
    """No usable NIK key (a key file that cannot be read or written)."""


def _ring_source() -> tuple[str | None, str | None, str | None]:
    """What the ring is read from: the two settings and the data folder (the cache key)."""
    return conf.get("LUMBUNG_NIK_KEY"), conf.get("LUMBUNG_NIK_OLD_KEYS"), conf.get("LUMBUNG_HOME")


@lru_cache(maxsize=8)
def _ring_for(explicit: str | None, old: str | None, home: str | None) -> tuple[str, ...]:
    if explicit:
        return (explicit, *[key.strip() for key in (old or "").split(",") if key.strip()])
    try:
        conf.ensure_key_file(conf.NIK_KEYS_FILE)
        keys = conf.read_keys(conf.NIK_KEYS_FILE)
    except OSError as error:
        raise KeyRingError(f"the NIK key file {conf.NIK_KEYS_FILE} in LUMBUNG_HOME cannot be used: {error}") from None
    if not keys:
        raise KeyRingError(f"the NIK key file {conf.NIK_KEYS_FILE} in LUMBUNG_HOME is empty")
    return tuple(keys)


def key_ring() -> tuple[str, ...]:
    """The NIK keys, current first (see the module's docstring)."""
    return _ring_for(*_ring_source())


def forget_keys() -> None:
    """Re-read the key ring on next use (after a rotation rewrote it)."""
    _ring_for.cache_clear()


def _key_material() -> str:
    return key_ring()[0]


@lru_cache(maxsize=16)
def _keys(material: str) -> tuple[Fernet, bytes]:
    fernet_key, mac_key = _raw_keys(material)
    return Fernet(base64.urlsafe_b64encode(fernet_key)), mac_key


@lru_cache(maxsize=16)
def _raw_keys(material: str) -> tuple[bytes, bytes]:
    """The 32-byte Fernet key (signing key, then AES key) and the 32-byte digest key."""
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lumbung-nik", info=purpose).derive(
            material.encode("utf-8")
        )

    return derive(b"encrypt"), derive(b"digest")


def digest(nik: str) -> str:
    """Keyed HMAC-SHA256 of the normalised NIK (hex): equal NIKs give equal digests."""
    _, mac_key = _keys(_key_material())
    return hmac.new(mac_key, normalize(nik).encode("ascii"), hashlib.sha256).hexdigest()


def protect(nik: str) -> tuple[str, str]:
    """Return ``(token, digest)``: the encrypted NIK and its matching digest."""
    text = normalize(nik)
    fernet, _ = _keys(_key_material())
    return fernet.encrypt(text.encode("ascii")).decode("ascii"), digest(text)


def protect_many(niks: list[str]) -> list[tuple[str, str]]:
    """:func:`protect` for many NIKs (bulk imports of many owners): the same Fernet tokens, built
    for the whole list at once.

    A Fernet token is ``0x80 | timestamp | IV | AES-128-CBC(padded text) | HMAC-SHA256`` (the Fernet
    specification, github.com/fernet/spec). A normalised NIK is exactly 16 bytes, so its padded text
    is two blocks: the NIK and a full block of PKCS#7 padding (16 x 0x10). CBC encrypts block i as
    ``AES(P_i xor C_{i-1})`` with ``C_0`` = the IV, so two AES-ECB passes over every token's block 1,
    then block 2, give exactly the CBC ciphertexts, with a fresh random IV per token as before;
    ``cryptography``'s ``Fernet.encrypt`` instead sets up a cipher and pads once per NIK. The two
    HMAC-SHA256 per NIK (the token's and the digest) start from the keys' hash states computed once
    (:func:`_mac_states`), not from the key for every message as ``hmac.digest`` does; the base64
    and hex encodings run once over all tokens and digests. The tokens are ordinary Fernet tokens:
    :func:`reveal` and any Fernet implementation decrypt them."""
    texts = _plain_texts(niks)
    if not texts:
        return []
    fernet_key, mac_key = _raw_keys(_key_material())
    encryption_key = fernet_key[16:]
    count = len(texts)
    joined = b"".join(texts)
    plain = np.frombuffer(joined, dtype=np.uint8).reshape(count, NIK_LENGTH)
    ivs = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16)
    aes = Cipher(algorithms.AES(encryption_key), modes.ECB()).encryptor()
    first = np.frombuffer(aes.update((plain ^ ivs).tobytes()), dtype=np.uint8).reshape(count, 16)
    second = np.frombuffer(aes.update((first ^ np.uint8(16)).tobytes()), dtype=np.uint8).reshape(count, 16)
    header = np.frombuffer(b"\x80" + struct.pack(">Q", int(time.time())), dtype=np.uint8)
    signed = np.hstack([np.broadcast_to(header, (count, header.size)), ivs, first, second])
    bodies = memoryview(signed.tobytes())
    width = signed.shape[1]
    sign = _mac_states(fernet_key[:16])
    macs = [_mac(sign, bodies[i * width:(i + 1) * width]) for i in range(count)]
    tokens = _tokens(signed, np.frombuffer(b"".join(macs), dtype=np.uint8).reshape(count, 32))
    keyed = _mac_states(mac_key)
    text_view = memoryview(joined)
    digests = b"".join([_mac(keyed, text_view[i * NIK_LENGTH:(i + 1) * NIK_LENGTH]) for i in range(count)]).hex()
    return [(tokens[i], digests[i * 64:(i + 1) * 64]) for i in range(count)]


def _plain_texts(niks: list[str]) -> list[bytes]:
    """The NIKs as ASCII bytes; normalised one by one only when some are not 16 plain digits yet."""
    if all(_is_plain(nik) for nik in niks):
        return [nik.encode("ascii") for nik in niks]
    return [(nik if _is_plain(nik) else normalize(nik)).encode("ascii") for nik in niks]


@lru_cache(maxsize=16)
def _mac_states(key: bytes) -> tuple:
    """HMAC-SHA256 (RFC 2104) of ``key`` up to the message: the inner and outer SHA-256 states after
    the key block xor ipad and opad. A copy of each finishes one HMAC; the result is the same."""
    block = key.ljust(64, b"\0")  # the keys are 16 or 32 bytes, under SHA-256's 64-byte block
    return (hashlib.sha256(bytes(b ^ 0x36 for b in block)), hashlib.sha256(bytes(b ^ 0x5C for b in block)))


def _mac(states: tuple, message) -> bytes:
    inner, outer = states[0].copy(), states[1].copy()
    inner.update(message)
    outer.update(inner.digest())
    return outer.digest()


def _tokens(signed: np.ndarray, macs: np.ndarray) -> list[str]:
    """URL-safe base64 of each token (89 bytes: 118 characters, 2 bits and one "=") in one pass:
    with a zero byte after each, every token is 90 bytes, a multiple of 3, so its 120 characters
    stand alone; the zero byte only adds the last character, which is the padding "=" instead."""
    count = signed.shape[0]
    rows = np.hstack([signed, macs, np.zeros((count, 1), dtype=np.uint8)])
    text = base64.urlsafe_b64encode(rows.tobytes()).decode("ascii")
    return [text[i * 120:i * 120 + 119] + "=" for i in range(count)]


def _is_plain(nik: object) -> bool:
    """Already 16 ASCII digits (as the importer hands them over): no need for the regular expressions."""
    return isinstance(nik, str) and len(nik) == NIK_LENGTH and nik.isascii() and nik.isdigit()


def reveal(token: str) -> str:
    """Decrypt a token made by :func:`protect` with any key of the ring (raises ``NIKError`` when
    none opens it)."""
    return reveal_with_index(token)[0]


def reveal_with_index(token: str) -> tuple[str, int]:
    """The NIK behind ``token`` and the position in the ring of the key that opened it (0: current)."""
    data = token.encode("ascii")
    for index, material in enumerate(key_ring()):
        fernet, _ = _keys(material)
        try:
            return fernet.decrypt(data).decode("ascii"), index
        except InvalidToken:
            continue
    raise NIKError("the NIK token cannot be decrypted with any key of the NIK key ring")


def reveal_with_material(token: str, material: str) -> str:
    """Decrypt with one given key, outside the ring (key rotation reads legacy tokens so)."""
    fernet, _ = _keys(material)
    try:
        return fernet.decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise NIKError("the NIK token cannot be decrypted with that key") from error
