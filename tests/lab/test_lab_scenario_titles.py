"""Every shipped scenario is titled in both languages (the lab page shows ``title_id`` in
Indonesian, ``title`` in English)."""

import pytest

from lumbung.lab import scenarios


@pytest.mark.parametrize("name", scenarios.names())
def test_each_shipped_scenario_has_an_indonesian_title(name):
    scenario = scenarios.load(name)
    assert scenario.title_id and scenario.title_id != scenario.title
    assert scenario.title_in("id") == " ".join(scenario.title_id.split())
    assert scenario.title_in("en") == " ".join(scenario.title.split())


def test_a_scenario_without_an_indonesian_title_falls_back_to_its_title():
    base = scenarios.load("baseline")
    plain = scenarios.Scenario(base.name, "Plain title", base.description, base.parameters)
    assert plain.title_in("id") == "Plain title"
    assert plain.with_parameters({}).title_id == ""
