"""A program of the catalogue as a lab scenario (lumbung.lab.program_map): each registry field
with a lab counterpart is translated, every other clause is left out and said, types map to
kinds or are refused with the reason, and the scenario built runs."""

from __future__ import annotations

import pytest

from lumbung.eligibility.catalogue import TYPES, load
from lumbung.errors import UserError
from lumbung.lab import population, simulate
from lumbung.lab.program_map import FIELD_MAP, KIND_OF_TYPE, map_program
from lumbung.lab.scenarios import CATEGORICAL_FIELDS, NUMERIC_FIELDS, compile_target


def test_every_field_maps_to_a_lab_field():
    assert set(FIELD_MAP.values()) <= set(NUMERIC_FIELDS + CATEGORICAL_FIELDS)


def test_every_program_type_is_mapped_or_refused():
    assert {t[0] for t in TYPES} == set(KIND_OF_TYPE)


@pytest.mark.parametrize(("rule", "target"), [
    ("workers <= 4", "workers <= 4"),
    ("net_assets < 50_000_000", "capital < 50000000"),
    ("credit_bank == 0 and credit_kur == 0", "(debt_bank == 0) and (debt_kur == 0)"),
    ('legal_status != "legal_entity"', "formality != 'legal_entity'"),
    ('province in ["33", "34"] and age >= 2', "(province in ['33', '34']) and (age >= 2)"),
    ('size("bps-workers") in ["micro", "small"]', "size_class in ['micro', 'small']"),
    ("", "True"),
    ("1 <= workers <= 19", "1 <= workers <= 19"),
])
def test_mapped_rules(rule, target):
    mapping = map_program("p", "training", rule)
    assert mapping.target == target and not mapping.dropped
    compile_target(mapping.target)


def test_a_clause_without_a_counterpart_is_left_out_and_said():
    mapping = map_program("p", "credit", 'workers < 20 and indonesian_owned and size("pp-7-2021") == "micro"')
    assert mapping.target == "workers < 20"
    assert [c.text for c in mapping.dropped] == ["indonesian_owned", 'size("pp-7-2021") == "micro"']
    assert "indonesian_owned" in mapping.dropped[0].reason and "pp-7-2021" in mapping.dropped[1].reason


def test_an_or_with_one_unmapped_field_is_left_out_whole():
    """Dropping only part of an `or` would narrow the target; the whole clause goes instead."""
    mapping = map_program("p", "training", "workers < 5 and (trained or workers > 3)")
    assert mapping.target == "workers < 5" and mapping.dropped[0].text == "trained or workers > 3"


def test_a_value_the_lab_does_not_know_is_left_out():
    mapping = map_program("p", "training", 'kbli_division == "47"')  # retail: outside section C
    assert mapping.target == "True" and "47" in mapping.dropped[0].reason


@pytest.mark.parametrize("kind", ["marketing", "tariff"])
def test_types_without_an_intervention_are_refused(kind):
    with pytest.raises(UserError, match="cannot be simulated"):
        map_program("p", kind, "")


def test_a_bad_rule_is_refused():
    with pytest.raises(UserError):
        map_program("p", "credit", "owner_nik == 1")


def test_money_dose_is_the_largest_amount_and_the_cost_keeps_the_template_ratio():
    mapping = map_program("p", "credit", "", max_amount=100_000_000)
    assert mapping.dose == 100e6 and mapping.cost_per_firm == pytest.approx(10e6)  # credit.toml: 5e6 per 50e6
    assert map_program("p", "training", "", max_amount=100_000_000).dose == pytest.approx(0.15)  # not money


def test_social_protection_is_a_grant():
    mapping = map_program("p", "social_protection", "workers <= 4")
    assert mapping.kind == "grant" and mapping.dose == 2.4e6


def test_the_seed_catalogue_maps_and_runs():
    for entry in load():
        mapping = map_program(entry.slug, entry.type, entry.eligibility, entry.max_amount)
        compile_target(mapping.target)
    scenario = map_program("kupedes", "credit", 'size("bps-workers") in ["micro", "small"]').scenario()
    assert scenario.name == "program-kupedes" and scenario.interventions[-1].kind == "credit"
    result = simulate(scenario, population.synthetic(300, seed=1), seed=1, years=2)
    assert result.programs["kupedes"]["enrolled"] > 0
