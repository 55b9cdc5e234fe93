"""`lumbung programs ...`: each command calls one Python API function; bad input is one sentence
and a non-zero exit (2), rejected rows exit 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lumbung.cli import main

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, list(args), env={"LUMBUNG_LANGUAGE": "en"})


def test_seed_list_show_eligible(firm):
    assert "8 created" in run("programs", "seed").output
    assert "8 unchanged" in run("programs", "seed").output
    listed = json.loads(run("programs", "list", "--json").output)
    assert [p["slug"] for p in listed][0] == "kur" and sum(p["historical"] for p in listed) == 7
    shown = run("programs", "show", "kur")
    assert shown.exit_code == 0 and "size class under pp-7-2021 one of micro, small" in shown.output
    firm(sales=1_000_000, credit_bank=0)
    firm(region_code="33.01", sales=1_000_000, credit_bank=7)
    counts = json.loads(run("programs", "eligible", "kur", "--json").output)
    assert counts == {"kur": {"eligible": 1, "not_eligible": 1, "unknown": 0}}
    assert json.loads(run("programs", "eligible", "kur", "--region", "33", "--json").output)["kur"]["eligible"] == 0


def test_bad_input_is_one_sentence(catalogue, tmp_path):
    missing = run("programs", "show", "nope")
    assert missing.exit_code == 2 and "There is no program 'nope'" in missing.output
    assert "Traceback" not in missing.output
    region = run("programs", "eligible", "--region", "Bandung")
    assert region.exit_code == 2 and "not a region code" in region.output
    out = run("programs", "eligible", "--out", str(tmp_path / "x.txt"))
    assert out.exit_code == 2 and "write .csv or .parquet" in out.output
    bad = tmp_path / "e.csv"
    bad.write_text("program,year\nkur,2023\n", encoding="utf-8")
    unusable = run("programs", "import-enrolments", str(bad))
    assert unusable.exit_code == 2 and "required columns missing" in unusable.output


def test_import_commands_exit_1_on_rejected_rows(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("bank,year,outstanding_credit,small_business_credit\nBank A,2023,100,20\nBank A,2024,100,200\n",
                    encoding="utf-8")
    result = run("programs", "import-bank-reports", str(path), "--errors", str(tmp_path / "err.csv"))
    assert result.exit_code == 1 and "1 imported, 1 rejected" in result.output
    assert "more than the outstanding credit" in (tmp_path / "err.csv").read_text(encoding="utf-8")
    template = run("programs", "template", str(tmp_path / "t.csv"))
    assert template.exit_code == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("program,enterprise_id,nib")
