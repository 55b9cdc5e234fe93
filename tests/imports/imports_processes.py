"""Helpers for tests that run ``lumbung`` in subprocesses against a database of their own (a
SQLite file, or a fresh PostgreSQL database on the server the test suite uses), so that a kill or a
race cannot touch the test database. Import the ``fresh_database`` fixture into the test module."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid

import pytest

LUMBUNG = [sys.executable, "-c", "from lumbung.cli import main; main()"]


@pytest.fixture
def fresh_database(tmp_path):
    """A factory of empty database URLs of the kind the suite runs on."""
    from django.db import connection

    created = []
    if connection.vendor != "postgresql":
        yield lambda name: f"sqlite:///{tmp_path / name}.sqlite3"
        return
    import psycopg

    params = connection.get_connection_params()
    server = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}

    def make(name):
        database = f"lumbung_kill_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        user = server.get("user", "postgres")
        return f"postgresql://{user}@{server.get('host', '127.0.0.1')}:{server.get('port', 5432)}/{database}"

    yield make
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for database in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///"):], timeout=30) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def run(args, url, home, **kwargs):
    env = {**os.environ, "LUMBUNG_DATABASE_URL": url, "LUMBUNG_HOME": str(home)}
    return subprocess.Popen([*LUMBUNG, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kwargs)


def finish(process) -> tuple[int, str]:
    out, _ = process.communicate(timeout=300)
    return process.returncode, out.decode()


def reports(url) -> int:
    try:
        return query(url, "SELECT COUNT(*) FROM registry_annualreport")[0][0]
    except Exception:  # the table may be locked for a moment
        return -1
