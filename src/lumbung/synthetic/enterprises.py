"""Enterprise attributes that stay fixed over a firm's life: where it is, what it makes, who owns
it, its legal status, NIB and the firm-level draws (productivity, trade, online) that the yearly
reports reuse. One row per firm that ever lives; vectorised over firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumbung.synthetic import calibration as cal
from lumbung.synthetic import identity, reference
from lumbung.synthetic.calibration import LARGE, MEDIUM, SMALL
from lumbung.synthetic.panel import Panel


@dataclass
class Traits:
    """Firm-level draws reused by every yearly report (index = firm id)."""

    division: np.ndarray
    female_owner: np.ndarray
    productivity: np.ndarray
    input_offset: np.ndarray
    asset_noise: np.ndarray
    capital_factor: np.ndarray
    investment_factor: np.ndarray
    export_u: np.ndarray
    export_share: np.ndarray
    import_u: np.ndarray
    import_share: np.ndarray
    online_u: np.ndarray


def mean_one_lognormal(rng: np.random.Generator, sigma: float, n: int) -> np.ndarray:
    return np.exp(sigma * rng.standard_normal(n) - sigma**2 / 2)


def beta_with_mean(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Beta(2, b) draws with the given means (b = 2 (1 - mean) / mean)."""
    return rng.beta(2.0, 2.0 * (1 - mean) / mean)


def categorical(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One draw per row of ``probabilities`` (rows sum to 1)."""
    cdf = np.cumsum(probabilities, axis=1)
    return (rng.random(len(probabilities))[:, None] >= cdf[:, :-1]).sum(axis=1)


def draw_traits(rng: np.random.Generator, panel: Panel) -> Traits:
    n = len(panel.firms)
    birth = panel.firms.birth_class
    _, division_shares = cal.division_shares()
    division = np.searchsorted(np.cumsum(division_shares), rng.random(n), side="right").clip(0, len(division_shares) - 1)
    c = cal.raw()
    prod, cap, market = c["productivity"], c["capital"], c["market"]
    women = np.array(c["workforce"]["women_owned"])[birth]
    return Traits(
        division=division,
        female_owner=rng.random(n) < women,
        productivity=mean_one_lognormal(rng, prod["firm_sigma"], n),
        input_offset=rng.normal(0.0, prod["input_share_sd"], n),
        asset_noise=mean_one_lognormal(rng, cap["asset_sigma"], n),
        capital_factor=rng.uniform(*cap["business_capital_factor"], n),
        investment_factor=rng.uniform(*cap["investment_factor"], n),
        export_u=rng.random(n),
        export_share=beta_with_mean(rng, np.array(market["export_share_mean"])[birth]),
        import_u=rng.random(n),
        import_share=beta_with_mean(rng, np.array(market["import_share_mean"])[birth]),
        online_u=rng.random(n),
    )


def legal_statuses(rng: np.random.Generator, birth_class: np.ndarray, workers: np.ndarray, cohort: np.ndarray) -> pa.Array:
    """Micro and small firms: exactly the Kuncoro 2007 shares (3.0% unknown) in each entry
    cohort, legal entities and deeds going to the larger firms by a noisy size rank. Medium and
    large: class shares (calibration.toml [legal])."""
    legal = cal.raw()["legal"]
    n = len(birth_class)
    status = np.full(n, "none", dtype=object)
    known = np.ones(n, dtype=bool)
    shares = legal["micro_small"]
    total = sum(shares.values())
    for year in np.unique(cohort):
        small = np.flatnonzero((birth_class <= SMALL) & (cohort == year))
        unknown = rng.random(len(small)) < 1 - total
        known[small[unknown]] = False
        ranked = small[~unknown]
        score = np.log(workers[ranked]) + rng.normal(0.0, 0.6, len(ranked))
        order = ranked[np.argsort(-score, kind="stable")]
        n_entity = int(round(len(order) * shares["legal_entity"] / total))
        n_deed = int(round(len(order) * shares["notary_deed"] / total))
        status[order[:n_entity]] = "legal_entity"
        status[order[n_entity : n_entity + n_deed]] = "notary_deed"

    names = ("none", "notary_deed", "legal_entity")
    for klass, key in ((MEDIUM, "medium"), (LARGE, "large")):
        sel = np.flatnonzero(birth_class == klass)
        p = np.array([legal[key][s] for s in names])
        status[sel] = np.array(names, dtype=object)[categorical(rng, np.tile(p / p.sum(), (len(sel), 1)))]
    return pa.array(status, pa.string(), mask=~known)


def legal_forms(rng: np.random.Generator, status: pa.Array) -> pa.Array:
    legal = cal.raw()["legal"]
    values = np.asarray(status.fill_null("").to_numpy(zero_copy_only=False), dtype=object)
    form = np.full(len(values), "perorangan", dtype=object)
    for key, table in (("legal_entity", "legal_entity_forms"), ("notary_deed", "notary_deed_forms")):
        sel = np.flatnonzero(values == key)
        names = list(legal[table])
        p = np.array([legal[table][f] for f in names])
        form[sel] = np.array(names, dtype=object)[categorical(rng, np.tile(p / p.sum(), (len(sel), 1)))]
    return pa.array(form, pa.string(), mask=values == "")


def founded_years(rng: np.random.Generator, panel: Panel, start_year: int) -> np.ndarray:
    mean_age = np.array(cal.raw()["dynamics"]["mean_age"], dtype=np.float64)[panel.firms.birth_class]
    age = np.minimum(rng.geometric(1.0 / mean_age) - 1, 70)  # a few very old firms, none older than 70
    return np.where(panel.firms.entry_year > 0, start_year + panel.firms.entry_year, start_year - age).astype(np.int64)


def owner_birth_years(rng: np.random.Generator, founded: np.ndarray, first_year: np.ndarray) -> np.ndarray:
    """The owner is 18 or older at founding and 20 to 75 in the firm's first observed year (old
    firms have passed to a younger owner)."""
    owner_age = (first_year - founded + 18 + rng.integers(0, 25, len(founded))).clip(20, 75)
    return first_year - owner_age


def reported_scales(business_capital: np.ndarray, has_nib: np.ndarray) -> pa.Array:
    """Scale OSS assigns at NIB registration by business capital (PP 7/2021 Art. 35(3)):
    micro <= Rp1 billion, small <= 5 billion, medium <= 10 billion, above: large."""
    thresholds = np.array([1e9, 5e9, 10e9])
    index = np.searchsorted(thresholds, business_capital, side="left")
    return pa.array(np.array(cal.CLASS_NAMES, dtype=object)[index], pa.string(), mask=~has_nib)


def with_missing(rng: np.random.Generator, values: np.ndarray, key: str, type_: pa.DataType) -> pa.Array:
    share = cal.raw()["missing"].get(key, 0.0)
    return pa.array(values, type_, mask=rng.random(len(values)) < share)


def columns(
    rng: np.random.Generator, panel: Panel, traits: Traits, seed: int, start_year: int, birth_capital: np.ndarray,
    ids: identity.IdBlock | None = None,
) -> dict[str, pa.Array]:
    """The enterprise columns of the template, one entry per firm id (ids from ``ids`` when given)."""
    firms = panel.firms
    n = len(firms)
    birth = firms.birth_class
    legal = cal.raw()["legal"]
    provinces = cal.provinces().codes
    divisions, _ = cal.division_shares()

    villages, v_offset, v_count = reference.village_table(provinces)
    region = pa.array(villages[v_offset[firms.province] + np.floor(rng.random(n) * v_count[firms.province]).astype(np.int64)], pa.string())
    subclasses, k_offset, k_count = reference.subclass_table(divisions)
    kbli = pa.array(subclasses[k_offset[traits.division] + np.floor(rng.random(n) * k_count[traits.division]).astype(np.int64)], pa.string())

    status = legal_statuses(rng, birth, firms.birth_workers, firms.entry_year)
    form = legal_forms(rng, status)
    is_entity = np.asarray(status.fill_null("").to_numpy(zero_copy_only=False), dtype=object) == "legal_entity"
    has_nib = is_entity | (rng.random(n) < np.array(legal["nib"])[birth])
    nib_values = identity.nibs(rng, n) if ids is None else identity.nibs(rng, n, ids.first, ids.nib_offset)
    founded = founded_years(rng, panel, start_year)
    birth_year = owner_birth_years(rng, founded, start_year + firms.entry_year)
    female = traits.female_owner

    return {
        "source_id": identity.source_ids(seed, n) if ids is None else identity.source_ids(ids.seed, n, ids.first),
        "nib": pa.array(nib_values.to_numpy(zero_copy_only=False), pa.string(), mask=~has_nib),
        "name": identity.business_names(rng, traits.division, form, divisions),
        "owner_name": identity.owner_names(rng, female),
        "owner_gender": with_missing(rng, np.where(female, "F", "M").astype(object), "owner_gender", pa.string()),
        "owner_nik": _mask(rng, identity.niks(rng, region, female, birth_year), "owner_nik"),
        "founded_year": with_missing(rng, founded, "founded_year", pa.int64()),
        "region_code": region,
        "kbli": kbli,
        "legal_status": status,
        "legal_form": form,
        "indonesian_owned": with_missing(rng, rng.random(n) < np.array(legal["indonesian_owned"])[birth], "indonesian_owned", pa.bool_()),
        "independent": with_missing(rng, rng.random(n) < np.array(legal["independent"])[birth], "independent", pa.bool_()),
        "reported_scale": reported_scales(birth_capital, has_nib),
    }


def _mask(rng: np.random.Generator, array: pa.Array, key: str) -> pa.Array:
    """``array`` with a share of cells (calibration.toml [missing]) set to null."""
    share = cal.raw()["missing"].get(key, 0.0)
    mask = pa.array(rng.random(len(array)) < share)
    return pc.if_else(mask, pa.scalar(None, array.type), array)
