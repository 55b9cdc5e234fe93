"""A public-page fixture: a few hundred synthetic enterprises written straight into the analytics
tables (three years, several provinces, every size class), with small cells on purpose: a
province with two enterprises, one with a single large one, a regency of one, and a dominant
enterprise, so that disclosure control has cells to hide."""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lumbung.indicators.panel import link_tables
from lumbung.indicators.schema import SCHEMA, SIZE_COLUMNS, partition_path, size_column
from lumbung.indicators.testing import bps_class

YEARS = (2021, 2022, 2023)
#: province -> regencies (codes of the pinned region data) and how many enterprises
PROVINCES = {"32": (("32.04", "32.73", "32.01", "32.05"), 160), "33": (("33.01", "33.74"), 90), "35": (("35.78",), 40),
             "12": (("12.71",), 2), "14": (("14.71",), 1)}
KBLI = ("10792", "13111", "16101", "31001", "10110", "23951")


def _enterprises(rng: random.Random) -> list[dict]:
    firms, eid = [], 0
    for province, (regencies, count) in PROVINCES.items():
        for i in range(count):
            eid += 1
            regency = regencies[i % len(regencies)] if province != "32" or i > 0 else "32.01"
            if province == "32" and regency == "32.01" and i > 0:
                regency = "32.04"  # 32.01 keeps a single enterprise: a cell to hide
            workers = 150 if province == "14" else rng.choice((1, 2, 3, 4, 4, 6, 8, 12, 25, 40, 120))
            firms.append({"enterprise_id": eid, "province": province, "regency": regency, "kbli": rng.choice(KBLI),
                          "workers": workers, "start": rng.choice(YEARS), "stop": rng.choice((2022, 2023, 2023, 2023)),
                          "dominant": province == "35" and i == 0})
            if i == 0:  # the lone enterprise of 32.01 and the dominant one report every year
                firms[-1].update(start=YEARS[0], stop=YEARS[-1])
    return firms


def rows(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for firm in _enterprises(rng):
        for year in YEARS:
            if not firm["start"] <= year <= max(firm["stop"], firm["start"]):
                continue
            workers = max(1, firm["workers"] + rng.choice((-1, 0, 0, 1)) * (year - 2021))
            output = workers * rng.randint(20, 60) * 1_000_000 * (400 if firm["dominant"] else 1)
            inputs = int(output * rng.uniform(0.4, 0.8))
            row = {name: None for name in SCHEMA.names}
            row.update(enterprise_id=firm["enterprise_id"], year=year, kbli=firm["kbli"],
                       region_code=firm["regency"] + ".01", province=firm["province"], regency=firm["regency"],
                       district=firm["regency"] + ".01", kbli_section="C", kbli_division=firm["kbli"][:2],
                       workers=workers, workers_paid=max(0, workers - 1), workers_female=workers // 2,
                       sales=int(output * 0.9), output=output, inputs=inputs, value_added=output - inputs,
                       wages=workers * 12_000_000, credit_bank=rng.choice((0, 0, 10_000_000)),
                       credit_kur=rng.choice((0, 5_000_000)), credit_informal=rng.choice((0, 0, 1_000_000)),
                       owner_gender=rng.choice(("F", "M")), legal_status=rng.choice(("none", "notary_deed")),
                       trained=rng.random() < 0.3, online_sales=rng.random() < 0.4, exports=0, imported_inputs=0,
                       source_id=f"S{firm['enterprise_id']}")
            for column in SIZE_COLUMNS:
                row[column] = "unknown"
            row[size_column("bps-workers")] = bps_class(workers)
            out.append(row)
    return out


def write(home: Path) -> None:
    """The sample as analytics partitions under ``home`` (panel links as the build writes them),
    plus a build state file so the portal's cache key changes when it is rewritten."""
    table = pa.Table.from_pylist(rows(), schema=SCHEMA)
    parts = {y: table.filter(pa.compute.equal(table.column("year"), y)) for y in YEARS}
    for year, part in link_tables(parts).items():
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(part, path)
    (Path(home) / "analytics" / "state.json").write_text('{"schema": 2, "sample": true}', encoding="utf-8")
