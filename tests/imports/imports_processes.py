"""Helpers for tests that run ``lumbung`` in subprocesses against a database of their own (a
SQLite file, or a fresh PostgreSQL database on the server the test suite uses), so that a kill or a
race cannot touch the test database. The ``fresh_database`` fixture (conftest.py) makes such databases."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import psycopg

LUMBUNG = [sys.executable, "-c", "from lumbung.cli import main; main()"]


def query(url: str, sql: str) -> list[tuple]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url[len("sqlite:///"):], timeout=30) as db:
            return db.execute(sql).fetchall()
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
