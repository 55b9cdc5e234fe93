"""Protection of the owner's NIK (Nomor Induk Kependudukan, the national ID number).

A NIK is personal data under UU 27/2022 on personal data protection (Pelindungan Data
Pribadi): it is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256, from ``cryptography``)
and matched through a keyed HMAC-SHA256 digest, so the database never holds it in clear text
and equal NIKs can still be found without decrypting every row. Outside the owner's own view it
is shown masked (first 4 and last 4 digits).

Keys: from ``LUMBUNG_NIK_KEY`` when set, otherwise derived from Django's ``SECRET_KEY``. Two
separate keys are derived (HKDF-SHA256) for encryption and for the digest. Changing the key
makes stored NIKs unreadable, so set ``LUMBUNG_NIK_KEY`` once in production and keep it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
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
    """"3204011234560001" -> "3204********0001"; shows the region prefix and the sequence only."""
    text = normalize(nik)
    return text[:4] + "*" * (NIK_LENGTH - 8) + text[-4:]


def _key_material() -> str:
    explicit = conf.get("LUMBUNG_NIK_KEY")
    if explicit:
        return explicit
    from django.conf import settings  # registry is a Django app; settings are configured here

    return settings.SECRET_KEY


@lru_cache(maxsize=4)
def _keys(material: str) -> tuple[Fernet, bytes]:
    def derive(purpose: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lumbung-nik", info=purpose).derive(
            material.encode("utf-8")
        )

    return Fernet(base64.urlsafe_b64encode(derive(b"encrypt"))), derive(b"digest")


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
    """:func:`protect` for many NIKs, the keys looked up once (bulk imports of many owners)."""
    fernet, mac_key = _keys(_key_material())
    out = []
    for nik in niks:
        text = normalize(nik).encode("ascii")
        out.append((fernet.encrypt(text).decode("ascii"), hmac.new(mac_key, text, hashlib.sha256).hexdigest()))
    return out


def reveal(token: str) -> str:
    """Decrypt a token made by :func:`protect` (raises ``NIKError`` with a wrong key)."""
    fernet, _ = _keys(_key_material())
    try:
        return fernet.decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken as error:
        raise NIKError("the NIK token cannot be decrypted with the current key") from error
