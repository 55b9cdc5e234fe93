"""The lab's firm population: one row per firm, held as a structure of NumPy arrays.

Money is rupiah in float32 (seven significant digits are plenty for a simulation state; totals
are summed in float64). Categorical attributes are small integer codes into label lists.
A population is built from registry-template rows (:func:`from_table`), from the synthetic
population (:func:`synthetic`) or from the registry's reports as an Arrow table
(:func:`from_reports`; ``lumbung simulate --from-registry`` reads them, this module never touches
the database).

States that the registry does not observe (skill, input quality, technique, foreign-currency
debt, productivity) are imputed from the documented distributions in ``IMPUTATION`` below;
docs/lab.md lists each with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lumbung.errors import UserError
from lumbung.i18n import _
from lumbung.lab.codes import DIVISIONS, FORMALITY, PROVINCES, size_class_of
from lumbung.lab.production import potential_value_added_typical
from lumbung.lab.scenarios import baseline_parameters
from lumbung.synthetic.generator import generate

# Documented distributions for what the registry does not observe (see docs/lab.md).
IMPUTATION = {
    # Owner skill index in [0, 1]: Beta(2, 4) (mean 0.33): "low vocational education" is one link
    # of the vicious circle (Lempelius & Thoma 1979, DIMENSIA 2011). Training adds 0.15.
    "owner_skill": (2.0, 4.0),
    "trained_bonus": 0.15,
    # Worker skill index in [0, 1]: Beta(2, 5), higher in bigger firms (+0.05 per size class).
    "worker_skill": (2.0, 5.0),
    # Input quality in [0, 1]: Beta(3, 4), +0.15 for firms that import inputs ("low-quality raw
    # materials" and "no access to imports", James & Akrasane 1993, DIMENSIA 2011).
    "input_quality": (3.0, 4.0),
    "import_quality_bonus": 0.15,
    # Foreign-currency share of bank debt by size class: large Indonesian firms borrowed
    # unhedged in dollars before 1997 (Radelet & Sachs 1998); micro and small firms did not.
    "fx_share_by_size": (0.0, 0.02, 0.15, 0.40),
    # Log-productivity spread when output is not reported: sd 0.4 (calibration assumption).
    "productivity_sd": 0.4,
}


@dataclass
class Population:
    """Firms as parallel arrays; index i is one firm in every array."""

    capital: np.ndarray  # float32, Rp: equipment and other net assets excl. land and buildings
    owner_skill: np.ndarray  # float32, index 0..1
    worker_skill: np.ndarray  # float32, index 0..1
    input_quality: np.ndarray  # float32, index 0..1
    technique: np.ndarray  # int8, 0 traditional / 1 modern
    workers: np.ndarray  # float32, persons engaged
    debt_bank: np.ndarray  # float32, Rp
    debt_kur: np.ndarray  # float32, Rp
    debt_moneylender: np.ndarray  # float32, Rp
    cash: np.ndarray  # float32, Rp (working capital)
    division: np.ndarray  # int16 index into DIVISIONS
    province: np.ndarray  # int16 index into PROVINCES
    age: np.ndarray  # float32, years
    partner: np.ndarray  # bool, has a partnership (Bapak-Anak Angkat, nucleus-plasma)
    nucleus: np.ndarray  # int32, id of the nucleus firm, -1 none
    formality: np.ndarray  # int8 index into FORMALITY
    import_share: np.ndarray  # float32, imported inputs / inputs
    export_share: np.ndarray  # float32, exports / sales
    fx_debt_share: np.ndarray  # float32, foreign-currency share of bank debt
    productivity: np.ndarray  # float32, firm TFP multiplier (1 = typical)
    region_code: tuple[str, ...] = field(default=PROVINCES)  # labels of `province`
    division_code: tuple[str, ...] = field(default=DIVISIONS)  # labels of `division`

    ARRAYS = (
        "capital", "owner_skill", "worker_skill", "input_quality", "technique", "workers",
        "debt_bank", "debt_kur", "debt_moneylender", "cash", "division", "province", "age",
        "partner", "nucleus", "formality", "import_share", "export_share", "fx_debt_share",
        "productivity",
    )

    def __len__(self) -> int:
        return int(self.capital.shape[0])

    @property
    def size_class(self) -> np.ndarray:
        """int8 index into SIZE_CLASSES by persons engaged (BPS)."""
        return size_class_of(self.workers)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.ARRAYS}

    def take(self, index: np.ndarray) -> "Population":
        """A sub-population (rows `index`)."""
        return Population(**{n: a[index] for n, a in self.arrays().items()},
                          region_code=self.region_code, division_code=self.division_code)

    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays().values())


# ----------------------------------------------------------------------------- from rows

def _column(table, name: str, dtype=np.float64) -> np.ndarray:
    """A column as float array with NaN for missing (or object array for text)."""
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan) if dtype is not object else np.full(table.num_rows, None)
    col = table.column(name)
    if dtype is object:
        return np.array(col.to_pylist(), dtype=object)
    if pa.types.is_boolean(col.type):
        col = pc.cast(col, pa.float64())
    return col.to_numpy(zero_copy_only=False).astype(np.float64)


def _latest_rows(table):
    """Keep the latest year per firm (source_id, else NIB, else name + region + KBLI)."""
    n = table.num_rows
    keys = None
    for name in ("source_id", "nib"):
        if name in table.column_names and table.column(name).null_count < n:
            vals = _column(table, name, object)
            if all(v is not None for v in vals):
                keys = vals.astype(str)
                break
    if keys is None:
        parts = [_column(table, c, object).astype(str) for c in ("name", "region_code", "kbli")
                 if c in table.column_names]
        keys = np.array(["|".join(p) for p in zip(*parts, strict=True)]) if parts else np.arange(n).astype(str)
    year = np.nan_to_num(_column(table, "year"), nan=-1)
    order = np.lexsort((year, keys))
    sorted_keys = keys[order]
    last = np.ones(n, dtype=bool)
    last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    return table.take(np.sort(order[last]))


def _codes(values: np.ndarray, labels: tuple[str, ...], unknown: int) -> np.ndarray:
    lookup = {lab: i for i, lab in enumerate(labels)}
    return np.array([lookup.get(v, unknown) for v in values], dtype=np.int16)


def from_table(table, seed: int = 0) -> Population:
    """Population from registry-template rows (lumbung.vocabulary.TEMPLATE_COLUMNS).

    Takes each firm's latest year; rows outside manufacturing (KBLI section C, divisions 10-33)
    are dropped, since the lab models industry only. `seed` drives the imputation of unobserved
    states (IMPUTATION; docs/lab.md).
    """
    table = _latest_rows(table)
    kbli = _column(table, "kbli", object)
    division = np.array([str(k)[:2] if k is not None else "" for k in kbli])
    keep = np.isin(division, DIVISIONS)
    if not keep.all():
        table = table.filter(keep)
        division = division[keep]
    region = _column(table, "region_code", object)
    province = np.array([str(r).replace(".", "")[:2] if r is not None else "" for r in region])
    legal = _column(table, "legal_status", object)
    columns = {
        "division": _codes(division, DIVISIONS, 0),
        "province": _codes(province, PROVINCES, PROVINCES.index("33")),
        "formality": np.array([FORMALITY.index(v) if v in FORMALITY else 0 for v in legal], dtype=np.int8),
    }
    for name in ("workers", "net_assets", "output", "inputs", "sales", "exports", "imported_inputs",
                 "credit_bank", "credit_kur", "credit_informal", "trained", "founded_year", "year"):
        columns[name] = _column(table, name)
    return from_columns(columns, seed)


def from_columns(c: dict[str, np.ndarray], seed: int = 0) -> Population:
    """Map observed registry columns (float arrays, NaN = missing) to model states; impute the rest."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0xB0B,)))
    n = len(c["division"])
    f32 = np.float32
    # Persons engaged; missing: 1 + geometric (most IKM are one- or two-person units, BPS 1994
    # via Kuncoro 2007: 15.6 of 34.3 million small entrepreneurs worked alone).
    workers = c["workers"].copy()
    miss = ~np.isfinite(workers) | (workers < 1)
    workers[miss] = rng.geometric(0.55, miss.sum())
    size = size_class_of(workers.astype(f32))
    # Capital: net assets; missing -> Rp 8 million per worker x lognormal(0, 0.8) (calibration
    # assumption matching micro net assets well under the UU 20/2008 Rp50 million ceiling).
    capital = c["net_assets"].copy()
    miss = ~np.isfinite(capital) | (capital <= 0)
    capital[miss] = 8e6 * workers[miss] ** 1.15 * rng.lognormal(0.0, 0.8, miss.sum())
    capital = np.maximum(capital, 5e5)
    a, b = IMPUTATION["owner_skill"]
    owner_skill = rng.beta(a, b, n) + IMPUTATION["trained_bonus"] * (np.nan_to_num(c["trained"]) > 0)
    a, b = IMPUTATION["worker_skill"]
    worker_skill = rng.beta(a, b, n) + 0.05 * size
    inputs = c["inputs"]
    imported = np.nan_to_num(c["imported_inputs"])
    import_share = np.where(np.isfinite(inputs) & (inputs > 0), imported / np.where(inputs > 0, inputs, 1), 0.0)
    import_share = np.clip(np.nan_to_num(import_share), 0, 1)
    a, b = IMPUTATION["input_quality"]
    input_quality = rng.beta(a, b, n) + IMPUTATION["import_quality_bonus"] * (import_share > 0)
    sales = c["sales"]
    out = np.where(np.isfinite(c["output"]), c["output"], sales)
    export_share = np.where(np.isfinite(out) & (out > 0), np.nan_to_num(c["exports"]) / np.where(out > 0, out, 1), 0)
    export_share = np.clip(np.nan_to_num(export_share), 0, 1)
    fx = np.array(IMPUTATION["fx_share_by_size"], dtype=np.float64)[size]
    # Reported credit is taken as outstanding debt, capped at what collateral supports: formal
    # credit (bank + KUR) at the firm's capital, moneylender debt at the moneylender's cap. Larger
    # figures are read as loan flows over the year rather than balances.
    p = baseline_parameters()
    debt_bank = np.minimum(np.nan_to_num(c["credit_bank"]), capital)
    debt_kur = np.minimum(np.nan_to_num(c["credit_kur"]), np.maximum(capital - debt_bank, 0))
    debt_ml = np.minimum(np.nan_to_num(c["credit_informal"]), p["moneylender_cap"])
    fx = np.where(debt_bank > 0, fx, 0.0)
    # Productivity: where output and inputs are reported, the firm's value added relative to the
    # typical firm of its capital and workers (shrunk half-way to 1 and clipped, since one year of
    # reported figures is noisy); otherwise lognormal(0, sd).
    # Technique: modern where the firm passes the model's upgrade thresholds, and in medium and
    # large firms (BPS IBS establishments work with machines).
    technique = (((capital >= p["upgrade_capital"]) & (owner_skill >= p["upgrade_skill"])) | (workers >= 20)).astype(np.int8)
    typical = potential_value_added_typical(capital, workers, owner_skill, worker_skill, input_quality, technique)
    va = out - np.nan_to_num(inputs, nan=np.nan)
    observed = np.isfinite(va) & (va > 0)
    log_z = rng.normal(0.0, IMPUTATION["productivity_sd"], n)
    log_z[observed] = 0.5 * np.log(va[observed] / 4.0 / typical[observed])
    productivity = np.exp(np.clip(log_z, -1.2, 1.2))
    founded = c["founded_year"]
    year = np.where(np.isfinite(c["year"]), c["year"], np.nanmax(c["year"]) if np.isfinite(c["year"]).any() else 2024)
    age = np.where(np.isfinite(founded), np.maximum(year - founded, 0), rng.exponential(8.0, n))
    # Cash: one quarter of value added as working capital (calibration assumption).
    cash = 0.25 * typical * productivity
    return Population(
        capital=capital.astype(f32), owner_skill=np.clip(owner_skill, 0, 1).astype(f32),
        worker_skill=np.clip(worker_skill, 0, 1).astype(f32), input_quality=np.clip(input_quality, 0, 1).astype(f32),
        technique=technique, workers=workers.astype(f32), debt_bank=debt_bank.astype(f32),
        debt_kur=debt_kur.astype(f32), debt_moneylender=debt_ml.astype(f32), cash=cash.astype(f32),
        division=c["division"].astype(np.int16), province=c["province"].astype(np.int16), age=age.astype(f32),
        partner=np.zeros(n, dtype=bool), nucleus=np.full(n, -1, dtype=np.int32),
        formality=c["formality"].astype(np.int8), import_share=import_share.astype(f32),
        export_share=export_share.astype(f32), fx_debt_share=fx.astype(f32), productivity=productivity.astype(f32),
    )


# ----------------------------------------------------------------------------- synthetic

#: Largest population :func:`synthetic` builds through the template rows by default; larger ones
#: are drawn as arrays directly (building a national table only to read it back would dominate).
TEMPLATE_LIMIT = 200_000

# Division weights: about one third food, beverages and tobacco, then non-metal minerals,
# textiles, and wood/bamboo/rattan (Kuncoro 2007, DIMENSIA 2011); the rest are assumptions.
_DIVISION_WEIGHTS = {
    "10": 30, "11": 2, "12": 3, "13": 7, "14": 9, "15": 2, "16": 10, "17": 0.5, "18": 1.5,
    "19": 0.1, "20": 0.5, "21": 0.2, "22": 1.5, "23": 9, "24": 0.3, "25": 4, "26": 0.4,
    "27": 0.3, "28": 0.4, "29": 0.3, "30": 0.3, "31": 7, "32": 6, "33": 0.5,
}
# Java holds most IKM; weights are assumptions (Central and East Java largest).
_PROVINCE_WEIGHTS = {"32": 14, "33": 20, "35": 18, "34": 3, "36": 3, "31": 2}


def draw_columns(firms: int, seed: int) -> dict[str, np.ndarray]:
    """Observed registry columns for a synthetic population, drawn directly as arrays.

    Used when lumbung.synthetic is unavailable and for national-scale runs, where building a
    4.4-million-row template table only to read it back would dominate the run time.
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x5EED,)))
    dw = np.array([_DIVISION_WEIGHTS[d] for d in DIVISIONS], dtype=float)
    pw = np.array([_PROVINCE_WEIGHTS.get(p, 1.0) for p in PROVINCES], dtype=float)
    division = rng.choice(len(DIVISIONS), firms, p=dw / dw.sum()).astype(np.int16)
    province = rng.choice(len(PROVINCES), firms, p=pw / pw.sum()).astype(np.int16)
    # Persons engaged: Pareto-like tail (most firms 1-4 persons; a thin tail of large firms).
    workers = np.floor(rng.pareto(1.3, firms) * 1.6 + 1.0)
    workers = np.minimum(workers, 20000)
    capital = 8e6 * workers ** 1.15 * rng.lognormal(0.0, 0.8, firms)
    # Output: value added per worker rises with capital per worker; inputs ~ 55% of output.
    va = 2.0 * capital ** 0.35 * (1e6 * workers) ** 0.65 * rng.lognormal(0, 0.3, firms) / 1.0
    output = va / 0.45
    inputs = output - va
    formal_p = np.where(workers >= 20, 0.8, np.where(workers >= 5, 0.2, 0.05))
    u = rng.random(firms)
    formality = np.where(u < formal_p * 0.7, 2, np.where(u < formal_p, 1, 0)).astype(np.int8)
    imports = rng.random(firms) < np.where(workers >= 20, 0.5, 0.1)
    imported = np.where(imports, inputs * rng.uniform(0.1, 0.7, firms), 0.0)
    exporter = rng.random(firms) < np.where(workers >= 20, 0.3, 0.03)
    exports = np.where(exporter, output * rng.uniform(0.1, 0.6, firms), 0.0)
    bank = np.where(rng.random(firms) < np.where(formality > 0, 0.5, 0.05), capital * rng.uniform(0.1, 0.6, firms), 0)
    informal = np.where(rng.random(firms) < 0.15, np.minimum(capital * 0.2, 5e6), 0.0)
    return {
        "division": division, "province": province, "formality": formality,
        "workers": workers, "net_assets": capital, "output": output, "inputs": inputs, "sales": output,
        "exports": exports, "imported_inputs": imported, "credit_bank": bank,
        "credit_kur": np.zeros(firms), "credit_informal": informal,
        "trained": (rng.random(firms) < 0.1).astype(float), "founded_year": 2024 - np.floor(rng.exponential(9, firms)),
        "year": np.full(firms, 2024.0),
    }


def synthetic(firms: int, seed: int = 0, via_template: bool | None = None) -> Population:
    """A synthetic population of `firms` firms.

    With `via_template` (default for up to 200,000 firms), rows come from
    ``lumbung.synthetic.generate(firms, years=1, seed=seed)`` and go through :func:`from_table`,
    the same path as registry data; otherwise columns are drawn directly (:func:`draw_columns`).
    """
    if firms < 1:
        raise UserError(_("firms must be at least 1"))
    if via_template is None:
        via_template = firms <= TEMPLATE_LIMIT
    if via_template:
        return from_table(generate(firms, years=1, seed=seed), seed=seed)
    return from_columns(draw_columns(firms, seed), seed=seed)


#: Registry columns that identify a firm: its enterprise id (registry.rows), else the template's.
REGISTRY_KEY = "enterprise_id"


def from_reports(table: pa.Table, year: int | None = None, seed: int = 0) -> Population:
    """Population from the registry's reports joined to their enterprises (the table that
    ``lumbung.registry.rows.reports_table()`` returns: ``enterprise_id`` and the vocabulary's
    columns): each enterprise's latest report (up to `year`), firms in enterprise-id order.
    """
    if year is not None and table.num_rows:
        table = table.filter(pc.less_equal(table.column("year"), year))
    if table.num_rows == 0:
        raise UserError(_("the registry holds no annual reports"))
    if REGISTRY_KEY in table.column_names:
        table = table.sort_by([(REGISTRY_KEY, "ascending"), ("year", "ascending")])
        key = pc.cast(table.column(REGISTRY_KEY), pa.string())
        names = [c for c in table.column_names if c != REGISTRY_KEY]
        table = table.select(names)
        if "source_id" in names:
            table = table.set_column(names.index("source_id"), "source_id", key)
        else:
            table = table.append_column("source_id", key)
    return from_table(table, seed=seed)
