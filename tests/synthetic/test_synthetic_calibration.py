"""One test per calibration target of the synthetic population (docs/synthetic.md), each with
its tolerance. Targets come from the published figures (BPS IMK 2025 province table, Kuncoro
2007 informality, ...) held in calibration.toml; the transcription of the BPS table is itself
checked against the shared reference file when it is present."""

from __future__ import annotations

import csv

import polars as pl
import pytest

from lumbung.synthetic import calibration as cal
from lumbung.synthetic import generate

FIRMS, YEARS, SEED, START = 50_000, 5, 11, 2021


@pytest.fixture(scope="module")
def population() -> pl.DataFrame:
    frame = pl.from_arrow(generate(FIRMS, YEARS, SEED, start_year=START))
    # BPS size class by persons engaged (1-4, 5-19, 20-99, 100+), computed here from the rule.
    size = (
        pl.when(pl.col("workers") <= 4).then(pl.lit("micro"))
        .when(pl.col("workers") <= 19).then(pl.lit("small"))
        .when(pl.col("workers") <= 99).then(pl.lit("medium"))
        .otherwise(pl.lit("large"))
    )
    return frame.with_columns(size.alias("size"), pl.col("region_code").str.slice(0, 2).alias("province"))


@pytest.fixture(scope="module")
def first_year(population) -> pl.DataFrame:
    return population.filter(pl.col("year") == START)


@pytest.fixture(scope="module")
def micro_small(first_year) -> pl.DataFrame:
    return first_year.filter(pl.col("size").is_in(["micro", "small"]))


def test_bps_table_transcribed_from_reference(shared_data):
    """calibration.toml carries the BPS IMK 2025 province table exactly (micro + small = total)."""
    with open(shared_data / "imk_bps_2025_provinsi.csv", encoding="utf-8") as handle:
        rows = {r["provinsi"]: r for r in csv.DictReader(handle, delimiter=";")}
    p = cal.provinces()
    assert len(p.names) == len(rows) == 38
    for i, name in enumerate(p.names):
        row = rows[name]
        assert p.firms[i].tolist() == [float(row["jumlah_perusahaan_mikro"]), float(row["jumlah_perusahaan_kecil"])]
        assert p.workers[i].sum() == float(row["jumlah_tk_total"])
        assert p.output[i].sum() == float(row["nilai_output_total"])
        assert p.value_added[i].sum() == float(row["nilai_tambah_total"])
    assert p.firms.sum() == 4_461_888 and p.workers.sum() == 9_484_645  # BPS national totals


def test_province_codes_are_kemendagri_provinces():
    from lumbung import geography

    codes = cal.provinces().codes
    assert len(set(codes)) == 38
    assert set(codes) == {code for code, _ in geography.provinces()}


def test_province_shares_of_micro_and_small_firms_within_1pp(micro_small):
    """Target: BPS IMK 2025 firms by province; tolerance 1 percentage point per province."""
    p = cal.provinces()
    expected = dict(zip(p.codes, p.firms.sum(axis=1) / p.firms.sum(), strict=True))
    counts = dict(micro_small.group_by("province").len().iter_rows())
    worst = max(abs(counts.get(code, 0) / micro_small.height - share) for code, share in expected.items())
    assert worst < 0.01
    # Jawa Tengah, Jawa Timur and Jawa Barat are the three largest (BPS: 843,886; 807,365; 734,788)
    top3 = sorted(counts, key=counts.get, reverse=True)[:3]
    assert set(top3) == {"32", "33", "35"}


def test_workers_per_firm_micro_and_small_within_3_percent(first_year):
    """Target: BPS IMK 2025 workers / firms: micro 1.67, small 8.20 nationally."""
    p = cal.provinces()
    for size, column in (("micro", 0), ("small", 1)):
        expected = p.workers[:, column].sum() / p.firms[:, column].sum()
        got = first_year.filter(pl.col("size") == size)["workers"].mean()
        assert got == pytest.approx(expected, rel=0.03)


def test_workers_per_firm_by_province_within_10_percent(first_year):
    """Per province (where the sample has at least 1,000 micro firms), micro workers per firm."""
    p = cal.provinces()
    expected = dict(zip(p.codes, p.workers[:, 0] / p.firms[:, 0], strict=True))
    by_province = first_year.filter(pl.col("size") == "micro").group_by("province").agg(pl.len(), pl.col("workers").mean())
    checked = 0
    for code, n, mean in by_province.iter_rows():
        if n >= 1000:
            assert mean == pytest.approx(expected[code], rel=0.10), code
            checked += 1
    assert checked >= 8


def test_output_and_value_added_per_worker_within_5_percent(first_year):
    """Target: BPS IMK 2025 output and value added per worker, micro and small (national)."""
    p = cal.provinces()
    for size, column in (("micro", 0), ("small", 1)):
        rows = first_year.filter((pl.col("size") == size) & pl.col("inputs").is_not_null())
        output_pw = rows["output"].sum() / rows["workers"].sum()
        value_added_pw = (rows["output"] - rows["inputs"]).sum() / rows["workers"].sum()
        assert output_pw == pytest.approx(p.output[:, column].sum() * 1e6 / p.workers[:, column].sum(), rel=0.05)
        assert value_added_pw == pytest.approx(p.value_added[:, column].sum() * 1e6 / p.workers[:, column].sum(), rel=0.05)


def test_value_added_per_worker_by_province_within_15_percent(first_year):
    """Provincial differences are kept: the four largest provinces within 15% of BPS."""
    p = cal.provinces()
    index = {code: i for i, code in enumerate(p.codes)}
    micro = first_year.filter((pl.col("size") == "micro") & pl.col("inputs").is_not_null())
    for code in ("32", "33", "35", "73"):
        rows = micro.filter(pl.col("province") == code)
        got = (rows["output"] - rows["inputs"]).sum() / rows["workers"].sum()
        i = index[code]
        assert got == pytest.approx(p.value_added[i, 0] * 1e6 / p.workers[i, 0], rel=0.15), code


def test_food_beverages_tobacco_about_a_third(first_year):
    """Target: about a third in food, beverages and tobacco (KBLI 10-12), Kuncoro 2007; 30-36%."""
    division = first_year["kbli"].str.slice(0, 2)
    share = division.is_in(["10", "11", "12"]).mean()
    assert 0.30 <= share <= 0.36
    # then non-metal minerals (23), textiles and apparel (13-14), wood/bamboo/rattan (16)
    groups = {"23": ["23"], "13-14": ["13", "14"], "16": ["16"]}
    shares = {g: division.is_in(d).mean() for g, d in groups.items()}
    assert all(0.08 <= s <= 0.16 for s in shares.values()), shares
    assert all(s < share for s in shares.values())


def test_micro_small_hold_units_and_workers_large_hold_output(first_year):
    """The paper's contradiction: micro + small > 95% of firms (BPS: 99.3%) and most workers,
    but < 50% of output; medium + large ~85% of value added (BPS IBS 2014: more than 85%)."""
    small = first_year["size"].is_in(["micro", "small"])
    rows = first_year.filter(pl.col("inputs").is_not_null())
    small_rows = rows["size"].is_in(["micro", "small"])
    value_added = rows["output"] - rows["inputs"]
    assert small.mean() > 0.95
    assert first_year.filter(small)["workers"].sum() / first_year["workers"].sum() > 0.5
    assert first_year.filter(small)["output"].sum() / first_year["output"].sum() < 0.5
    assert 0.75 <= value_added.filter(~small_rows).sum() / value_added.sum() <= 0.95


def test_medium_and_large_share_of_firms(first_year):
    """Target: ~30 thousand IBS establishments against 4.46 million IMK firms: 0.67% of firms."""
    share = first_year["size"].is_in(["medium", "large"]).mean()
    assert 0.004 <= share <= 0.010
    assert (first_year["size"] == "large").sum() > 0


def test_size_distribution_is_heavy_tailed(first_year):
    """Pareto tail: the top 1% of firms by workers produce more than half of all output."""
    threshold = first_year["workers"].quantile(0.99)
    top = first_year.filter(pl.col("workers") > threshold)
    assert top["output"].sum() / first_year["output"].sum() > 0.5
    assert first_year["workers"].max() >= 1000


def test_informality_shares_within_2pp(micro_small):
    """Target: 90.6% no notary deed, 4.7% notary deed, 1.7% legal entity (Kuncoro 2007), rest unknown."""
    status = micro_small["legal_status"]
    assert (status == "none").sum() / len(status) == pytest.approx(0.906, abs=0.02)
    assert (status == "notary_deed").sum() / len(status) == pytest.approx(0.047, abs=0.02)
    assert (status == "legal_entity").sum() / len(status) == pytest.approx(0.017, abs=0.02)
    assert status.null_count() / len(status) == pytest.approx(0.03, abs=0.02)


def test_legal_entities_concentrated_in_larger_firms(first_year, micro_small):
    mean_workers = dict(micro_small.group_by("legal_status").agg(pl.col("workers").mean()).iter_rows())
    assert mean_workers["legal_entity"] > 2 * mean_workers["none"]
    large = first_year.filter(pl.col("size") == "large")
    assert (large["legal_status"] == "legal_entity").mean() > 0.8
    forms = first_year.filter(pl.col("legal_status") == "legal_entity")["legal_form"]
    assert forms.is_in(["pt", "pt_perorangan", "koperasi"]).all()
    assert (first_year.filter(pl.col("legal_status") == "none")["legal_form"] == "perorangan").all()


def test_nib_rate_by_class(first_year):
    """NIB for a quarter of micro firms, rising with size; every legal entity has one."""
    has_nib = dict(first_year.group_by("size").agg(pl.col("nib").is_not_null().mean()).iter_rows())
    assert has_nib["micro"] == pytest.approx(0.25, abs=0.03)
    assert has_nib["micro"] < has_nib["small"] < has_nib["medium"] <= has_nib["large"]
    assert first_year.filter(pl.col("legal_status") == "legal_entity")["nib"].null_count() == 0


def test_share_of_firms_with_loans_within_2pp(micro_small):
    """Target: BPS IMK 2025 firms with loans / firms (8.6% nationally)."""
    p = cal.provinces()
    expected = p.loan_share @ p.firms.sum(axis=1) / p.firms.sum()
    borrowed = (micro_small["credit_bank"] + micro_small["credit_kur"] + micro_small["credit_informal"]) > 0
    assert borrowed.mean() == pytest.approx(expected, abs=0.02)


def test_moneylenders_are_a_main_source_for_micro_firms(first_year):
    micro = first_year.filter(pl.col("size") == "micro")
    borrowers = micro.filter((pl.col("credit_bank") + pl.col("credit_kur") + pl.col("credit_informal")) > 0)
    assert (borrowers["credit_informal"] > 0).mean() >= 0.3
    assert (borrowers["credit_kur"] > 0).mean() >= 0.2
    # KUR ceiling Rp500 million (Permenko 1/2023)
    assert first_year["credit_kur"].max() <= 500_000_000


def test_women_owned_shares(first_year):
    """Women own 55% of micro firms (±2pp) and fewer of the larger ones."""
    women = dict(first_year.group_by("size").agg((pl.col("owner_gender") == "F").sum() / pl.col("owner_gender").is_not_null().sum()).iter_rows())
    assert women["micro"] == pytest.approx(0.55, abs=0.02)
    assert women["micro"] > women["small"] > women["medium"]


def test_women_owned_firms_employ_more_women(micro_small):
    rows = micro_small.filter(pl.col("workers_female").is_not_null() & (pl.col("workers") > 1))
    share = rows.group_by("owner_gender").agg(((pl.col("workers_female") - (pl.col("owner_gender") == "F")) / (pl.col("workers") - 1)).mean())
    by_gender = dict(share.drop_nulls().iter_rows())
    assert by_gender["F"] > by_gender["M"] + 0.15


def test_exports_and_imports_concentrated_in_larger_firms(first_year):
    trade = dict(
        (size, (exp, imp))
        for size, exp, imp in first_year.group_by("size").agg((pl.col("exports") > 0).mean(), (pl.col("imported_inputs") > 0).mean()).iter_rows()
    )
    assert trade["micro"][0] < 0.03 and trade["large"][0] > 0.15
    assert trade["micro"][1] < trade["small"][1] < trade["medium"][1]


def test_online_sales_follow_bps_internet_use_within_2pp(micro_small):
    """Target: BPS IMK 2025 share of firms using the internet (53.6%) as the online-sales share."""
    p = cal.provinces()
    expected = p.internet_share @ p.firms.sum(axis=1) / p.firms.sum()
    online = micro_small["online_sales"].drop_nulls()
    assert online.mean() == pytest.approx(expected, abs=0.02)


def test_training_is_rare_among_micro_firms(first_year):
    trained = dict(first_year.group_by("size").agg(pl.col("trained").mean()).iter_rows())
    assert trained["micro"] < 0.2 < trained["large"]


def test_exit_and_entry_about_ten_percent_a_year(population):
    """Target: about 10% exit and 10% entry a year (issue 3); tolerance 8-12%."""
    ids = [set(population.filter(pl.col("year") == START + i)["source_id"]) for i in range(YEARS)]
    for before, after in zip(ids, ids[1:], strict=False):
        assert 0.08 <= len(before - after) / len(before) <= 0.12
        assert 0.08 <= len(after - before) / len(before) <= 0.12


def test_a_few_firms_move_up_a_class_each_year(population):
    order = {"micro": 0, "small": 1, "medium": 2, "large": 3}
    sized = population.select("source_id", "year", pl.col("size").replace_strict(order).alias("rank"))
    for i in range(YEARS - 1):
        pair = sized.filter(pl.col("year") == START + i).join(sized.filter(pl.col("year") == START + i + 1), on="source_id")
        up = (pair["rank_right"] > pair["rank"]).mean()
        assert 0.002 <= up <= 0.03


def test_class_mix_stays_near_bps_over_the_years(population):
    for year in range(START, START + YEARS):
        rows = population.filter(pl.col("year") == year)
        assert rows["size"].is_in(["micro", "small"]).mean() > 0.95
        assert (rows["size"] == "micro").mean() == pytest.approx(cal.class_shares()[0], abs=0.02)


def test_output_per_worker_grows(population):
    """Nominal growth of output per worker (6% a year assumed): between 0% and 15%."""
    first = population.filter(pl.col("year") == START)
    last = population.filter(pl.col("year") == START + YEARS - 1)
    micro_first = first.filter(pl.col("size") == "micro")
    micro_last = last.filter(pl.col("size") == "micro")
    ratio = (micro_last["output"].sum() / micro_last["workers"].sum()) / (micro_first["output"].sum() / micro_first["workers"].sum())
    yearly = ratio ** (1 / (YEARS - 1)) - 1
    assert 0.0 < yearly < 0.15


def test_size_regimes_give_sensible_classes(first_year):
    """The money columns agree with the BPS worker classes under UU 20/2008 (micro: assets <=
    Rp50 million or sales <= Rp300 million; large: assets > Rp10 billion or sales > Rp50 billion)
    and Permenperin 64/2016 (large: 20+ workers and investment > Rp15 billion), for most firms."""
    micro = first_year.filter((pl.col("size") == "micro") & pl.col("net_assets").is_not_null() & pl.col("sales").is_not_null())
    uu20_micro = (micro["net_assets"] <= 50_000_000) | (micro["sales"] <= 300_000_000)
    assert uu20_micro.mean() > 0.8
    large = first_year.filter((pl.col("size") == "large") & pl.col("net_assets").is_not_null() & pl.col("sales").is_not_null())
    assert ((large["net_assets"] > 10_000_000_000) | (large["sales"] > 50_000_000_000)).mean() > 0.8
    invested = first_year.filter((pl.col("size") == "large") & pl.col("investment").is_not_null())
    assert (invested["investment"] > 15_000_000_000).mean() > 0.7


def test_missing_cells_small_and_realistic(first_year):
    n = first_year.height
    assert 0.03 <= first_year["inputs"].null_count() / n <= 0.07
    for column in ("source_id", "name", "region_code", "kbli", "year", "workers", "output"):
        assert first_year[column].null_count() == 0, column
    for column in ("net_assets", "business_capital", "investment", "workers_female", "owner_nik"):
        assert 0 < first_year[column].null_count() / n < 0.1, column
