"""``lumbung evaluate`` over the registry, ``synth``/``demo --inject-effect``, and their bad input."""

from __future__ import annotations

import json

import pyarrow.csv as pacsv
import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.programs.evaluate_source import store_enrolments
from lumbung.programs.models import Enrolment, Program
from lumbung.registry.importer import import_table
from lumbung.synthetic.demo import load_demo
from lumbung.synthetic.effects import parse_effect

KEYS = {"estimate", "ci_low", "ci_high", "relative_estimate", "relative_ci_low", "relative_ci_high", "matched",
        "naive_estimate"}


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _one_sentence(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith(("Error", "Kesalahan"))]
    assert len(errors) == 1, result.output
    return errors[0]


@pytest.fixture
def demo_registry(db):
    result = load_demo(import_table, firms=6_000, years=5, seed=11, effect=parse_effect("kur:va_per_worker:0.2"),
                       enrol=store_enrolments)
    assert result.rejected == 0 and result.enrolled > 200
    return result


def test_evaluate_json_recovers_the_injected_effect(demo_registry):
    result = _run("evaluate", "--program", "kur", "--outcome", "va_per_worker", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert KEYS <= set(found)
    assert found["relative_ci_low"] <= 0.2 <= found["relative_ci_high"]
    assert found["naive_estimate"] < found["ci_low"]
    assert found["matched"] + sum(found["dropped"].values()) == found["participants"] == demo_registry.enrolled
    assert found["cohorts"] == [2023] and found["years"] == [2021, 2022, 2023, 2024, 2025]
    assert Enrolment.objects.filter(program__slug="kur").count() == demo_registry.enrolled


def test_evaluate_text_and_years(demo_registry):
    result = _run("evaluate", "--program", "kur", "--outcome", "sales", "--years", "2022-2024")
    assert result.exit_code == 0, result.output
    assert "2022, 2023, 2024" in result.output and "pre-trend" not in result.output
    assert "not testable" in result.output  # one year before enrolment only


def test_loading_the_same_demo_again_stores_no_new_enrolment(demo_registry):
    again = load_demo(import_table, firms=6_000, years=5, seed=11, effect=parse_effect("kur:va_per_worker:0.2"),
                      enrol=store_enrolments)
    assert Enrolment.objects.count() == demo_registry.enrolled == again.enrolled


@pytest.mark.django_db
@pytest.mark.parametrize("args, words", [
    (["--program", "nope", "--outcome", "sales"], "nope is not a program"),
    (["--program", "kur", "--outcome", "kur_rate"], "kur_rate is not an outcome"),
    (["--program", "kur", "--outcome", "sales", "--years", "20x1"], "not a list of years"),
    (["--program", "kur", "--outcome", "sales", "--years", "2025-2021"], "not a list of years"),
    (["--program", "empty", "--outcome", "sales"], "no enrolments"),
])
def test_bad_input_is_one_sentence(args, words):
    Program.objects.create(slug="empty", name="Empty")
    assert words in _one_sentence(_run("evaluate", *args))


@pytest.mark.django_db
def test_demo_refuses_a_bad_effect():
    assert "PROGRAM:INDICATOR:SIZE" in _one_sentence(_run("demo", "--firms", "10", "--inject-effect", "kur"))


def test_synth_writes_the_enrolments_beside_the_population(tmp_path):
    out = tmp_path / "pop.parquet"
    result = _run("synth", "--firms", "2000", "--years", "4", "--out", str(out), "--inject-effect", "kur:sales:0.1")
    assert result.exit_code == 0, result.output
    enrolments = pacsv.read_csv(tmp_path / "pop.enrolments.csv")
    assert enrolments.column_names == ["source_id", "program", "year", "status"]
    assert enrolments.num_rows > 50 and set(enrolments.column("program").to_pylist()) == {"kur"}
    refused = _run("synth", "--firms", "10", "--out", str(tmp_path / "p"), "--partition-by", "province",
                   "--inject-effect", "kur:sales:0.1")
    assert "cannot be combined" in _one_sentence(refused)
    assert "not an outcome" in _one_sentence(_run("synth", "--firms", "10", "--out", str(out), "--inject-effect",
                                                  "kur:kur_rate:0.1"))
