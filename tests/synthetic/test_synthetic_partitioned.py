"""`lumbung synth --partition-by province`: a population generated in blocks and written as
Parquet partitioned by province: every row once, in its province's file, ids unique across
blocks, the same calibration as one whole draw, byte-identical for the same seed."""

from __future__ import annotations

import polars as pl
import pytest
from click.testing import CliRunner

from lumbung.cli import main
from lumbung.errors import UserError
from lumbung.synthetic import generate
from lumbung.synthetic.partitioned import write_partitioned

FIRMS, YEARS, SEED = 6_000, 2, 11


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "population"
    return write_partitioned(FIRMS, YEARS, SEED, out, block_firms=1_500)


def _frame(folder) -> pl.DataFrame:
    return pl.read_parquet(folder / "*" / "*.parquet", hive_partitioning=True)


def test_every_row_is_in_its_province_file_and_ids_are_unique(written):
    frame = _frame(written.folder)
    assert frame.height == written.rows and written.files == frame["province"].n_unique()
    assert (frame["region_code"].str.slice(0, 2) == frame["province"].cast(pl.String)).all()
    assert frame.select("source_id", "year").is_unique().all()
    firms = frame.unique("source_id")
    assert firms.height == written.firms > FIRMS  # entrants come on top of the starting firms
    nibs = firms["nib"].drop_nulls()
    assert nibs.n_unique() == nibs.len()
    assert frame.filter(pl.col("year") == 2021).height == FIRMS


def test_blocks_keep_the_calibration_of_one_whole_draw(written):
    blocks = _frame(written.folder).filter(pl.col("year") == 2021)
    whole = pl.from_arrow(generate(FIRMS, YEARS, SEED)).filter(pl.col("year") == 2021)
    for frame in (blocks, whole):
        assert frame.height == FIRMS
    # size classes by persons engaged (the mean is dominated by a few Pareto-tailed large firms)
    for bound in (5, 20, 100):
        ours, theirs = (f.filter(pl.col("workers") < bound).height / FIRMS for f in (blocks, whole))
        assert ours == pytest.approx(theirs, abs=0.01), bound
    for column in ("legal_status", "kbli"):
        ours = blocks[column].str.slice(0, 2).value_counts(normalize=True).sort(column)
        theirs = whole[column].str.slice(0, 2).value_counts(normalize=True).sort(column)
        joined = ours.join(theirs, on=column, how="full", suffix="_whole").fill_null(0)
        assert (joined["proportion"] - joined["proportion_whole"]).abs().max() < 0.03, column


def test_the_same_seed_writes_the_same_bytes(written, tmp_path):
    again = write_partitioned(FIRMS, YEARS, SEED, tmp_path / "again", block_firms=1_500)
    ours = {p.relative_to(written.folder): p.read_bytes() for p in written.folder.rglob("*.parquet")}
    theirs = {p.relative_to(again.folder): p.read_bytes() for p in again.folder.rglob("*.parquet")}
    assert ours == theirs


def test_an_existing_folder_is_refused(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(UserError, match="already exists"):
        write_partitioned(100, 1, 1, tmp_path / "taken")
    result = CliRunner().invoke(main, ["synth", "--firms", "100", "--out", str(tmp_path / "taken"),
                                       "--partition-by", "province"])
    assert result.exit_code == 2 and "already exists" in result.output


def test_the_command_writes_a_partitioned_folder(tmp_path):
    out = tmp_path / "national"
    result = CliRunner().invoke(main, ["synth", "--firms", "500", "--years", "1", "--seed", "2", "--out", str(out),
                                       "--partition-by", "province"])
    assert result.exit_code == 0, result.output
    assert _frame(out).height == 500
    assert not (tmp_path / "national.partial").exists()
