"""Analytics partitions of made-up peers for the benchmark tests (only the columns it reads)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.indicators.benchmark import REGIME
from lumbung.indicators.schema import partition_path, size_column

COLUMNS = ("enterprise_id", "workers", "workers_paid", "workers_female", "sales", "output", "inputs",
           "value_added", "wages", "exports", "imported_inputs")


def peer(enterprise_id: int, va_per_worker: int, workers: int = 3, regency: str = "32.04", division: str = "10",
         size: str = "micro", sales: int | None = 100_000_000, exports: int | None = None) -> dict:
    output = va_per_worker * workers + 10_000_000
    return {"enterprise_id": enterprise_id, "workers": workers, "workers_paid": workers - 1, "workers_female": 1,
            "sales": sales, "output": output, "inputs": 10_000_000, "value_added": va_per_worker * workers,
            "wages": 20_000_000 * (workers - 1), "exports": exports, "imported_inputs": None,
            "province": regency.split(".")[0], "regency": regency, "kbli_division": division,
            size_column(REGIME): size}


def write(home, year: int, rows: list[dict], prev_sales: bool = False) -> None:
    """Write ``rows`` as the partition of ``year``; ``prev_sales``: with the panel link of each
    row's Y-1 sales (the rows' ``prev_sales``), as the build stores it."""
    path = partition_path(year, home)
    path.parent.mkdir(parents=True, exist_ok=True)
    ints = (*COLUMNS, *(("prev_sales",) if prev_sales else ()))
    names = [*ints, "province", "regency", "kbli_division", size_column(REGIME)]
    types = {n: pa.int64() for n in ints} | {n: pa.string() for n in names[len(ints):]}
    table = pa.table({n: pa.array([r.get(n) for r in rows], type=types[n]) for n in names})
    pq.write_table(table, path)
