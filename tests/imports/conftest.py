"""Fixtures of the import tests."""

from __future__ import annotations

import uuid

import psycopg
import pytest


@pytest.fixture
def fresh_database(tmp_path):
    """A factory of empty database URLs of the kind the suite runs on."""
    from django.db import connection

    created = []
    if connection.vendor != "postgresql":
        yield lambda name: f"sqlite:///{tmp_path / name}.sqlite3"
        return
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
