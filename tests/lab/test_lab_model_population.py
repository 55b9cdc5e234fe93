"""Populations from registry-template rows: latest year per firm, field mapping, imputation."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from lumbung.lab import population
from lumbung.lab.codes import DIVISIONS, FORMALITY, PROVINCES
from lumbung.vocabulary import TEMPLATE_COLUMNS


def _rows():
    rows = [
        # firm A reports two years; the later one must win
        dict(source_id="A", year=2022, kbli="10792", region_code="33.74", workers=3, net_assets=20_000_000,
             output=90_000_000, inputs=50_000_000, imported_inputs=0, credit_bank=0, credit_kur=5_000_000,
             credit_informal=1_000_000, legal_status="none", trained=False),
        dict(source_id="A", year=2023, kbli="10792", region_code="33.74", workers=4, net_assets=30_000_000,
             output=100_000_000, inputs=60_000_000, imported_inputs=15_000_000, credit_bank=0, credit_kur=8_000_000,
             credit_informal=2_000_000, legal_status="notary_deed", trained=True, exports=10_000_000),
        # firm B: a large formal importer with more bank credit than capital (capped at capital)
        dict(source_id="B", year=2023, kbli="13111", region_code="32.04.01", workers=250, net_assets=5_000_000_000,
             output=40_000_000_000, inputs=30_000_000_000, imported_inputs=12_000_000_000,
             credit_bank=9_000_000_000, credit_kur=None, credit_informal=None, legal_status="legal_entity"),
        # firm C: missing states are imputed
        dict(source_id="C", year=2023, kbli="31001", region_code="35.78", workers=None, net_assets=None,
             output=None, inputs=None, legal_status=None),
        # firm D: a shop (KBLI section G) is not industry and is left out
        dict(source_id="D", year=2023, kbli="47111", region_code="35.78", workers=2, net_assets=10_000_000),
    ]
    columns = {c: [r.get(c) for r in rows] for c in TEMPLATE_COLUMNS}
    types = {"trained": pa.bool_(), "year": pa.int64()}
    return pa.table({c: pa.array(v, type=types.get(c)) for c, v in columns.items()})


@pytest.fixture(scope="module")
def pop():
    return population.from_table(_rows(), seed=1)


def test_latest_year_per_firm_and_industry_only(pop):
    assert len(pop) == 3
    a = 0  # rows keep the table's order: A, B, C
    assert pop.workers[a] == 4 and pop.capital[a] == pytest.approx(30e6)


def test_fields_map_to_model_states(pop):
    a, b, c = 0, 1, 2
    assert DIVISIONS[pop.division[a]] == "10" and DIVISIONS[pop.division[b]] == "13" and DIVISIONS[pop.division[c]] == "31"
    assert PROVINCES[pop.province[a]] == "33" and PROVINCES[pop.province[b]] == "32"
    assert FORMALITY[pop.formality[a]] == "notary_deed" and FORMALITY[pop.formality[b]] == "legal_entity"
    assert pop.import_share[a] == pytest.approx(0.25) and pop.import_share[b] == pytest.approx(0.4)
    assert pop.export_share[a] == pytest.approx(0.1)
    assert pop.debt_kur[a] == pytest.approx(8e6) and pop.debt_moneylender[a] == pytest.approx(2e6)
    assert pop.debt_bank[b] == pytest.approx(5e9), "bank debt is capped at the collateral (capital)"
    assert pop.technique[b] == 1, "a 250-worker plant works with machines"
    assert pop.fx_debt_share[b] > 0 and pop.fx_debt_share[a] == 0
    assert pop.size_class.tolist()[:2] == [0, 3]


def test_missing_states_are_imputed_within_bounds(pop):
    c = 2
    assert pop.workers[c] >= 1 and pop.capital[c] > 0
    for name in ("owner_skill", "worker_skill", "input_quality"):
        values = getattr(pop, name)
        assert ((values >= 0) & (values <= 1)).all(), name
    assert np.isfinite(pop.productivity).all() and (pop.productivity > 0).all()


def test_training_raises_imputed_owner_skill_on_average():
    n = 4000
    cols = population.draw_columns(n, seed=3)
    cols["trained"] = np.r_[np.ones(n // 2), np.zeros(n - n // 2)]
    pop = population.from_columns(cols, seed=3)
    gap = pop.owner_skill[: n // 2].mean() - pop.owner_skill[n // 2:].mean()
    assert 0.10 < gap < 0.20  # the documented bonus 0.15, minus clipping at 1


def test_synthetic_population_is_reproducible_and_sized():
    a, b = population.synthetic(500, seed=4), population.synthetic(500, seed=4)
    assert len(a) <= 500 and len(a) > 450  # only non-industry rows could be dropped
    for name, values in a.arrays().items():
        np.testing.assert_array_equal(values, getattr(b, name), err_msg=name)
    direct = population.synthetic(500, seed=4, via_template=False)
    assert len(direct) == 500
    assert direct.capital.dtype == np.float32 and direct.division.dtype == np.int16


def test_synthetic_population_has_the_ikm_shape():
    pop = population.synthetic(20000, seed=2, via_template=False)
    sizes = np.bincount(pop.size_class, minlength=4) / len(pop)
    assert sizes[0] > 0.8, "most industrial firms are household/micro (BPS)"
    assert sizes[3] < 0.01
    food = np.isin(np.asarray(DIVISIONS)[pop.division], ["10", "11", "12"]).mean()
    assert 0.25 < food < 0.45, "about a third in food, beverages and tobacco (Kuncoro 2007)"
    assert (pop.formality == 0).mean() > 0.8, "mostly informal (Kuncoro 2007: 90.6% without a notary deed)"
