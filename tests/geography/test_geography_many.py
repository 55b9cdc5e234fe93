"""The set-wise forms give what the one-value forms give: geography.match_names against
match_name, and rules.existing_regions / rules.lookup against the scalar region rules."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from lumbung import geography, rules
from lumbung.geography import names
from lumbung.geography.codes import parent_codes

#: Written forms seen in BPS and Dinas tables (see lumbung.geography.names), and some that match nothing.
FORMS = ("{}", "{upper}", "KAB. {}", "Kota {}", "kec {}", "Desa {}", "Kel. {}", "D.I. {}", "kab. adm. {}",
         "Kota Administrasi {}", "ibu kota {}", "K A B {}", "  {}  ", "{}'s", "{}x", "Provinsi {}")
EXTRA = ("", " ", "...", "a b c", "a 1 b", "DKI", "dkj", "NTB", "Kota", "kota ", "x'y", "DI Yogyakarta",
         "Regapu’u", "BOGOR", "KOTA BOGOR", "Sukamaju", "Kota Juang")


def _sample(count: int, seed: int) -> list[tuple[str, str | None, int]]:
    """(name, within, level): official names in several written forms, within their parent, a
    grandparent, or nothing."""
    rng = random.Random(seed)
    out = []
    for code in rng.sample(list(geography.all_codes()), count):
        level = code.count(".") + 1
        official = geography.name(code)
        form = rng.choice(FORMS)
        written = form.replace("{upper}", official.upper()).format(official)
        parents = parent_codes(code)[:-1]
        for within in {None, parents[-1] if parents else None, parents[0] if parents else None}:
            out.append((written, within, level))
    out += [(text, within, level) for text in EXTRA for within in (None, "32", "32.01") for level in (1, 2, 3, 4)]
    return out


def _assert_same(queries: list[tuple[str, str | None, int]]) -> None:
    for level in (1, 2, 3, 4):
        rows = [(name, within) for name, within, at in queries if at == level]
        frame = pl.DataFrame(rows, schema={"name": pl.String, "within": pl.String}, orient="row")
        found = {(name, within): code for name, within, code in geography.match_names(frame, level).iter_rows()}
        for name, within in rows:
            assert found[(name, within)] == geography.match_name(name, level=level, within=within), (name, within)


def test_match_names_decides_as_match_name():
    _assert_same(_sample(3000, seed=1))


def test_parsed_names_read_as_the_scalar_parse():
    texts = [name for name, _w, _l in _sample(2000, seed=2)]
    parsed = {row[0]: row[1:] for row in names.parsed_names(pl.Series(texts, dtype=pl.String)).iter_rows()}
    assert all(parsed[text] == names._fields(names._parse(text)) for text in texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("abkKAB .'`-1dDiIyYoOgGtaRr\t")), max_size=24),
                min_size=1, max_size=20))
def test_parsed_names_on_any_text(texts):
    parsed = {row[0]: row[1:] for row in names.parsed_names(pl.Series(texts, dtype=pl.String)).iter_rows()}
    assert all(parsed[text] == names._fields(names._parse(text)) for text in texts)


def _scalar(values: list[str]) -> tuple[dict, dict]:
    codes, bad = {}, {}
    for value in values:
        found = rules.first_violation("region_code", value)
        if found is None:
            codes[value] = rules.read_region(value)
        else:
            bad[value] = found
    return codes, bad


def test_lookup_of_region_codes_as_the_scalar_rules():
    rng = random.Random(3)
    values = set()
    for code in rng.sample(list(geography.all_codes()), 2000):
        values |= {code, code.replace(".", ""), code[:-1] + "9", " " + code, code + "x", code.replace(".", "", 1)}
    values |= {"", " ", "99", "3", "32.0", "٣٢", "32.04.01.20011", "3204\n", "32..04", "32.04.", "99.99"}
    values = sorted(values)
    assert rules.lookup("region_code", values) == _scalar(values)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("0123456789. \n")), max_size=15), max_size=20))
def test_existing_regions_only_passes_what_the_scalar_rules_pass(values):
    codes, bad = _scalar(values)
    found = rules.existing_regions(values)
    assert all(value in codes and codes[value] == code for value, code in found.items())
    assert rules.lookup("region_code", values) == (codes, bad)
