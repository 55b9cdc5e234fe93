"""The analytics build over a Source: in memory here (no Django, no database)."""

from __future__ import annotations

import subprocess
import sys

import pyarrow.parquet as pq

from lumbung.indicators import analytics
from lumbung.indicators.schema import partition_path
from lumbung.indicators.source import MemorySource, Source


def _source() -> MemorySource:
    src = MemorySource()
    src.put({"enterprise_id": 1, "year": 2022, "region_code": "32.11.01.2001", "kbli": "10392",
             "owner_gender": "F", "workers": 3, "output": 100, "inputs": 60, "trained": True})
    src.put({"enterprise_id": 1, "year": 2023, "workers": 6, "output": 130, "inputs": 70})
    src.put({"enterprise_id": 2, "year": 2022, "region_code": "33.75.01", "kbli": "13134", "workers": 12})
    src.put({"enterprise_id": 3, "year": 2023, "region_code": "33.20", "kbli": "31001", "workers": 2})
    return src


def _rows(home, year):
    return {r["enterprise_id"]: r for r in pq.read_table(partition_path(year, home)).to_pylist()}


def test_the_build_module_imports_no_django():
    code = "import sys, lumbung.indicators.analytics, lumbung.indicators.source; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_full_then_incremental_build_from_memory(tmp_path):
    src = _source()
    assert isinstance(src, Source)
    result = analytics.build(src, home=tmp_path)
    assert result.mode == "full" and result.years == [2022, 2023] and result.rows == 4
    r = _rows(tmp_path, 2023)[1]
    assert (r["province"], r["regency"], r["kbli_division"], r["value_added"]) == ("32", "32.11", "10", 60)
    assert r["size_bps_workers"] == "small" and r["in_prev"] is True and r["owner_gender"] == "F"
    assert _rows(tmp_path, 2022)[1]["next_workers"] == 6

    assert analytics.build(src, home=tmp_path).years == []      # nothing changed
    src.put({"enterprise_id": 3, "year": 2023, "workers": 40})
    result = analytics.build(src, home=tmp_path)
    assert (result.mode, result.years, result.relinked, result.rows) == ("incremental", [2023], [2022], 2)
    assert _rows(tmp_path, 2023)[3]["size_bps_workers"] == "medium"

    src.put({"enterprise_id": 1, "year": 2022, "region_code": "35.01"})   # an enterprise field: both years
    assert analytics.build(src, home=tmp_path).years == [2022, 2023]
    assert _rows(tmp_path, 2023)[1]["province"] == "35"

    src.delete(2)                                                   # a deletion: seen through the count
    assert analytics.build(src, home=tmp_path).years == [2022]
    src.delete(1, 2022)                                             # 2022 loses its last report
    result = analytics.build(src, home=tmp_path)
    assert result.removed == [2022] and result.relinked == [2023] and not partition_path(2022, tmp_path).exists()
    assert not any(r["in_prev"] for r in _rows(tmp_path, 2023).values())


def test_batches_stay_bounded(tmp_path, monkeypatch):
    src = MemorySource({"enterprise_id": i, "year": 2023, "region_code": "32.04", "kbli": "10110", "workers": 1 + i % 30}
                       for i in range(1, 251))
    monkeypatch.setattr(analytics, "CHUNK_ROWS", 100)
    seen = []
    result = analytics.build(src, home=tmp_path, progress=seen.append)
    assert seen == [100, 100, 50] and result.rows == 250 and len(_rows(tmp_path, 2023)) == 250


def test_status_and_refresh_follow_the_source(tmp_path):
    src = _source()
    assert analytics.refresh(src, home=tmp_path) is None           # never built: the first build is explicit
    assert not analytics.status(src, home=tmp_path).built
    analytics.build(src, home=tmp_path)
    state = analytics.status(src, home=tmp_path)
    assert state.current and not state.stale and state.built_mark == src.high_water_mark()
    src.put({"enterprise_id": 2, "year": 2022, "workers": 13})
    state = analytics.status(src, home=tmp_path)
    assert state.stale and state.changed_years == (2022,) and "stale" in state.message()
    result = analytics.refresh(src, home=tmp_path)
    assert result is not None and result.years == [2022]
    assert analytics.status(src, home=tmp_path).current


def test_status_sees_a_running_and_an_interrupted_build(tmp_path):
    src = _source()
    analytics.build(src, home=tmp_path)
    with analytics.build_lock(tmp_path):
        state = analytics.status(src, home=tmp_path)
        assert state.running and not state.current and "running" in state.message()
    (tmp_path / "analytics" / "building").write_text("{}")     # what a killed build leaves
    (partition_path(2023, tmp_path).parent / ".linked-99999.tmp").write_bytes(b"half a file")
    state = analytics.status(src, home=tmp_path)
    assert state.interrupted and not state.running
    assert len(analytics.leftover_files(tmp_path)) == 1
    result = analytics.build(src, home=tmp_path)
    assert len(result.cleaned) == 1 and analytics.leftover_files(tmp_path) == []
    assert not analytics.status(src, home=tmp_path).interrupted


def test_status_of_an_empty_folder_creates_nothing(tmp_path):
    assert not analytics.status(MemorySource(), home=tmp_path).built
    assert list(tmp_path.iterdir()) == []


def test_a_killed_first_build_is_reported_and_completed_by_refresh(tmp_path):
    src = _source()
    (tmp_path / "analytics").mkdir()
    (tmp_path / "analytics" / "building").write_text("{}")     # the first build was killed
    state = analytics.status(src, home=tmp_path)
    assert not state.built and state.interrupted and "interrupted" in state.message()
    result = analytics.refresh(src, home=tmp_path)
    assert result is not None and result.mode == "full" and analytics.status(src, home=tmp_path).current
