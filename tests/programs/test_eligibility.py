"""Eligibility rules as data (lumbung.eligibility): the grammar refuses what is not a rule, the
vectorised evaluation agrees with the scalar size-class engine at every regime's thresholds, and a
missing value gives "unknown", never a silent "no"."""

from __future__ import annotations

import polars as pl
import pytest

from lumbung.eligibility import RuleError, catalogue, counts, eligible_all, parse
from lumbung.eligibility.population import clauses, prepare
from lumbung.sizeclass import classify

KUR = 'size("pp-7-2021") in ["micro", "small"] and credit_bank == 0'


def frame(**columns) -> pl.DataFrame:
    n = len(next(iter(columns.values())))
    return pl.DataFrame({"enterprise_id": list(range(1, n + 1)), "year": [2023] * n, **columns})


def verdicts(rule: str, data: pl.DataFrame) -> list:
    return eligible_all({"p": rule}, data).sort("enterprise_id").get_column("p").to_list()


# ---------------------------------------------------------------- thresholds, each regime

# (regime, inputs, class that the regulation gives): values at and just past each threshold.
THRESHOLDS = [
    # BPS: household/craft 1-4 persons, small 5-19, medium 20-99, large 100+
    ("bps-workers", {"workers": 4}, "micro"), ("bps-workers", {"workers": 5}, "small"),
    ("bps-workers", {"workers": 19}, "small"), ("bps-workers", {"workers": 20}, "medium"),
    ("bps-workers", {"workers": 99}, "medium"), ("bps-workers", {"workers": 100}, "large"),
    # PP 7/2021 by annual sales: micro <= Rp2 bn, small <= 15 bn, medium <= 50 bn
    ("pp-7-2021", {"sales": 2_000_000_000}, "micro"), ("pp-7-2021", {"sales": 2_000_000_001}, "small"),
    ("pp-7-2021", {"sales": 15_000_000_000}, "small"), ("pp-7-2021", {"sales": 15_000_000_001}, "medium"),
    ("pp-7-2021", {"sales": 50_000_000_000}, "medium"), ("pp-7-2021", {"sales": 50_000_000_001}, "large"),
    # UU 20/2008: micro assets <= 50 m or sales <= 300 m; small <= 500 m / 2.5 bn; medium <= 10 bn / 50 bn
    ("uu-20-2008", {"net_assets": 50_000_000, "sales": 300_000_000}, "micro"),
    ("uu-20-2008", {"net_assets": 50_000_001, "sales": 300_000_001}, "small"),
    ("uu-20-2008", {"net_assets": 500_000_000, "sales": 2_500_000_000}, "small"),
    ("uu-20-2008", {"net_assets": 500_000_001, "sales": 2_500_000_001}, "medium"),
    # UU 9/1995: small when net assets <= Rp200 m or sales <= Rp1 bn, Indonesian-owned and independent
    ("uu-9-1995", {"net_assets": 200_000_000, "sales": 5_000_000_000, "indonesian_owned": True,
                   "independent": True}, "small"),
    ("uu-9-1995", {"net_assets": 200_000_001, "sales": 1_000_000_000, "indonesian_owned": True,
                   "independent": True}, "small"),
    ("uu-9-1995", {"net_assets": 200_000_001, "sales": 1_000_000_001, "indonesian_owned": True,
                   "independent": True}, "medium"),
    ("uu-9-1995", {"net_assets": 100, "sales": 100, "indonesian_owned": True, "independent": False}, "medium"),
    # Permenperin 64/2016: small <= 19 workers and investment < Rp1 bn
    ("permenperin-64-2016", {"workers": 19, "investment": 999_999_999}, "small"),
    ("permenperin-64-2016", {"workers": 19, "investment": 1_000_000_000}, "medium"),
    ("permenperin-64-2016", {"workers": 20, "investment": 15_000_000_000}, "medium"),
    ("permenperin-64-2016", {"workers": 20, "investment": 15_000_000_001}, "large"),
]


@pytest.mark.parametrize(("regime", "inputs", "expected"), THRESHOLDS)
def test_size_rule_at_each_threshold(regime, inputs, expected):
    assert classify(inputs, regime).size_class == expected  # the engine's own verdict, for reference
    data = frame(**{k: [v] for k, v in inputs.items()})
    for size in ("micro", "small", "medium", "large"):
        assert verdicts(f'size("{regime}") == "{size}"', data) == [size == expected], (regime, inputs, size)


def test_kur_at_its_thresholds():
    data = frame(sales=[15_000_000_000, 15_000_000_001, 1_000_000, 1_000_000, None],
                 credit_bank=[0, 0, 1, None, 0])
    # small at the ceiling, medium one rupiah above, a bank loan, no credit figure, no sales figure
    assert verdicts(KUR, data) == [True, False, False, None, None]


def test_missing_value_is_unknown_not_false():
    data = frame(workers=[None, 3], trained=[None, True])
    assert verdicts("workers <= 4", data) == [None, True]
    assert verdicts("trained", data) == [None, True]
    assert verdicts("not trained", data) == [None, False]
    # Kleene logic: a false part decides, whatever is unknown
    assert verdicts("workers <= 4 and workers > 100", data) == [None, False]
    assert verdicts("workers <= 4 or workers > 0", data) == [None, True]


def test_text_fields_and_lists():
    data = frame(region_code=["32.04", "33.01", None], kbli=["10792", "13111", "10110"],
                 legal_status=["none", "legal_entity", "none"])
    assert verdicts('province in ["32", "35"]', data) == [True, False, None]
    assert verdicts('kbli_division == "10" and legal_status != "legal_entity"', data) == [True, False, True]
    assert verdicts('legal_status not in ["none"]', data) == [False, True, False]


def test_age_is_report_year_minus_founding_year():
    data = frame(founded_year=[2020, 2021, None])
    assert verdicts("age >= 3", data) == [True, False, None]


def test_chained_comparison():
    data = frame(workers=[4, 5, 20])
    assert verdicts("5 <= workers < 20", data) == [False, True, False]


@pytest.mark.parametrize(("rule", "part"), [
    ("__import__('os').system('true')", "call"),
    ("size('pp-7-2021').lower() == 'micro'", "call"),
    ("open('x')", "call"),
    ("workerz > 3", "unknown field"),
    ('size("pp-2099") == "micro"', "unknown size-class regime"),
    ('size("pp-7-2021") == "tiny"', "not a value"),
    ('legal_status == "ltd"', "not a value"),
    ("workers > 'three'", "another kind"),
    ('size("pp-7-2021") < "small"', "can only be compared"),
    ("workers", "not a condition"),
    ("workers in 3", "`in` needs a list"),
    ("workers > sales", "one field and one value"),
    ("lambda: 1", "not allowed"),
    ("[x for x in y]", "not allowed"),
    ("workers.real > 1", "not allowed"),
    ("credit_bank == 0 and", "cannot read"),
    ("owner_name == 'x'", "unknown field"),  # personal data is not a field of rules
])
def test_bad_rules_refused_naming_the_part(rule, part):
    with pytest.raises(RuleError) as caught:
        parse(rule)
    assert part in str(caught.value)


def test_empty_rule_means_everyone():
    assert verdicts("", frame(workers=[None, 3])) == [True, True]


def test_clauses_say_which_condition_fails():
    data = prepare(frame(sales=[1_000_000, 20_000_000_000], credit_bank=[5, 0]), [parse(KUR)], judged=True)
    table = clauses(KUR, data)
    assert table.get_column("c0").to_list() == [True, False]  # size class
    assert table.get_column("c1").to_list() == [False, True]  # bank loan


def test_rules_read_in_both_languages():
    rule = parse(KUR)
    assert rule.describe("en") == "size class under pp-7-2021 one of micro, small and Bank credit = Rp0"
    assert rule.describe("id") == "kelas ukuran menurut pp-7-2021 salah satu dari mikro, kecil dan Kredit bank = Rp0"
    assert parse("sales <= 2_000_000_000").describe("id") == "Omzet ≤ Rp2.000.000.000"


def test_seed_catalogue():
    entries = {e.slug: e for e in catalogue.load()}
    assert set(entries) == {"kur", "kupedes", "kuk", "kik", "kmkp", "kck", "kredit-mini-midi", "kku"}
    assert not entries["kur"].historical
    assert all(e.historical for slug, e in entries.items() if slug != "kur")
    assert all(e.source and "p. 10" in e.source for e in entries.values())  # the paper's page, or the regulation
    assert entries["kur"].eligibility == KUR


def test_every_program_for_every_enterprise_in_one_frame():
    data = frame(workers=[3, 50, None], sales=[100, 20_000_000_000, None], credit_bank=[0, 0, 0],
                 indonesian_owned=[True, True, True], independent=[True, True, True], net_assets=[1, 1, None])
    programs = {e.slug: e.eligibility for e in catalogue.load()}
    result = eligible_all(programs, data)
    assert result.height == 3 and set(result.columns) == {"enterprise_id", *programs}
    tally = counts(result)
    assert tally["kur"] == {"eligible": 1, "not_eligible": 1, "unknown": 1}
    assert tally["kck"] == {"eligible": 1, "not_eligible": 1, "unknown": 1}


def test_latest_report_is_judged():
    data = pl.DataFrame({"enterprise_id": [1, 1, 2], "year": [2022, 2023, 2023], "workers": [3, 30, 3]})
    result = eligible_all({"p": 'size("bps-workers") == "micro"'}, data).sort("enterprise_id")
    assert result.get_column("p").to_list() == [False, True]
    by_year = eligible_all({"p": 'size("bps-workers") == "micro"'}, data, year=2022)
    assert by_year.get_column("p").to_list() == [True]
