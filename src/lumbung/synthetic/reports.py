"""Yearly report columns (workers, money, credit, training, online sales) for the firms alive in
one year, vectorised over firms.

Output per worker is BPS IMK 2025's province x class figure for micro and small firms and the
value-added-share solution for medium and large firms (calibration.py), times the firm's
productivity, a yearly shock and nominal growth. Inputs follow BPS's input/output ratio by
province and class; sales, assets, capital and investment scale with output (calibration.toml
[capital]); wages spread BPS labour cost over paid workers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pyarrow as pa

from lumbung.synthetic import calibration as cal
from lumbung.synthetic.calibration import SMALL
from lumbung.synthetic.enterprises import Traits, categorical, mean_one_lognormal
from lumbung.synthetic.panel import Firms, YearState

ROUND_TO = 1000  # reported money is rounded to thousands of rupiah, as respondents do


@lru_cache(maxsize=1)
def tables() -> dict[str, np.ndarray]:
    """Province x class (38 x 4) tables of output per worker, input share, wage, loan and online
    probabilities."""
    c = cal.raw()
    p = cal.provinces()
    n = len(p.codes)
    out_ml = cal.output_per_worker_medium_large()
    output_per_worker = np.column_stack([cal.output_per_worker_micro_small(), np.full(n, out_ml[0]), np.full(n, out_ml[1])])
    ml = c["medium_large"]
    input_share = np.column_stack([cal.input_share_micro_small(), np.full((n, 2), ml["input_share"])])
    wage = np.column_stack([cal.wage_per_paid_worker_micro_small(), np.tile(ml["wage_per_worker"], (n, 1))])
    credit = c["credit"]
    firms = p.firms.sum(axis=0)
    micro_factor = credit["micro_factor"]
    small_factor = (firms.sum() - micro_factor * firms[0]) / firms[1]  # keeps BPS's province mean
    loan = np.column_stack(
        [p.loan_share * micro_factor, (p.loan_share * small_factor).clip(0, 0.95), np.full((n, 2), credit["medium_large_probability"])]
    )
    online = np.column_stack([p.internet_share, p.internet_share, np.full((n, 2), c["market"]["online_medium_large"])])
    return {"output_per_worker": output_per_worker, "input_share": input_share, "wage": wage, "loan": loan, "online": online}


def money(values: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    rounded = (np.rint(values / ROUND_TO) * ROUND_TO).astype(np.int64)
    return pa.array(rounded, pa.int64(), mask=mask)


def missing(rng: np.random.Generator, key: str, n: int) -> np.ndarray:
    return rng.random(n) < cal.raw()["missing"].get(key, 0.0)


def columns(rng: np.random.Generator, state: YearState, year_index: int, year: int, firms: Firms, traits: Traits) -> dict[str, pa.Array]:
    c = cal.raw()
    t = tables()
    firm, workers, klass = state.firm, state.workers, state.size_class
    n = len(firm)
    province = firms.province[firm]
    growth = (1 + c["productivity"]["nominal_growth"]) ** year_index

    output = workers * t["output_per_worker"][province, klass] * traits.productivity[firm]
    output = output * mean_one_lognormal(rng, c["productivity"]["annual_sigma"], n) * growth
    input_share = (t["input_share"][province, klass] + traits.input_offset[firm]).clip(0.05, 0.95)
    inputs = output * input_share
    sales = output * mean_one_lognormal(rng, c["productivity"]["sales_sigma"], n)
    net_assets = output * np.array(c["capital"]["asset_output_ratio"])[klass] * traits.asset_noise[firm]
    capital = net_assets * traits.capital_factor[firm]
    investment = net_assets * traits.investment_factor[firm]

    paid, female = workforce(rng, workers, klass, traits.female_owner[firm])
    wages = paid * t["wage"][province, klass] * mean_one_lognormal(rng, 0.2, n) * growth

    market = c["market"]
    exporting = traits.export_u[firm] < np.array(market["exporter"])[klass]
    importing = traits.import_u[firm] < np.array(market["importer"])[klass]
    exports = np.where(exporting, sales * traits.export_share[firm], 0.0)
    imported = np.where(importing, inputs * traits.import_share[firm], 0.0)
    inputs_missing = missing(rng, "inputs", n)
    sales_missing = missing(rng, "sales", n)

    bank, kur, informal = credit(rng, klass, province, sales)
    return {
        "year": pa.array(np.full(n, year, dtype=np.int64)),
        "workers": pa.array(workers, pa.int64()),
        "workers_paid": pa.array(paid, pa.int64(), mask=missing(rng, "workers_paid", n)),
        "workers_female": pa.array(female, pa.int64(), mask=missing(rng, "workers_female", n)),
        "sales": money(sales, sales_missing),
        "output": money(output),
        "inputs": money(inputs, inputs_missing),
        "net_assets": money(net_assets, missing(rng, "net_assets", n)),
        "business_capital": money(capital, missing(rng, "business_capital", n)),
        "investment": money(investment, missing(rng, "investment", n)),
        "exports": money(np.minimum(exports, sales), sales_missing & exporting),
        "imported_inputs": money(np.minimum(imported, inputs), inputs_missing & importing),
        "wages": money(wages, missing(rng, "wages", n) & (paid > 0)),
        "credit_bank": money(bank),
        "credit_kur": money(kur),
        "credit_informal": money(informal),
        "trained": pa.array(rng.random(n) < np.array(market["trained"])[klass], mask=missing(rng, "trained", n)),
        "online_sales": pa.array(traits.online_u[firm] < t["online"][province, klass], mask=missing(rng, "online_sales", n)),
    }


def workforce(rng: np.random.Generator, workers: np.ndarray, klass: np.ndarray, female_owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Paid and female workers. In micro and small firms the owner is one of the workers and
    unpaid; medium and large firms pay everyone (calibration.toml [workforce])."""
    wf = cal.raw()["workforce"]
    owner_run = klass <= SMALL
    others = np.where(owner_run, workers - 1, workers)
    paid = rng.binomial(others, np.array(wf["paid_probability"])[klass])
    probability = wf["female_worker_probability"]
    p_female = np.where(
        owner_run,
        np.where(female_owner, probability["women_owned"], probability["men_owned"]),
        probability["medium_large"],
    )
    female = rng.binomial(others, p_female) + (owner_run & female_owner)
    return paid.astype(np.int64), female.astype(np.int64)


def credit(rng: np.random.Generator, klass: np.ndarray, province: np.ndarray, sales: np.ndarray) -> tuple[np.ndarray, ...]:
    """Outstanding credit by source (bank, KUR, informal) in rupiah; 0 for firms without loans.

    Whether a firm borrows: BPS IMK 2025 share of firms with loans by province (micro and small),
    calibration.toml [credit] for medium and large. The main source by class; some borrowers also
    owe a moneylender."""
    c = cal.raw()["credit"]
    n = len(klass)
    borrower = rng.random(n) < tables()["loan"][province, klass]
    names = ("kur", "bank", "informal")
    mix = np.array(
        [[c[key][s] for s in names] for key in ("main_source_micro", "main_source_small", "main_source_medium_large", "main_source_medium_large")]
    )
    main = categorical(rng, mix[klass])
    also_informal = rng.random(n) < c["also_informal"]
    informal_amount = np.exp(np.log(c["informal_median"]) + 0.8 * rng.standard_normal(n)).clip(500_000, c["informal_max"])
    kur = np.where(borrower & (main == 0), (sales * rng.uniform(0.1, 0.5, n)).clip(5_000_000, c["kur_max"]), 0.0)
    bank = np.where(borrower & (main == 1), sales * rng.uniform(0.1, 0.6, n), 0.0)
    informal = np.where(borrower & ((main == 2) | also_informal), informal_amount, 0.0)
    return bank, kur, informal

