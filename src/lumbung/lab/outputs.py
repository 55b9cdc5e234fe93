"""Ensemble outputs: the per-run summary table, uncertainty bands and the comparison table.

* ``summary.csv``: every run's summary, one row per scenario x run x period x size class x
  KBLI division x province (columns: SUMMARY_COLUMNS).
* ``bands.csv``: per scenario x period, nationally (``size_class`` = "all") and by size class,
  the median and the 5th and 95th percentiles over runs of each indicator (linear
  interpolation between order statistics, NumPy's default "linear" method). A run with no
  firm of a size class in a period counts as zero for that class, not as missing.
* ``comparison.csv``: every scenario against the baseline at the horizon (the last period):
  the median and 5-95% band of the *paired* per-run differences (run r of a scenario minus run
  r of the baseline: both share run r's random draws, so the difference is the policy's effect
  net of chance). Stocks (firms, jobs = workers, output, value added) are compared in the
  horizon period; flows (entries, exits, upgrades, graduations) are summed over all periods up
  to the horizon. Cost per job = the scenario's extra programme spending over the baseline
  divided by the jobs it created, per run; runs that created no jobs have no finite cost per job
  and are left out of that row (its ``runs`` column says how many were used).
* ``runs.csv``: every run's seed, programme cost and drawn parameter values.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import polars as pl

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.ensemble import EnsembleResult

KEY_COLUMNS = ["period", "size_class", "kbli_division", "province"]
STOCKS = ["firms", "workers", "output", "value_added"]
FLOWS = ["entries", "exits", "upgrades", "graduations"]
# counts of firms and events are whole numbers; workers are not (the model adjusts a firm's
# workforce gradually, so a firm's persons engaged may be fractional, like a full-time equivalent)
COUNTS = ["firms", "entries", "exits", "upgrades", "graduations"]
AMOUNTS = ["workers", "output", "value_added", "share_traditional"]
INDICATORS = [*STOCKS, *FLOWS, "share_traditional"]
SUMMARY_COLUMNS = ["scenario", "run", *KEY_COLUMNS, "firms", "workers", "output", "value_added",
                   "entries", "exits", "upgrades", "graduations", "share_traditional"]
BAND_COLUMNS = ["scenario", "period", "size_class", "indicator", "p05", "median", "p95", "runs"]
#: comparison indicators: name in the table -> summary column ("jobs" are workers)
COMPARED = {"jobs": "workers", "output": "output", "value_added": "value_added",
            "graduations": "graduations", "exits": "exits", "entries": "entries",
            "upgrades": "upgrades", "firms": "firms"}
COMPARISON_COLUMNS = ["scenario", "baseline", "indicator", "baseline_median", "scenario_median",
                      "difference_median", "difference_p05", "difference_p95", "runs"]
ALL = "all"
QUANTILES = {"p05": 0.05, "median": 0.5, "p95": 0.95}


# --------------------------------------------------------------------------- summary


def summary_frame(ensemble: EnsembleResult) -> pl.DataFrame:
    """All runs' summaries stacked, with ``scenario`` and ``run`` first (SUMMARY_COLUMNS)."""
    return pl.concat([_run_frame(o.scenario, o.run, o.summary) for o in ensemble.outputs], how="vertical")


def _run_frame(scenario: str, run: int, summary: dict[str, np.ndarray]) -> pl.DataFrame:
    missing = [c for c in SUMMARY_COLUMNS[2:] if c not in summary]
    if missing:
        raise ValueError(f"model summary lacks columns: {', '.join(missing)}")
    rows = len(summary["period"])
    columns = {"scenario": pl.Series([scenario] * rows, dtype=pl.String),
               "run": pl.Series(np.full(rows, run, dtype=np.int64))}
    for name in SUMMARY_COLUMNS[2:]:
        columns[name] = pl.Series(np.asarray(summary[name]))
    return pl.DataFrame(columns).with_columns(_typed())


def _typed() -> list[pl.Expr]:
    return [
        pl.col("period").cast(pl.Int64),
        *(pl.col(c).cast(pl.String) for c in KEY_COLUMNS[1:]),
        *(pl.col(c).cast(pl.Int64) for c in COUNTS),
        *(pl.col(c).cast(pl.Float64) for c in AMOUNTS),
    ]


def runs_frame(ensemble: EnsembleResult) -> pl.DataFrame:
    """One row per run: scenario, run, seed, cost and the drawn value of each uncertain parameter."""
    names = sorted({name for o in ensemble.outputs for name in o.parameters})
    rows = [{"scenario": o.scenario, "run": o.run, "seed": str(o.seed), "cost": float(o.cost),
             **{n: o.parameters.get(n) for n in names}} for o in ensemble.outputs]
    schema = {"scenario": pl.String, "run": pl.Int64, "seed": pl.String, "cost": pl.Float64,
              **{n: pl.Float64 for n in names}}
    return pl.DataFrame(rows, schema=schema)


# --------------------------------------------------------------------------- aggregation


def _aggregates() -> list[pl.Expr]:
    # share_traditional of a group = firms-weighted mean of its cells' shares; a cell with no
    # firms left (only exits) has no share (NaN) and weight 0
    share = pl.col("share_traditional").fill_nan(0.0).fill_null(0.0)
    return [*(pl.col(c).sum() for c in STOCKS + FLOWS),
            ((share * pl.col("firms")).sum() / pl.col("firms").sum()).alias("share_traditional")]


def per_run(summary: pl.DataFrame, by_size: bool = False) -> pl.DataFrame:
    """Totals per scenario x run x period (national, ``size_class`` = "all"), or by size class,
    with every (period, size class) present in every run of a scenario (absent = 0 firms)."""
    keys = ["scenario", "run", "period", *(["size_class"] if by_size else [])]
    totals = summary.group_by(keys).agg(_aggregates())
    if not by_size:
        return totals.with_columns(pl.lit(ALL).alias("size_class")).sort(keys)
    grid = (summary.select("scenario", "period", "size_class").unique()
            .join(summary.select("scenario", "run").unique(), on="scenario"))
    filled = grid.join(totals, on=keys, how="left")
    return filled.with_columns(pl.col(c).fill_null(0) for c in STOCKS + FLOWS).sort(keys)


def bands(summary: pl.DataFrame) -> pl.DataFrame:
    """Median and 5-95% band over runs, per scenario x period x size class ("all" = national)."""
    both = pl.concat([per_run(summary), per_run(summary, by_size=True)], how="diagonal")
    long = both.unpivot(index=["scenario", "run", "period", "size_class"], on=INDICATORS,
                        variable_name="indicator", value_name="value")
    value = pl.col("value").cast(pl.Float64).fill_nan(None)
    result = long.group_by(["scenario", "period", "size_class", "indicator"]).agg(
        *(value.quantile(q, interpolation="linear").alias(name) for name, q in QUANTILES.items()),
        value.count().cast(pl.Int64).alias("runs"),
    )
    order = {name: i for i, name in enumerate(INDICATORS)}
    return (result.with_columns(pl.col("indicator").replace_strict(order, return_dtype=pl.Int64)
                                .alias("_order"))
            .sort(["scenario", "size_class", "_order", "period"]).select(BAND_COLUMNS))


# --------------------------------------------------------------------------- comparison


def at_horizon(summary: pl.DataFrame, horizon: int | None = None) -> pl.DataFrame:
    """Per scenario x run: stocks in the horizon period, flows summed up to it."""
    national = per_run(summary)
    horizon = int(national["period"].max()) if horizon is None else horizon
    upto = national.filter(pl.col("period") <= horizon)
    stocks = upto.filter(pl.col("period") == horizon).select("scenario", "run", *STOCKS)
    flows = upto.group_by("scenario", "run").agg(pl.col(c).sum() for c in FLOWS)
    return stocks.join(flows, on=["scenario", "run"]).sort("scenario", "run")


def _band(values: np.ndarray) -> tuple[float, float, float]:
    if values.size == 0:
        return (float("nan"),) * 3
    return tuple(float(np.quantile(values, q)) for q in QUANTILES.values())  # type: ignore[return-value]


def _paired(horizon: pl.DataFrame, costs: pl.DataFrame, scenario: str, baseline: str) -> pl.DataFrame:
    """One row per run present in both: scenario's and baseline's figures side by side."""
    table = horizon.join(costs.select("scenario", "run", "cost"), on=["scenario", "run"], how="left")
    table = table.with_columns(pl.col("cost").fill_null(0.0))
    ours = table.filter(pl.col("scenario") == scenario).drop("scenario")
    theirs = table.filter(pl.col("scenario") == baseline).drop("scenario")
    return ours.join(theirs, on="run", suffix="_baseline").sort("run")


def comparison(summary: pl.DataFrame, costs: pl.DataFrame | None, baseline: str,
               horizon: int | None = None) -> pl.DataFrame:
    """Every scenario other than ``baseline`` against it (see the module's docstring)."""
    if costs is None:
        costs = summary.select("scenario", "run").unique().with_columns(pl.lit(0.0).alias("cost"))
    table = at_horizon(summary, horizon)
    scenarios = [s for s in summary["scenario"].unique(maintain_order=True) if s != baseline]
    rows = []
    for scenario in scenarios:
        rows.extend(_compare(_paired(table, costs, scenario, baseline), scenario, baseline))
    return pl.DataFrame(rows, schema={c: (pl.String if c in ("scenario", "baseline", "indicator")
                                          else pl.Int64 if c == "runs" else pl.Float64)
                                      for c in COMPARISON_COLUMNS})


def _row(scenario: str, baseline: str, indicator: str, ours: np.ndarray, theirs: np.ndarray,
         difference: np.ndarray) -> dict:
    low, middle, high = _band(difference)
    return {"scenario": scenario, "baseline": baseline, "indicator": indicator,
            "baseline_median": _band(theirs)[1], "scenario_median": _band(ours)[1],
            "difference_median": middle, "difference_p05": low, "difference_p95": high,
            "runs": int(difference.size)}


def _compare(paired: pl.DataFrame, scenario: str, baseline: str) -> list[dict]:
    rows = []
    for indicator, column in COMPARED.items():
        ours = paired[column].to_numpy().astype(np.float64)
        theirs = paired[f"{column}_baseline"].to_numpy().astype(np.float64)
        rows.append(_row(scenario, baseline, indicator, ours, theirs, ours - theirs))
    cost = paired["cost"].to_numpy().astype(np.float64)
    base_cost = paired["cost_baseline"].to_numpy().astype(np.float64)
    extra = cost - base_cost
    rows.append(_row(scenario, baseline, "cost", cost, base_cost, extra))
    jobs = (paired["workers"] - paired["workers_baseline"]).to_numpy().astype(np.float64)
    created = jobs > 0
    per_job = extra[created] / jobs[created]
    row = _row(scenario, baseline, "cost_per_job", per_job, np.zeros(0), per_job)
    row["baseline_median"] = float("nan")
    rows.append(row)
    return rows


# --------------------------------------------------------------------------- files


def baseline_of(ensemble: EnsembleResult, baseline: str | None = None) -> str:
    """The comparison's reference: ``baseline`` if given, else "baseline" if it was run, else the
    first scenario."""
    if baseline is not None:
        if baseline not in ensemble.scenarios:
            raise UserError(_("the baseline {name!r} is not among the scenarios run").format(name=baseline))
        return baseline
    return "baseline" if "baseline" in ensemble.scenarios else ensemble.scenarios[0]


def tables(ensemble: EnsembleResult, baseline: str | None = None) -> dict[str, pl.DataFrame]:
    """summary, bands, comparison and runs tables of an ensemble."""
    summary = summary_frame(ensemble)
    runs = runs_frame(ensemble)
    return {"summary": summary, "bands": bands(summary),
            "comparison": comparison(summary, runs, baseline_of(ensemble, baseline)), "runs": runs}


def write_tables(frames: dict[str, pl.DataFrame], out: Path) -> dict[str, Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, frame in frames.items():
        paths[name] = out / f"{name}.csv"
        frame.write_csv(paths[name])
    return paths


def write_outputs(ensemble: EnsembleResult, out: Path, baseline: str | None = None) -> dict[str, Path]:
    """Write summary.csv, bands.csv, comparison.csv and runs.csv into ``out``; return their paths."""
    return write_tables(tables(ensemble, baseline), out)


# --------------------------------------------------------------------------- publishing

PARTIAL = ".partial-"


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder next to ``out`` to write into; published as ``out`` on success.

    Nothing appears under the final name half-written: a new ``out`` appears whole, by one
    rename; into an existing ``out`` each file is moved whole (``os.replace``). A failure or a
    kill leaves at most the temporary ``.<name>.partial-<pid>`` folder, which the next run into
    the same ``out`` removes. Creating it first also proves early that ``out`` can be written.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise UserError(_("{folder} exists and is not a folder").format(folder=out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out)
        staging = out.parent / f".{out.name}{PARTIAL}{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as error:
        raise UserError(_("cannot write to the folder {folder}: {reason}").format(
            folder=out, reason=error.strerror or error)) from error
    try:
        yield staging
        _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_stale(out: Path) -> None:
    """Remove the temporary folders of runs into ``out`` whose process no longer exists."""
    for folder in out.parent.glob(f".{out.name}{PARTIAL}*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _publish(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = out / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
