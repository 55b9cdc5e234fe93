"""Primary suppression rules, settings and the public output format of protect()."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lumbung.indicators.disclosure import PRIVATE_COLUMNS, protect, rules


def long(cells: dict, indicators: dict[str, tuple[str, bool]], by: list[str]) -> pd.DataFrame:
    """Long format from firm-level data. ``cells``: cell key -> list of firms (dicts of fields);
    ``indicators``: id -> (field, money). A field missing from a firm is left out (as the engine)."""
    rows = []
    for key, firms in cells.items():
        key = key if isinstance(key, tuple) else (key,)
        for ind, (name, money) in indicators.items():
            known = [f[name] for f in firms if f.get(name) is not None]
            if not known:
                continue
            total = float(sum(known))
            rows.append({**dict(zip(by, key, strict=False)), "indicator": ind, "value": total, "numerator": total,
                         "denominator": np.nan, "n_firms": len(known),
                         "max_contribution": float(max(abs(v) for v in known)) if money else np.nan})
    return pd.DataFrame(rows)


def firms(*outputs, **extra):
    return [{"one": 1, "output": o, **{k: v[i] for k, v in extra.items()}} for i, o in enumerate(outputs)]


COUNT_AND_OUTPUT = {"firms": ("one", False), "output": ("output", True)}


def hidden(result: pd.DataFrame, indicator: str) -> set:
    rows = result[(result.indicator == indicator) & result.suppressed]
    return set(rows.iloc[:, 0])


def test_public_output_drops_what_describes_enterprises():
    df = long({"a": firms(5, 6, 7), "b": firms(5, 6, 7, 8)}, COUNT_AND_OUTPUT, ["size_class"])
    out = protect(df, ["size_class"])
    assert not set(PRIVATE_COLUMNS) & set(out.columns)
    assert out["suppressed"].dtype == bool and not out["suppressed"].any()
    pd.testing.assert_series_equal(out["value"], df["value"])  # nothing to hide: unchanged


def test_fewer_than_three_enterprises_hides_every_indicator_of_the_cell():
    cells = {"a": firms(5, 6), "b": firms(5, 6, 7), "c": firms(5, 6, 7, 8), "d": firms(9, 9, 9, 9, 9)}
    out = protect(long(cells, COUNT_AND_OUTPUT, ["kbli_section"]), ["kbli_section"])
    assert "a" in hidden(out, "firms") and "a" in hidden(out, "output")
    row = out[(out.kbli_section == "a") & (out.indicator == "output")].iloc[0]
    assert np.isnan(row.value) and np.isnan(row.numerator) and np.isnan(row.denominator)
    # one complement for the total: the smallest cell (b, 3 enterprises), not d or c
    assert hidden(out, "firms") == {"a", "b"}


def test_dominance_hides_the_money_total_but_not_the_count():
    # b: 3 enterprises, the largest holds 90 of 100 (90% > 85%)
    cells = {"a": firms(30, 30, 40), "b": firms(5, 5, 90), "c": firms(30, 30, 30, 10), "d": firms(20, 20, 20, 20)}
    out = protect(long(cells, COUNT_AND_OUTPUT, ["province"]), ["province"])
    assert "b" in hidden(out, "output")
    assert hidden(out, "firms") == set()  # three enterprises are enough for a count
    assert len(hidden(out, "output")) >= 2  # and a complement, else b = total - the rest


def test_dominance_boundary_is_more_than_85_percent():
    at_limit = {"a": firms(85, 10, 5), "b": firms(30, 30, 40), "c": firms(30, 30, 40)}
    assert hidden(protect(long(at_limit, COUNT_AND_OUTPUT, ["p"]), ["p"]), "output") == set()
    above = {"a": firms(86, 10, 4), "b": firms(30, 30, 40), "c": firms(30, 30, 40)}
    assert "a" in hidden(protect(long(above, COUNT_AND_OUTPUT, ["p"]), ["p"]), "output")


def test_thresholds_come_from_settings():
    cells = {"a": firms(30, 30, 40), "b": firms(30, 30, 40, 10), "c": firms(1, 1, 1, 1, 1, 95)}
    df = long(cells, COUNT_AND_OUTPUT, ["p"])
    assert hidden(protect(df, ["p"]), "firms") == set()
    strict = protect(df, ["p"], {"LUMBUNG_DISCLOSURE_MIN_FIRMS": 4, "LUMBUNG_DISCLOSURE_DOMINANCE": 0.95})
    assert "a" in hidden(strict, "firms")  # 3 < 4
    assert "c" not in hidden(strict, "output")  # 95 of 100 is not more than 95%


def test_thresholds_from_the_environment(monkeypatch):
    monkeypatch.setenv("LUMBUNG_DISCLOSURE_MIN_FIRMS", "6")
    assert rules().min_firms == 6
    monkeypatch.setenv("LUMBUNG_DISCLOSURE_DOMINANCE", "1.5")
    with pytest.raises(ValueError, match="DOMINANCE"):
        rules()


def test_missing_columns_are_refused():
    with pytest.raises(ValueError, match="n_firms"):
        protect(pd.DataFrame({"p": ["a"], "indicator": ["firms"], "value": [1.0], "numerator": [1.0],
                              "denominator": [np.nan], "max_contribution": [np.nan]}), ["p"])


def test_empty_result_stays_empty():
    df = long({}, COUNT_AND_OUTPUT, ["p"]).reindex(columns=["p", "indicator", "value", "numerator",
                                                             "denominator", "n_firms", "max_contribution"])
    out = protect(df, ["p"])
    assert out.empty and "suppressed" in out.columns


def test_share_follows_its_total():
    cells = {"a": firms(5, 5, 90), "b": firms(30, 30, 40), "c": firms(30, 30, 40, 10)}
    df = long(cells, COUNT_AND_OUTPUT, ["p"])
    out_rows = df[df.indicator == "output"].copy()
    share = out_rows.assign(indicator="share_output", denominator=out_rows.numerator.sum())
    share["value"] = 100 * share.numerator / share.denominator
    out = protect(pd.concat([df, share], ignore_index=True), ["p"])
    assert hidden(out, "share_output") == hidden(out, "output") and "a" in hidden(out, "share_output")


def test_a_rate_over_few_known_values_is_hidden_with_its_parts():
    # ten enterprises in each cell, but in cell a only two report exports
    base = [{"one": 1, "sales": 10, "exports": None} for _ in range(8)]
    cells = {"a": base + [{"one": 1, "sales": 10, "exports": 3}, {"one": 1, "sales": 10, "exports": 4}],
             "b": [{"one": 1, "sales": 10, "exports": 1} for _ in range(10)],
             "c": [{"one": 1, "sales": 10, "exports": 2} for _ in range(10)]}
    df = long(cells, {"firms": ("one", False), "exports": ("exports", True)}, ["p"])
    out = protect(df, ["p"])
    assert "a" in hidden(out, "exports") and len(hidden(out, "exports")) == 2
    assert hidden(out, "firms") == set()  # ten enterprises: the count is fine


def test_value_added_inputs_and_output_share_one_pattern():
    """output = value added + inputs: hiding only output would let it be added back."""
    def f(output, inputs):
        return {"one": 1, "output": output, "inputs": inputs, "va": output - inputs}
    cells = {"a": [f(100, 10), f(900, 800), f(10000, 9950)],  # output dominated, value added is not
             "b": [f(100, 50), f(120, 60), f(130, 70)],
             "c": [f(200, 50), f(220, 60), f(230, 70)],
             "d": [f(300, 50), f(320, 60), f(330, 70)]}
    df = long(cells, {"output": ("output", True), "inputs": ("inputs", True), "value_added": ("va", True)}, ["p"])
    out = protect(df, ["p"])
    assert "a" in hidden(out, "output")
    assert hidden(out, "output") == hidden(out, "inputs") == hidden(out, "value_added")


def test_years_are_protected_separately():
    cells = {("a", 2022): firms(5, 6), ("b", 2022): firms(5, 6, 7), ("c", 2022): firms(1, 2, 3, 4),
             ("a", 2023): firms(5, 6, 7), ("b", 2023): firms(5, 6, 7), ("c", 2023): firms(1, 2, 3, 4)}
    out = protect(long(cells, COUNT_AND_OUTPUT, ["p", "year"]), ["p", "year"])
    firms_rows = out[out.indicator == "firms"]
    assert set(firms_rows[firms_rows.suppressed].year) == {2022}
    assert not firms_rows[firms_rows.year == 2023].suppressed.any()


def test_unknown_bucket_is_a_cell_like_the_others():
    cells = {"unknown": firms(5), "31": firms(5, 6, 7), "32": firms(5, 6, 7, 8)}
    df = long(cells, COUNT_AND_OUTPUT, ["province"])
    df.loc[df.province == "unknown", "province"] = None
    out = protect(df, ["province"])
    lone = out[out.province.isna() & (out.indicator == "firms")]
    assert lone.suppressed.all()


def test_public_compute_on_the_engine_fixture(tmp_path):
    """protect() on what the engine really returns: every rate, share and panel indicator."""
    from lumbung.indicators import testing
    from lumbung.indicators.catalogue import catalogue
    from lumbung.indicators.engine import compute

    testing.write_fixture(tmp_path)
    ids = list(catalogue())
    raw = compute(ids, by=["province", "size_class"], years=[2022, 2023], home=tmp_path)
    public = compute(ids, by=["province", "size_class"], years=[2022, 2023], home=tmp_path, public=True)
    assert not set(PRIVATE_COLUMNS) & set(public.columns)
    assert len(public) == len(raw)
    few = (raw["n_firms"] > 0) & (raw["n_firms"] < 3)
    assert public.loc[few.to_numpy(), "suppressed"].all()
    assert public.loc[public.suppressed, ["value", "numerator", "denominator"]].isna().all().all()
    keys = ["province", "size_class"]
    for share in [i for i in ids if i.startswith("share_") and i[6:] in ids]:
        a = public[public.indicator == share].set_index(keys).suppressed
        b = public[public.indicator == share[6:]].set_index(keys).suppressed
        assert a.equals(b.reindex(a.index)), share
