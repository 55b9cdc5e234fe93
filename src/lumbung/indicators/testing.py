"""A small analytics fixture (8 enterprises, 2021-2023) for tests and examples.

Written straight in the analytics schema, so the engine can be checked against values worked out
by hand (tests/indicators/test_indicators_core.py shows the arithmetic). It has missing values,
entries (E3 in 2022; E5 and E8 in 2023), exits (E2 and E7 after 2022), a graduation (E1: micro
in 2022, small in 2023), a negative value added (E7 2022) and an unknown region (E5).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.indicators.panel import link_tables
from lumbung.indicators.schema import SCHEMA, partition_path, size_column

# id: (region_code, kbli, owner_gender, legal_status, nib, reported_scale, founded_year)
ENTERPRISES = {
    1: ("32.04.01.2001", "10110", "F", "none", "1000000000001", "micro", 2015),
    2: ("32.04.02.2002", "10110", "M", "legal_entity", None, "micro", 2019),
    3: ("33.01.01.2001", "13111", "F", "notary_deed", "1000000000003", "small", 2022),
    4: ("33.01.01.2002", "13111", "M", None, None, None, None),
    5: (None, "10110", None, "none", None, None, 2023),
    6: ("32.73.01.1001", "31001", "F", "legal_entity", "1000000000006", "micro", 2000),
    7: ("32.73.01.1002", "10110", "M", "none", None, "micro", 2010),
    8: ("33.01.02.2001", "13111", "F", "none", "1000000000008", "small", 2021),
}

REPORT_KEYS = ("workers", "workers_paid", "workers_female", "sales", "output", "inputs", "exports",
               "imported_inputs", "wages", "credit_bank", "credit_kur", "credit_informal", "trained",
               "online_sales")
N = None
# (enterprise, year): workers, paid, female, sales, output, inputs, exports, imported, wages,
#                     bank, kur, informal, trained, online
REPORTS = {
    (1, 2021): (3, N, N, N, N, N, N, N, N, N, N, N, N, N),
    (2, 2021): (2, N, N, N, N, N, N, N, N, N, N, N, N, N),
    (4, 2021): (25, N, N, N, N, N, N, N, N, N, N, N, N, N),
    (6, 2021): (1, N, N, N, N, N, N, N, N, N, N, N, N, N),
    (7, 2021): (4, N, N, N, N, N, N, N, N, N, N, N, N, N),
    (1, 2022): (4, 2, 2, 100, 120, 50, 0, 10, 20, 0, 10, 0, True, False),
    (2, 2022): (2, 0, 1, 50, 60, 40, N, N, 0, N, N, 5, N, True),
    (3, 2022): (10, 8, 5, 400, 500, 300, 100, 60, 160, 50, 0, 0, True, True),
    (4, 2022): (N, N, N, N, 900, N, N, N, N, N, N, N, False, N),
    (6, 2022): (1, 0, 1, 20, 25, 5, 0, 0, N, 0, 0, 0, False, False),
    (7, 2022): (4, 3, N, 80, 90, 100, 8, N, 30, 0, 0, 20, N, False),
    (1, 2023): (6, 4, 3, 150, 180, 80, 30, 20, 50, 20, 0, 0, True, True),
    (3, 2023): (12, 10, 6, 450, 550, 320, 120, 50, 200, 0, 40, 0, True, True),
    (4, 2023): (30, 25, 10, 1000, 1100, 700, 0, 100, 400, 100, 0, 0, False, False),
    (5, 2023): (2, 1, N, 30, 35, 15, N, N, N, N, 5, N, N, N),
    (6, 2023): (1, 0, 1, 25, 30, 10, 0, 0, N, 0, 0, 10, False, True),
    (8, 2023): (5, 4, 4, 60, 70, 30, 0, 5, 40, 0, 0, 0, True, False),
}


def bps_class(workers: int | None) -> str:
    """BPS classes by persons engaged (1-4 micro, 5-19 small, 20-99 medium, 100+ large)."""
    if workers is None:
        return "unknown"
    return "micro" if workers <= 4 else "small" if workers <= 19 else "medium" if workers <= 99 else "large"


def rows() -> list[dict]:
    out = []
    for (eid, year), values in sorted(REPORTS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        region, kbli, gender, legal, nib, scale, founded = ENTERPRISES[eid]
        row = {name: None for name in SCHEMA.names}
        row.update(dict(zip(REPORT_KEYS, values, strict=True)))
        parts = region.split(".") if region else []
        row.update(
            enterprise_id=eid, year=year, region_code=region, kbli=kbli, owner_gender=gender,
            legal_status=legal, nib=nib, reported_scale=scale, founded_year=founded,
            source_id=f"E{eid}", province=parts[0] if parts else None,
            regency=".".join(parts[:2]) if parts else None, district=".".join(parts[:3]) if parts else None,
            kbli_section="C", kbli_division=kbli[:2],
        )
        if row["output"] is not None and row["inputs"] is not None:
            row["value_added"] = row["output"] - row["inputs"]
        row[size_column("bps-workers")] = bps_class(row["workers"])
        out.append(row)
    return out


def write_fixture(home: Path, links: bool = True) -> None:
    """Write the fixture as analytics partitions under ``home``/analytics/reports, with the panel
    links computed as the build computes them (``links=False``: base columns only, as an older
    build wrote them; the engine then self-joins)."""
    table = pa.Table.from_pylist(rows(), schema=SCHEMA)
    years = sorted(set(table.column("year").to_pylist()))
    parts = {year: table.filter(pa.compute.equal(table.column("year"), year)) for year in years}
    if links:
        parts = link_tables(parts)
    for year, part in parts.items():
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(part, path)
