"""``lumbung synth`` and ``lumbung demo``."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.synthetic import commands, demo, generate
from lumbung.synthetic.demo import DemoProgress, load_demo
from lumbung.vocabulary import TEMPLATE_COLUMNS


def test_synth_writes_the_template_columns(tmp_path):
    out = tmp_path / "pop.parquet"
    result = CliRunner().invoke(main, ["synth", "--firms", "300", "--years", "2", "--seed", "4", "--start-year", "2020", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert tuple(table.column_names) == TEMPLATE_COLUMNS
    assert set(table.column("year").to_pylist()) == {2020, 2021}
    assert f"{table.num_rows} rows" in result.output


def test_synth_same_seed_same_csv(tmp_path):
    runner = CliRunner()
    for name in ("a.csv", "b.csv"):
        assert runner.invoke(main, ["synth", "--firms", "500", "--years", "2", "--seed", "9", "--out", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["--firms", "0"],
        ["--years", "0"],
        ["--seed", "-3"],
        ["--firms", "ten"],
        ["--out", "population.json"],
    ],
)
def test_synth_bad_input_exits_2(tmp_path, args):
    base = {"--firms": "10", "--years": "1", "--seed": "1", "--out": str(tmp_path / "p.csv")}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value if flag != "--out" else str(tmp_path / value)
    result = CliRunner().invoke(main, ["synth", *[x for pair in base.items() for x in pair]])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "population.json").exists()


def test_synth_requires_out():
    assert CliRunner().invoke(main, ["synth", "--firms", "10"]).exit_code == 2


class Recorder(DemoProgress):
    def __init__(self):
        self.events = []

    def generated(self, done, total):
        self.events.append(("generated", done, total))

    def loading(self, rows):
        self.events.append(("loading", rows))

    def stored(self, done, total):
        self.events.append(("stored", done, total))


def test_load_demo_hands_the_population_to_the_store_and_reports_progress():
    calls = []

    def store(table, *, format, source, progress):
        calls.append((table, format, source))
        progress(table.num_rows, table.num_rows)
        return "stored"

    recorder = Recorder()
    assert load_demo(store, firms=120, years=2, seed=5, progress=recorder) == "stored"
    (table, format, source), = calls
    assert (format, source) == ("template", "synthetic")
    assert table.equals(generate(120, 2, 5))  # the same seed, the same rows (hence idempotent)
    assert recorder.events == [("generated", 1, 3), ("generated", 2, 3), ("generated", 3, 3),
                               ("loading", table.num_rows), ("stored", table.num_rows, table.num_rows)]


def test_the_command_defaults_are_the_demo_defaults():
    assert (commands.DEMO_FIRMS, commands.DEMO_YEARS) == (demo.DEMO_FIRMS, demo.DEMO_YEARS)


@pytest.mark.django_db(transaction=True)
def test_demo_loads_and_is_idempotent():
    from lumbung.registry.importer import import_table
    from lumbung.registry.models import AnnualReport, AuditEntry, Enterprise

    first = load_demo(import_table, firms=400, years=2, seed=3)
    assert first.rejected == 0
    enterprises, reports = Enterprise.objects.count(), AnnualReport.objects.count()
    assert enterprises > 400 and reports == first.imported
    assert set(Enterprise.objects.values_list("source", flat=True)) == {"synthetic"}
    audits = AuditEntry.objects.count()

    again = load_demo(import_table, firms=400, years=2, seed=3)
    assert again.rejected == 0
    assert (Enterprise.objects.count(), AnnualReport.objects.count()) == (enterprises, reports)
    assert AuditEntry.objects.count() == audits  # nothing changed, nothing recorded


@pytest.mark.django_db(transaction=True)
def test_demo_command_prints_the_import_line():
    result = CliRunner().invoke(main, ["demo", "--firms", "150", "--years", "1", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "150 imported, 0 rejected"
