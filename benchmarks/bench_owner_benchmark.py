"""An owner's benchmark page at one million enterprises (issue 11.14, the owner's part).

    nice .venv/bin/python benchmarks/bench_owner_benchmark.py [--firms 1000000] [--requests 60]

Writes two yearly analytics partitions (2022, 2023) of ``--firms`` synthetic enterprises (24 KBLI
divisions, 38 provinces, ~500 regencies, BPS size classes from persons engaged) into a temporary
LUMBUNG_HOME, creates a SQLite registry there with owners whose enterprises sit in divisions of
different sizes, and requests ``/owner/enterprises/<pk>/benchmark/`` through Django's test client
(the WSGI stack in-process, no network), logged in as each owner in turn. The registry holds only
the owners' own records: what the page reads from it is by primary key, while the peers come from
the analytics tables, whose size is what grows with the registry.

Baseline, measured in the same run: the bare DuckDB scan of the same partition for the same
division (``SELECT count(*) ... WHERE kbli_division = ?``), the least any peer query must read.
Prints p50/p95/p99 in milliseconds for both and the ratio of the p95s, then the same for the first
request of each owner right after a new build version (``--cold-rounds``: the build state file is
rewritten, so every cached peer group is a miss). The partitions carry the panel links as the
build writes them (each row's Y-1 sales included) and the build's peer files
(lumbung.indicators.peers); ``--unlinked`` writes the base rows only, as an older build did.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _write_partitions(home: Path, firms: int, unlinked: bool) -> None:
    import numpy as np  # noqa: PLC0415 - after the arguments are read
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    from lumbung.indicators.benchmark import REGIME  # noqa: PLC0415
    from lumbung.indicators.panel import link_tables  # noqa: PLC0415
    from lumbung.indicators.schema import SCHEMA, partition_path, size_column  # noqa: PLC0415

    rng = np.random.default_rng(11)
    ids = np.arange(1, firms + 1, dtype=np.int64)
    divisions = np.array([f"{d:02d}" for d in range(10, 34)], dtype=object)
    division = divisions[rng.integers(0, len(divisions), firms)]
    province_codes = np.array([f"{p}" for p in (11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51,
                                                   52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91,
                                                   92, 93, 94, 95, 96)], dtype=object)
    prov_index = rng.integers(0, len(province_codes), firms)
    province = province_codes[prov_index]
    regency = np.array([f"{p}.{r:02d}" for p, r in zip(province, rng.integers(1, 14, firms), strict=True)], dtype=object)
    workers = np.minimum(rng.geometric(0.3, firms), 300).astype(np.int64)
    size = np.where(workers <= 4, "micro", np.where(workers <= 19, "small", np.where(workers <= 99, "medium", "large")))
    tables = {}
    for year, growth in ((2022, 1.0), (2023, 1.06)):
        sales = (rng.lognormal(18.5, 1.2, firms) * growth).astype(np.int64)
        output = (sales * rng.uniform(0.8, 1.1, firms)).astype(np.int64)
        inputs = (output * rng.uniform(0.4, 0.8, firms)).astype(np.int64)
        paid = np.maximum(workers - 1, 0)
        table = pa.table({
            "enterprise_id": ids, "workers": workers, "workers_paid": paid, "workers_female": workers // 2,
            "sales": sales, "output": output, "inputs": inputs, "value_added": output - inputs,
            "wages": (paid * rng.uniform(1.5e7, 4e7, firms)).astype(np.int64),
            "exports": np.where(rng.random(firms) < 0.1, (sales * 0.2).astype(np.int64), 0),
            "imported_inputs": (inputs * rng.uniform(0, 0.3, firms)).astype(np.int64),
            "province": pa.array(province, pa.string()), "regency": pa.array(regency, pa.string()),
            "kbli_division": pa.array(division, pa.string()), size_column(REGIME): pa.array(size, pa.string()),
            "year": pa.array(np.full(firms, year, dtype=np.int32))})
        tables[year] = pa.table({f.name: table.column(f.name) if f.name in table.column_names
                                 else pa.nulls(firms, f.type) for f in SCHEMA}, schema=SCHEMA)
    if unlinked:  # base rows only, as a build before the stored prev_sales wrote them
        linked = tables
    else:
        linked = link_tables(tables)  # the panel links, as `lumbung analytics build` stores them
    for year, table in linked.items():
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, row_group_size=262_144)  # the build's row groups (panel.BATCH_ROWS)


def _quantiles(times: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--cold-rounds", type=int, default=3,
                        help="rounds of one request per owner right after a new build version")
    parser.add_argument("--unlinked", action="store_true",
                        help="partitions without the panel links (the peers' Y-1 sales joined from Y-1)")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-owner-"))
    os.environ["LUMBUNG_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django  # noqa: PLC0415 - after LUMBUNG_HOME is set

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from lumbung.indicators.schema import partition_path  # noqa: PLC0415
    from lumbung.indicators.session import parquet_sql, session  # noqa: PLC0415
    from lumbung.registry.accounts import create_user  # noqa: PLC0415
    from lumbung.registry.models import AnnualReport, Enterprise  # noqa: PLC0415

    started = time.perf_counter()
    _write_partitions(home, args.firms, args.unlinked)
    print(f"partitions of {args.firms:,} enterprises written in {time.perf_counter() - started:.1f} s")
    if not args.unlinked:
        from lumbung.indicators import peers  # noqa: PLC0415

        started = time.perf_counter()
        peers.refresh(home)  # as the end of `lumbung analytics build`
        print(f"peer files (sorted rows, group counts) written in {time.perf_counter() - started:.1f} s")
    call_command("migrate", verbosity=0)
    owners = []
    for i, (region, kbli) in enumerate((("32.04.05", "10792"), ("33.01", "13111"), ("35.78", "31001"),
                                        ("12.71", "16101"), ("32.73", "10110"), ("64.71", "23951"))):
        firm = Enterprise.objects.create(name=f"Bench {i}", region_code=region, kbli=kbli)
        for year, workers, sales in ((2022, 3, 150_000_000), (2023, 4, 180_000_000)):
            AnnualReport.objects.create(enterprise=firm, year=year, workers=workers, workers_paid=workers - 1,
                                        sales=sales, output=sales, inputs=sales // 2, wages=60_000_000)
        owners.append((create_user(f"owner{i}@bench.id", "owner", enterprises=[firm.pk], email=f"owner{i}@bench.id"),
                       firm))
    clients = []
    for user, firm in owners:
        client = Client()
        client.force_login(user)
        clients.append((client, f"/en/owner/enterprises/{firm.pk}/benchmark/", firm.kbli[:2]))
    for client, url, _division in clients:  # warm-up: imports, templates, DuckDB's first open
        assert client.get(url).status_code == 200
    cold = []
    for round_ in range(args.cold_rounds):  # a new build version: every cached group is a miss
        (home / "analytics").mkdir(exist_ok=True)
        (home / "analytics" / "state.json").write_text(f'{{"round": {round_}}}', encoding="utf-8")
        for client, url, _division in clients:
            t0 = time.perf_counter()
            assert client.get(url).status_code == 200
            cold.append((time.perf_counter() - t0) * 1000)
    page, scan = [], []
    path = partition_path(2023, home)
    for i in range(args.requests):
        client, url, division = clients[i % len(clients)]
        t0 = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200 or b'id="peer-group"' not in response.content:
            print(f"request {i} failed: {response.status_code}")
            return 1
        t0 = time.perf_counter()
        with session() as con:
            con.execute(f"SELECT count(*) FROM ({parquet_sql([path])}) WHERE kbli_division = ?", [division]).fetchall()
        scan.append((time.perf_counter() - t0) * 1000)
    p50, p95, p99 = _quantiles(page)
    b50, b95, b99 = _quantiles(scan)
    print(f"benchmark page, {args.requests} requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms")
    print(f"baseline DuckDB division scan:        p50 {b50:.1f} ms, p95 {b95:.1f} ms, p99 {b99:.1f} ms")
    print(f"ratio page p95 / scan p95: {p95 / b95:.2f}x (target: page p95 under 200 ms)")
    if len(cold) >= 2:
        c50, c95, c99 = _quantiles(cold)
        print(f"first request after a new build, {len(cold)} requests: p50 {c50:.1f} ms, p95 {c95:.1f} ms, "
              f"p99 {c99:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
