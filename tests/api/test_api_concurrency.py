"""Issue 8.17 at CI size: concurrent report submissions over HTTP (a real `lumbung serve`) while
an officer imports a file. benchmarks/bench_api_concurrency.py runs it with 50 writers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_api_concurrency.py"


def harness():
    spec = importlib.util.spec_from_file_location("bench_api_concurrency", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def scratch_postgres(django_db_blocker):
    """A scratch PostgreSQL database next to the test database (the server needs one of its own)."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (LUMBUNG_TEST_DATABASE_URL set)")
    params = connection.settings_dict
    name = f"{params['NAME']}_concurrency"
    base = f"postgresql://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check(result: dict, writers: int, updates: int, rows: int) -> None:
    assert result["failures"] == [], result["failures"]
    assert result["lost_updates"] == 0
    assert result["acknowledged_patches"] == writers * updates
    assert result["posted"] == result["posted_stored"] == writers
    assert result["import_exit"] == 0 and result["import_stored"] == rows, result["import_log"]
    assert not result["server_log_locked"]
    assert all(status < 500 or status == 503 for status in result["statuses"])
    assert result["conflicts_412"] > 0  # the writers did collide, and the optimistic check caught it


WRITERS, UPDATES, ROWS = 12, 3, 3000


@pytest.mark.slow
def test_concurrent_writers_sqlite_wal(tmp_path):
    result = harness().run(writers=WRITERS, updates=UPDATES, hot=3, import_rows=ROWS, home=tmp_path, threads=4)
    check(result, WRITERS, UPDATES, ROWS)


@pytest.mark.slow
@pytest.mark.django_db
def test_concurrent_writers_postgresql(tmp_path, scratch_postgres):
    result = harness().run(writers=WRITERS, updates=UPDATES, hot=3, import_rows=ROWS, database=scratch_postgres,
                           home=tmp_path, threads=4)
    check(result, WRITERS, UPDATES, ROWS)
