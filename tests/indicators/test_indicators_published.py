"""Published aggregate tables: the BPS province layout and --source published."""

from __future__ import annotations

import csv

import pytest

from lumbung.indicators import compute, import_published_table
from lumbung.indicators.published import LayoutError, load_layout, load_values
from lumbung.indicators.sqlgen import QueryError

FILE = "imk_bps_2025_provinsi.csv"


@pytest.fixture
def bps_rows(shared_data):
    with open(shared_data / FILE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


@pytest.fixture
def loaded(shared_data, tmp_path):
    result = import_published_table(shared_data / FILE, "bps-imk-province", home=tmp_path)
    return result, tmp_path


def test_every_row_placed_or_reported(loaded, bps_rows):
    result, _ = loaded
    assert result.rows == len(bps_rows)
    assert result.placed + len(result.unplaced) + int(result.national) == result.rows
    assert result.unplaced == []          # all 38 provinces are known to the region adapter
    assert result.placed == 38
    assert result.violations == []        # micro + small = total in every row of this table


def test_province_codes_and_money_units(loaded, bps_rows):
    _, home = loaded
    values = load_values(home)
    aceh = values[(values.region_code == "11") & (values.size_class == "micro")].set_index("measure")["value"]
    row = next(r for r in bps_rows if r["provinsi"] == "ACEH")
    assert aceh["firms"] == int(row["jumlah_perusahaan_mikro"])
    assert aceh["value_added"] == int(row["nilai_tambah_mikro"]) * 1_000_000   # millions of rupiah -> rupiah


def test_va_per_worker_by_province_and_size_equals_the_table(loaded, bps_rows):
    _, home = loaded
    df = compute("va_per_worker", by=["province", "size_class"], source="published", home=home)
    got = {(r.province, r.size_class): r.value for r in df.itertuples()}
    from lumbung import geography

    checked = 0
    for row in bps_rows:
        code = geography.match_name(row["provinsi"], level=1)
        for suffix, size in (("mikro", "micro"), ("kecil", "small")):
            expected = int(row[f"nilai_tambah_{suffix}"]) * 1e6 / int(row[f"jumlah_tk_{suffix}"])
            assert got[(code, size)] == pytest.approx(expected, rel=1e-12)
            checked += 1
    assert checked == 2 * len(bps_rows) == len(got)


def test_national_totals_from_published(loaded, bps_rows):
    _, home = loaded
    df = compute("firms,workers,share_firms", by=["size_class"], source="published", home=home)
    v = {(r.size_class, r.indicator): r.value for r in df.itertuples()}
    micro = sum(int(r["jumlah_perusahaan_mikro"]) for r in bps_rows)
    small = sum(int(r["jumlah_perusahaan_kecil"]) for r in bps_rows)
    assert micro + small == 4_461_888  # BPS national total (shared/data README)
    assert v[("micro", "firms")] == micro and v[("small", "firms")] == small
    assert v[("micro", "share_firms")] == pytest.approx(100 * micro / (micro + small))


def test_indicators_outside_the_table_are_refused(loaded):
    _, home = loaded
    with pytest.raises(QueryError, match="workers_paid"):
        compute("avg_wage", source="published", home=home)
    with pytest.raises(QueryError, match="enterprise-level"):
        compute("export_rate", source="published", home=home)
    with pytest.raises(QueryError, match="kbli_division"):
        compute("firms", by=["kbli_division"], source="published", home=home)


def test_unplaced_rows_national_row_and_violations_reported(tmp_path, shared_data):
    lines = (shared_data / FILE).read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    cols = header.split(";")
    # a made-up province, a national row (the column sums) and a row where micro + small != total
    fake = body[0].split(";")
    fake[1] = "PROVINSI ANTAH BERANTAH"
    national = ["INDONESIA", "INDONESIA"] + [str(sum(int(r.split(";")[i]) for r in body)) for i in range(2, len(cols))]
    broken = body[1].split(";")
    broken[cols.index("jumlah_tk_total")] = str(int(broken[cols.index("jumlah_tk_total")]) + 7)
    path = tmp_path / "table.csv"
    path.write_text("\n".join([header, ";".join(fake), ";".join(broken), *body[2:], ";".join(national)]) + "\n",
                    encoding="utf-8")
    result = import_published_table(path, "bps-imk-province", home=tmp_path)
    assert result.unplaced == [(2, "PROVINSI ANTAH BERANTAH")]
    assert result.national
    assert result.placed == len(body) - 1
    assert any("SUMATERA UTARA" in v and "workers" in v for v in result.violations)
    # the national row is the sum of the original rows, so once ACEH is missing the regions fall short
    assert any("national row" in v for v in result.violations)


def test_layout_is_data():
    layout = load_layout("bps-imk-province")
    assert layout["separator"] == ";" and layout["region_level"] == 1
    assert {m["name"] for m in layout["measure"]} >= {"firms", "workers", "output", "inputs", "value_added"}


def _resaved(shared_data, tmp_path, name, separator=",", encoding="utf-8", bom=False, header=str, names=str,
             national=False):
    """The BPS file as a spreadsheet re-saves it: another separator, encoding, BOM or case. The
    island column (not read) gets an accented letter, so that the encoding matters."""
    with open(shared_data / FILE, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    rows[0] = [header(h) for h in rows[0]]
    rows[1:] = [[row[0] + " (pulau é)", names(row[1]), *row[2:]] for row in rows[1:]]
    if national:   # a national total row: each column summed over the provinces
        sums = [str(sum(int(r[i] or 0) for r in rows[1:])) for i in range(2, len(rows[0]))]
        rows.append(["", names("INDONESIA"), *sums])
    path = tmp_path / name
    with open(path, "w", encoding=("utf-8-sig" if bom else encoding), newline="") as handle:
        csv.writer(handle, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return path


@pytest.mark.parametrize("variant", [
    {"separator": ","},
    {"separator": ",", "bom": True},
    {"separator": "\t", "encoding": "latin-1", "names": str.lower},
    {"separator": ",", "encoding": "cp1252", "header": str.upper, "names": str.title},
    {"separator": ";", "bom": True, "header": lambda h: " " + h.replace("_", " ").title(), "national": True},
    {"separator": ",", "names": str.title, "national": True},
])
def test_a_resaved_table_reads_the_same(shared_data, tmp_path, variant, loaded):
    _, reference_home = loaded
    path = _resaved(shared_data, tmp_path, "resaved.csv", **variant)
    assert (b"\xe9" in path.read_bytes()) == (variant.get("encoding") in ("latin-1", "cp1252"))
    result = import_published_table(path, "bps-imk-province", home=tmp_path / "home")
    national = variant.get("national", False)
    assert (result.placed, result.national, result.unplaced) == (38, national, [])
    assert result.violations == []   # the national row equals the sum of the provinces
    key = ["region_code", "size_class", "measure"]
    ours = load_values(tmp_path / "home").set_index(key)["value"]
    theirs = load_values(reference_home).set_index(key)["value"]
    assert (ours[ours.index.get_level_values(0) != "national"].sort_index() == theirs.sort_index()).all()
    assert len(ours) == len(theirs) + (len(theirs) // 38 if national else 0)


def test_a_header_that_does_not_match_says_what_was_found_and_expected(shared_data, tmp_path):
    path = _resaved(shared_data, tmp_path, "renamed.csv", header=lambda h: h.replace("provinsi", "wilayah"))
    with pytest.raises(LayoutError) as error:
        import_published_table(path, "bps-imk-province", home=tmp_path)
    message = str(error.value)
    assert "missing provinsi;" in message and "separated by comma" in message and "found 25 columns" in message
    assert "wilayah" in message and "expected: provinsi, jumlah_perusahaan_mikro" in message
