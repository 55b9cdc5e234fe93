"""After an import, the analytics tables follow (incrementally) once they have been built."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from imports_samples import row, write_csv

from lumbung.cli import main
from lumbung.indicators import analytics, compute
from lumbung.registry.rows import RegistryRows

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_updates_built_analytics_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    first = runner.invoke(main, ["import", str(write_csv(tmp_path / "a.csv", [row()]))])
    assert first.exit_code == 0, first.output
    assert "analytics" not in first.output  # nothing built yet: nothing to update
    analytics.build(RegistryRows(), full=True)
    before = compute(["firms"], by=["year"])
    second = runner.invoke(main, ["import", str(write_csv(tmp_path / "b.csv", [row(year="2024")]))])
    assert second.exit_code == 0, second.output
    assert "analytics tables updated: years 2024" in second.output
    assert second.output.strip().splitlines()[-1] == "1 imported, 0 rejected"
    after = compute(["firms"], by=["year"])
    assert len(after) == len(before) + 1


def test_no_analytics_leaves_the_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    runner.invoke(main, ["import", str(write_csv(tmp_path / "a.csv", [row()]))])
    analytics.build(RegistryRows(), full=True)
    result = runner.invoke(main, ["import", "--no-analytics", str(write_csv(tmp_path / "b.csv", [row(year="2024")]))])
    assert result.exit_code == 0, result.output
    assert "analytics" not in result.output
    assert len(compute(["firms"], by=["year"])) == 1
