"""docs/lab.md documents every parameter and scenario the lab ships."""

from __future__ import annotations

from pathlib import Path

from lumbung.lab import scenarios

DOC = Path(__file__).resolve().parents[2] / "docs" / "lab.md"


def test_every_parameter_is_in_the_docs_table_with_its_value():
    text = DOC.read_text(encoding="utf-8")
    for p in scenarios.load("baseline").parameters.values():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{p.name}` |")), None)
        assert row is not None, f"parameter {p.name} is missing from docs/lab.md"
        assert f"| {p.value:g} |" in row, f"docs/lab.md shows a stale value for {p.name}"


def test_every_shipped_scenario_is_described():
    text = DOC.read_text(encoding="utf-8")
    for name in scenarios.names():
        assert f"| `{name}` |" in text, name
