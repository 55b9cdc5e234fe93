"""``kill -9`` at random points of ``lumbung import``: after every kill the registry holds whole
batches only (consistent), and a rerun completes it (complete: it exports as a clean import does).

Two phases on one database: a first import that creates everything, then a newer file that
changes every report. Each phase is killed ``LUMBUNG_KILLS`` times (default 6) at random points:
the kill waits for a random amount of progress (audit entries written, 0 = any time, start-up and
validation included) plus a random delay, and each rerun is killed again further on. The random
seed is ``LUMBUNG_KILL_SEED`` (default: a fresh one, printed in every failure message). The imports
run in subprocesses against their own database (a SQLite file, or a fresh PostgreSQL database on
the suite's server), so the kills cannot touch the test database. Long run (RELIABILITY.md):
``LUMBUNG_KILLS=50 pytest tests/imports/test_imports_kill.py``."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest
from imports_processes import finish, query, run
from imports_samples import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FIRMS, YEARS, BATCH = 2000, 5, 150  # 10,000 rows; a batch holds 30 whole enterprises
PER_BATCH = BATCH // YEARS
KILLS = int(os.environ.get("LUMBUNG_KILLS", "6"))
SEED = int(os.environ.get("LUMBUNG_KILL_SEED", random.SystemRandom().randrange(10**6)))
NEWER = 100  # the newer file adds this to every report's workers


def _file(path, newer: bool):
    return write_csv(path, [row(source_id=f"E{i:05d}", nib="", owner_nik="", year=str(2020 + y),
                                workers=str(3 + (i + y) % 40 + (NEWER if newer else 0)))
                            for i in range(FIRMS) for y in range(YEARS)])


def _audit(url) -> int:
    try:
        return query(url, "SELECT COUNT(*) FROM registry_auditentry")[0][0]
    except Exception:  # a moment's lock, or the table not there yet
        return -1


def _import_killed_at_random(path, url, home, rng: random.Random, base: int, span: int, left: int) -> bool:
    """Start an import and SIGKILL it once the audit trail has grown by a random part of ``span``
    (plus a random delay); False when it finished first."""
    process = run(["import", str(path), "--batch-size", str(BATCH), "--no-analytics"], url, home)
    # A rerun is killed further on: within the next 1/left of the work still to do, so that the
    # ``left`` kills still to come spread over the rest of the phase (or hit its start-up). The kill
    # comes mostly a few milliseconds after the target (a batch takes about 10 ms), sometimes 0.1 s.
    start = max(base, _audit(url))
    target = start + rng.randrange(0, max(1, (base + span - start) // left))
    delay = rng.choice([rng.uniform(0, 0.02)] * 3 + [rng.uniform(0, 0.1)])
    deadline = time.time() + 120
    while process.poll() is None and time.time() < deadline and _audit(url) < target:
        time.sleep(0.005)
    time.sleep(delay)
    if process.poll() is not None:
        code, out = finish(process)
        assert code == 0, f"seed {SEED}: {out[-2000:]}"
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return True


def _prefix(url, sql: str) -> int:
    """``sql`` lists source_ids; they must be E00000... in order, whole batches: return how many."""
    ids = sorted(r[0] for r in query(url, sql))
    assert ids == [f"E{i:05d}" for i in range(len(ids))], f"seed {SEED}: not a prefix of the file"
    assert len(ids) % PER_BATCH == 0 or len(ids) == FIRMS, f"seed {SEED}: {len(ids)} enterprises is not whole batches of {PER_BATCH}"
    return len(ids)


def _consistent_after_create(url) -> int:
    stored = _prefix(url, "SELECT source_id FROM registry_enterprise")
    assert query(url, "SELECT COUNT(*) FROM registry_annualreport r LEFT JOIN registry_enterprise e "
                      "ON e.id = r.enterprise_id WHERE e.id IS NULL") == [(0,)], f"seed {SEED}"
    assert query(url, "SELECT COUNT(*) FROM registry_annualreport")[0][0] == stored * YEARS, f"seed {SEED}"
    assert query(url, "SELECT COUNT(*) FROM registry_auditentry")[0][0] == stored, f"seed {SEED}"
    return stored


def _consistent_after_update(url) -> int:
    """Every enterprise has all its reports new or all old; the new ones are whole batches, each
    report change audited once."""
    mixed = query(url, f"SELECT e.source_id FROM registry_annualreport r JOIN registry_enterprise e "
                       f"ON e.id = r.enterprise_id GROUP BY e.source_id "
                       f"HAVING SUM(CASE WHEN r.workers >= {NEWER} THEN 1 ELSE 0 END) NOT IN (0, {YEARS})")
    assert mixed == [], f"seed {SEED}: enterprises half updated: {mixed[:5]}"
    updated = _prefix(url, f"SELECT DISTINCT e.source_id FROM registry_annualreport r JOIN registry_enterprise e "
                           f"ON e.id = r.enterprise_id WHERE r.workers >= {NEWER}")
    assert query(url, "SELECT COUNT(*) FROM registry_auditentry WHERE action = 'update'")[0][0] == updated * YEARS
    assert query(url, "SELECT COUNT(*) FROM registry_annualreport")[0][0] == FIRMS * YEARS
    return updated


def _phase(path, url, home, rng, base, span, consistent) -> tuple[int, list[int]]:
    kills, progress = 0, []
    for attempt in range(KILLS):
        if not _import_killed_at_random(path, url, home, rng, base, span, KILLS - attempt):
            break
        kills += 1
        progress.append(consistent(url))
    code, out = finish(run(["import", str(path), "--batch-size", str(BATCH), "--no-analytics"], url, home))
    assert code == 0 and out.strip().splitlines()[-1] == f"{FIRMS * YEARS} imported, 0 rejected", f"seed {SEED}"
    return kills, progress


def test_random_kills_leave_whole_batches_and_reruns_complete(tmp_path, fresh_database):
    first, newer = _file(tmp_path / "first.csv", False), _file(tmp_path / "newer.csv", True)
    home, url, rng = tmp_path / "home", fresh_database("killed"), random.Random(SEED)
    assert finish(run(["init"], url, home))[0] == 0

    kills, stored = _phase(first, url, home, rng, 0, FIRMS, _consistent_after_create)
    assert _consistent_after_create(url) == FIRMS
    more, updated = _phase(newer, url, home, rng, FIRMS, FIRMS * YEARS, _consistent_after_update)
    assert _consistent_after_update(url) == FIRMS
    print(f"seed {SEED}: {kills} kills while creating (enterprises stored after each: {stored}), "
          f"{more} while updating (updated: {updated})")
    assert kills + more >= 1, f"seed {SEED}: no import was killed"
    assert finish(run(["export", "--out", str(tmp_path / "killed.csv")], url, home))[0] == 0

    # The same files imported cleanly (here, into the test database) export the same bytes.
    from lumbung.registry.export import export
    from lumbung.registry.importer import import_file

    assert import_file(first).rejected == 0 and import_file(newer).rejected == 0
    export(tmp_path / "clean.csv")
    assert (tmp_path / "killed.csv").read_bytes() == (tmp_path / "clean.csv").read_bytes()
    assert len((tmp_path / "clean.csv").read_bytes().splitlines()) == FIRMS * YEARS + 1
