"""The whole core set on local Spark (local[2]) gives DuckDB's results, suppression included
(issue 13.4). Slow (a JVM starts); it runs in CI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lumbung.indicators import analytics
from lumbung.indicators.catalogue import CATALOGUE_DIR, load_file
from lumbung.indicators.engine import compute
from lumbung.indicators.source import MemorySource

pytest.importorskip("pyspark", reason="pyspark is the optional `scale` extra")
pytestmark = pytest.mark.slow

CORE = [i.id for i in load_file(CATALOGUE_DIR / "core.toml")]
REGIONS = ["32.04", "32.73", "33.01", "35.78", "11.01"]
KBLI = ["10110", "13111", "31001", "16221"]


def _population(home, firms: int = 600, years=(2021, 2022, 2023), seed: int = 3) -> None:
    """Firms entering, leaving and growing over three years, built through the analytics build."""
    rng = np.random.default_rng(seed)
    src = MemorySource()
    for eid in range(1, firms + 1):
        first, last = rng.integers(0, 3), rng.integers(0, 3)
        base = 150 if eid % 200 == 0 else int(rng.integers(1, 60))   # a few large firms: small cells
        for year in years[min(first, last):max(first, last) + 1]:
            workers = max(1, base + int(rng.integers(-3, 4)))
            output = None if rng.random() < 0.05 else int(workers * rng.integers(5, 50) * 1_000_000)
            src.put({"enterprise_id": eid, "year": year, "region_code": "96.01" if eid in (7, 8) else REGIONS[eid % len(REGIONS)],
                     "kbli": KBLI[eid % len(KBLI)], "owner_gender": "FM"[eid % 2],
                     "legal_status": ["none", "legal_entity", None][eid % 3], "nib": f"{eid:013d}" if eid % 4 else None,
                     "workers": workers, "workers_paid": workers // 2, "workers_female": workers // 3,
                     "sales": output, "output": output, "inputs": output // 2 if output else None,
                     "exports": output // 10 if output and eid % 5 == 0 else 0, "wages": workers * 20_000_000,
                     "imported_inputs": 0, "credit_bank": 0 if eid % 3 else 10_000_000, "credit_kur": 0,
                     "credit_informal": 0, "trained": bool(eid % 2), "online_sales": eid % 3 == 0})
    analytics.build(src, home=home)


def _same(duck: pd.DataFrame, spark: pd.DataFrame) -> None:
    assert len(duck) == len(spark) > 0
    pd.testing.assert_frame_equal(duck.reset_index(drop=True), spark.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize("by", [["year", "province", "size_class"], ["year", "regency", "owner_gender"]])
def test_core_set_on_spark_equals_duckdb(tmp_path, by):
    _population(tmp_path)
    for public in (False, True):
        duck = compute(CORE, by=by, home=tmp_path, public=public)
        spark = compute(CORE, by=by, home=tmp_path, public=public, engine="spark", spark_master="local[2]")
        _same(duck, spark)
        if public:   # the comparison covers suppressed and published cells alike
            assert duck["suppressed"].any() and not duck["suppressed"].all()
