"""Fitting a query into an analyst's grants (lumbung.registry.grants.fit): refused, narrowed, kept."""

from __future__ import annotations

from lumbung.registry.grants import fit


def test_no_region_filter_is_narrowed_to_the_grants():
    fitted = fit(["32", "33"], {"size_class": ["micro"]})
    assert fitted.where == {"size_class": ["micro"], "province": ["32", "33"]}
    assert fitted.narrowed == [("province", "32"), ("province", "33")] and not fitted.refused


def test_a_filter_outside_is_refused_and_the_rest_kept():
    fitted = fit(["32"], {"province": ["32", "35"], "regency": ["32.04"]})
    assert fitted.where == {"province": ["32"], "regency": ["32.04"]}
    assert fitted.refused == [("province", "35")] and not fitted.narrowed


def test_refusing_every_region_filter_narrows():
    fitted = fit(["32.04"], {"province": ["32"]})  # the province is wider than the grant
    assert fitted.refused == [("province", "32")]
    assert fitted.where == {"regency": ["32.04"]}


def test_grants_at_two_levels_narrow_to_the_higher_and_name_the_other():
    fitted = fit(["32", "35.78"], {})
    assert fitted.where == {"province": ["32"]} and fitted.left_out == ["35.78"]
    assert fit(["32", "35.78"], {"regency": ["35.78"]}).where == {"regency": ["35.78"]}


def test_a_village_grant_gives_no_figures():
    assert fit(["32.04.01.2001"], {}) is None
    assert fit([], {"province": ["32"]}) is None


def test_unknown_bucket_is_outside():
    assert fit(["32"], {"province": ["unknown"]}).refused == [("province", "unknown")]


def test_malformed_region_codes_are_refused_and_dotless_ones_read():
    fitted = fit(["32"], {"regency": ["3", "32.04,33.74", "3204", "3374"]})
    assert fitted.where == {"regency": ["32.04"]}
    assert fitted.refused == [("regency", "3"), ("regency", "32.04,33.74"), ("regency", "3374")]
