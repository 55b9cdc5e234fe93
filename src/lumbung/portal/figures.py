"""Public figures of the portal: every one is a query of the indicators engine with
``public=True``, the same disclosure control as ``lumbung indicators --public``
(lumbung.indicators.disclosure: minimum frequency, dominance, secondary suppression).

Nothing here adds, subtracts or divides published cells: a total shown under a table is the
engine's own answer to the query without that dimension (a margin the disclosure control already
treats as public), never the sum of the visible cells, which would give away the suppressed ones.
Engine answers are cached in this process's memory (the frames themselves, no copying), keyed by
the analytics build version (:func:`version`), so a new build or a newly loaded published table is
seen on the next request; rendered page bodies are cached by :mod:`lumbung.portal.pagecache`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import pandas as pd

from lumbung.indicators.analytics import build_version
from lumbung.indicators.catalogue import Indicator
from lumbung.indicators.catalogue import get as indicators_by_id
from lumbung.indicators.engine import compute
from lumbung.indicators.schema import available_years, published_dir
from lumbung.portal import pagecache

CACHE_SIZE = 512
_cache: OrderedDict = OrderedDict()
_lock = threading.Lock()


def version() -> str:
    """The analytics build version: the one behind the API's ETags (lumbung.indicators.analytics.build_version), a
    digest of the build state and the partitions' and published tables' sizes and times. Changes
    whenever what the engine would answer changes."""
    return build_version()


def years() -> list[int]:
    return list(available_years())


def has_published() -> bool:
    folder = published_dir()
    return folder.is_dir() and any(folder.glob("*.parquet"))


def _key(*parts) -> tuple:
    def freeze(value):
        if isinstance(value, dict):
            return tuple(sorted((k, freeze(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple, set)):
            return tuple(freeze(v) for v in value)
        return value

    return tuple(freeze(p) for p in parts)


def query(ids, by=(), years=None, where=None, regime: str = "bps-workers", source: str = "registry") -> pd.DataFrame:
    """``compute(..., public=True)``, cached by build version. Callers must not change the frame."""
    key = _key(version(), ids, by, years, where or {}, regime, source)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    result = compute(list(ids), by=list(by), years=years, regime=regime, where=where or None, public=True,
                     source=source)
    with _lock:
        _cache[key] = result
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear() -> None:
    """Forget every cached engine answer and page body (tests; a new build needs no clearing)."""
    with _lock:
        _cache.clear()
    pagecache.clear()


@dataclass
class Figure:
    """One public table (and its chart): long-format rows of the engine, plus the total row."""

    slug: str
    indicators: list[Indicator]
    by: list[str]
    rows: pd.DataFrame
    total: pd.DataFrame | None = None
    title: str = ""
    explanation: str = ""
    chart: dict | None = None
    context: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.rows.empty


def figure(slug: str, ids, by, years=None, where=None, total: bool = False, regime: str = "bps-workers",
           source: str = "registry") -> Figure:
    rows = query(ids, by, years=years, where=where, regime=regime, source=source)
    margin = None
    if total:
        margin_by = [d for d in by if d == "year"]
        margin = query(ids, margin_by, years=years, where=where, regime=regime, source=source)
    return Figure(slug, indicators_by_id(list(ids)), list(by), rows, margin, context=context(years, where))


def context(years, where) -> dict:
    """What a figure's cells have in common beyond their own dimensions (one year, one region):
    part of each cell's identity (``data-cell``). A filter is kept apart from the dimensions
    (``where``): a share within a province is not the province's share of the country."""
    out = {}
    if where:
        out["where"] = ";".join(f"{d}={','.join(map(str, v))}" for d, v in sorted(where.items()))
    if years and len(years) == 1:
        out["year"] = years[0]
    return out
