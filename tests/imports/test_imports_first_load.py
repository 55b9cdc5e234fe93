"""A first load into an empty registry builds its secondary indexes after the rows
(registry.first_load): the schema afterwards is the one before, a stopped import leaves them named
and the next import builds them, and a small file or a registry that holds records keeps them."""

from __future__ import annotations

import signal
import time

import pytest
from django.core import checks
from django.db import connection
from imports_processes import finish, query, reports, run
from imports_samples import row, write_csv

from lumbung.registry import first_load
from lumbung.registry.importer import import_file
from lumbung.registry.models import AuditEntry, Enterprise, SetAsideIndex
from lumbung.registry.search import name_q

pytestmark = pytest.mark.django_db(transaction=True)  # a first load runs outside any caller's transaction

TABLES = ("registry_enterprise", "registry_annualreport", "registry_auditentry")


def _schema() -> dict:
    """Every index of the three tables, and SQLite's triggers, with their definitions, as the
    database's own catalogue lists them (Django's SQLite introspection cannot read the generated
    columns of registry 0006)."""
    marks = ", ".join(["%s"] * len(TABLES))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ({marks}) UNION ALL "
                           f"SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                           f"JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname IN ({marks})", TABLES * 2)
        else:
            cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                           f"AND tbl_name IN ({marks})", TABLES)
        return dict(cursor.fetchall())


def _file(tmp_path, name: str, firms: int, start: int = 0):
    return write_csv(tmp_path / name, [
        row(source_id=f"F{i:04d}", nib=f"{9200000000000 + i}", name=f"Kerupuk Udang {i:04d}", year=str(year),
            owner_nik="") for i in range(start, start + firms) for year in (2022, 2023)])


@pytest.fixture
def set_aside_calls(monkeypatch):
    calls = []
    original = first_load.set_aside

    def spy(conn):
        calls.append(original(conn))
        return calls[-1]

    monkeypatch.setattr(first_load, "set_aside", spy)
    return calls


def _warnings() -> list[str]:
    return [m.id for m in checks.run_checks(databases=["default"], tags=[checks.Tags.database])]


def test_a_first_load_builds_its_indexes_after_the_rows(tmp_path, monkeypatch, set_aside_calls):
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 10)
    before = _schema()
    result = import_file(_file(tmp_path, "first.csv", 30), batch_size=20)
    assert (result.imported, result.rejected) == (60, 0)
    assert len(set_aside_calls) == 1 and "enterprise_region_idx" in set_aside_calls[0]
    assert "enterprise_source_id_unique" not in set_aside_calls[0]  # unique indexes stay
    if connection.vendor == "postgresql":  # and the reports' foreign key, checked again as it is added
        assert any(name.startswith("registry_annualrepor_enterprise_id_") for name in set_aside_calls[0])
    assert _schema() == before and not SetAsideIndex.objects.exists()
    assert AuditEntry.objects.filter(model="enterprise", action="create").count() == Enterprise.objects.count() == 30
    assert list(Enterprise.objects.filter(name_q("Udang 0017")).values_list("source_id", flat=True)) == ["F0017"]
    assert "lumbung.W006" not in _warnings()


def test_a_stopped_first_load_leaves_its_indexes_named_and_the_next_import_builds_them(tmp_path, monkeypatch):
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 10)
    before = _schema()
    restore = first_load.restore
    monkeypatch.setattr(first_load, "restore", lambda conn: [])  # the process dies before it builds them
    import_file(_file(tmp_path, "first.csv", 30), batch_size=20)
    assert "enterprise_region_idx" not in _schema() and "enterprise_kbli_idx" not in _schema()
    assert SetAsideIndex.objects.filter(name="enterprise_region_idx").exists()
    assert "lumbung.W006" in _warnings()
    monkeypatch.setattr(first_load, "restore", restore)
    result = import_file(_file(tmp_path, "next.csv", 1, start=500))
    assert result.imported == 2
    assert _schema() == before and not SetAsideIndex.objects.exists()
    assert "lumbung.W006" not in _warnings()
    # Names stored while the name-search triggers were set aside are found too.
    assert list(Enterprise.objects.filter(name_q("Udang 0029")).values_list("source_id", flat=True)) == ["F0029"]
    assert list(Enterprise.objects.filter(name_q("Udang 0500")).values_list("source_id", flat=True)) == ["F0500"]


def test_an_interrupted_first_load_builds_its_indexes_before_it_stops(tmp_path, monkeypatch):
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 10)
    before = _schema()

    def interrupt(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(_file(tmp_path, "first.csv", 30), batch_size=20, progress=interrupt)
    assert Enterprise.objects.count() == 10  # the committed first batch stays
    assert _schema() == before and not SetAsideIndex.objects.exists()


def test_a_small_file_or_a_registry_with_records_keeps_its_indexes(tmp_path, monkeypatch, set_aside_calls):
    import_file(_file(tmp_path, "small.csv", 30), batch_size=20)  # 60 rows: below FIRST_LOAD_ROWS
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 10)
    result = import_file(_file(tmp_path, "more.csv", 30, start=100), batch_size=20)
    assert result.imported == 60 and Enterprise.objects.count() == 60
    assert set_aside_calls == []


def test_a_dry_run_sets_nothing_aside(tmp_path, monkeypatch, set_aside_calls):
    monkeypatch.setattr(first_load, "FIRST_LOAD_ROWS", 10)
    import_file(_file(tmp_path, "first.csv", 30), batch_size=20, dry_run=True)
    assert set_aside_calls == [] and Enterprise.objects.count() == 0


@pytest.mark.slow
def test_a_first_load_killed_between_batches_is_named_and_completed_by_the_next_import(tmp_path, fresh_database):
    """A real ``kill -9`` of ``lumbung import`` after its first batches: whole batches stored,
    the set-aside indexes named (``lumbung doctor``), and the rerun completes the load and builds them."""
    firms = first_load.FIRST_LOAD_ROWS // 2  # two reports each: just enough rows for a first load
    path = _file(tmp_path, "national.csv", firms)
    url, home = fresh_database("firstload"), tmp_path / "home"
    assert finish(run(["init"], url, home))[0] == 0
    process = run(["import", str(path), "--batch-size", "5000"], url, home)
    deadline = time.monotonic() + 240
    while reports(url) <= 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.kill()
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    stored = query(url, "SELECT COUNT(*) FROM registry_enterprise")[0][0]
    assert 0 < stored < firms and reports(url) == 2 * stored  # whole enterprises only
    assert query(url, "SELECT COUNT(*) FROM registry_setasideindex WHERE name = 'enterprise_region_idx'") == [(1,)]
    doctor = finish(run(["doctor"], url, home))[1]
    assert "lumbung.W006" in doctor and "enterprise_region_idx" in doctor, doctor
    code, out = finish(run(["import", str(path), "--batch-size", "5000"], url, home))
    assert code == 0 and out.strip().splitlines()[-1] == f"{2 * firms} imported, 0 rejected", out[-2000:]
    assert query(url, "SELECT COUNT(*) FROM registry_enterprise")[0][0] == firms and reports(url) == 2 * firms
    assert query(url, "SELECT COUNT(*) FROM registry_setasideindex") == [(0,)]
    catalogue = ("SELECT indexname FROM pg_indexes" if url.startswith("postgres")
                 else "SELECT name FROM sqlite_master WHERE type = 'index'")
    assert "enterprise_region_idx" in {name for (name,) in query(url, catalogue)}
