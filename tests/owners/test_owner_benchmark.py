"""The peer benchmark (lumbung.indicators.benchmark): peer groups widened step by step,
percentiles against microaggregated peers, and no peer's value recoverable by an owner who
varies their own report."""

from __future__ import annotations

import numpy as np
import peers_sample
import pytest

from lumbung.indicators import benchmark as B


def _own(va_per_worker: float, workers: int = 3, sales=100_000_000, prev_sales=None) -> dict:
    return {"workers": workers, "workers_paid": workers - 1, "workers_female": 1, "sales": sales,
            "output": int(va_per_worker * workers) + 10_000_000, "inputs": 10_000_000,
            "value_added": int(va_per_worker * workers), "wages": 40_000_000, "exports": None,
            "imported_inputs": None, "prev_sales": prev_sales}


def _run(home, own, **kw):
    args = {"year": 2023, "region_code": "32.04.01", "kbli": "10792", "size_class": "micro",
            "enterprise_id": 999, "home": home} | kw
    return B.benchmark(own, **args)


def _position(result, measure="va_per_worker"):
    return next(p for p in result.positions if p.measure.id == measure)


def test_microaggregation_groups_of_k_and_merges_dominated_groups():
    out = B.microaggregate([1, 2, 3, 4, 5, 6, 7], k=3, dominance=0.85)
    assert list(out) == [2, 2, 2, 5.5, 5.5, 5.5, 5.5]
    # [1, 1, 100] is dominated by 100: merged with the group below
    out = B.microaggregate([1, 1, 1, 1, 1, 100], k=3, dominance=0.85)
    assert out is None, "one firm dominates every grouping: not shown"
    out = B.microaggregate([50, 60, 70, 80, 90, 1000, 1, 1], k=3, dominance=0.85)
    assert out is not None and 1000 not in out
    assert B.microaggregate([1, 2], k=3, dominance=0.85) is None


def test_peer_group_widens_from_regency_to_province_to_nation(lumbung_home):
    rows = [peers_sample.peer(i, 10_000_000 + i * 1_000_000, regency="32.04") for i in range(1, 5)]
    rows += [peers_sample.peer(i, 10_000_000 + i * 1_000_000, regency="32.73") for i in range(5, 12)]
    rows += [peers_sample.peer(i, 10_000_000 + i * 1_000_000, regency="33.01") for i in range(12, 20)]
    rows.append(peers_sample.peer(999, 1, regency="32.04"))  # the owner's own (stale) row: never a peer
    peers_sample.write(lumbung_home, 2023, rows)
    result = _run(lumbung_home, _own(15_500_000))
    assert (result.level, result.region, result.peers) == ("province", "32", 11)
    position = _position(result)
    assert position.peers == 11 and position.percentile is not None
    result = _run(lumbung_home, _own(15_500_000), region_code="33.01")
    assert (result.level, result.region, result.peers) == ("nation", None, 19)
    result = _run(lumbung_home, _own(15_500_000), size_class="small")
    assert result.level == "nation" and result.size_class is None, "the size class is dropped last"
    result = _run(lumbung_home, _own(15_500_000), kbli="31001")
    assert result.level is None and all(p.reason == "few_peers" for p in result.positions)


def test_missing_own_value_gives_no_percentile(lumbung_home):
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i, i * 1_000_000) for i in range(1, 13)])
    own = _own(5_000_000) | {"value_added": None}
    position = _position(_run(lumbung_home, own))
    assert position.own is None and position.percentile is None and position.reason == "own_missing"
    growth = _position(_run(lumbung_home, _own(5_000_000)), "sales_growth")
    assert growth.reason == "few_peers", "no Y-1 partition: no peer has a growth"


def test_sales_growth_against_the_peers_previous_year(lumbung_home):
    peers_sample.write(lumbung_home, 2022, [peers_sample.peer(i, 1_000_000, sales=100_000_000) for i in range(1, 13)])
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i, 1_000_000, sales=100_000_000 + i * 5_000_000)
                                            for i in range(1, 13)])
    position = _position(_run(lumbung_home, _own(1_000_000, sales=200, prev_sales=100)), "sales_growth")
    assert position.own == pytest.approx(100.0)
    assert position.percentile == 100.0 and position.peers == 12


def _jumps(home, measure="va_per_worker", low=0, high=60_000_000, steps=1201):
    """Every own value at which the percentile changes, found by sweeping the own report."""
    grid = np.linspace(low, high, steps)
    group = B.peer_group(year=2023, region_code="32.04.01", kbli="10792", size_class="micro", enterprise_id=999,
                         home=home)
    seen = [_position(B.positions(_own(v), group), measure).percentile for v in grid]
    return [(grid[i - 1], grid[i]) for i in range(1, len(grid)) if seen[i] != seen[i - 1]]


def test_varying_the_own_report_never_recovers_a_peer_value(lumbung_home):
    # Twelve peers with distinct values; one stands out (the value an attacker wants).
    values = [10_000_000, 11_000_000, 12_500_000, 14_000_000, 15_500_000, 16_000_000, 18_000_000, 19_000_000,
              21_000_000, 23_000_000, 24_000_000, 47_123_457]
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i + 1, v) for i, v in enumerate(values)])
    jumps = _jumps(lumbung_home)
    assert jumps, "the percentile does move with the own value"
    for low, high in jumps:
        inside = [v for v in values if low <= v <= high]
        assert not inside, f"a sweep step pins a peer's own value {inside}"
    # What a sweep can learn: the means of the groups of three, never one firm's value.
    groups = [np.mean(values[i:i + 3]) for i in range(0, 12, 3)]
    for low, high in jumps:
        assert any(low <= g <= high for g in groups)
    assert not any(low <= 47_123_457 <= high for low, high in jumps)


def test_a_dominant_peer_is_not_recovered_either(lumbung_home):
    values = [1_000_000] * 9 + [2_000_000, 3_000_000, 900_000_000]  # the last holds >85% of its group
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i + 1, v) for i, v in enumerate(values)])
    result = _run(lumbung_home, _own(1_500_000))
    position = _position(result)
    if position.percentile is not None:
        jumps = _jumps(lumbung_home, high=1_000_000_000, steps=2001)
        for low, high in jumps:
            # a reachable cut is a mean of a group that is not dominated; 900 million alone is not in it
            assert not (low <= 900_000_000 <= high)
            assert high < 900_000_000 * 0.85
    else:
        assert position.reason == "dominated"


def test_growth_from_the_stored_prev_sales_reads_no_previous_partition(lumbung_home):
    rows = [peers_sample.peer(i, 1_000_000, sales=100_000_000 + i * 5_000_000) | {"prev_sales": 100_000_000}
            for i in range(1, 13)]
    peers_sample.write(lumbung_home, 2023, rows, prev_sales=True)  # no 2022 partition: only the stored links
    position = _position(_run(lumbung_home, _own(1_000_000, sales=200, prev_sales=100)), "sales_growth")
    assert position.peers == 12 and position.percentile == 100.0


def test_a_group_of_exactly_the_minimum_with_the_owner_in_it_is_widened(lumbung_home):
    rows = [peers_sample.peer(i, i * 1_000_000, regency="32.04") for i in range(1, 10)]
    rows.append(peers_sample.peer(999, 1, regency="32.04"))  # the owner: 10 rows, 9 peers
    rows += [peers_sample.peer(i, i * 1_000_000, regency="32.73") for i in range(20, 25)]
    peers_sample.write(lumbung_home, 2023, rows)
    result = _run(lumbung_home, _own(5_000_000))
    assert (result.level, result.peers) == ("province", 14)
    other = _run(lumbung_home, _own(5_000_000), enterprise_id=1000)  # not in the group: 10 peers suffice
    assert (other.level, other.peers) == ("regency", 10)


def test_a_new_build_is_read_again_and_a_repeated_request_reads_no_file(lumbung_home, monkeypatch):
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i, i * 1_000_000) for i in range(1, 13)])
    assert _run(lumbung_home, _own(5_000_000)).peers == 12
    with monkeypatch.context() as patch:
        patch.setattr(B, "session", lambda *a, **k: pytest.fail("a cached group was read again"))
        assert _run(lumbung_home, _own(5_000_000)).peers == 12
    # A build writes its state file last, which build_version notices at once; this partition is
    # written by hand, which it notices within VERSION_RECHECK_SECONDS: take that wait away.
    from lumbung.indicators import analytics

    monkeypatch.setattr(analytics, "VERSION_RECHECK_SECONDS", 0.0)
    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i, i * 1_000_000) for i in range(1, 16)])
    assert _run(lumbung_home, _own(5_000_000)).peers == 15, "the new partition's version is a miss"


def _same(a, b) -> None:
    assert (a.level, a.region, a.size_class, a.peers) == (b.level, b.region, b.size_class, b.peers)
    for x, y in zip(a.positions, b.positions, strict=True):
        assert (x.peers, x.percentile, x.median, x.quartiles, x.reason) == (y.peers, y.percentile, y.median,
                                                                           y.quartiles, y.reason)


def test_the_builds_peer_files_answer_as_the_partition_does(lumbung_home):
    from lumbung.indicators import peers

    rows = [peers_sample.peer(i, 10_000_000 + i * 1_000_000, regency="32.04") for i in range(1, 5)]
    rows += [peers_sample.peer(i, 10_000_000 + i * 1_000_000, regency=r, size=s)
             for i, (r, s) in enumerate([("32.73", "micro"), ("32.73", "small"), ("33.01", "micro")] * 8, 5)]
    rows.append(peers_sample.peer(999, 1, regency="32.04"))
    peers_sample.write(lumbung_home, 2022, rows)
    peers_sample.write(lumbung_home, 2023, rows)
    cases = [{}, {"region_code": "33.01"}, {"size_class": "small"}, {"kbli": "31001"}]
    direct = [_run(lumbung_home, _own(15_500_000, prev_sales=50_000_000), **c) for c in cases]
    assert peers.files(2023, lumbung_home) is None
    rows_file, _counts = peers.write(2023, lumbung_home)
    assert peers.files(2023, lumbung_home) is not None
    B.clear_cache()  # the version of the partitions is the same: forget what was read from them
    for case, expected in zip(cases, direct, strict=True):
        _same(_run(lumbung_home, _own(15_500_000, prev_sales=50_000_000), **case), expected)
    sorted_rows = [(r["kbli_division"], r["province"], r["regency"]) for r in
                   __import__("pyarrow.parquet", fromlist=["x"]).read_table(rows_file).to_pylist()]
    assert sorted_rows == sorted(sorted_rows)
    peers_sample.write(lumbung_home, 2023, rows[:-3])  # a partition rewritten without its peer files
    assert peers.files(2023, lumbung_home) is None, "a peer file of an earlier partition is never read"


def test_refresh_writes_missing_peer_files_and_deletes_stale_ones(lumbung_home):
    from lumbung.indicators import peers

    peers_sample.write(lumbung_home, 2023, [peers_sample.peer(i, i * 1_000_000) for i in range(1, 13)])
    assert peers.refresh(lumbung_home) == [2023]
    current = peers.files(2023, lumbung_home)
    leftover = peers.peers_dir(2023, lumbung_home) / ".rows-1-1-123.tmp"
    leftover.write_bytes(b"killed")
    stale = peers.peers_dir(2022, lumbung_home)  # a year whose partition is gone
    stale.mkdir()
    assert peers.refresh(lumbung_home) == []
    assert sorted(peers.peers_dir(2023, lumbung_home).iterdir()) == sorted(current) and not stale.exists()
