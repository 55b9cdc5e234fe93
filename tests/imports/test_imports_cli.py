"""`lumbung template`, `lumbung import` and `lumbung export`: exit codes and the last line printed."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner
from imports_samples import row, write_csv

from lumbung.cli import main
from lumbung.vocabulary import TEMPLATE_COLUMNS

pytestmark = pytest.mark.django_db


def _invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_exit_0_when_every_row_is_stored(tmp_path):
    result = _invoke("import", write_csv(tmp_path / "a.csv", [row(), row(year="2024")]))
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1] == "2 imported, 0 rejected"


def test_exit_1_when_some_rows_are_rejected_with_an_errors_file(tmp_path):
    errors = tmp_path / "e.csv"
    result = _invoke("import", write_csv(tmp_path / "a.csv", [row(), row(source_id="B", nib="", kbli="10798")]),
                     "--errors", errors)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "1 imported, 1 rejected"
    with open(errors, encoding="utf-8") as handle:
        assert list(csv.reader(handle))[1] == ["3", "kbli", "10798", "kbli 10798 is not a KBLI 2020 subclass"]


@pytest.mark.parametrize("name,content", [
    ("a.json", b"{}"),  # unknown format
    ("a.csv", b"name,kbli\n\x81\x8d,10792\n"),  # undecodable
    ("a.csv", b"name,kbli,year\nA,10792,2023\n"),  # required columns missing
])
def test_exit_2_and_nothing_written_for_an_unusable_file(tmp_path, name, content):
    from lumbung.registry.models import Enterprise

    path = tmp_path / name
    path.write_bytes(content)
    result = _invoke("import", path)
    assert result.exit_code == 2
    assert Enterprise.objects.count() == 0
    assert "imported" not in result.output


def test_dry_run_option(tmp_path):
    from lumbung.registry.models import Enterprise

    result = _invoke("import", write_csv(tmp_path / "a.csv", [row()]), "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert Enterprise.objects.count() == 0


def test_format_and_source_options(tmp_path):
    from lumbung.registry.models import Enterprise

    assert _invoke("import", write_csv(tmp_path / "a.csv", [row()]), "--format", "template", "--source", "dinas",
                   "--batch-size", "1").exit_code == 0
    assert Enterprise.objects.get().source == "dinas"
    assert _invoke("import", tmp_path / "a.csv", "--format", "other").exit_code == 2


def test_template_command(tmp_path):
    result = _invoke("template", "--out", tmp_path / "t.csv")
    assert result.exit_code == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8") == ",".join(TEMPLATE_COLUMNS) + "\n"
    assert _invoke("template", "--out", tmp_path / "t.xlsx").exit_code == 0
    assert _invoke("template", "--out", tmp_path / "t.txt").exit_code == 2


def test_export_command(tmp_path):
    _invoke("import", write_csv(tmp_path / "a.csv", [row(), row(year="2024")]))
    result = _invoke("export", "--out", tmp_path / "o.csv", "--year", "2024", "--region", "3204")
    assert result.exit_code == 0 and "1 rows written" in result.output
    assert _invoke("export", "--out", tmp_path / "o.csv", "--region", "32.99").exit_code == 2
    assert _invoke("export", "--out", tmp_path / "o.csv", "--region", "abc").exit_code == 2
    assert _invoke("export", "--out", tmp_path / "o.json").exit_code == 2


def test_blank_option(tmp_path):
    from lumbung.registry.models import Enterprise

    _invoke("import", write_csv(tmp_path / "a.csv", [row()]))
    digest = Enterprise.objects.get().owner_nik_digest
    assert digest is not None
    assert _invoke("import", write_csv(tmp_path / "b.csv", [row(owner_nik="")])).exit_code == 0
    assert Enterprise.objects.get().owner_nik_digest == digest  # the default keeps
    assert _invoke("import", tmp_path / "b.csv", "--blank", "clears").exit_code == 0
    assert Enterprise.objects.get().owner_nik_digest is None
    assert CliRunner().invoke(main, ["import", str(tmp_path / "b.csv"), "--blank", "erase"]).exit_code == 2
