"""``kill -9`` in the middle of ``lumbung import``: whole batches or nothing, and a rerun completes it.

The import runs in a subprocess against its own database (a SQLite file, or a fresh PostgreSQL
database on the server the test suite uses), so the kill cannot touch the test database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
from imports_samples import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIRMS, YEARS, BATCH = 4000, 5, 150  # 20,000 rows; a batch holds 30 whole enterprises
LUMBUNG = [sys.executable, "-c", "from lumbung.cli import main; main()"]


def test_kill_leaves_whole_batches_and_a_rerun_completes(tmp_path, fresh_database):
    path = write_csv(tmp_path / "big.csv", [
        row(source_id=f"E{i:05d}", nib="", owner_nik="", year=str(2020 + y), workers=str(3 + (i + y) % 40))
        for i in range(FIRMS) for y in range(YEARS)])
    home = tmp_path / "home"
    killed_url = fresh_database("killed")
    assert finish(run(["init"], killed_url, home))[0] == 0

    importing = run(["import", str(path), "--batch-size", str(BATCH)], killed_url, home)
    deadline = time.time() + 120
    while time.time() < deadline and reports(killed_url) < 2 * BATCH:
        time.sleep(0.01)
    os.kill(importing.pid, signal.SIGKILL)
    importing.wait()
    assert importing.returncode == -signal.SIGKILL

    # Whole batches: batches commit in file order, each holding all rows of 30 enterprises.
    stored = sorted(r[0] for r in query(killed_url, "SELECT source_id FROM registry_enterprise"))
    per_batch = BATCH // YEARS
    assert 0 < len(stored) < FIRMS, "the kill came too late (or too early) to test anything"
    assert len(stored) % per_batch == 0
    assert stored == [f"E{i:05d}" for i in range(len(stored))]
    assert query(killed_url, "SELECT COUNT(*) FROM registry_annualreport r LEFT JOIN registry_enterprise e "
                              "ON e.id = r.enterprise_id WHERE e.id IS NULL") == [(0,)]
    assert query(killed_url, "SELECT COUNT(*) FROM registry_annualreport")[0][0] == len(stored) * YEARS
    assert query(killed_url, "SELECT COUNT(*) FROM registry_auditentry WHERE model = 'enterprise'")[0][0] == len(stored)

    code, out = finish(run(["import", str(path), "--batch-size", str(BATCH)], killed_url, home))
    assert code == 0 and out.strip().splitlines()[-1] == f"{FIRMS * YEARS} imported, 0 rejected"
    assert query(killed_url, "SELECT COUNT(*) FROM registry_auditentry WHERE model = 'enterprise'")[0][0] == FIRMS
    assert finish(run(["export", "--out", str(tmp_path / "killed.csv")], killed_url, home))[0] == 0

    # The same file imported cleanly (here, into the test database) exports the same bytes.
    from lumbung.imports import import_file
    from lumbung.registry.export import export

    assert import_file(path).rejected == 0
    export(tmp_path / "clean.csv")
    assert (tmp_path / "killed.csv").read_bytes() == (tmp_path / "clean.csv").read_bytes()
    assert len((tmp_path / "clean.csv").read_bytes().splitlines()) == FIRMS * YEARS + 1
