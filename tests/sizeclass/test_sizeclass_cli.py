"""``lumbung classify``: JSON, explanation, --list and exit codes (click.testing.CliRunner)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lumbung.cli import main

JUTA, MILIAR = 1_000_000, 1_000_000_000


def _run(*args: str):
    return CliRunner().invoke(main, ["classify", *args])


def test_json_has_the_five_keys():
    result = _run("--regime", "uu-20-2008", "--assets", "400000000", "--sales", "3.000.000.000", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"regime", "class", "decided_by", "disagreements", "missing"}
    assert data["regime"] == "uu-20-2008"
    assert data["class"] == "medium"
    assert data["decided_by"] == {"criterion": "sales", "value": 3 * MILIAR,
                                  "threshold": 2_500 * JUTA, "comparison": ">"}
    assert [d["criterion"] for d in data["disagreements"]] == ["net_assets"]
    assert data["missing"] == []


def test_json_unknown_names_missing():
    data = json.loads(_run("--regime", "permenperin-64-2016", "--workers", "12", "--json").output)
    assert data["class"] == "unknown"
    assert data["decided_by"] is None
    assert data["missing"] == ["investment"]


def test_flags_reach_the_classification():
    args = ["--regime", "uu-9-1995", "--assets", "Rp100.000.000", "--sales", "1e8", "--json"]
    assert json.loads(_run(*args, "--indonesian-owned", "--independent").output)["class"] == "small"
    assert json.loads(_run(*args, "--foreign-owned", "--independent").output)["class"] == "medium"
    assert json.loads(_run(*args, "--indonesian-owned", "--subsidiary").output)["class"] == "medium"
    assert json.loads(_run(*args).output)["missing"] == ["indonesian_owned", "independent"]


def test_capital_and_investment_options():
    data = json.loads(_run("--regime", "pp-7-2021-modal", "--capital", "6e9", "--json").output)
    assert data["class"] == "medium"
    data = json.loads(_run("--regime", "permenperin-64-2016", "--workers", "19",
                           "--investment", "999.999.999", "--json").output)
    assert data["class"] == "small"


def test_readable_explanation_in_both_languages():
    args = ["--regime", "uu-20-2008", "--assets", "40000000", "--sales", "1000000000"]
    english = _run(*args, "--lang", "en")
    assert english.exit_code == 0
    assert "Class: small" in english.output
    assert "Decided by: annual sales Rp1.000.000.000 > Rp300.000.000" in english.output
    assert "Disagreement: net assets Rp40.000.000 alone gives micro" in english.output
    assert "UU 20/2008" in english.output and "Pasal 6" in english.output
    indonesian = _run(*args, "--lang", "id")
    assert "kecil (small)" in indonesian.output
    assert "mikro" in indonesian.output


def test_unknown_explanation_names_what_is_needed():
    output = _run("--regime", "uu-20-2008", "--assets", "40000000", "--lang", "en").output
    assert "Class: unknown" in output
    assert "until these are known: annual sales" in output


def test_list_names_every_regime_and_source():
    result = _run("--list")
    assert result.exit_code == 0
    for regime_id in ("bps-workers", "uu-9-1995", "uu-9-1995-dan", "uu-20-2008", "pp-7-2021",
                      "pp-7-2021-modal", "permenperin-64-2016"):
        assert regime_id in result.output
    assert "Nomor 20 Tahun 2008" in result.output and "64/M-IND/PER/7/2016" in result.output


@pytest.mark.parametrize("args,fragment", [
    (["--regime", "bps-workers", "--workers", "0"], "--workers"),
    (["--regime", "bps-workers", "--workers", "-3"], "--workers"),
    (["--regime", "bps-workers", "--workers", "lima"], "--workers"),
    (["--regime", "uu-20-2008", "--sales", "-5"], "negative"),
    (["--regime", "uu-20-2008", "--assets", "banyak"], "--assets"),
    (["--regime", "uu-20-2008", "--sales", "1,5"], "--sales"),
    (["--regime", "pp-7-2021", "--capital", "1.5"], "--capital"),
    (["--regime", "uu-1-2000"], "--regime"),
    (["--workers", "5"], "--regime"),
    (["--regime", "bps-workers", "--lang", "fr"], "--lang"),
])
def test_bad_values_exit_2_with_one_message(args, fragment):
    result = _run(*args)
    assert result.exit_code == 2
    assert fragment in result.output
    assert result.output.count("Error:") == 1
    assert "Traceback" not in result.output
