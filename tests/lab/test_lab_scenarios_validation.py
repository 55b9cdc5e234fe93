"""Scenario files: the shipped set loads, inheritance works, and every kind of mistake is refused
with a message that names the bad key or value. Targeting rules are a whitelist, never eval."""

from __future__ import annotations

import numpy as np
import pytest

from lumbung.lab import scenarios
from lumbung.lab.scenarios import ScenarioError, TargetFields, evaluate_target, from_dict

SHIPPED = {"baseline", "crisis-1998", "tariff-cut", "credit", "training", "credit-training", "partnership",
           "equipment", "sentra"}


def test_every_shipped_scenario_loads_and_describes_itself():
    assert SHIPPED <= set(scenarios.names())
    for name in scenarios.names():
        sc = scenarios.load(name)
        assert sc.name == name
        assert sc.describe().startswith(name)
    assert "crisis-1998" in scenarios.describe()


def test_every_parameter_is_documented_with_a_source():
    base = scenarios.load("baseline")
    assert len(base.parameters) > 40
    for p in base.parameters.values():
        assert p.meaning and p.unit and p.source, p.name
        if p.range:
            assert p.range[0] <= p.value <= p.range[1], p.name


def test_inheritance_keeps_parent_values_and_adds_its_own():
    credit, bundle = scenarios.load("credit"), scenarios.load("credit-training")
    assert credit.params == scenarios.load("baseline").params
    assert [i.name for i in bundle.interventions] == ["kur-micro", "training-micro"]
    child = from_dict({"name": "x", "inherits": "credit", "parameters": {"bank_rate": 0.032,
                                                                        "kur_rate": {"value": 0.02}}})
    assert child.params["bank_rate"] == 0.032 and child.params["kur_rate"] == 0.02
    assert child.params["moneylender_rate"] == credit.params["moneylender_rate"]
    assert child.interventions == credit.interventions


def test_parameter_overrides_and_uncertainty_ranges():
    base = scenarios.load("baseline")
    assert "moneylender_rate" in base.uncertain()
    changed = base.with_parameters({"moneylender_rate": 0.25})
    assert changed.params["moneylender_rate"] == 0.25 and base.params["moneylender_rate"] == 0.21
    with pytest.raises(ScenarioError, match="moneylender_rat.*did you mean 'moneylender_rate'"):
        base.with_parameters({"moneylender_rat": 0.2})


@pytest.mark.parametrize("doc, message", [
    ({"parameters": {"bank_rte": 0.03}}, r"unknown parameter 'bank_rte' \(did you mean 'bank_rate'\?\)"),
    ({"parameters": {"bank_rate": "high"}}, r"parameter 'bank_rate' must be a number, got 'high'"),
    ({"parameters": {"bank_rate": 0.9}}, r"'bank_rate' value 0.9 is outside its range \[0.025, 0.035\]"),
    ({"parameters": {"consumption_share": {"value": 0.6, "range": [0.7, 0.5]}}}, r"low 0.7 above high 0.5"),
    ({"parameters": {"input_share": 1.4}}, r"'input_share' is a share and must lie in \[0, 1\]"),
    ({"shocks": [{"kind": "earthquake", "path": [[0, 1]]}]}, r"unknown shock kind 'earthquake'"),
    ({"shocks": [{"kind": "demand", "path": [[4, 1.0], [2, 0.9]]}]}, r"quarters must increase"),
    ({"shocks": [{"kind": "demand", "path": [[0, -0.5]]}]}, r"demand cannot be negative"),
    ({"shocks": [{"kind": "demand", "path": [[0, 1, 2]]}]}, r"is not a \[quarter, value\] pair"),
    ({"shocks": [{"kind": "output_tariff", "divisions": ["47"], "path": [[0, 0.1]]}]},
     r"'47' is not a manufacturing KBLI division"),
    ({"shocks": [{"kind": "interest_rate", "divisions": ["10"], "path": [[0, 1]]}]}, r"only tariff and demand"),
    ({"shocks": [{"kind": "demand", "path": [[0, 1]], "speed": 2}]}, r"unknown key 'speed' in shocks\[0\]"),
    ({"interventions": [{"name": "x", "kind": "lottery"}]}, r"intervention 'x': unknown kind 'lottery'"),
    ({"interventions": [{"name": "x", "kind": "grant", "take_up": 1.5}]}, r"'x'.take_up must lie in \[0, 1\], got 1.5"),
    ({"interventions": [{"name": "x", "kind": "grant", "dose": -1}]}, r"'x'.dose must be >= 0"),
    ({"interventions": [{"name": "x", "kind": "grant", "start": 8, "end": 4}]}, r"end 4 must come after start 8"),
    ({"interventions": [{"name": "x", "kind": "grant", "start": 1.5}]}, r"'x'.start must be a whole quarter"),
    ({"interventions": [{"name": "x", "kind": "grant", "budget": 0}]}, r"'x'.budget must be positive"),
    ({"interventions": [{"name": "x", "kind": "training", "rate": 0.06}]}, r"only credit interventions take a rate"),
    ({"interventions": [{"name": "x", "kind": "grant"}, {"name": "x", "kind": "training"}]}, r"two interventions are named 'x'"),
    ({"interventions": [{"name": "x", "kind": "grant", "target": "capitl < 5e6"}]},
     r"unknown field 'capitl' in rule 'capitl < 5e6' \(did you mean 'capital'\?\)"),
    ({"interventions": [{"name": "x", "kind": "grant", "target": "__import__('os').system('true')"}]}, r"not allowed"),
    ({"interventions": [{"name": "x", "kind": "grant", "target": "capital.real > 1"}]}, r"Attribute is not allowed"),
    ({"interventions": [{"name": "x", "kind": "grant", "target": "capital < "}]}, r"cannot parse rule"),
    ({"inherits": "nope"}, r"unknown scenario 'nope'"),
    ({"shockz": []}, r"unknown key 'shockz' in top level \(did you mean 'shocks'\?\)"),
])
def test_mistakes_are_refused_with_a_clear_message(doc, message):
    with pytest.raises(ScenarioError, match=message):
        from_dict({"name": "bad", "inherits": "baseline", **doc}, source="bad.toml")


def test_baseline_must_declare_parameters_fully():
    with pytest.raises(ScenarioError, match="parameter 'a' lacks 'source'"):
        from_dict({"name": "root", "parameters": {"a": {"value": 1, "unit": "x", "meaning": "m"}}})


def test_files_are_validated_on_load(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('inherits = "baseline"\n[parameters]\nbank_rate = 0.03\nkur_rat = 0.01\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="mine.toml.*'kur_rat'"):
        scenarios.load(path)
    path.write_text('inherits = "baseline"\n[parameters\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="mine.toml"):
        scenarios.load(path)
    path.write_text('inherits = "baseline"\n[parameters]\nkur_rate = 0.02\n', encoding="utf-8")
    assert scenarios.load(path).params["kur_rate"] == 0.02
    with pytest.raises(ScenarioError, match="does not exist"):
        scenarios.load(tmp_path / "absent.toml")


def _fields():
    capital = np.array([1e6, 4e6, 6e6, 2e8, 3e9])
    return TargetFields(5, {"capital": capital, "workers": np.array([1, 2, 5, 30, 200.0]),
                            "owner_skill": np.array([0.1, 0.5, 0.6, 0.7, 0.9])},
                        {"size_class": (np.array([0, 0, 1, 2, 3]), ("micro", "small", "medium", "large")),
                         "kbli_division": (np.array([0, 3, 3, 6, 0]), tuple(str(d) for d in range(10, 34))),
                         "technique": (np.array([0, 0, 0, 1, 1]), ("traditional", "modern")),
                         "partner": (np.array([False, True, False, False, False]), (False, True))})


@pytest.mark.parametrize("rule, expected", [
    ('size_class == "micro" and capital < 5e6', [1, 1, 0, 0, 0]),
    ('size_class in ["medium", "large"] or owner_skill < 0.2', [1, 0, 0, 1, 1]),
    ('not (technique == "modern")', [1, 1, 1, 0, 0]),
    ('kbli_division == "13" and size_class != "micro"', [0, 0, 1, 0, 0]),
    ('kbli_division not in ["10", "16"]', [0, 1, 1, 0, 0]),
    ("5 <= workers < 100", [0, 0, 1, 1, 0]),
    ("capital >= -1", [1, 1, 1, 1, 1]),
    ("partner", [0, 1, 0, 0, 0]),
    ("True", [1, 1, 1, 1, 1]),
])
def test_targeting_rules_select_the_right_firms(rule, expected):
    scenarios.compile_target(rule)
    np.testing.assert_array_equal(evaluate_target(rule, _fields()), np.array(expected, dtype=bool))


@pytest.mark.parametrize("rule, message", [
    ('size_class == "huge"', r"'huge' is not a value of size_class"),
    ('size_class < "small"', r"can only be compared with"),
    ('capital < "a lot"', r"cannot compare a number with text"),
])
def test_bad_labels_in_rules_are_named(rule, message):
    with pytest.raises(ScenarioError, match=message):
        evaluate_target(rule, _fields())
