"""The network columns' cost in the analytics build (issue 12): ``network_columns`` on N report
rows with a network table of linkages and memberships, against the baseline of the same run, the
rest of ``enrich`` (region levels, KBLI, size classes) on the same rows without a network.

    PYTHONPATH=src python benchmarks/bench_network.py [--rows 1000000] [--links 300000] [--members 200000]

Rows in the build's batches (CHUNK_ROWS); the network is sorted once per build (SortedNetwork).
Prints the seconds of each and the ratio network / baseline (how much the network adds to the
enrichment)."""

from __future__ import annotations

import argparse
import time

import numpy as np
import pyarrow as pa

from lumbung.indicators.analytics import CHUNK_ROWS, SOURCE_COLUMNS, SortedNetwork, enrich, network_columns
from lumbung.indicators.source import NETWORK_SCHEMA, source_schema


def table(rows: int, rng) -> pa.Table:
    schema = source_schema(SOURCE_COLUMNS)
    columns = {}
    ids = np.arange(rows) // 5  # 5 years per enterprise
    years = 2019 + np.arange(rows) % 5
    given = {"enterprise_id": ids, "year": years, "region_code": np.array(["32.04", "33.74", "35.78"])[ids % 3],
             "kbli": np.array(["10792", "13111", "25110"])[ids % 3], "workers": rng.integers(1, 200, rows),
             "output": rng.integers(10_000_000, 10_000_000_000, rows)}
    for field in schema:
        columns[field.name] = (pa.array(given[field.name], type=field.type) if field.name in given
                               else pa.nulls(rows, field.type))
    return pa.table(columns, schema=schema)


def network(enterprises: int, links: int, members: int, rng) -> pa.Table:
    ikm, partner = rng.integers(0, enterprises, links), rng.integers(0, enterprises, links)
    start = rng.integers(2010, 2024, links)
    end = np.where(rng.random(links) < 0.3, start + rng.integers(0, 5, links), -1)
    share = np.where(rng.random(links) < 0.7, rng.integers(0, 60, links), -1)
    member, mstart = rng.integers(0, enterprises, members), rng.integers(2010, 2024, members)
    roles = ["ikm"] * links + ["partner"] * links + ["sentra"] * (members // 2) + ["cooperative"] * (members - members // 2)
    ends = np.concatenate([end, end, -np.ones(members, dtype=np.int64)])
    shares = np.concatenate([share, -np.ones(links + members, dtype=np.int64)])
    return pa.table({"enterprise_id": pa.array(np.concatenate([ikm, partner, member]), pa.int64()),
                     "role": pa.array(roles, pa.string()),
                     "start_year": pa.array(np.concatenate([start, start, mstart]), pa.int32()),
                     "end_year": pa.array(ends, pa.int32(), mask=ends < 0),
                     "output_share": pa.array(shares, pa.int64(), mask=shares < 0)}, schema=NETWORK_SCHEMA)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=300_000)
    parser.add_argument("--members", type=int, default=200_000)
    args = parser.parse_args()
    rng = np.random.default_rng(12)
    rows = table(args.rows, rng)
    net = network(args.rows // 5, args.links, args.members, rng)
    batches = [rows.slice(i, CHUNK_ROWS) for i in range(0, rows.num_rows, CHUNK_ROWS)]  # as the build reads
    started = time.perf_counter()
    for batch in batches:
        enrich(batch, None)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    index = SortedNetwork.of(net)  # once per build
    linked = 0
    for batch in batches:
        out = network_columns(batch, index)
        linked += int(np.count_nonzero(out["partnerships"].to_numpy(zero_copy_only=False) > 0))
    seconds = time.perf_counter() - started
    print(f"rows {args.rows:,}, network rows {net.num_rows:,}, rows with a partnership {linked:,}")
    print(f"baseline enrich without network: {baseline:.2f} s")
    print(f"network_columns: {seconds:.2f} s")
    print(f"ratio network / baseline: {seconds / baseline:.2f}")


if __name__ == "__main__":
    main()
