"""docs/registry.md documents every field of the registry vocabulary."""

from __future__ import annotations

from pathlib import Path

import pytest

from lumbung.vocabulary import TEMPLATE_FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "registry.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", TEMPLATE_FIELDS, ids=lambda f: f.name)
def test_field_in_a_table_row_with_its_indonesian_label(field):
    rows = [line for line in DOC.splitlines() if line.startswith(f"| `{field.name}` |")]
    assert rows, f"{field.name} has no row in docs/registry.md"
    assert field.label_id in rows[0]
    if field.unit and field.unit != "Kemendagri code":
        assert field.unit in rows[0]
