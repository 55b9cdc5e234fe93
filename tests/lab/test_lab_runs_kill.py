"""Faults: `lumbung simulate` killed (SIGKILL) at random points never leaves a half-written file
under the output folder's final name, and a re-run completes with the same files as a run that
was never interrupted (issue 8, point 15)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lumbung.errors import UserError
from lumbung.lab.outputs import PARTIAL, staged_folder

ARGS = ["baseline", "--compare", "credit", "--firms", "800", "--years", "2", "--runs", "2", "--seed", "4",
        "--executor", "serial", "--lang", "en"]
KILLS = 6


def _simulate(out: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from lumbung.cli import main; main()", "simulate", *ARGS,
                             "--out", str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_killed_runs_leave_no_half_written_files_and_a_rerun_completes(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    reference = tmp_path / "reference"
    started = time.perf_counter()
    done = _simulate(reference, env)
    assert done.wait(timeout=300) == 0, done.stderr.read().decode()
    duration = time.perf_counter() - started
    expected = _files(reference)
    assert {"summary.csv", "bands.csv", "comparison.csv", "runs.csv", "report.html"} <= set(expected)

    chance = random.Random(15)
    fresh, existing = tmp_path / "fresh", tmp_path / "existing"
    existing.mkdir()  # a re-run into a folder an earlier run wrote: files are replaced whole
    for name, data in expected.items():
        (existing / name).parent.mkdir(parents=True, exist_ok=True)
        (existing / name).write_bytes(data)
    for kill in range(KILLS):
        out = fresh if kill % 2 == 0 else existing
        process = _simulate(out, env)
        time.sleep(chance.uniform(0.3, 1.05) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if out.exists():
            found = _files(out)
            assert set(found) == set(expected), f"kill {kill}: the folder appeared incomplete"
            assert found == expected, f"kill {kill}: a file under its final name differs from a whole run's"
    for out in (fresh, existing):
        rerun = _simulate(out, env)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read().decode()
        assert _files(out) == expected
        assert not list(tmp_path.glob(f".{out.name}{PARTIAL}*")), "a killed run's temporary folder was left"


def test_a_staged_folder_appears_whole_or_not_at_all(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with staged_folder(out) as staging:
            (staging / "summary.csv").write_text("half", encoding="utf-8")
            raise RuntimeError("killed")
    assert not out.exists() and not list(tmp_path.iterdir())
    with staged_folder(out) as staging:
        (staging / "charts").mkdir()
        (staging / "charts" / "a.png").write_bytes(b"png")
        assert not out.exists()
    assert _files(out) == {"charts/a.png": b"png"}


def test_stale_temporary_folders_of_dead_processes_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out{PARTIAL}{int(dead.stdout)}"
    stale.mkdir()
    alive = tmp_path / f".out{PARTIAL}{os.getppid()}"  # a running process's: left alone
    alive.mkdir()
    with staged_folder(tmp_path / "out"):
        pass
    assert not stale.exists() and alive.exists()


def test_an_unwritable_parent_is_a_user_error(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UserError, match="cannot write to the folder"):
        with staged_folder(tmp_path / "file" / "out"):
            pass
