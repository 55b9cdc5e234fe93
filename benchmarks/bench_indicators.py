"""Indicators benchmark (issue 4). Run under the shared lock:

    .venv/bin/python benchmarks/bench_indicators.py

On a synthetic population (default 4.4 million firms a year x 5 years, about BPS's IMK universe)
written straight into the analytics Parquet schema with numpy, it times the core indicator set
by province x kbli_division x size_class x year:

(a) lumbung's engine against one hand-written DuckDB statement over the same Parquet (target: at
    most 1.5x its time; the numbers must be equal),
(b) against a pandas groupby script computing the same (target: at least 10x faster),
(d) with ``--spark``, the same engine call on local Spark (``engine="spark"``, ``--spark-master``,
    default ``local[2]``) over the same Parquet, against DuckDB's best time (issue 13's scaling
    curve: the DuckDB/Spark ratio; the JVM's start is outside the clock, as DuckDB's import is),
(c) ``lumbung analytics build`` from a SQLite registry (``--build-firms`` a year; rows/s) and an
    incremental build after 1,000 enterprises change (their reports are updated the way the
    import pipeline updates them: new values and a new ``updated_at``).

Every measurement runs in a fresh subprocess, which reports its own time and peak memory
(ru_maxrss), so peaks do not mix. The machine is shared: figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

CORE = ("firms workers output value_added share_firms share_workers share_output share_value_added "
        "va_per_worker formal_credit_rate kur_rate informal_credit_rate legal_entity_rate nib_rate "
        "export_rate export_share imported_input_share training_rate online_rate women_owned_rate "
        "female_worker_share avg_wage entry_rate exit_rate graduation_rate employment_growth").split()
BY = ["province", "kbli_division", "size_class", "year"]
PROVINCES = ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
             "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82",
             "91", "92", "93", "94", "95", "96"]
DIVISIONS = [f"{d}" for d in range(10, 34)]
START = 2021


# ------------------------------------------------------------------ synthetic analytics tables

def _masked(rng, values: np.ndarray, share: float) -> pa.Array:
    return pa.array(values, mask=rng.random(len(values)) < share)


def _strings(rng, choices, index: np.ndarray, missing: float = 0.0) -> pa.Array:
    dictionary = pa.array(choices, type=pa.string())
    indices = pa.array(index.astype(np.int32), mask=rng.random(len(index)) < missing if missing else None)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def generate_analytics(home: Path, firms: int, years: int, seed: int, links: bool = True) -> int:
    """Write <home>/analytics/reports/year=Y/part-0.parquet; about ``firms`` enterprises a year.
    With ``links`` (as ``lumbung analytics build`` writes them), the panel links are then added
    by the build's own link pass (lumbung.indicators.panel.link_partitions)."""
    from lumbung.indicators.panel import link_partitions
    from lumbung.indicators.schema import SCHEMA, partition_path
    from lumbung.sizeclass import REGIME_IDS, classify_many

    rng = np.random.default_rng(seed)
    entrants = int(firms * 0.1)          # ~10% enter and ~10% leave a year (synthetic, not calibrated)
    pool = firms + entrants * (years - 1)
    start = np.concatenate([np.full(firms, START), START + 1 + rng.integers(0, max(years - 1, 1), pool - firms)])
    end = start + 1 + rng.geometric(0.1, pool)  # first year no longer reporting
    province = rng.integers(0, len(PROVINCES), pool)
    division = rng.integers(0, len(DIVISIONS), pool)
    gender, legal = rng.integers(0, 2, pool), rng.integers(0, 3, pool)
    base_workers = np.clip(np.round(rng.lognormal(0.8, 0.9, pool)), 1, 500)
    productivity = rng.lognormal(17.5, 0.8, pool)      # rupiah of output per worker and year
    total = 0
    for year in range(START, START + years):
        ids = np.flatnonzero((start <= year) & (year < end))
        n = len(ids)
        workers = np.clip(np.round(base_workers[ids] * rng.lognormal(0.02, 0.15, n)), 1, None).astype(np.int64)
        output = (workers * productivity[ids] * rng.lognormal(0, 0.1, n)).astype(np.int64)
        inputs = (output * rng.uniform(0.3, 0.8, n)).astype(np.int64)
        sales = (output * rng.uniform(0.8, 1.1, n)).astype(np.int64)
        exports = np.where(rng.random(n) < 0.05, sales * rng.uniform(0, 0.5, n), 0).astype(np.int64)
        cols = {
            "enterprise_id": pa.array(ids.astype(np.int64)), "year": pa.array(np.full(n, year, np.int32)),
            "owner_gender": _strings(rng, ["F", "M"], gender[ids], 0.05),
            "legal_status": _strings(rng, ["none", "notary_deed", "legal_entity"], legal[ids], 0.05),
            "nib": _strings(rng, ["9120000000001"], np.zeros(n), 0.6),
            "workers": _masked(rng, workers, 0.03),
            "workers_paid": _masked(rng, (workers * rng.uniform(0, 1, n)).astype(np.int64), 0.05),
            "workers_female": _masked(rng, (workers * rng.uniform(0, 1, n)).astype(np.int64), 0.05),
            "sales": _masked(rng, sales, 0.05), "output": _masked(rng, output, 0.03),
            "inputs": _masked(rng, inputs, 0.03), "exports": _masked(rng, exports, 0.05),
            "imported_inputs": _masked(rng, (inputs * rng.uniform(0, 0.2, n)).astype(np.int64), 0.05),
            "wages": _masked(rng, (output * rng.uniform(0.05, 0.2, n)).astype(np.int64), 0.05),
            "credit_bank": _masked(rng, np.where(rng.random(n) < 0.1, 50_000_000, 0), 0.05),
            "credit_kur": _masked(rng, np.where(rng.random(n) < 0.15, 25_000_000, 0), 0.05),
            "credit_informal": _masked(rng, np.where(rng.random(n) < 0.2, 5_000_000, 0), 0.05),
            "trained": _masked(rng, rng.random(n) < 0.2, 0.05), "online_sales": _masked(rng, rng.random(n) < 0.3, 0.05),
            "province": _strings(rng, PROVINCES, province[ids], 0.01),
            "kbli_section": _strings(rng, ["C"], np.zeros(n)),
            "kbli_division": _strings(rng, DIVISIONS, division[ids], 0.01),
        }
        cols["value_added"] = pa.compute.subtract(cols["output"], cols["inputs"])
        inputs_for_class = {"workers": cols["workers"].cast(pa.float64()).to_numpy(zero_copy_only=False),
                            "sales": cols["sales"].cast(pa.float64()).to_numpy(zero_copy_only=False)}
        for regime in REGIME_IDS:
            classes = classify_many(regime, inputs_for_class)
            cols["size_" + regime.replace("-", "_")] = pa.array(classes.astype(object), type=pa.string())
        table = pa.table([cols.get(f.name, pa.nulls(n, f.type)) for f in SCHEMA], schema=SCHEMA)
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression="zstd")
        total += n
    if links:
        link_partitions(range(START, START + years), home)
    return total


# ------------------------------------------------------------------ the three ways to compute

HAND_SQL = """
WITH r AS (
  SELECT enterprise_id, year, COALESCE(province, 'unknown') AS province,
         COALESCE(kbli_division, 'unknown') AS kbli_division, COALESCE(size_bps_workers, 'unknown') AS size_class,
         size_bps_workers AS sz, workers, workers_paid, workers_female, sales, output, value_added, inputs, exports,
         imported_inputs, wages, credit_bank, credit_kur, credit_informal, trained, online_sales, owner_gender,
         legal_status, nib
  FROM read_parquet({files})
),
prev AS (SELECT enterprise_id, year + 1 AS year FROM r),
cur AS (
  SELECT r.province, r.kbli_division, r.size_class, r.year,
    count(*) AS firms,
    sum(workers) AS workers, count(workers) AS n_workers,
    sum(output) AS output, count(output) AS n_output,
    sum(value_added) AS value_added, count(value_added) AS n_va,
    sum(value_added) FILTER (WHERE workers IS NOT NULL) AS vapw_num,
    sum(workers) FILTER (WHERE value_added IS NOT NULL) AS vapw_den,
    count(*) FILTER (WHERE credit_bank > 0 OR credit_kur > 0) AS formal_num,
    count(*) FILTER (WHERE (credit_bank > 0 OR credit_kur > 0) IS NOT NULL) AS formal_den,
    count(*) FILTER (WHERE credit_kur > 0) AS kur_num, count(credit_kur) AS kur_den,
    count(*) FILTER (WHERE credit_informal > 0) AS inf_num, count(credit_informal) AS inf_den,
    count(*) FILTER (WHERE legal_status = 'legal_entity') AS legal_num, count(legal_status) AS legal_den,
    count(nib) AS nib_num, count(*) AS nib_den,
    count(*) FILTER (WHERE exports > 0) AS exp_num, count(exports) AS exp_den,
    sum(exports) FILTER (WHERE sales IS NOT NULL) AS exs_num, sum(sales) FILTER (WHERE exports IS NOT NULL) AS exs_den,
    sum(imported_inputs) FILTER (WHERE inputs IS NOT NULL) AS imp_num,
    sum(inputs) FILTER (WHERE imported_inputs IS NOT NULL) AS imp_den,
    count(*) FILTER (WHERE trained) AS tr_num, count(trained) AS tr_den,
    count(*) FILTER (WHERE online_sales) AS on_num, count(online_sales) AS on_den,
    count(*) FILTER (WHERE owner_gender = 'F') AS wo_num, count(owner_gender) AS wo_den,
    sum(workers_female) FILTER (WHERE workers IS NOT NULL) AS fw_num,
    sum(workers) FILTER (WHERE workers_female IS NOT NULL) AS fw_den,
    sum(wages) FILTER (WHERE workers_paid IS NOT NULL) AS wage_num,
    sum(workers_paid) FILTER (WHERE wages IS NOT NULL) AS wage_den,
    count(*) FILTER (WHERE r.year IN {panel} AND p.enterprise_id IS NULL) AS entry_num,
    count(*) FILTER (WHERE r.year IN {panel}) AS entry_den
  FROM r LEFT JOIN prev p ON p.enterprise_id = r.enterprise_id AND p.year = r.year
  WHERE r.year IN {years}
  GROUP BY ALL
),
pan AS (
  SELECT a.province, a.kbli_division, a.size_class, a.year + 1 AS year,
    count(*) AS exit_den, count(*) FILTER (WHERE b.enterprise_id IS NULL) AS exit_num,
    count(*) FILTER (WHERE b.enterprise_id IS NOT NULL AND a.sz <> 'unknown' AND b.sz <> 'unknown') AS grad_den,
    count(*) FILTER (WHERE b.enterprise_id IS NOT NULL AND a.sz <> 'unknown' AND b.sz <> 'unknown'
                     AND list_position(['micro','small','medium','large'], b.sz)
                       > list_position(['micro','small','medium','large'], a.sz)) AS grad_num,
    sum(b.workers) FILTER (WHERE a.workers IS NOT NULL) AS growth_num,
    sum(a.workers) FILTER (WHERE b.workers IS NOT NULL) AS growth_den
  FROM r a LEFT JOIN r b ON b.enterprise_id = a.enterprise_id AND b.year = a.year + 1
  WHERE a.year + 1 IN {panel}
  GROUP BY ALL
)
SELECT * EXCLUDE (province, kbli_division, size_class, year),
  COALESCE(cur.province, pan.province) AS province, COALESCE(cur.kbli_division, pan.kbli_division) AS kbli_division,
  COALESCE(cur.size_class, pan.size_class) AS size_class, COALESCE(cur.year, pan.year) AS year,
  sum(firms) OVER w AS firms_total, sum(workers) OVER w AS workers_total, sum(output) OVER w AS output_total,
  sum(value_added) OVER w AS va_total
FROM cur FULL JOIN pan USING (province, kbli_division, size_class, year)
WINDOW w AS (PARTITION BY COALESCE(cur.year, pan.year))
"""

# hand-SQL column -> (indicator, numerator/denominator) for the equality check
HAND_MAP = {
    "firms": ("firms", "numerator"), "workers": ("workers", "numerator"), "output": ("output", "numerator"),
    "value_added": ("value_added", "numerator"), "firms_total": ("share_firms", "denominator"),
    "workers_total": ("share_workers", "denominator"), "output_total": ("share_output", "denominator"),
    "va_total": ("share_value_added", "denominator"),
    "vapw_num": ("va_per_worker", "numerator"), "vapw_den": ("va_per_worker", "denominator"),
    "formal_num": ("formal_credit_rate", "numerator"), "formal_den": ("formal_credit_rate", "denominator"),
    "kur_num": ("kur_rate", "numerator"), "kur_den": ("kur_rate", "denominator"),
    "inf_num": ("informal_credit_rate", "numerator"), "inf_den": ("informal_credit_rate", "denominator"),
    "legal_num": ("legal_entity_rate", "numerator"), "legal_den": ("legal_entity_rate", "denominator"),
    "nib_num": ("nib_rate", "numerator"), "nib_den": ("nib_rate", "denominator"),
    "exp_num": ("export_rate", "numerator"), "exp_den": ("export_rate", "denominator"),
    "exs_num": ("export_share", "numerator"), "exs_den": ("export_share", "denominator"),
    "imp_num": ("imported_input_share", "numerator"), "imp_den": ("imported_input_share", "denominator"),
    "tr_num": ("training_rate", "numerator"), "tr_den": ("training_rate", "denominator"),
    "on_num": ("online_rate", "numerator"), "on_den": ("online_rate", "denominator"),
    "wo_num": ("women_owned_rate", "numerator"), "wo_den": ("women_owned_rate", "denominator"),
    "fw_num": ("female_worker_share", "numerator"), "fw_den": ("female_worker_share", "denominator"),
    "wage_num": ("avg_wage", "numerator"), "wage_den": ("avg_wage", "denominator"),
    "entry_num": ("entry_rate", "numerator"), "entry_den": ("entry_rate", "denominator"),
    "exit_num": ("exit_rate", "numerator"), "exit_den": ("exit_rate", "denominator"),
    "grad_num": ("graduation_rate", "numerator"), "grad_den": ("graduation_rate", "denominator"),
    "growth_num": ("employment_growth", "numerator"), "growth_den": ("employment_growth", "denominator"),
}


def _files(home: Path) -> list[str]:
    from lumbung.indicators.schema import available_years, partition_path

    return [str(partition_path(y, home)) for y in available_years(home)]


def task_engine(home: Path) -> dict:
    import duckdb  # noqa: F401  (imported before the clock starts, as the hand-SQL task does)

    from lumbung.indicators.catalogue import catalogue
    from lumbung.indicators.engine import compute

    catalogue()  # parsed once per process; a server keeps it
    started = time.perf_counter()
    df = compute(CORE, by=BY, home=home)
    seconds = time.perf_counter() - started
    df.to_parquet(home / "engine.parquet")
    return {"seconds": seconds, "rows": len(df)}


def task_spark(home: Path, master: str) -> dict:
    from lumbung.indicators.catalogue import catalogue
    from lumbung.indicators.engine import compute
    from lumbung.indicators.spark import spark_session

    catalogue()
    # local mode runs the executor inside the driver's JVM: give it room (Spark's default is 1 GiB)
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--driver-memory 6g pyspark-shell")
    spark_session(master).sparkContext.setLogLevel("ERROR")  # the JVM starts before the clock
    started = time.perf_counter()
    df = compute(CORE, by=BY, home=home, engine="spark", spark_master=master)
    seconds = time.perf_counter() - started
    df.to_parquet(home / "spark.parquet")
    return {"seconds": seconds, "rows": len(df)}


def task_hand_sql(home: Path) -> dict:
    import duckdb

    from lumbung.indicators.schema import available_years

    years = available_years(home)
    sql = HAND_SQL.format(files=_files(home), years=tuple(years), panel=tuple(years[1:]))
    started = time.perf_counter()
    df = duckdb.connect().execute(sql).df()
    seconds = time.perf_counter() - started
    df.to_parquet(home / "hand.parquet")
    return {"seconds": seconds, "rows": len(df)}


def task_pandas(home: Path, linked: bool = False) -> dict:
    """The same numbers with pandas: one groupby key, each numerator and denominator summed per
    cell as a Series (freed as it goes, to keep memory near the size of the data). ``linked``:
    read the stored panel links (in_prev, in_next, next_*) instead of merging Y with Y-1, as the
    engine does; a fair comparison once the build stores them."""
    import pandas as pd

    columns = ["enterprise_id", "year", "province", "kbli_division", "size_bps_workers", "workers", "workers_paid",
               "workers_female", "sales", "output", "value_added", "inputs", "exports", "imported_inputs", "wages",
               "credit_bank", "credit_kur", "credit_informal", "trained", "online_sales", "owner_gender",
               "legal_status", "nib"] + (["in_prev", "in_next", "next_workers", "next_size_bps_workers"] if linked else [])
    keys = ["province", "kbli_division", "size_bps_workers", "year"]
    started = time.perf_counter()
    df = pd.concat([pd.read_parquet(f, columns=columns) for f in _files(home)], ignore_index=True)
    for dim in keys[:3]:
        df[dim] = df[dim].fillna("unknown").astype("category")
    groups = df.groupby(keys, observed=True)
    cell = groups.ngroup().to_numpy()
    index = groups.size().index
    years = sorted(df.year.unique())
    panel_years = set(years[1:])
    out: dict[str, pd.Series] = {}

    def add(name, series):
        out[name] = pd.Series(series).groupby(cell).sum(min_count=1).set_axis(index)

    def both(a, b):
        return df[a].where(df[b].notna())

    def count(cond):
        return cond.fillna(False).astype("int64")

    add("firms", np.ones(len(df), dtype=np.int64))
    for name in ("workers", "output", "value_added"):
        add(name, df[name])
    add("vapw_num", both("value_added", "workers")); add("vapw_den", both("workers", "value_added"))
    formal = (df.credit_bank > 0) | (df.credit_kur > 0)
    formal_known = formal | (df.credit_bank.notna() & df.credit_kur.notna())
    add("formal_num", count(formal)); add("formal_den", count(formal_known))
    for prefix, column in (("kur", "credit_kur"), ("inf", "credit_informal"), ("exp", "exports")):
        add(f"{prefix}_num", count(df[column] > 0)); add(f"{prefix}_den", count(df[column].notna()))
    add("legal_num", count(df.legal_status == "legal_entity")); add("legal_den", count(df.legal_status.notna()))
    add("nib_num", count(df.nib.notna())); add("nib_den", np.ones(len(df), dtype=np.int64))
    add("exs_num", both("exports", "sales")); add("exs_den", both("sales", "exports"))
    add("imp_num", both("imported_inputs", "inputs")); add("imp_den", both("inputs", "imported_inputs"))
    add("tr_num", count(df.trained == True)); add("tr_den", count(df.trained.notna()))  # noqa: E712
    add("on_num", count(df.online_sales == True)); add("on_den", count(df.online_sales.notna()))  # noqa: E712
    add("wo_num", count(df.owner_gender == "F")); add("wo_den", count(df.owner_gender.notna()))
    add("fw_num", both("workers_female", "workers")); add("fw_den", both("workers", "workers_female"))
    add("wage_num", both("wages", "workers_paid")); add("wage_den", both("workers_paid", "wages"))
    in_panel = df.year.isin(panel_years).to_numpy()
    if linked:
        new = ~df.in_prev.to_numpy()
    else:
        ids = df[["enterprise_id", "year"]]
        seen = ids.merge(ids.assign(year=ids.year + 1, seen=True), on=["enterprise_id", "year"], how="left")["seen"]
        new = seen.isna().to_numpy()
    add("entry_den", in_panel.astype("int64"))
    add("entry_num", (in_panel & new).astype("int64"))
    cur = pd.DataFrame(out)
    if linked:
        pair = df[keys + ["workers", "in_next", "next_size_bps_workers", "next_workers"]].rename(
            columns={"next_size_bps_workers": "size_bps_workers_next", "next_workers": "workers_next"})
    else:
        nxt = df[["enterprise_id", "year", "size_bps_workers", "workers"]].assign(year=df.year - 1)
        pair = df[keys[:3] + ["enterprise_id", "year", "workers"]].merge(
            nxt, on=["enterprise_id", "year"], how="left", suffixes=("", "_next"))
    pair["year"] = pair.year + 1
    pair = pair[pair.year.isin(panel_years)]
    rank = {"micro": 1, "small": 2, "medium": 3, "large": 4}
    r0 = pair.size_bps_workers.astype(object).map(rank)
    r1 = pair.size_bps_workers_next.astype(object).map(rank)
    cont = pair.in_next if linked else pair.size_bps_workers_next.notna()  # the size is never NULL in a row
    known = cont & r0.notna() & r1.notna()
    pan = pd.DataFrame({
        **{k: pair[k] for k in keys},
        "exit_den": 1, "exit_num": (~cont).astype("int64"),
        "grad_den": known.astype("int64"), "grad_num": (known & (r1 > r0)).astype("int64"),
        "growth_num": pair.workers_next.where(pair.workers.notna()),
        "growth_den": pair.workers.where(pair.workers_next.notna()),
    }).groupby(keys, observed=True).sum(min_count=1)
    result = cur.join(pan, how="outer").reset_index()
    for column, total in (("firms", "firms_total"), ("workers", "workers_total"), ("output", "output_total"),
                          ("value_added", "va_total")):
        result[total] = result.groupby("year")[column].transform("sum")
    seconds = time.perf_counter() - started
    name = "pandas-linked.parquet" if linked else "pandas.parquet"
    result.rename(columns={"size_bps_workers": "size_class"}).to_parquet(home / name)
    return {"seconds": seconds, "rows": len(result)}


# ------------------------------------------------------------------ comparing results

def compare(home: Path, other: str) -> int:
    """Cells x indicators compared between the engine and ``other`` (hand / pandas); raises on a difference."""
    import pandas as pd

    engine = pd.read_parquet(home / "engine.parquet")
    theirs = pd.read_parquet(home / f"{other}.parquet")
    compared = 0
    for column, (indicator, part) in HAND_MAP.items():
        ours = engine[engine.indicator == indicator].set_index(BY)[part]
        ref = theirs.set_index(BY)[column].astype("float64")
        ref = ref[ref.notna() & (ref != 0) | ref.index.isin(ours.index)]
        joined = pd.concat([ours.rename("ours"), ref.rename("ref")], axis=1, join="inner")
        missing = ours.index.difference(ref.index)
        if len(missing):
            raise AssertionError(f"{indicator}: {len(missing)} cells missing from {other}")
        both = joined.dropna()
        if not np.allclose(both.ours.to_numpy(float), both.ref.to_numpy(float), rtol=1e-9, atol=1e-6):
            bad = both[~np.isclose(both.ours, both.ref, rtol=1e-9, atol=1e-6)].head()
            raise AssertionError(f"{indicator} {part} differs from {other}:\n{bad}")
        compared += len(both)
    return compared


# ------------------------------------------------------------------ registry build

def _fill_value(kind: str):
    kind = kind.lower()
    if "int" in kind or "bool" in kind or "real" in kind or "decimal" in kind:
        return 0
    return ""


def make_registry(home: Path, firms: int, years: int, seed: int) -> int:
    """A SQLite registry with ``firms`` enterprises x ``years`` reports, inserted with sqlite3 directly."""
    env = {**os.environ, "LUMBUNG_HOME": str(home)}
    env.pop("LUMBUNG_DATABASE_URL", None)
    subprocess.run([str(Path(sys.executable).parent / "lumbung"), "init"], env=env, check=True, capture_output=True)
    db = sqlite3.connect(home / "lumbung.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    rng = np.random.default_rng(seed)

    def columns(table):
        return [(r[1], r[2], r[3], r[4]) for r in db.execute(f"PRAGMA table_info({table})")]

    def insert(table, values: dict, n: int):
        cols = columns(table)
        data = {}
        for name, kind, notnull, default in cols:
            if name == "id":
                continue
            if name in values:
                data[name] = values[name]
            elif name in ("created_at", "updated_at"):
                data[name] = [now] * n
            elif notnull and default is None:
                data[name] = [_fill_value(kind)] * n
        names = list(data)
        rows = zip(*(data[k] if isinstance(data[k], list) else list(data[k]) for k in names), strict=True)
        db.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)

    province = rng.integers(0, len(PROVINCES), firms)
    kbli = ["10392", "13134", "31001", "16221", "23921"]
    insert("registry_enterprise", {
        "source": ["bench"] * firms, "source_id": [str(i) for i in range(firms)],
        "name": [f"Usaha {i}" for i in range(firms)],
        "region_code": [f"{PROVINCES[p]}.01" for p in province],
        "kbli": [kbli[k] for k in rng.integers(0, len(kbli), firms)],
        "owner_gender": [("F", "M")[g] for g in rng.integers(0, 2, firms)],
    }, firms)
    ids = [r[0] for r in db.execute("SELECT id FROM registry_enterprise ORDER BY id")]
    workers = np.clip(np.round(rng.lognormal(0.8, 0.9, firms)), 1, 500).astype(int)
    total = 0
    for year in range(START, START + years):
        output = (workers * rng.lognormal(17.5, 0.8, firms)).astype(np.int64)
        insert("registry_annualreport", {
            "enterprise_id": ids, "year": [year] * firms, "workers": workers.tolist(),
            "sales": (output * 0.9).astype(np.int64).tolist(), "output": output.tolist(),
            "inputs": (output * 0.6).astype(np.int64).tolist(), "trained": (rng.random(firms) < 0.2).astype(int).tolist(),
        }, firms)
        total += firms
    db.commit()
    db.close()
    return total


def task_build(home: Path, full: bool) -> dict:
    os.environ["LUMBUNG_HOME"] = str(home)
    os.environ.pop("LUMBUNG_DATABASE_URL", None)
    import lumbung
    from lumbung.indicators.analytics import build

    lumbung.setup_django()
    from lumbung.registry.rows import RegistryRows

    result = build(RegistryRows(), full=full, home=home)
    return {"seconds": result.seconds, "rows": result.rows, "years": result.years, "mode": result.mode,
            "relinked": getattr(result, "relinked", [])}


def change_enterprises(home: Path, count: int = 1000) -> None:
    """What re-importing ``count`` changed enterprises does to the registry: new report values and
    a new updated_at (as lumbung.imports.store writes them), on the latest year."""
    db = sqlite3.connect(home / "lumbung.sqlite3")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    ids = [r[0] for r in db.execute("SELECT id FROM registry_enterprise ORDER BY id LIMIT ?", (count,))]
    year = db.execute("SELECT MAX(year) FROM registry_annualreport").fetchone()[0]
    db.executemany("UPDATE registry_annualreport SET workers = workers + 1, updated_at = ? WHERE enterprise_id = ? AND year = ?",
                   [(now, i, year) for i in ids])
    db.commit()
    db.close()


# ------------------------------------------------------------------ driver

def _child(task: str, home: Path, extra: str = "") -> dict:
    done = subprocess.run([sys.executable, __file__, "--task", task, "--home", str(home), "--extra", extra],
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{task} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_task(task: str, home: Path, extra: str) -> None:
    fn = {"engine": task_engine, "hand": task_hand_sql, "pandas": task_pandas,
          "pandas-linked": lambda home: task_pandas(home, linked=True),
          "spark": lambda home: task_spark(home, extra or "local[2]")}.get(task)
    result = fn(home) if fn else task_build(home, full=(extra == "full"))
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=4_400_000, help="enterprises a year (analytics tables)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the engine and of the hand SQL (best kept)")
    parser.add_argument("--build-firms", type=int, default=200_000, help="enterprises in the registry build")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-query", action="store_true", help="only the registry build")
    parser.add_argument("--reuse", action="store_true", help="reuse the population in --workdir")
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--spark", action="store_true", help="also run the query on local Spark (d)")
    parser.add_argument("--spark-master", default="local[2]", help="Spark master for --spark")
    parser.add_argument("--no-links", action="store_true",
                        help="write the population without panel links (the engine then self-joins, as before)")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extra", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.task:
        run_task(args.task, args.home, args.extra)
        return
    work = args.workdir or Path(tempfile.mkdtemp(prefix="lumbung-bench-indicators-"))
    print(f"# indicators benchmark, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, work folder {work}")
    query_home = work / "query"
    started = time.perf_counter()
    if args.skip_query:
        pass
    elif args.reuse and (query_home / "analytics").is_dir():
        from lumbung.indicators.panel import has_links

        rows = sum(pq.read_metadata(f).num_rows for f in _files(query_home))
        linked = all(has_links(Path(f)) for f in _files(query_home))
        print(f"population: {rows:,} rows, reused from {query_home} ({'with' if linked else 'without'} panel links)")
    else:
        rows = generate_analytics(query_home, args.firms, args.years, args.seed, links=not args.no_links)
        print(f"population: {rows:,} rows ({args.firms:,} firms a year x {args.years} years), "
              f"generated in {time.perf_counter() - started:.0f} s")
    if not args.skip_query:
        _queries(args, query_home)
    if not args.skip_build:
        _builds(args, work)


def _queries(args, query_home: Path) -> None:
    from lumbung.indicators.panel import has_links

    linked = all(has_links(Path(f)) for f in _files(query_home))
    print(f"query: {len(CORE)} core indicators by {' x '.join(BY)}")
    engine, hand = [], []
    for _ in range(args.repeat):  # interleaved, so that load from other work hits both alike
        engine.append(_child("engine", query_home))
        hand.append(_child("hand", query_home))
    best_e, best_h = min(e["seconds"] for e in engine), min(h["seconds"] for h in hand)
    runs_e = ", ".join(f"{e['seconds']:.2f}" for e in engine)
    runs_h = ", ".join(f"{h['seconds']:.2f}" for h in hand)
    print(f"(a) lumbung engine: {best_e:.2f} s (runs {runs_e}), "
          f"peak {max(e['peak_mib'] for e in engine):,.0f} MiB, {engine[0]['rows']:,} output rows")
    print(f"    hand-written DuckDB SQL: {best_h:.2f} s (runs {runs_h}), "
          f"peak {max(h['peak_mib'] for h in hand):,.0f} MiB")
    print(f"    ratio engine / hand SQL: {best_e / best_h:.2f} (target <= 1.5); "
          f"equal numbers in {compare(query_home, 'hand'):,} cell x indicator values")
    if args.spark:
        _spark(args, query_home, best_e)
    if not args.skip_pandas:
        pandas = _child("pandas", query_home)
        print(f"(b) pandas groupby: {pandas['seconds']:.1f} s, peak {pandas['peak_mib']:,.0f} MiB; "
              f"engine is {pandas['seconds'] / best_e:.1f}x faster (target >= 10); "
              f"equal numbers in {compare(query_home, 'pandas'):,} values")
        if linked:
            pl = _child("pandas-linked", query_home)
            print(f"    pandas groupby reading the stored panel links: {pl['seconds']:.1f} s, "
                  f"peak {pl['peak_mib']:,.0f} MiB; "
                  f"engine is {pl['seconds'] / best_e:.1f}x faster; "
                  f"equal numbers in {compare(query_home, 'pandas-linked'):,} values")


def _spark(args, query_home: Path, best_duckdb: float) -> None:
    import pandas as pd

    spark = _child("spark", query_home, args.spark_master)
    ours = pd.read_parquet(query_home / "engine.parquet").sort_values(["indicator", *BY]).reset_index(drop=True)
    theirs = pd.read_parquet(query_home / "spark.parquet").sort_values(["indicator", *BY]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, rtol=1e-9)
    print(f"(d) Spark ({args.spark_master}): {spark['seconds']:.1f} s, {spark['rows']:,} output rows, identical to "
          f"DuckDB's; DuckDB / Spark time ratio {best_duckdb / spark['seconds']:.2f} "
          f"(Spark {spark['seconds'] / best_duckdb:.1f}x DuckDB's time)")


def _builds(args, work: Path) -> None:
    import shutil

    build_home = work / "registry"
    shutil.rmtree(build_home, ignore_errors=True)  # a fresh registry each run
    build_home.mkdir(parents=True)
    started = time.perf_counter()
    n = make_registry(build_home, args.build_firms, args.years, args.seed)
    print(f"(c) registry (SQLite): {n:,} reports of {args.build_firms:,} enterprises, "
          f"loaded in {time.perf_counter() - started:.0f} s")
    full = _child("build", build_home, "full")
    print(f"    analytics build --full: {full['seconds']:.1f} s, {full['rows'] / full['seconds']:,.0f} rows/s, "
          f"peak {full['peak_mib']:,.0f} MiB")
    change_enterprises(build_home, 1000)
    inc = _child("build", build_home, "")
    print(f"    incremental build after 1,000 changed enterprises: {inc['seconds']:.1f} s "
          f"({inc['rows']:,} rows rewritten, years {inc['years']}, neighbours relinked {inc['relinked']}), "
          f"peak {inc['peak_mib']:,.0f} MiB")


if __name__ == "__main__":
    main()
