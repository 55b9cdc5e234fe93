"""The quality rules file: every rule is complete, and a bad rule is refused with a clear message."""

from __future__ import annotations

import pytest

from lumbung.indicators import quality

GOOD = '''
[[rule]]
id = "exports_above_sales"
kind = "expression"
severity = "error"
violation = "exports > sales"
description_id = "Ekspor lebih besar dari omzet."
description_en = "Exports are above sales."
source = "World Bank Enterprise Surveys"
'''


def load(tmp_path, text):
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return quality.load_rules(path)


def test_shipped_rules_are_complete():
    rules = quality.load_rules()
    assert len(rules) >= 6
    for rule in rules:
        assert rule.description_id.strip() and rule.description_en.strip() and rule.source.strip(), rule.id
        assert rule.severity in quality.SEVERITIES
    ids = {r.id for r in rules}
    assert {"value_added_above_output", "exports_above_sales", "paid_workers_above_workers",
            "female_workers_above_workers", "wages_missing_with_paid_workers", "va_per_worker_outlier"} <= ids


def test_the_outlier_rule_is_five_mads_within_division_and_size():
    rule = {r.id: r for r in quality.load_rules()}["va_per_worker_outlier"]
    assert rule.kind == "robust_outlier" and rule.threshold == 5
    assert rule.group_by == ("kbli_division", "size_bps_workers")


def test_a_good_file_loads(tmp_path):
    (rule,) = load(tmp_path, GOOD)
    assert rule.fields == ("sales", "exports")


@pytest.mark.parametrize("change,message", [
    (("exports > sales", "exports > turnover"), "turnover"),
    (("exports > sales", "exports >> sales"), "exports >> sales"),
    (('kind = "expression"', 'kind = "magic"'), "magic"),
    (('severity = "error"', 'severity = "fatal"'), "fatal"),
    (('source = "World Bank Enterprise Surveys"', ""), "source is missing"),
    (('kind = "expression"', 'kind = "expression"\ncolour = "red"'), "colour"),
])
def test_bad_rules_are_refused_by_name(tmp_path, change, message):
    with pytest.raises(quality.RuleError, match=message.replace(">", ".")):
        load(tmp_path, GOOD.replace(*change))


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(quality.RuleError, match="duplicate"):
        load(tmp_path, GOOD + GOOD)


def test_unknown_rule_ids_are_named():
    with pytest.raises(KeyError, match="nope"):
        quality.select_rules(["nope"])
