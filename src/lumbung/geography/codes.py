"""Shape of Kemendagri region codes (no data needed): 2 digits per province, regency and
district, 4 per village (Permendagri on region codes; Kepmendagri 300.2.2-2138/2025)."""

from __future__ import annotations

import re
from functools import lru_cache

_DOTTED = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_PLAIN = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
_SEGMENTS = (2, 2, 2, 4)


@lru_cache(maxsize=65536)
def _normalize(text: str) -> str:
    cleaned = text.strip()
    if _DOTTED.fullmatch(cleaned):
        return cleaned
    if _PLAIN.fullmatch(cleaned):
        parts, start = [], 0
        for width in _SEGMENTS:
            if start >= len(cleaned):
                break
            parts.append(cleaned[start:start + width])
            start += width
        return ".".join(parts)
    raise ValueError(
        f"malformed region code {text!r}: expected a Kemendagri code such as 32, 32.04, "
        "32.04.01 or 32.04.01.2001 (dots optional: 3204, 320401, 3204012001)"
    )


def normalize_code(code: object) -> str:
    """Dotted form of a region code: ``"3204"`` -> ``"32.04"``. ValueError when malformed."""
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise ValueError(f"malformed region code {code!r}: expected text such as '32.04'")
    return _normalize(str(code))


def level(code: object) -> int:
    """1 province, 2 regency/city, 3 district (kecamatan/distrik), 4 village (desa/kelurahan)."""
    return normalize_code(code).count(".") + 1


def parent_codes(code: object) -> list[str]:
    """The code and its ancestors, largest first: ``"32.04.01"`` -> ``["32", "32.04", "32.04.01"]``."""
    parts = normalize_code(code).split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
