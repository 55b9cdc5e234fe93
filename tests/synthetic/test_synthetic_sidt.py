"""``lumbung synth --format sidt``: the population as an SIDT-KUMKM export, read back by the importer."""

from __future__ import annotations

import polars as pl
import pytest

from lumbung.imports.sidt import COLUMNS as IMPORTER_COLUMNS
from lumbung.synthetic import generate
from lumbung.synthetic.sidt import COLUMNS, to_sidt, write_sidt


def test_columns_are_the_importers():
    assert COLUMNS == IMPORTER_COLUMNS


def test_workforce_split_sums_back():
    table = generate(300, 2, 5)
    sidt = pl.from_arrow(to_sidt(table)).with_columns(pl.col(r"^tk_.*$").cast(pl.Int64))
    source = pl.from_arrow(table)
    workers = sidt.select(pl.sum_horizontal("tk_dibayar_laki", "tk_dibayar_perempuan", "tk_not_dibayar_laki",
                                            "tk_not_dibayar_perempuan")).to_series()
    paid = sidt["tk_dibayar_laki"] + sidt["tk_dibayar_perempuan"]
    female = sidt["tk_dibayar_perempuan"] + sidt["tk_not_dibayar_perempuan"]
    known = source.select(pl.all_horizontal(pl.col("workers", "workers_paid", "workers_female").is_not_null()))
    known = known.to_series()
    assert 0 < known.sum() < source.height
    assert sidt.filter(~known).select(pl.col(r"^tk_(not_)?dibayar_(laki|perempuan)$").is_null().all()).row(0) == (
        True,) * 4
    assert (workers.filter(known) == source["workers"].filter(known)).all()
    assert (paid.filter(known) == source["workers_paid"].filter(known)).all()
    assert (female.filter(known) == source["workers_female"].filter(known)).all()
    assert (sidt.select(pl.min_horizontal(pl.col(r"^tk_.*$"))).to_series().drop_nulls() >= 0).all()


def test_same_seed_same_bytes(tmp_path):
    first = write_sidt(500, 2, 3, tmp_path / "a.csv", block_firms=200)
    second = write_sidt(500, 2, 3, tmp_path / "b.csv", block_firms=200)
    assert first == second and first[0] > 500
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert not (tmp_path / "a.csv.partial").exists()


@pytest.mark.django_db
def test_the_importer_reads_it_back(tmp_path):
    import pyarrow.csv as pacsv

    from lumbung.registry.importer import import_file
    from lumbung.registry.models import AnnualReport, Enterprise

    table = generate(300, 2, 7)
    pacsv.write_csv(to_sidt(table), tmp_path / "sidt.csv")
    result = import_file(tmp_path / "sidt.csv", format="sidt", analytics=False)
    assert result.imported + result.rejected == table.num_rows
    assert result.rejected <= table.num_rows * 0.02  # a village name that fits several villages of one district
    drawn = pl.from_arrow(table)
    firms = drawn.sort("year", descending=True).unique("source_id", keep="first")
    stored = {e.source_id: e for e in Enterprise.objects.filter(source="sidt")}
    assert len(stored) >= firms.height * 0.98
    fields = ("nib", "name", "owner_name", "owner_gender", "region_code", "kbli", "legal_form", "legal_status",
              "reported_scale", "founded_year")
    compared = 0
    for firm in firms.iter_rows(named=True):
        if firm["source_id"] in stored:
            assert {f: getattr(stored[firm["source_id"]], f) for f in fields} == {f: firm[f] for f in fields}
            compared += 1
    assert compared == len(stored)
    checked = 0
    reports = {(r.enterprise.source_id, r.year): r for r in AnnualReport.objects.select_related("enterprise")}
    for row in drawn.iter_rows(named=True):
        report = reports.get((row["source_id"], row["year"]))
        if report is not None:
            workforce = (row["workers"], row["workers_paid"], row["workers_female"])
            if None in workforce:  # SIDT cannot say "4 workers, women unknown": all unknown then
                workforce = (None, None, None)
            assert (report.workers, report.workers_paid, report.workers_female, report.sales, report.net_assets,
                    report.business_capital) == (*workforce, row["sales"], row["net_assets"],
                                                 row["business_capital"])
            checked += 1
    assert checked == result.imported


def test_synth_cli_writes_sidt(tmp_path):
    from click.testing import CliRunner

    from lumbung.synthetic.commands import synth_command

    out = tmp_path / "x.csv"
    result = CliRunner().invoke(synth_command, ["--firms", "50", "--years", "1", "--format", "sidt", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines()[0].split(",")[0] == '"id_data_badan_usaha"'
    bad = CliRunner().invoke(synth_command, ["--firms", "5", "--format", "sidt", "--out", str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "csv" in bad.output
