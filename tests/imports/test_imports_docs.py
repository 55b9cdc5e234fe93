"""docs/import.md documents every template column and every alias the importer accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumbung.vocabulary import TEMPLATE_FIELDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


@pytest.mark.parametrize("field", TEMPLATE_FIELDS, ids=[f.name for f in TEMPLATE_FIELDS])
def test_every_column_and_alias_is_in_the_docs(field):
    text = DOC.read_text(encoding="utf-8")
    row = next((line for line in text.splitlines() if line.startswith(f"| `{field.name}` |")), None)
    assert row is not None, f"{field.name} has no row in the column table"
    for alias in field.aliases:
        assert alias in row, f"alias {alias} of {field.name} is not documented"
