"""lumbung.sectors: the KBLI 2020 table, checked against the OSS list in shared/data."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from lumbung import sectors

ROOT = Path(__file__).resolve().parents[2]

#: Division ranges of the 21 sections, from the KBLI 2020 structure (Peraturan BPS 2/2020).
SECTION_RANGES = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}


def _reference(shared_data: Path) -> list[dict[str, str]]:
    with (shared_data / "kbli2020.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sections_a_to_u_in_two_languages():
    rows = sectors.sections()
    assert [row.code for row in rows] == list(SECTION_RANGES)
    assert all(row.title_id and row.title_en for row in rows)
    assert sectors.title("C") == "Industri Pengolahan"
    assert sectors.title("C", lang="en") == "Manufacturing"


def test_every_division_lies_in_its_section_range():
    for row in sectors.divisions():
        first, last = SECTION_RANGES[row.section]
        assert first <= int(row.code) <= last, row


def test_manufacturing_divisions_have_english_titles():
    divisions = sectors.divisions("C")
    assert [row.code for row in divisions] == [f"{n}" for n in range(10, 34)]
    assert all(row.title_en and row.title_en != row.title_id for row in divisions)
    assert sectors.title("10", lang="en") == "Manufacture of food products"


def test_lookups():
    assert sectors.is_subclass("10792")
    assert not sectors.is_subclass("1079")  # a class, not a subclass
    assert not sectors.is_subclass("99999")
    assert not sectors.is_subclass(10792)  # integers lose leading zeros: refused
    assert not sectors.is_subclass("abc")
    assert sectors.section_of("01111") == "A"
    assert sectors.section_of("10792") == "C"
    assert sectors.division_of("10792") == "10"
    assert sectors.division_of("C") is None
    assert sectors.parent_of("10792") == "1079"
    assert sectors.parent_of("10") == "C"
    assert sectors.title("99999") is None
    # below divisions only Indonesian titles exist; English asks fall back to them
    assert sectors.title("10792", lang="en") == sectors.title("10792")


def test_subclasses_by_prefix():
    food = sectors.subclasses("10")
    assert food and all(row.code.startswith("10") and row.level == "subclass" for row in food)
    assert "10792" in {row.code for row in food}
    assert [row.code for row in sectors.subclasses("1079")] == \
        sorted(row.code for row in sectors.children("1079"))
    assert len(sectors.subclasses()) == sum(1 for row in sectors.entries() if row.level == "subclass")


@pytest.mark.parametrize("bad", ["1", "123456", "1a", "V", "", None, 10])
def test_malformed_codes_raise(bad):
    with pytest.raises(ValueError, match="KBLI code"):
        sectors.section_of(bad)


def test_division_92_is_absent():
    # ISIC division 92 (gambling and betting) is not in the OSS list; Lumbung does not invent it.
    assert sectors.title("92") is None
    assert [row.code for row in sectors.divisions("R")] == ["90", "91", "93"]


def test_hierarchy_is_closed():
    for row in sectors.entries():
        if row.level == "section":
            assert row.parent is None
            continue
        parent = sectors.get(row.parent)
        assert parent is not None, row
        assert row.code.startswith(parent.code) or parent.level == "section"
        assert LEVEL_ORDER[parent.level] < LEVEL_ORDER[row.level]
        assert parent.section == row.section


LEVEL_ORDER = {level: i for i, level in enumerate(sectors.LEVELS)}


def test_same_codes_levels_and_titles_as_reference(shared_data):
    reference = _reference(shared_data)
    for row in reference:
        ours = sectors.get(row["code"])
        assert ours is not None, row
        assert ours.level == row["level"]
        assert ours.title_id == " ".join(row["title"].split())  # only runs of spaces are collapsed


def test_counts_match_reference(shared_data):
    reference = Counter(row["level"] for row in _reference(shared_data))
    ours = Counter(row.level for row in sectors.entries())
    assert reference == {"division": 87, "group": 244, "class": 565, "subclass": 1790}
    assert ours["section"] == 21
    assert ours["division"] == reference["division"]
    assert ours["group"] == reference["group"]
    assert ours["subclass"] == reference["subclass"]
    # one class added: 4942, the missing parent of subclasses 49421-49429 (see docs)
    assert ours["class"] == reference["class"] + 1
    assert sectors.level("4942") == "class"


def test_build_script_reproduces_the_table(shared_data, tmp_path):
    output = tmp_path / "kbli.tsv"
    script = ROOT / "scripts" / "build_kbli_table.py"
    subprocess.run([sys.executable, str(script), str(shared_data / "kbli2020.csv"), str(output)],
                   check=True, capture_output=True)
    shipped = ROOT / "src" / "lumbung" / "sectors" / "kbli2020.tsv"
    assert output.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")
