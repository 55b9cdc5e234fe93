"""Kill harness for the analytics build (issue 8.15): SIGKILL the build at random points, check
what a query would read, re-run, and compare with a build that was never killed.

Each kill: a copy of an analytics folder built at version v-1 (or an empty one) is refreshed
to version v by a child process (analytics_kill_child.py), killed at a random moment inside the
build. Then: every partition under its final name is a whole Parquet file (no half-written
table is ever visible), the tables are reported stale (``analytics.status``) unless the build
had finished, and the re-run leaves no temporary file and exactly the tables of an unkilled
build. ``LUMBUNG_KILLS=N`` sets the number of kills (default 8 in CI; the figure recorded for
RELIABILITY.md used 200).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lumbung.indicators import analytics
from lumbung.indicators.schema import STORED_SCHEMA, available_years, partition_path, reports_dir

sys.path.insert(0, str(Path(__file__).parent))
from analytics_kill_child import registry  # noqa: E402

CHILD = Path(__file__).parent / "analytics_kill_child.py"
SEED = 7
pytestmark = pytest.mark.slow


def _start(home: Path, version: int) -> tuple[subprocess.Popen, float]:
    child = subprocess.Popen([sys.executable, str(CHILD), str(home), str(SEED), str(version)],
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    assert child.stdout.readline().strip() == "ready"
    return child, time.perf_counter()


def _run(home: Path, version: int) -> float:
    """An unkilled build; its duration from "ready" to "done"."""
    child, started = _start(home, version)
    assert child.stdout.readline().strip() == "done"
    seconds = time.perf_counter() - started
    assert child.wait() == 0
    return seconds


def _tables(home: Path) -> dict[int, list[dict]]:
    return {y: sorted(pq.read_table(partition_path(y, home)).to_pylist(), key=lambda r: r["enterprise_id"])
            for y in available_years(home)}


def _whole_files(home: Path) -> None:
    """What a query would open: every partition under its final name reads completely."""
    for path in sorted(reports_dir(home).glob("year=*/part-0.parquet")):
        table = pq.read_table(path)
        assert table.schema.equals(STORED_SCHEMA) and table.num_rows == pq.read_metadata(path).num_rows


def test_killed_builds_leave_whole_tables_and_the_next_build_completes(tmp_path):
    kills = int(os.environ.get("LUMBUNG_KILLS", "8"))
    rng = random.Random(SEED)
    references, bases, duration = {}, {0: tmp_path / "empty"}, 0.0
    for version in (0, 1, 2):
        references[version] = tmp_path / f"reference-{version}"
        duration = max(duration, _run(references[version], version))
    bases[1] = tmp_path / "base-1"
    _run(bases[1], 0)
    bases[2] = tmp_path / "base-2"
    shutil.copytree(bases[1], bases[2])
    _run(bases[2], 1)
    expected = {v: _tables(references[v]) for v in references}
    sources = {v: registry(SEED, v) for v in references}
    left, stale = 0, 0
    for kill in range(kills):
        version = kill % 3
        home = tmp_path / f"kill-{kill}"
        if bases[version].exists():
            shutil.copytree(bases[version], home)
        child, started = _start(home, version)
        time.sleep(rng.uniform(0, duration * 1.1))
        child.send_signal(signal.SIGKILL)
        child.wait()
        _whole_files(home)
        state = analytics.status(sources[version], home=home)
        if state.current:
            assert _tables(home) == expected[version]   # killed after it had finished
        else:
            stale += 1
            assert state.stale or not state.built
            assert version == 0 or "stale" in state.message()
        leftovers = analytics.leftover_files(home)
        left += bool(leftovers)
        _run(home, version)
        assert analytics.leftover_files(home) == []   # the next build cleaned what the killed one left
        assert _tables(home) == expected[version]
        assert analytics.status(sources[version], home=home).current
        print(f"kill {kill + 1}/{kills} (version {version}): {'stale' if not state.current else 'finished'}, "
              f"{len(leftovers)} temporary files left -> re-run equal", flush=True)
    print(f"\n{kills} kills: {stale} left the tables stale (reported), {left} left temporary files; "
          "every re-run complete and equal to an unkilled build")
