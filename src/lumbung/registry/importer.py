"""The import: a file or an Arrow table read and checked by :mod:`lumbung.imports` (pure), then
written by :mod:`lumbung.registry.store`; every good row stored, every bad row explained
(docs/import.md). The registry owns this step because it writes the registry's tables."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa

from lumbung.imports.pipeline import BATCH_SIZE, check, check_format, summarise
from lumbung.imports.readers import RawTable, read_path, table_raw, tidy
from lumbung.imports.results import ImportResult
from lumbung.indicators import analytics as analytics_tables
from lumbung.registry.rows import RegistryRows
from lumbung.registry.store import write


def import_file(path, format: str = "template", dry_run: bool = False, errors_path=None, source: str | None = None,
                progress=None, batch_size: int = BATCH_SIZE, blank: str = "keeps",
                analytics: bool = True, scope: tuple[str, ...] | None = None) -> ImportResult:
    """Import a .csv, .xlsx or .parquet file; see docs/import.md. Raises :class:`UnusableFile`.
    ``blank``: "keeps" (an empty cell leaves the stored value) or "clears" (it erases it).
    ``analytics``: afterwards bring built analytics tables up to date (:func:`refresh_analytics`);
    the result's ``analytics`` is that build, or None. ``scope``: the region codes the importing
    person may write into (an officer's region scopes; rows outside are rejected), None for all."""
    path = Path(path)
    check_format(format)
    started = time.perf_counter()
    raw = read_path(path)
    result = _run(raw, format, dry_run, errors_path, source, progress, batch_size, path.name, blank, scope)
    result.timings["read"] = result.timings.pop("_start") - started
    if analytics and result.imported and not dry_run:
        result.analytics = refresh_analytics()
    return result


def refresh_analytics():
    """Bring analytics tables that were built before up to date with the registry (an incremental
    build); None when none were built (``lumbung analytics build`` makes the first)."""
    return analytics_tables.refresh(RegistryRows())


def import_table(table: pa.Table, format: str = "template", dry_run: bool = False, errors_path=None,
                 source: str | None = None, progress=None, batch_size: int = BATCH_SIZE,
                 name: str = "table", blank: str = "keeps") -> ImportResult:
    """Import an Arrow table (e.g. ``lumbung.synthetic.generate``) through the same path; it leaves
    the analytics tables to the caller (:func:`refresh_analytics`), since a loader calls it often."""
    check_format(format)
    raw = table_raw(table, name)
    result = _run(RawTable(tidy(raw.frame), problems=raw.problems), format, dry_run, errors_path, source, progress,
                  batch_size, name, blank)
    result.timings.pop("_start")
    return result


def _run(raw: RawTable, format, dry_run, errors_path, source, progress, batch_size, name, blank,
         scope=None) -> ImportResult:
    timings = {"_start": time.perf_counter()}
    checked = check(raw, format, name, source or format, scope=scope)
    timings["check"] = time.perf_counter() - timings["_start"]
    outcome = write(checked.rows, checked.present, source=source or format, audit_source=f"import:{name}",
                    lenient_nib=(format == "sidt"), dry_run=dry_run, batch_size=batch_size, progress=progress,
                    blank=blank, scope=scope)
    timings["write"] = time.perf_counter() - timings["_start"] - timings["check"]
    return summarise(raw, checked, outcome.rejected, outcome.notes, outcome.counts, dry_run, timings, errors_path)
