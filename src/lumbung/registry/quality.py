"""The data-quality report (``lumbung check``, :func:`lumbung.indicators.quality.check`) as the
workspace shows it: violations narrowed to the enterprises the user may see, each linked to its
record, and the set of flagged enterprises for the list's "quality" filter. The report is
computed once per analytics build (the build's state names it) and kept in memory."""

from __future__ import annotations

import json
import threading

from lumbung import conf
from lumbung.indicators.analytics import read_state
from lumbung.indicators.quality import check
from lumbung.indicators.schema import AnalyticsMissing
from lumbung.registry.models import Enterprise

_lock = threading.Lock()
_cache: dict[str, object] = {}


def _key() -> str | None:
    state = read_state()
    return None if state is None else json.dumps(state, sort_keys=True) + str(conf.home())


def report():
    """The quality report of the current analytics build, or None when nothing was built."""
    key = _key()
    if key is None:
        return None
    with _lock:
        if _cache.get("key") != key:
            try:
                found = check()
            except AnalyticsMissing:
                return None
            _cache.clear()
            _cache.update(key=key, report=found,
                          flagged=frozenset(int(i) for i in found.violations["enterprise_id"].dropna().unique()))
        return _cache["report"]


def flagged_ids() -> frozenset[int]:
    """Ids of enterprises with at least one violation in the current build (empty without one)."""
    return _cache["flagged"] if report() is not None else frozenset()


def violations_for(user, limit: int = 500) -> tuple[list[dict], int]:
    """The violations of the enterprises ``user`` may see (at most ``limit``, by rule and year)
    and how many there are in all."""
    found = report()
    if found is None or found.violations.empty:
        return [], 0
    frame = found.violations
    ids = [int(i) for i in frame["enterprise_id"].dropna().unique()]
    visible: set[int] = set()
    for start in range(0, len(ids), 5000):
        visible.update(Enterprise.objects.visible_to(user).filter(pk__in=ids[start:start + 5000])
                       .values_list("pk", flat=True))
    mine = frame[frame["enterprise_id"].isin(visible)].sort_values(["rule", "year", "enterprise_id"])
    rules = {r.id: r for r in found.rules}
    rows = []
    for rec in mine.head(limit).to_dict("records"):
        rows.append({**rec, "enterprise_id": int(rec["enterprise_id"]), "rule_obj": rules.get(rec["rule"])})
    return rows, len(mine)


def clear() -> None:
    with _lock:
        _cache.clear()
