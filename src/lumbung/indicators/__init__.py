"""Uniform IKM indicators: a catalogue defined as data, computed over region x sector x size
class x year from analytics Parquet tables with DuckDB or Spark (docs/indicators.md).

Pure Python, no Django: the analytics build reads a :class:`~lumbung.indicators.source.Source`
(the registry's is ``lumbung.registry.rows.RegistryRows``). The public functions below are
loaded on first use (PEP 562), so importing the package, as every ``lumbung`` command does,
stays cheap:

* ``compute``, ``to_sql``: :mod:`lumbung.indicators.engine`, :mod:`lumbung.indicators.sqlgen`;
* ``build_analytics``, ``refresh_analytics``, ``analytics_status``: :mod:`lumbung.indicators.analytics`;
* ``check``: :mod:`lumbung.indicators.quality`;
* ``import_published_table``: :mod:`lumbung.indicators.published`;
* ``indicator_catalogue``: :func:`lumbung.indicators.catalogue.catalogue`.
"""

from __future__ import annotations

import importlib

#: public name -> (module, attribute)
_EXPORTS = {
    "compute": ("lumbung.indicators.engine", "compute"),
    "to_sql": ("lumbung.indicators.sqlgen", "to_sql"),
    "build_analytics": ("lumbung.indicators.analytics", "build"),
    "refresh_analytics": ("lumbung.indicators.analytics", "refresh"),
    "analytics_status": ("lumbung.indicators.analytics", "status"),
    "check": ("lumbung.indicators.quality", "check"),
    "import_published_table": ("lumbung.indicators.published", "import_published_table"),
    "indicator_catalogue": ("lumbung.indicators.catalogue", "catalogue"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
