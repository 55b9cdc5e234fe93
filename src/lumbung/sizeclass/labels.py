"""Displayed names of the size classes, from ``classes.toml`` (Indonesian and English)."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources

LANGUAGES = ("id", "en")


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    text = resources.files("lumbung.sizeclass").joinpath("classes.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {key: {"id": data[key]["name_id"], "en": data[key]["name_en"]} for key in data["order"]}


def label(size_class: str, lang: str = "id") -> str:
    """``label("small")`` -> ``"kecil"``; ``label("small", "en")`` -> ``"small"``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    names = _names()
    if size_class not in names:
        raise ValueError(f"unknown size class {size_class!r}; expected one of {', '.join(names)}")
    return names[size_class][lang]
