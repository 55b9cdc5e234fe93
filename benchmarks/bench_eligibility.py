"""Benchmark: eligibility of every enterprise for every program of the seed catalogue (issue 12
acceptance: one million enterprises, target under 10 s, vectorised, not a loop over firms).

Input: a synthetic population (``lumbung.synthetic.generate``, one year, so one report per
enterprise; the registry's columns and an ``enterprise_id``), built before the clock starts.
Timed: ``lumbung.eligibility.eligible_all`` over the whole frame: latest report per enterprise,
derived fields, the size classes under every regime the rules name, and every program's rule
(one Polars ``select``), best and median of ``--repeat`` runs.

Baseline in the same run (named "per-firm Python loop"): for a sample of ``--sample`` enterprises,
each firm in turn, each program in turn: the scalar size-class engine (``lumbung.sizeclass.classify``)
and a plain recursive interpreter of the same parsed rule over the firm's dict. Its time is scaled
to the full population and labelled as scaled. The two agree on every sampled firm (checked).

Run:  nice -n 10 .venv/bin/python benchmarks/bench_eligibility.py --firms 1000000
"""

from __future__ import annotations

import argparse
import ast
import operator
import resource
import statistics
import time

import polars as pl

from lumbung.eligibility import catalogue, eligible_all, parse
from lumbung.sizeclass import UNKNOWN, classify
from lumbung.synthetic import generate


def population(firms: int, seed: int) -> pl.DataFrame:
    frame = pl.from_arrow(generate(firms, 1, seed))
    return frame.with_row_index("enterprise_id", offset=1).with_columns(pl.col("enterprise_id").cast(pl.Int64))


# ---------------------------------------------------------------- the baseline: one firm at a time

COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
           ast.NotIn: lambda a, b: a not in b}

def _value(node, row, sizes):
    if isinstance(node, ast.Call):
        regime = node.args[0].value
        if regime not in sizes:
            inputs = {k: row.get(k) for k in ("workers", "sales", "net_assets", "business_capital", "investment",
                                              "indonesian_owned", "independent")}
            if inputs["workers"] is not None and inputs["workers"] < 1:
                inputs["workers"] = None
            size = classify(inputs, regime).size_class
            sizes[regime] = None if size == UNKNOWN else size
        return sizes[regime]
    if isinstance(node, ast.Name):
        if node.id in ("True", "False"):
            return node.id == "True"
        if node.id == "province":
            return None if row.get("region_code") is None else row["region_code"][:2]
        if node.id == "kbli_division":
            return None if row.get("kbli") is None else row["kbli"][:2]
        if node.id == "age":
            return None if row.get("founded_year") is None else row["year"] - row["founded_year"]
        return row.get(node.id)
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -node.operand.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_value(e, row, sizes) for e in node.elts]
    return _truth(node, row, sizes)


def _truth(node, row, sizes):
    """Kleene logic, as Polars: None is unknown."""
    if isinstance(node, ast.BoolOp):
        values = [_truth(v, row, sizes) for v in node.values]
        if isinstance(node.op, ast.And):
            return False if False in values else None if None in values else True
        return True if True in values else None if None in values else False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = _truth(node.operand, row, sizes)
        return None if value is None else not value
    if isinstance(node, ast.Compare):
        out, left = True, node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            a, b = _value(left, row, sizes), _value(right, row, sizes)
            if a is None or (not isinstance(b, list) and b is None):
                part = None
            else:
                part = COMPARE[type(op)](a, b)
            out = False if (out is False or part is False) else None if (out is None or part is None) else True
            left = right
        return out
    return _value(node, row, sizes)


def loop(programs: dict[str, str], rows: list[dict]) -> dict[int, dict[str, bool | None]]:
    parsed = {slug: parse(text) for slug, text in programs.items()}
    out = {}
    for row in rows:
        sizes: dict = {}
        verdicts = {}
        for slug, rule in parsed.items():
            parts = [_truth(c.node, row, sizes) for c in rule.clauses]
            verdicts[slug] = False if False in parts else None if None in parts else True
        out[row["enterprise_id"]] = verdicts
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    programs = {e.slug: e.eligibility for e in catalogue.load()}
    started = time.perf_counter()
    frame = population(args.firms, args.seed)
    print(f"population: {frame.height:,} enterprises, {frame.width} columns, built in "
          f"{time.perf_counter() - started:.1f} s (not timed below)")

    times, cpus = [], []
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = eligible_all(programs, frame)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    cells = result.height * len(programs)
    best, median = min(times), statistics.median(times)
    print(f"vectorised (lumbung.eligibility.eligible_all): {len(programs)} programs x {result.height:,} enterprises "
          f"= {cells:,} verdicts; wall best {best:.2f} s, median {median:.2f} s of {args.repeat}; "
          f"CPU (all threads) best {min(cpus):.2f} s")
    for slug, column in zip(result.columns[1:], result.get_columns()[1:], strict=True):
        print(f"  {slug:<18} eligible {int(column.sum() or 0):>9,}  unknown {column.null_count():>9,}")

    sample = frame.head(args.sample)
    rows = sample.to_dicts()
    start, cpu = time.perf_counter(), time.process_time()
    verdicts = loop(programs, rows)
    looped, looped_cpu = time.perf_counter() - start, time.process_time() - cpu
    scaled, scaled_cpu = looped * frame.height / len(rows), looped_cpu * frame.height / len(rows)
    print(f"baseline (per-firm Python loop, scalar sizeclass.classify + rule interpreter): {len(rows):,} "
          f"enterprises in {looped:.2f} s wall, {looped_cpu:.2f} s CPU; scaled to {frame.height:,}: {scaled:.1f} s "
          f"wall, {scaled_cpu:.1f} s CPU (scaled, not measured)")
    check = result.filter(pl.col("enterprise_id").is_in(list(verdicts))).to_dicts()
    disagreements = sum(1 for row in check for slug in programs if row[slug] != verdicts[row["enterprise_id"]][slug])
    print(f"agreement on the sample: {len(check) * len(programs) - disagreements:,} of {len(check) * len(programs):,} "
          f"verdicts")
    print(f"ratio: baseline (scaled) / vectorised (best): wall {scaled / best:.0f}x, CPU {scaled_cpu / min(cpus):.0f}x")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (whole process)")
    if disagreements:
        raise SystemExit("the vectorised evaluation and the per-firm loop disagree")


if __name__ == "__main__":
    main()
