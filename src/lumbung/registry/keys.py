"""Key files and NIK key rotation (``lumbung init``, ``lumbung rotate-nik-key``; issue 8 point 11).

``lumbung init`` writes two random keys into the data folder when the settings do not give them:
``secret_key`` (Django's) and ``nik_keys`` (the NIK key ring), each readable by its owner only.
Rotation puts a new key at the head of the ring, re-encrypts every stored NIK under it (the old
keys still open tokens meanwhile, so no page fails), then drops the old keys.

NIKs stored by versions before the separate NIK key were encrypted with a key derived from
Django's secret key; :func:`legacy_materials` lists those, and :func:`reencrypt` moves such tokens
to the ring's current key (``lumbung init`` does it when it creates the ring).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from lumbung import conf
from lumbung.registry import nik
from lumbung.registry.models import Enterprise

BATCH = 2_000


@dataclass
class Rotation:
    """What a re-encryption did: tokens seen, moved to the current key, and unreadable."""

    tokens: int = 0
    reencrypted: int = 0
    unreadable: int = 0


def legacy_materials() -> list[str]:
    """Keys that earlier versions derived NIK keys from (Django's secret key, set or derived)."""
    materials = [conf.get("LUMBUNG_SECRET_KEY") or "", settings.SECRET_KEY,
                 "dev-insecure-" + hashlib.sha256(str(conf.home()).encode()).hexdigest()]
    return list(dict.fromkeys(m for m in materials if m))


def _open(token: str, extra: list[str]) -> tuple[str | None, bool]:
    """(NIK, already under the current key) for a token, trying the ring then ``extra`` keys."""
    try:
        text, index = nik.reveal_with_index(token)
        return text, index == 0
    except nik.NIKError:
        pass
    for material in extra:
        try:
            return nik.reveal_with_material(token, material), False
        except nik.NIKError:
            continue
    return None, False


def reencrypt(extra: list[str] | None = None) -> Rotation:
    """Re-encrypt every stored NIK not under the ring's current key (one transaction)."""
    result = Rotation()
    extra = legacy_materials() if extra is None else extra
    with transaction.atomic():
        rows = Enterprise.objects.exclude(owner_nik_token=None).exclude(owner_nik_token="")
        changed = []
        for enterprise in rows.only("pk", "owner_nik_token", "owner_nik_digest").iterator(chunk_size=BATCH):
            result.tokens += 1
            text, current = _open(enterprise.owner_nik_token, extra)
            if text is None:
                result.unreadable += 1
            elif not current:
                enterprise.owner_nik_token, enterprise.owner_nik_digest = nik.protect(text)
                changed.append(enterprise)
        # bulk_update sends no signals: the NIKs are the same, only their encryption changed.
        Enterprise.objects.bulk_update(changed, ["owner_nik_token", "owner_nik_digest"], batch_size=BATCH)
        result.reencrypted = len(changed)
    return result


def rotate() -> tuple[Rotation, bool]:
    """Rotate the NIK key: (what was re-encrypted, whether the key file was rewritten).

    With keys in the data folder a new key is generated. With ``LUMBUNG_NIK_KEY`` set the operator
    has already put the new key there and the old ones in ``LUMBUNG_NIK_OLD_KEYS``; the stored
    NIKs move to the new key and ``LUMBUNG_NIK_OLD_KEYS`` can be removed afterwards."""
    if conf.get("LUMBUNG_NIK_KEY"):
        return reencrypt(), False
    old = list(nik.key_ring())
    conf.write_keys(conf.NIK_KEYS_FILE, [conf.new_key(), *old])  # old keys still open tokens meanwhile
    nik.forget_keys()
    result = reencrypt()
    if result.unreadable == 0:
        conf.write_keys(conf.NIK_KEYS_FILE, [nik.key_ring()[0]])
        nik.forget_keys()
    return result, True
