"""Every dimension has an unknown bucket, and the buckets add up to the total."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lumbung.indicators import compute
from lumbung.indicators.dimensions import DIMENSIONS, UNKNOWN
from lumbung.indicators.schema import SCHEMA, SIZE_COLUMNS, partition_path

ADDITIVE = ["firms", "workers", "output", "value_added", "entry_rate", "exit_rate", "graduation_rate",
            "employment_growth", "export_rate"]


def _choice(rng, values, n, missing=0.2):
    out = rng.choice(np.array(values, dtype=object), n)
    out[rng.random(n) < missing] = None
    return out


def _random_population(home, seed=7, firms=150, years=(2020, 2021, 2022)):
    """Random rows with missing values in every dimension and measure; firms come and go."""
    rng = np.random.default_rng(seed)
    for year in years:
        present = np.flatnonzero(rng.random(firms) < 0.7)
        n = len(present)
        provinces = _choice(rng, ["11", "32", "33", "35"], n)
        workers = rng.integers(1, 150, n).astype(object)
        workers[rng.random(n) < 0.15] = None
        output = rng.integers(1, 10_000, n).astype(object)
        output[rng.random(n) < 0.15] = None
        inputs = rng.integers(0, 5_000, n).astype(object)
        inputs[rng.random(n) < 0.15] = None
        exports = _choice(rng, [0, 0, 10, 500], n)
        cols = {name: [None] * n for name in SCHEMA.names}
        cols.update(
            enterprise_id=present.tolist(), year=[year] * n, workers=workers.tolist(), output=output.tolist(),
            inputs=inputs.tolist(), exports=exports.tolist(), province=provinces.tolist(),
            regency=[f"{p}.01" if p and rng.random() < 0.8 else None for p in provinces],
            district=[f"{p}.01.01" if p and rng.random() < 0.6 else None for p in provinces],
            kbli_section=_choice(rng, ["C"], n, 0.1).tolist(), kbli_division=_choice(rng, ["10", "13", "31"], n).tolist(),
            reported_scale=_choice(rng, ["micro", "small", "medium"], n).tolist(),
            legal_status=_choice(rng, ["none", "notary_deed", "legal_entity"], n).tolist(),
            owner_gender=_choice(rng, ["F", "M"], n).tolist(),
        )
        cols["value_added"] = [o - i if o is not None and i is not None else None for o, i in zip(output, inputs, strict=False)]
        for column in SIZE_COLUMNS:
            cols[column] = _choice(rng, ["micro", "small", "medium", "large", "unknown"], n, 0.1).tolist()
        table = pa.table({name: pa.array(cols[name], type=SCHEMA.field(name).type) for name in SCHEMA.names})
        path = partition_path(year, home)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    path = tmp_path_factory.mktemp("random")
    _random_population(path)
    return path


def _totals(df, indicator):
    part = df[df.indicator == indicator]
    return part.groupby("year")[["numerator", "denominator", "n_firms"]].sum(min_count=1)


@pytest.mark.parametrize("dimension", [d for d in DIMENSIONS if d != "year"])
def test_buckets_add_up_to_the_total(home, dimension):
    total = compute(ADDITIVE, by=["year"], home=home)
    split = compute(ADDITIVE, by=["year", dimension], home=home)
    assert split[dimension].notna().all()
    for indicator in ADDITIVE:
        expected, got = _totals(total, indicator), _totals(split, indicator)
        assert not expected.empty
        # numerators and denominators are additive over cells, including the unknown bucket
        np.testing.assert_allclose(got.to_numpy(dtype=float), expected.to_numpy(dtype=float), equal_nan=True,
                                   err_msg=f"{indicator} by {dimension}")


@pytest.mark.parametrize("dimension", ["province", "regency", "district", "kbli_division", "size_class",
                                       "reported_scale", "legal_status", "owner_gender"])
def test_unknown_bucket_is_explicit(home, dimension):
    df = compute("firms", by=[dimension], home=home)
    assert UNKNOWN in set(df[dimension])


@pytest.mark.parametrize("regime", ["uu-20-2008", "pp-7-2021", "permenperin-64-2016", "uu-9-1995"])
def test_size_class_under_each_regime_adds_up(home, regime):
    total = compute("firms", home=home)["value"].sum()
    by_class = compute("firms", by=["size_class"], regime=regime, home=home)
    assert by_class["value"].sum() == total


def test_share_is_within_the_year_and_sums_to_100(home):
    df = compute("share_firms,share_output", by=["year", "province"], home=home)
    sums = df.groupby(["year", "indicator"])["value"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 100.0)


def test_multi_dimension_cells_add_up(home):
    one = compute("firms", by=["year"], home=home).set_index("year")["value"]
    many = compute("firms", by=["year", "province", "kbli_division", "size_class"], home=home)
    assert (many.groupby("year")["value"].sum() == one).all()
