"""Officers' workspace benchmark (issue 11 point 14), in-process with Django's test client on a
fresh SQLite registry:

1. **Lists at a million enterprises:** ``lumbung.synthetic.generate(firms=N, years=1)`` stored by
   ``import_table`` (the store's all-new bulk path) once, cached under ``--cache`` and copied (and
   migrated) by each run; then an officer scoped to one province requests the enterprise list
   filtered (regency + KBLI division), filtered by size class under PP 7/2021, and searched by
   name and by NIB prefix, ``--repeat`` times each: p50 and p95 per page, the page's number of
   queries and SQLite's plan of the query that reads the rows. Baseline, in the same run: the same
   filtered queryset's page read by the ORM alone (no view, no template). Target: p95 under 150 ms.
2. **Upload end to end against the CLI import:** a ``--upload-rows`` file is imported by
   ``import_file`` into a fresh registry (the CLI's function), and, into another fresh registry,
   uploaded through the workspace page (POST), run by the worker from the database queue and
   followed until the job is done. Target: within 1.2x of the CLI import.

    .venv/bin/python benchmarks/bench_workspace.py                    # 1M enterprises, 100k upload
    .venv/bin/python benchmarks/bench_workspace.py --part lists       # the lists only (cached registry)
    .venv/bin/python benchmarks/bench_workspace.py --firms 50000 --upload-rows 10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _setup(folder: Path, database: Path | None = None) -> None:
    os.environ["LUMBUNG_HOME"] = str(folder / "home")
    os.environ["LUMBUNG_DATABASE_URL"] = f"sqlite:///{database or folder / 'bench.sqlite3'}"
    os.environ.setdefault("LUMBUNG_DEBUG", "1")
    import lumbung

    lumbung.setup_django()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    call_command("migrate", verbosity=0)


def _csv(folder: Path, firms: int, years: int, seed: int) -> Path:
    from lumbung import synthetic

    path = folder / f"synthetic_{firms}x{years}.csv"
    started = time.perf_counter()
    synthetic.write(synthetic.generate(firms=firms, years=years, seed=seed), path)
    print(f"generated {path.name} in {time.perf_counter() - started:.1f} s", flush=True)
    return path


def _percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _cached_registry(cache: Path, firms: int) -> Path:
    """The registry of ``firms`` enterprises (``generate(firms, years=1, seed=7)``), built once into
    ``cache`` and reused by later runs. Built by ``import_table`` (no CSV written or read) into an
    empty registry: every batch takes the store's all-new path (one bulk insert of enterprises,
    reports and audit entries per batch, no look-ups), with the import's checks (lumbung.rules)
    applied as in every import. A later run copies the file and migrates the copy, so a cache
    built before a new migration also measures that migration on a registry of this size."""
    cache.mkdir(parents=True, exist_ok=True)
    built = cache / f"registry_{firms}.sqlite3"
    if built.exists():
        return built
    partial = cache / f"registry_{firms}.building.sqlite3"
    partial.unlink(missing_ok=True)
    env = {**os.environ, "LUMBUNG_DATABASE_URL": f"sqlite:///{partial}", "LUMBUNG_HOME": str(cache / "home")}
    subprocess.run([sys.executable, __file__, "--part", "build", "--firms", str(firms), "--cache", str(cache)],
                   check=True, env=env)
    partial.rename(built)
    return built


def build(firms: int) -> None:
    """Runs in its own process (see _cached_registry): migrate, import the synthetic table."""
    import lumbung

    lumbung.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from lumbung import synthetic
    from lumbung.registry.importer import import_table

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    table = synthetic.generate(firms=firms, years=1, seed=7)
    print(f"generated {firms:,} enterprises in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    result = import_table(table, name="synthetic", batch_size=100_000)
    print(f"stored {result.line()} in {time.perf_counter() - started:.1f} s (import_table, all-new batches)",
          flush=True)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def lists(folder: Path, firms: int, repeat: int, cache: Path) -> None:
    built = _cached_registry(cache, firms)
    migrated = cache / f"registry_{firms}.migrated.sqlite3"  # delete it after changing a migration in place
    database = folder / "bench.sqlite3"
    shutil.copyfile(migrated if migrated.exists() else built, database)
    started = time.perf_counter()
    _setup(folder, database)
    print(f"copied the cached registry ({'migrated before' if migrated.exists() else 'as built'}) and migrated it "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connection

    connection.close()
    shutil.copyfile(database, migrated)
    from django.db.models import Count, Max
    from django.test import Client

    from lumbung.registry.accounts import create_user
    from lumbung.registry.filtersets import EnterpriseFilterSet
    from lumbung.registry.models import AnnualReport, Enterprise

    print(f"{Enterprise.objects.count():,} enterprises, {AnnualReport.objects.count():,} reports", flush=True)
    province = Enterprise.objects.values("province_code").annotate(n=Count("id")).order_by("-n")[0]
    province["p"] = province["province_code"]
    regency = (Enterprise.objects.filter(province_code=province["p"]).exclude(regency_code=None)
               .values("regency_code").annotate(n=Count("id")).order_by("-n")[0])
    regency["r"] = regency["regency_code"]
    sample = Enterprise.objects.filter(regency_code=regency["r"]).exclude(nib=None).first()
    word = sample.name.split()[-1][:5]
    print(f"officer of province {province['p']} ({province['n']:,} enterprises); regency {regency['r']} "
          f"({regency['n']:,}); search word {word!r}, NIB prefix {sample.nib[:7]}", flush=True)
    year = str(AnnualReport.objects.aggregate(y=Max("year"))["y"])
    officer = create_user("bench-officer", "officer", regions=[province["p"]], password=None)
    client = Client()
    client.force_login(officer)
    pages = {
        "filtered (regency + KBLI division)": {"region": regency["r"], "kbli": sample.kbli[:2]},
        f"size class micro, PP 7/2021, {year}": {"region": regency["r"], "regime": "pp-7-2021",
                                                "size_class": "micro", "year": year},
        "search by name": {"q": word},
        "search by NIB prefix": {"q": sample.nib[:7]},
        "unfiltered province, page 20": {"page": "20"},
    }
    for label, query in pages.items():
        _plan(client, label, query)
        times, orm = [], []
        for _ in range(repeat):
            begun = time.perf_counter()
            response = client.get("/workspace/enterprises/", query)
            times.append(time.perf_counter() - begun)
            assert response.status_code == 200, response.status_code
            begun = time.perf_counter()
            filterset = EnterpriseFilterSet({k: v for k, v in query.items() if k != "page"},
                                            queryset=Enterprise.objects.visible_to(officer))
            page = int(query.get("page", 1))
            list(filterset.qs.order_by("name")[(page - 1) * 50:page * 50 + 1])
            orm.append(time.perf_counter() - begun)
        p50, p95 = _percentiles(times)
        o50, o95 = _percentiles(orm)
        rows = response.content.decode().count("<tr") - 1  # the header row
        print(f"{label}: page p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms ({rows} rows); ORM alone "
              f"p50 {o50 * 1000:.0f} ms, p95 {o95 * 1000:.0f} ms; ratio p95 {p95 / o95:.1f}x (target p95 < 150 ms)",
              flush=True)


def _plan(client, label: str, query: dict) -> None:
    """The page's queries (their number) and SQLite's plan of the one that reads the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/workspace/enterprises/", query)
    rows = [q["sql"] for q in captured.captured_queries if "LIMIT" in q["sql"] and "registry_enterprise" in q["sql"]]
    print(f"{label}: {len(captured.captured_queries)} queries; the list's: {rows[-1]}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + rows[-1])
        for row in cursor.fetchall():
            print(f"    plan: {row[-1]}", flush=True)


def upload(folder: Path, rows: int, mode: str) -> float:
    _setup(folder)
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from lumbung.jobs.models import Job
    from lumbung.jobs.worker import run_pending
    from lumbung.registry.accounts import create_user
    from lumbung.registry.importer import import_file

    path = _csv(folder, rows, 1, 3)
    if mode == "cli":
        started = time.perf_counter()
        result = import_file(path)
        seconds = time.perf_counter() - started
        print(f"CLI import_file: {seconds:.2f} s ({result.line()})", flush=True)
        return seconds
    admin = create_user("bench-admin", "admin", password=None)
    client = Client()
    client.force_login(admin)
    data = path.read_bytes()
    assert client.get("/workspace/upload/").status_code == 200  # the officer opens the page first (warm server)
    started = time.perf_counter()
    response = client.post("/workspace/upload/", {"file": SimpleUploadedFile(path.name, data), "format": "template",
                                                  "blank": "keeps"})
    assert response.status_code == 302, response.status_code
    posted = time.perf_counter()
    run_pending()
    ran = time.perf_counter()
    job = Job.objects.get()
    while 'data-status="done"' not in client.get(response["Location"]).content.decode():
        job.refresh_from_db()
        assert job.status != "failed", job.message
        time.sleep(0.05)
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    print(f"browser upload end to end: {seconds:.2f} s (upload {posted - started:.2f} s, job {ran - posted:.2f} s, "
          f"page {started + seconds - ran:.2f} s; {job.summary})", flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--upload-rows", type=int, default=100_000)
    parser.add_argument("--part", choices=["lists", "cli", "upload", "all", "build"], default="all")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lumbung-bench-workspace",
                        help="folder keeping the built registry between runs (delete it to rebuild)")
    args = parser.parse_args()
    if args.part == "build":
        build(args.firms)
        return
    if args.part != "all":
        with tempfile.TemporaryDirectory(prefix="bench-ws-") as tmp:
            if args.part == "lists":
                lists(Path(tmp), args.firms, args.repeat, args.cache)
            else:
                upload(Path(tmp), args.upload_rows, args.part)
        return
    here = [sys.executable, __file__, "--firms", str(args.firms), "--repeat", str(args.repeat),
            "--upload-rows", str(args.upload_rows)]
    subprocess.run([*here, "--part", "lists"], check=True)
    for _ in range(2):  # each in a fresh process and a fresh registry, CLI first then the upload
        for part in ("cli", "upload"):
            subprocess.run([*here, "--part", part], check=True)


if __name__ == "__main__":
    main()
