"""The lab run of a web job (lumbung.lab.web): bounded sizes with a clear message, the outputs of
``lumbung simulate`` plus one ZIP, and the rows the page's charts read back."""

from __future__ import annotations

import zipfile

import pytest

from lumbung.errors import UserError
from lumbung.lab import web


@pytest.mark.parametrize(("firms", "runs", "years", "words"), [
    (0, 1, 1, "Firms"), (web.MAX_FIRMS + 1, 1, 1, "Firms"), (10, 0, 1, "Runs"), (10, web.MAX_RUNS + 1, 1, "Runs"),
    (10, 1, 0, "Years"), (10, 1, web.MAX_YEARS + 1, "Years"), (web.MAX_FIRMS, web.MAX_RUNS, 1, "Firms × runs"),
])
def test_sizes_outside_the_bounds_are_refused(firms, runs, years, words):
    with pytest.raises(UserError, match=words):
        web.check_size(firms, runs, years)


def test_the_largest_allowed_run_passes():
    web.check_size(web.MAX_FIRMS, web.MAX_FIRM_RUNS // web.MAX_FIRMS, web.MAX_YEARS)


def test_a_run_writes_the_files_the_zip_and_the_rows_for_charts(tmp_path):
    seen = []
    out = web.run_lab("credit", firms=400, runs=2, years=1, seed=3, out=tmp_path / "lab", lang="en",
                      progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)  # scenario and baseline, two runs each
    for name in web.DOWNLOADS:
        assert web.download_path(out, name) is not None
    assert web.download_path(out, "../secret") is None and web.download_path(out, "report.html") is None
    with zipfile.ZipFile(out / web.ZIP_NAME) as archive:
        names = set(archive.namelist())
    assert {"report.html", "bands.csv", "comparison.csv", "charts/comparison.png"} <= names
    bands = web.national_bands(out)
    assert {r["scenario"] for r in bands} == {"credit", "baseline"}
    assert {r["indicator"] for r in bands} == set(web.BAND_INDICATORS)
    assert all(r["p05"] <= r["median"] <= r["p95"] for r in bands)
    rows = web.comparison_rows(out)
    assert [r["indicator"] for r in rows] == list(web.COMPARED)
    jobs = rows[0]
    assert jobs["relative"] == pytest.approx(jobs["difference_median"] / jobs["baseline_median"])


def test_reading_a_folder_without_files_gives_nothing(tmp_path):
    assert web.national_bands(tmp_path) == [] and web.comparison_rows(tmp_path) == []
