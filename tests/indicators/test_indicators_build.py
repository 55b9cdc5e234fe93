"""`lumbung analytics build` from a small registry: full, incremental, deletions.

Marked django_db: CI reruns these on PostgreSQL (LUMBUNG_DATABASE_URL=postgresql://...).
"""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

from lumbung.indicators import compute
from lumbung.indicators.analytics import build
from lumbung.indicators.schema import COLUMNS, STORED_COLUMNS, partition_path
from lumbung.sizeclass import classify

pytestmark = pytest.mark.django_db


def build_analytics(home, full=False):
    from lumbung.registry.rows import RegistryRows

    return build(RegistryRows(), full=full, home=home)


def _registry():
    from lumbung.registry.models import AnnualReport, Enterprise

    def ent(name, region, kbli, **kw):
        return Enterprise.objects.create(name=name, region_code=region, kbli=kbli, **kw)

    a = ent("Tahu Sumedang", "32.11.01.2001", "10392", owner_gender="F", legal_status="none", reported_scale="micro")
    b = ent("Batik Pekalongan", "33.75.01", "13134", owner_gender="M", legal_status="legal_entity",
            indonesian_owned=True, independent=True)
    c = ent("Mebel Jepara", "33.20", "31001", owner_gender=None)
    d = ent("Tanpa wilayah", "99.99", "99999")  # codes that do not exist: unknown buckets
    rep = AnnualReport.objects.create
    rep(enterprise=a, year=2022, workers=3, sales=90_000_000, output=100_000_000, inputs=60_000_000, trained=True)
    rep(enterprise=a, year=2023, workers=6, sales=120_000_000, output=130_000_000, inputs=70_000_000, trained=False)
    rep(enterprise=b, year=2022, workers=12, sales=900_000_000, output=1_000_000_000, inputs=None,
        net_assets=300_000_000, online_sales=True)
    rep(enterprise=c, year=2023, workers=None, sales=None, output=50_000_000, inputs=20_000_000)
    rep(enterprise=d, year=2023, workers=0, sales=10_000_000)  # 0 workers: the classifier refuses it
    return a, b, c, d


def _read(home, year):
    return pq.read_table(partition_path(year, home)).to_pylist()


def test_full_build_denormalises_the_registry(tmp_path):
    a, b, c, d = _registry()
    result = build_analytics(tmp_path)
    assert result.mode == "full" and result.years == [2022, 2023] and result.rows == 5
    rows = {(r["enterprise_id"], r["year"]): r for y in (2022, 2023) for r in _read(tmp_path, y)}
    assert set(rows) == {(a.id, 2022), (a.id, 2023), (b.id, 2022), (c.id, 2023), (d.id, 2023)}
    assert tuple(pq.read_schema(partition_path(2023, tmp_path)).names) == STORED_COLUMNS
    ra = rows[(a.id, 2023)]
    assert ra["value_added"] == 60_000_000 and ra["trained"] is False
    assert (ra["province"], ra["regency"], ra["district"]) == ("32", "32.11", "32.11.01")
    assert (ra["kbli_section"], ra["kbli_division"]) == ("C", "10")
    assert ra["size_bps_workers"] == "small"             # 6 persons engaged: BPS small (5-19)
    assert rows[(a.id, 2022)]["size_bps_workers"] == "micro"
    assert rows[(b.id, 2022)]["value_added"] is None     # inputs missing
    assert rows[(b.id, 2022)]["district"] == "33.75.01" and rows[(b.id, 2022)]["regency"] == "33.75"
    assert rows[(c.id, 2023)]["district"] is None and rows[(c.id, 2023)]["regency"] == "33.20"
    assert rows[(d.id, 2023)]["province"] is None and rows[(d.id, 2023)]["kbli_division"] is None
    assert rows[(d.id, 2023)]["size_bps_workers"] == "unknown"
    # panel links: Tahu Sumedang reports both years, Batik Pekalongan only 2022
    a22, a23, b22 = rows[(a.id, 2022)], rows[(a.id, 2023)], rows[(b.id, 2022)]
    assert (a22["in_prev"], a22["in_next"], a23["in_prev"], a23["in_next"]) == (False, True, True, False)
    assert (a22["next_workers"], a22["next_sales"], a22["next_value_added"]) == (6, 120_000_000, 60_000_000)
    assert a22["next_size_bps_workers"] == "small" and a23["next_workers"] is None
    assert b22["in_next"] is False and b22["next_size_uu_20_2008"] is None
    assert rows[(c.id, 2023)]["in_prev"] is False
    assert "name" not in COLUMNS and "owner_nik" not in COLUMNS and "owner_name" not in COLUMNS
    # every regime's column agrees with the row-by-row classifier
    for row in rows.values():
        report = {k: row[k] for k in ("workers", "sales", "net_assets", "business_capital", "investment",
                                      "indonesian_owned", "independent")}
        if report["workers"] == 0:
            continue
        for regime in ("bps-workers", "uu-9-1995", "uu-20-2008", "pp-7-2021", "permenperin-64-2016"):
            assert row["size_" + regime.replace("-", "_")] == classify(report, regime).size_class


def test_engine_over_the_built_tables(tmp_path):
    _registry()
    build_analytics(tmp_path)
    df = compute("firms,value_added,entry_rate", by=["year", "province"], home=tmp_path)
    v = {(r.year, r.province, r.indicator): r.value for r in df.itertuples()}
    assert v[(2023, "32", "firms")] == 1 and v[(2023, "33", "firms")] == 1 and v[(2023, "unknown", "firms")] == 1
    assert v[(2023, "33", "value_added")] == 30_000_000
    assert v[(2023, "33", "entry_rate")] == 100      # Mebel Jepara did not report in 2022


def test_incremental_build_rewrites_changed_years_and_their_neighbours(tmp_path):
    from lumbung.registry.models import AnnualReport, Enterprise

    a, b, c, d = _registry()
    build_analytics(tmp_path)
    before_2022 = os.stat(partition_path(2022, tmp_path)).st_mtime_ns

    result = build_analytics(tmp_path)
    assert result.years == [] and result.relinked == []   # nothing changed, nothing rewritten
    assert os.stat(partition_path(2022, tmp_path)).st_mtime_ns == before_2022

    report = AnnualReport.objects.get(enterprise=c, year=2023)
    report.workers = 25
    report.save()
    result = build_analytics(tmp_path)
    assert result.mode == "incremental" and result.years == [2023] and result.rows == 3
    assert result.relinked == [2022]   # 2022 links to 2023: rewritten from its file, not from the registry
    changed = {r["enterprise_id"]: r for r in _read(tmp_path, 2023)}[c.id]
    assert changed["workers"] == 25 and changed["size_bps_workers"] == "medium"

    # a change in 2023 reaches the 2022 row of the same enterprise (its next_* columns)
    report = AnnualReport.objects.get(enterprise=a, year=2023)
    report.workers = 25
    report.save()
    assert build_analytics(tmp_path).relinked == [2022]
    a22 = {r["enterprise_id"]: r for r in _read(tmp_path, 2022)}[a.id]
    assert a22["next_workers"] == 25 and a22["next_size_bps_workers"] == "medium"
    grad = compute("graduation_rate", by=["year"], home=tmp_path)
    assert grad.iloc[0].numerator == 1   # micro (3) in 2022 -> medium (25) in 2023

    # an enterprise change touches every year it reported
    b.region_code = "32.04"
    b.save()
    assert build_analytics(tmp_path).years == [2022]
    assert {r["enterprise_id"]: r for r in _read(tmp_path, 2022)}[b.id]["province"] == "32"

    # a deletion is seen through the year's count
    Enterprise.objects.filter(pk=b.id).delete()
    assert build_analytics(tmp_path).years == [2022]
    assert [r["enterprise_id"] for r in _read(tmp_path, 2022)] == [a.id]

    # a year whose every report is gone loses its partition, and its neighbour its links to it
    AnnualReport.objects.filter(year=2022).delete()
    result = build_analytics(tmp_path)
    assert result.removed == [2022] and not partition_path(2022, tmp_path).exists()
    assert result.relinked == [2023]
    assert not any(r["in_prev"] for r in _read(tmp_path, 2023))

    assert build_analytics(tmp_path, full=True).years == [2023]


def test_changing_a_middle_year_relinks_both_neighbours(tmp_path):
    from lumbung.registry.models import AnnualReport

    a, b, c, d = _registry()
    AnnualReport.objects.create(enterprise=a, year=2024, workers=7, sales=130_000_000)
    AnnualReport.objects.create(enterprise=c, year=2024, workers=2)
    build_analytics(tmp_path)
    AnnualReport.objects.filter(enterprise=a, year=2023).delete()   # a skips 2023
    result = build_analytics(tmp_path)
    assert result.years == [2023] and result.relinked == [2022, 2024]
    a22 = {r["enterprise_id"]: r for r in _read(tmp_path, 2022)}[a.id]
    a24 = {r["enterprise_id"]: r for r in _read(tmp_path, 2024)}[a.id]
    assert a22["in_next"] is False and a22["next_workers"] is None
    assert a24["in_prev"] is False
    df = compute("entry_rate,exit_rate", by=["year"], home=tmp_path)
    v = {(r.year, r.indicator): (r.numerator, r.denominator) for r in df.itertuples()}
    assert v[(2023, "exit_rate")] == (2, 2)    # a and b both reported in 2022, neither in 2023
    assert v[(2024, "entry_rate")] == (1, 2)   # a is back in 2024; c continues from 2023


def test_check_and_status_say_when_the_indicators_are_stale(tmp_path, monkeypatch):
    """A refresh killed after an import leaves the tables behind the registry: said, not hidden."""
    from click.testing import CliRunner

    from lumbung.cli import main
    from lumbung.indicators.analytics import status
    from lumbung.registry.models import AnnualReport
    from lumbung.registry.rows import RegistryRows

    monkeypatch.setenv("LUMBUNG_HOME", str(tmp_path))
    a, b, c, d = _registry()
    build_analytics(tmp_path)
    assert status(RegistryRows(), home=tmp_path).current
    fresh = CliRunner().invoke(main, ["check"])
    assert fresh.exit_code == 0 and "up to date" in fresh.output and "stale" not in fresh.output
    report = AnnualReport.objects.get(enterprise=a, year=2022)
    report.workers = 9
    report.save()   # an import stored this; its refresh did not run (killed)
    state = status(RegistryRows(), home=tmp_path)
    assert state.stale and state.changed_years == (2022,)
    stale = CliRunner().invoke(main, ["check", "--format", "json"])
    assert '"stale": true' in stale.output
    assert "indicators are stale" in CliRunner().invoke(main, ["check"]).output
    build_analytics(tmp_path)
    assert status(RegistryRows(), home=tmp_path).current


def test_the_build_writes_the_peer_files_of_every_partition_it_changes(tmp_path):
    """The owners' benchmark files (lumbung.indicators.peers) follow each partition's version."""
    from lumbung.indicators import peers
    from lumbung.registry.models import AnnualReport

    a, b, c, d = _registry()
    build_analytics(tmp_path)
    rows_2023, counts_2023 = peers.files(2023, tmp_path)
    got = {r["enterprise_id"]: r for r in pq.read_table(rows_2023).to_pylist()}
    assert got[a.id]["prev_sales"] == 90_000_000 and got[a.id]["regency"] == "32.11"   # its 2022 sales
    counts = {(r["kbli_division"], r["level"], r["region"], r["every_class"]): r["n"]
              for r in pq.read_table(counts_2023).to_pylist()}
    assert counts[("10", "regency", "32.11", False)] == 1 and counts[("10", "nation", None, True)] == 1
    files_2022 = peers.files(2022, tmp_path)

    report = AnnualReport.objects.get(enterprise=a, year=2023)
    report.workers = 25
    report.save()
    build_analytics(tmp_path)   # 2023 rewritten, 2022 relinked: both get new peer files
    assert peers.files(2023, tmp_path)[0] != rows_2023 and not rows_2023.exists()
    assert peers.files(2022, tmp_path) != files_2022
    AnnualReport.objects.filter(year=2022).delete()
    build_analytics(tmp_path)
    assert peers.files(2022, tmp_path) is None and not peers.peers_dir(2022, tmp_path).exists()
