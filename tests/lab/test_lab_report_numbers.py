"""The lab report writes numbers as its reader does (issue 10 point 7): 1.234.567 and Rp1,2 miliar
in Bahasa Indonesia, 1,234,567 and Rp1.2 billion in English (lumbung.numbers, shared with the portal)."""

from __future__ import annotations

import polars as pl

from lumbung import numbers
from lumbung.lab import report
from lumbung.portal import numbers as portal_numbers


def _bands() -> pl.DataFrame:
    rows = []
    for indicator, median in (("firms", 1_234_567.0), ("workers", 2_500_000.0), ("output", 1.2e9),
                              ("value_added", 3.456e12), ("share_traditional", 0.4567)):
        for size_class in ("all", "micro"):
            rows.append({"scenario": "baseline", "indicator": indicator, "size_class": size_class, "period": 3,
                         "p05": median * 0.9, "median": median, "p95": median * 1.1})
    return pl.DataFrame(rows)


def _comparison() -> pl.DataFrame:
    return pl.DataFrame([{"scenario": "kur", "baseline": "baseline", "indicator": "cost_per_job",
                          "baseline_median": 0.0, "scenario_median": 45_600_000.0, "difference_median": 45_600_000.0,
                          "difference_p05": 40_000_000.0, "difference_p95": 51_000_000.0, "runs": 1500}])


def _page(lang: str) -> str:
    return report.render_html(_bands(), _comparison(), {}, {"Runs": 1200, "Seed": "7"}, lang, folder=None)


def test_indonesian_report_numbers():
    page = _page("id")
    assert "<td>1.234.567</td>" in page and "<td>2.500.000</td>" in page
    assert "<td>Rp1,2 miliar</td>" in page and "<td>Rp3,5 triliun</td>" in page
    assert "<td>Rp45,6 juta</td>" in page and "<td>0,457</td>" in page
    assert "<dd>1.200</dd>" in page and "<td>1.500</td>" in page  # a count of runs is no amount of money
    assert "1,234,567" not in page and "0.457" not in page


def test_english_report_numbers():
    page = _page("en")
    assert "<td>1,234,567</td>" in page and "<td>Rp1.2 billion</td>" in page and "<td>Rp3.5 trillion</td>" in page
    assert "<td>Rp45.6 million</td>" in page and "<td>0.457</td>" in page and "<dd>1,200</dd>" in page


def test_chart_axes_use_the_same_formats():
    assert report.format_value(2_500_000.0, "id") == "2.500.000"
    assert report.format_value(1.2e9, "id", "output") == "Rp1,2 miliar"
    assert report.format_value(0.25, "id") == "0,25" and report.format_value(0.25, "en") == "0.25"
    assert report.format_value(float("nan"), "id") == "–"


def test_the_portal_formats_are_the_shared_ones():
    assert portal_numbers.number is numbers.number and portal_numbers.rupiah is numbers.rupiah
    assert numbers.number(1234567.8, 1) == "1.234.567,8" and numbers.rupiah(1.2e9) == "Rp1,2 miliar"
    assert numbers.significant(0.0001234) == "0,000123" and numbers.significant(12.5, lang="en") == "12"
