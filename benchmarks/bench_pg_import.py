"""PostgreSQL import benchmark (issue 13): ``import_file(format="sidt")`` with full validation into
a fresh PostgreSQL registry, against a bare ``COPY`` of the same file into a table of the same
columns, in the same run.

    nice -n 10 .venv/bin/python benchmarks/bench_pg_import.py --rows 100000 \\
        --server postgres://postgres@127.0.0.1:5432/postgres --database lumbung_bench

``--database`` is a scratch database: the script drops and creates it (and ``<name>_bare`` for
the baseline), so never name a real one. The file is ``lumbung synth --format sidt`` of
``--rows`` firms x 1 year (one row per enterprise, as an SIDT-KUMKM export is), written into a
temporary folder unless ``--file`` names one.

The baseline: ``CREATE TABLE`` of the file's 49 columns as text, no index, then ``COPY ... FROM
STDIN (FORMAT csv, HEADER)`` with the file's bytes sent by this process (as the import's are):
PostgreSQL's own floor for getting the file's bytes into a table. The import does everything a
real one does: read and validate (regions matched by name, KBLI, workforce sums, legal forms),
NIK encryption, the registry's indexes and constraints, one audit entry per new enterprise,
batches of whole enterprises each in its own transaction. ``--reimport`` also times importing the
same file again (nothing changes: no write, no audit entry). Prints both times, rows per second,
the ratio (target: at most 3x the bare COPY) and the import's own breakdown.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend process ``pid`` (same machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Clock:
    """Wall seconds, and CPU seconds of this process and of its PostgreSQL backend: on a shared
    machine the wall time mostly measures the other programs, the CPU time the work itself."""

    def __init__(self, backend: int) -> None:
        self.backend = backend

    def __enter__(self) -> "_Clock":
        self.wall, self.cpu, self.server = time.perf_counter(), time.process_time(), _backend_cpu(self.backend)
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.server = _backend_cpu(self.backend) - self.server

    @property
    def work(self) -> float:
        return self.cpu + self.server

    def __str__(self) -> str:
        return (f"wall {self.wall:.1f} s, CPU {self.work:.1f} s (this process {self.cpu:.1f} s, "
                f"PostgreSQL backend {self.server:.1f} s)")


def _url(server: str, database: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def _recreate(server: str, database: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')


def _sidt_file(folder: Path, rows: int, seed: int) -> Path:
    from lumbung.synthetic.sidt import write_sidt

    path = folder / f"sidt_{rows}_seed{seed}.csv"
    started = time.perf_counter()
    written, _firms = write_sidt(rows, 1, seed, path)
    print(f"generated {path.name}: {written} rows, {path.stat().st_size / 2**20:.0f} MiB, "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _bare_copy(url: str, path: Path) -> _Clock:
    """The baseline: the file's bytes COPYed into a table of its columns (text, no index)."""
    with path.open("rb") as handle:
        header = handle.readline().decode("utf-8").strip()
    columns = [c.strip('"') for c in header.split(",")]
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE sidt_bare ({', '.join(f'{c} text' for c in columns)})")
        conn.commit()
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        with _Clock(backend) as clock, conn.cursor() as cursor, \
                cursor.copy("COPY sidt_bare FROM STDIN (FORMAT csv, HEADER)") as copy, path.open("rb") as handle:
            while block := handle.read(1 << 20):
                copy.write(block)
        with _Clock(backend) as commit:
            conn.commit()
        stored = conn.execute("SELECT COUNT(*) FROM sidt_bare").fetchone()[0]
    clock.wall += commit.wall
    clock.server += commit.server
    clock.cpu += commit.cpu
    print(f"bare COPY: {stored} rows; {clock}; {stored / clock.wall:,.0f} rows per wall second", flush=True)
    return clock


def _registry(url: str, home: Path) -> None:
    os.environ["LUMBUNG_HOME"] = str(home)
    os.environ["LUMBUNG_DATABASE_URL"] = url
    import lumbung

    lumbung.setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _import(path: Path, label: str) -> tuple[_Clock, object]:
    from django.db import connection

    from lumbung.registry.importer import import_file

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    with _Clock(backend) as clock:
        result = import_file(path, format="sidt", analytics=False)
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    print(f"{label}: {result.imported} rows stored, {result.rejected} rejected; {clock}; "
          f"{(result.imported + result.rejected) / clock.wall:,.0f} rows per wall second; wall by stage: {parts}",
          flush=True)
    return clock, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="enterprises (rows) in the SIDT file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--file", type=Path, help="an SIDT-KUMKM CSV to use instead of a synthetic one")
    parser.add_argument("--server", default=os.environ.get("LUMBUNG_BENCH_SERVER",
                                                           "postgres://postgres@127.0.0.1:5432/postgres"),
                        help="URL of a database on the server allowed to create databases")
    parser.add_argument("--database", required=True, help="scratch database name (dropped and created)")
    parser.add_argument("--reimport", action="store_true", help="also time importing the same file again")
    args = parser.parse_args(argv)
    src = Path(__file__).resolve().parents[1] / "src"
    sys.path.insert(0, str(src))
    with tempfile.TemporaryDirectory(prefix="lumbung-bench-pg-") as tmp:
        folder = Path(tmp)
        path = args.file or _sidt_file(folder, args.rows, args.seed)
        bare_db, registry_db = f"{args.database}_bare", args.database
        _recreate(args.server, bare_db)
        _recreate(args.server, registry_db)
        try:
            bare = _bare_copy(_url(args.server, bare_db), path)
            _registry(_url(args.server, registry_db), folder / "home")
            clock, result = _import(path, "import (sidt, full validation)")
            rows = result.imported + result.rejected
            print(f"ratio import / bare COPY: CPU {clock.work / bare.work:.2f}x, wall {clock.wall / bare.wall:.2f}x "
                  f"(target at most 3x); {rows / clock.work:,.0f} against {rows / bare.work:,.0f} rows per CPU second")
            if args.reimport:
                again, second = _import(path, "re-import (nothing changes)")
                print(f"re-import counts: {second.counts}")
                print(f"ratio re-import / bare COPY: CPU {again.work / bare.work:.2f}x, wall {again.wall / bare.wall:.2f}x")
            print(f"peak memory of this process: {_peak_mib():,.0f} MiB")
        finally:
            from django.conf import settings

            if settings.configured:
                from django.db import connections

                connections.close_all()
            with psycopg.connect(args.server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{bare_db}" WITH (FORCE)')
                if not os.environ.get("LUMBUNG_BENCH_KEEP"):
                    admin.execute(f'DROP DATABASE IF EXISTS "{registry_db}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
