"""``lumbung backup`` and ``lumbung restore`` (issue 8.16): a registry with enterprises, reports,
NIKs, accounts and an audit trail of creates and updates is backed up, restored into an empty
database, and every table compared row for row. SQLite (online backup API) or PostgreSQL
(pg_dump/pg_restore), whichever the suite runs on. (In tests/imports for its subprocess fixtures.)"""

from __future__ import annotations

import pytest
from imports_processes import finish, query, run
from imports_samples import row, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _tables(url) -> list[str]:
    if url.startswith("sqlite:///"):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(r[0] for r in query(url, sql))


def _content(url) -> dict[str, list[str]]:
    return {table: sorted(repr(r) for r in query(url, f'SELECT * FROM "{table}"')) for table in _tables(url)}


def _registry(url, home, tmp_path):
    assert finish(run(["init"], url, home))[0] == 0
    first = write_csv(tmp_path / "a.csv", [row(source_id=f"E{i}", nib="", year=str(y), owner_nik=f"32040155079{i:05d}")
                                           for i in range(50) for y in (2022, 2023)])
    newer = write_csv(tmp_path / "b.csv", [row(source_id=f"E{i}", nib="", year="2023", workers="9", owner_nik="")
                                           for i in range(20)])
    for path in (first, newer):
        assert finish(run(["import", str(path), "--no-analytics"], url, home))[0] == 0
    code, out = finish(run(["createuser", "petugas", "--role", "officer", "--region", "32.04"], url, home))
    assert code == 0, out


def test_backup_restores_every_table_into_an_empty_database(tmp_path, fresh_database):
    source, target, home = fresh_database("source"), fresh_database("target"), tmp_path / "home"
    _registry(source, home, tmp_path)
    backup = tmp_path / "registry.backup"
    code, out = finish(run(["backup", "--out", str(backup)], source, home))
    assert code == 0 and "backup of the" in out, out
    code, out = finish(run(["restore", str(backup)], target, home))
    assert code == 0 and "restored" in out, out
    before, after = _content(source), _content(target)
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], table
    assert len(before["registry_auditentry"]) == 50 + 20 and len(before["registry_enterprise"]) == 50
    assert query(target, "SELECT COUNT(*) FROM registry_enterprise WHERE owner_nik_digest IS NOT NULL") == [(50,)]
    # The restored registry works on: ids continue after the restored ones (sequences included).
    more = write_csv(tmp_path / "c.csv", [row(source_id="NEW", nib="", owner_nik="")])
    code, out = finish(run(["import", str(more), "--no-analytics"], target, home))
    assert code == 0, out
    assert query(target, "SELECT MAX(id) FROM registry_enterprise") == [(51,)]
    # A registry that holds data is not overwritten without --replace; a file that is no backup is refused.
    code, out = finish(run(["restore", str(backup)], target, home))
    assert code == 2 and "--replace" in out and "Traceback" not in out
    assert finish(run(["restore", str(backup), "--replace"], target, home))[0] == 0
    assert _content(target) == before
    code, out = finish(run(["restore", str(tmp_path / "a.csv"), "--replace"], target, home))
    assert code == 2 and "not a Lumbung backup" in out and "Traceback" not in out
