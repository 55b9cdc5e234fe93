"""`lumbung indicators`, `lumbung import-table` and `lumbung analytics build` from the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.indicators.catalogue import catalogue
from lumbung.indicators.testing import write_fixture


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path))
    write_fixture(tmp_path)
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_list_prints_the_catalogue(home):
    result = run("indicators", "--list")
    assert result.exit_code == 0
    lines = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
    assert set(lines) == set(catalogue())
    assert lines["va_per_worker"][1:4] == ["Nilai tambah per tenaga kerja", "Value added per worker", "rupiah per worker"]


def test_long_csv(home):
    result = run("indicators", "--indicator", "firms,va_per_worker", "--by", "year,province", "--years", "2022-2023")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["year", "province", "indicator", "value", "numerator", "denominator"]
    cell = {(r["year"], r["province"], r["indicator"]): r for r in rows}
    # 2023, province 33: E3, E4, E8; value added 230 + 400 + 40 over workers 12 + 30 + 5, 0 decimals
    assert cell[("2023", "33", "firms")]["value"] == "3"
    assert float(cell[("2023", "33", "va_per_worker")]["value"]) == round(670 / 47)


def test_where_year_json_and_xlsx(home, tmp_path):
    result = run("indicators", "-i", "output", "--year", "2023", "--where", "province=32", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{"indicator": "output", "value": 210.0, "numerator": 210.0, "denominator": None}]
    out = tmp_path / "x.xlsx"
    assert run("indicators", "-i", "firms", "--by", "size_class", "--format", "xlsx", "--out", str(out)).exit_code == 0
    import openpyxl

    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]] == ["size_class", "indicator", "value", "numerator", "denominator"]


def test_public_adds_suppressed(home):
    result = run("indicators", "-i", "firms,output", "--by", "province", "--year", "2023", "--public")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0])[-1] == "suppressed"
    # the unknown bucket holds one enterprise (E5): never published
    assert all(r["suppressed"] == "True" for r in rows if r["province"] == "unknown")


@pytest.mark.parametrize("args,message", [
    (("-i", "nope"), "unknown indicator nope"),
    (("-i", "firms", "--by", "colour"), "unknown dimension colour"),
    (("-i", "firms", "--regime", "uu-1-1900"), "unknown size-class regime"),
    (("-i", "firms", "--year", "2022", "--years", "2022-2023"), "either --year or --years"),
    (("-i", "firms", "--where", "province"), "DIM=VALUE"),
    (("-i", "firms", "--where", "colour=red"), "unknown dimension colour"),
    (("-i", "firms", "--years", "2023-2021"), "ends before it starts"),
    (("-i", "export_rate", "--source", "published"), "no published tables"),
    ((), "--indicator"),
])
def test_bad_input_exits_2(home, args, message):
    result = CliRunner().invoke(main, ["indicators", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_import_table_then_published(home, shared_data):
    result = CliRunner().invoke(main, ["import-table", str(shared_data / "imk_bps_2025_provinsi.csv"),
                                       "--layout", "bps-imk-province"])
    assert result.exit_code == 0, result.output
    assert "38 regions placed" in result.output
    result = run("indicators", "-i", "firms", "--by", "size_class", "--source", "published")
    rows = {r["size_class"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert int(rows["micro"]["value"]) + int(rows["small"]["value"]) == 4_461_888
    bad = CliRunner().invoke(main, ["import-table", str(shared_data / "imk_bps_2025_provinsi.csv"), "--layout", "nope"])
    assert bad.exit_code == 2 and "unknown layout" in bad.output


def test_analytics_build_command(tmp_path):
    env = {**os.environ, "LUMBUNG_HOME": str(tmp_path)}
    env.pop("LUMBUNG_DATABASE_URL", None)
    lumbung = [os.path.join(os.path.dirname(sys.executable), "lumbung")]
    subprocess.run([*lumbung, "init"], env=env, check=True, capture_output=True)
    done = subprocess.run([*lumbung, "analytics", "build"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("full build: 0 rows")
    again = subprocess.run([*lumbung, "analytics", "build"], env=env, capture_output=True, text=True)
    assert again.stdout.startswith("incremental build: 0 rows")
