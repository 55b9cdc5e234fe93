"""`lumbung simulate` end to end: files written, report self-contained, clear exit-2 errors."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.lab import scenarios

SMALL = ["--firms", "1500", "--years", "2", "--runs", "2", "--seed", "3"]
CHARTS = {"workers.png", "output.png", "share_traditional.png", "entries_by_size.png",
          "exits_by_size.png", "comparison.png"}


def _invoke(*args, env=None):
    return CliRunner().invoke(main, ["simulate", *args], env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def english_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lab") / "run"
    result = _invoke("credit", "--compare", "training", *SMALL, "--executor", "serial",
                     "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.output
    return out


def test_list_shows_every_scenario_with_a_description():
    result = _invoke("--list")
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    names = [line.split()[0] for line in lines]
    assert names == list(scenarios.names())
    assert {"baseline", "crisis-1998", "credit", "credit-training"} <= set(names)
    assert all(len(line.split()) > 1 for line in lines), "every scenario needs a description"


def test_simulate_writes_every_file(english_run):
    for name in ("summary.csv", "bands.csv", "comparison.csv", "runs.csv", "report.html"):
        assert (english_run / name).stat().st_size > 0, name
    assert {p.name for p in (english_run / "charts").glob("*.png")} == CHARTS
    for png in (english_run / "charts").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_summary_csv_columns_and_scenarios(english_run):
    with open(english_run / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "scenario", "run", "period", "size_class", "kbli_division", "province", "firms", "workers",
        "output", "value_added", "entries", "exits", "upgrades", "graduations", "share_traditional"]
    # the baseline is run for the comparison even when not named
    assert {r["scenario"] for r in rows} == {"credit", "training", "baseline"}
    assert {r["run"] for r in rows} == {"0", "1"}


def test_comparison_csv_compares_each_scenario_with_the_baseline(english_run):
    with open(english_run / "comparison.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["scenario"] for r in rows} == {"credit", "training"}
    assert {r["baseline"] for r in rows} == {"baseline"}
    assert {"jobs", "output", "value_added", "graduations", "exits", "cost_per_job"} <= {r["indicator"] for r in rows}
    credit_cost = next(r for r in rows if r["scenario"] == "credit" and r["indicator"] == "cost")
    assert float(credit_cost["scenario_median"]) > 0, "a credit programme spends money"


def test_report_is_self_contained(english_run):
    page = (english_run / "report.html").read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?//""", page)
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert {Path(s).name for s in sources} == CHARTS
    for source in sources:
        assert not Path(source).is_absolute()
        assert (english_run / source).is_file()
    assert "Workers" in page and "<style>" in page


def test_report_in_indonesian(tmp_path):
    out = tmp_path / "id"
    result = _invoke("baseline", "--firms", "800", "--years", "1", "--runs", "2", "--executor",
                     "serial", "--out", str(out), "--lang", "id")
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in page and "Tenaga kerja" in page
    assert "Kelas usaha" in page and ">mikro<" in page  # the table by size class, in Indonesian
    # only the baseline: no comparison table, no comparison chart
    assert not (out / "charts" / "comparison.png").exists()


def test_default_folder_is_under_lumbung_home(tmp_path):
    result = _invoke("baseline", "--firms", "500", "--years", "1", "--runs", "1", "--executor",
                     "serial", env={"LUMBUNG_HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    folders = list((tmp_path / "lab").iterdir())
    assert len(folders) == 1 and folders[0].name.endswith("-baseline")
    assert (folders[0] / "report.html").is_file()


@pytest.mark.parametrize("args,message", [
    (["no-such-scenario"], "no-such-scenario"),
    (["baseline", "--compare", "nope"], "nope"),
    (["baseline", "--runs", "0"], "--runs"),
    (["baseline", "--firms", "-5"], "--firms"),
    (["baseline", "--years", "ten"], "--years"),
    (["baseline", "--executor", "gpu"], "--executor"),
    (["baseline", "--lang", "fr"], "--lang"),
    (["baseline", "--firms", "10", "--from-registry"], "--from-registry"),
    ([], "scenario"),
])
def test_bad_input_exits_with_code_2(args, message, tmp_path):
    result = CliRunner().invoke(main, ["simulate", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_simulate_from_the_registry(tmp_path):
    from lumbung.registry.models import AnnualReport, Enterprise

    for i in range(40):
        firm = Enterprise.objects.create(name=f"Usaha {i}", region_code="33.01", kbli="10792",
                                         source_id=f"t{i}")
        for year in (2022, 2023):
            AnnualReport.objects.create(enterprise=firm, year=year, workers=1 + i % 7,
                                        net_assets=20_000_000 + 1_000_000 * i, sales=90_000_000)
    out = tmp_path / "registry"
    result = _invoke("baseline", "--from-registry", "--years", "1", "--runs", "2", "--executor",
                     "serial", "--out", str(out))
    assert result.exit_code == 0, result.output
    with open(out / "summary.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["period"] == "0"]
    assert {r["kbli_division"] for r in rows} == {"10"} and {r["province"] for r in rows} == {"33"}
    for run in ("0", "1"):
        mine = [r for r in rows if r["run"] == run]
        # firms at the end of the first quarter = the 40 registered firms + entries - exits
        total = sum(int(r["firms"]) - int(r["entries"]) + int(r["exits"]) for r in mine)
        assert total == 40


def test_command_languages_are_the_report_languages():
    from lumbung.lab import commands, report

    assert commands.LANGS == report.LANGS
