"""The public pages on the analytics sample: what each shows, in both languages, and the
explorer's state, empty answers and downloads."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from public_pages import cells, urls

from lumbung.portal import maps, numbers

pytestmark = pytest.mark.django_db


def _get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_public_page_answers_in_both_languages(client, public_site):
    for url in [*urls(), "/reference/regions/", "/reference/regions/32/", "/reference/regions/32.04/",
                "/reference/kbli/", "/reference/kbli/C/", "/reference/kbli/10/", "/reference/size-classes/",
                "/reference/classify/"]:
        assert '<html lang="id">' in _get(client, url)
        assert '<html lang="en">' in _get(client, "/en" + url)


def test_pages_load_nothing_from_another_host(client, public_site):
    for url in urls():
        page = _get(client, url)
        links = re.findall(r'(?:href|src)="([^"]+)"', page)
        assert not [link for link in links if link.startswith(("http:", "https:", "//"))], url
        assert "<script>" not in page and " onclick=" not in page and ' style="' not in page, url


def test_no_data_yet_says_why(client, db):
    page = _get(client, "/en/")
    assert "lumbung analytics build" in page
    assert "lumbung analytics build" in _get(client, "/en/map/")


def test_overview_sections_and_year_selector(client, public_site):
    page = _get(client, "/en/?year=2022")
    for title in ("Size classes side by side", "Pyramid of units", "Value added per worker", "Trends over the years",
                  "Entry, exit and graduation", "Top KBLI divisions"):
        assert title in page
    assert '<option value="2022" selected>' in page
    shown = cells(page)
    assert {c["key"].get("year") for c in shown if "year" in c["key"]} >= {"2022"}
    assert page.count('class="chart"') >= 6 and page.count('type="application/json"') >= 6


def test_indonesian_numbers_on_the_indonesian_page(client, public_site):
    page = _get(client, "/?year=2023")
    assert re.search(r">\d{1,3},\d{2}%<", page), "shares read 43,57%"
    assert re.search(r">Rp\d+,\d (juta|miliar|triliun)<", page)
    english = _get(client, "/en/?year=2023")
    assert re.search(r">\d{1,3}\.\d{2}%<", english) and re.search(r">Rp\d+\.\d (million|billion|trillion)<", english)


def test_number_formats():
    assert numbers.number(1234567.8, 1, "id") == "1.234.567,8"
    assert numbers.number(1234567.8, 1, "en") == "1,234,567.8"
    assert numbers.rupiah(1_200_000_000, "id") == "Rp1,2 miliar"
    assert numbers.rupiah(-2_500_000, "en") == "-Rp2.5 million"
    assert numbers.rupiah(950_000, "id") == "Rp950.000"
    assert numbers.percent(12.345, 1, "id") == "12,3%"
    assert numbers.number(float("nan")) == ""


def test_language_follows_the_switch_and_the_browser(client, public_site):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/map/"})
    assert response.status_code == 302 and response["Location"] == "/en/map/"
    again = client.get("/explorer/")
    assert again.status_code == 302 and again["Location"] == "/en/explorer/", "the choice persists"
    fresh = client.__class__()
    moved = fresh.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert moved.status_code == 302 and moved["Location"] == "/en/"
    assert fresh.get("/", HTTP_ACCEPT_LANGUAGE="id").status_code == 200


def test_map_has_every_province_with_title_and_link(client, public_site):
    page = _get(client, "/en/map/?indicator=firms&year=2023")
    tiles = re.findall(r'<a href="/en/provinces/(\d\d)/\?year=2023" class="tile[^"]*" aria-label="([^"]+)">', page)
    assert len(tiles) == 38 and len({code for code, _ in tiles}) == 38
    assert page.count("<title>") >= 38
    assert "Jawa Barat: 135" in page or re.search(r"Jawa Barat: [\d,]+", page)
    assert re.search(r"Riau: suppressed", page), "a one-enterprise province is hidden on the map"


def test_map_uses_a_geojson_file_when_configured(client, public_site, tmp_path, monkeypatch):
    shapes = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"code": "32"},
              "geometry": {"type": "Polygon", "coordinates": [[[106, -6], [108, -6], [108, -7.5], [106, -6]]]}}]}
    path = tmp_path / "provinces.geojson"
    path.write_text(json.dumps(shapes), encoding="utf-8")
    monkeypatch.setenv("LUMBUNG_PORTAL_GEOJSON", str(path))
    page = _get(client, "/en/map/")
    assert re.search(r'<path d="M[\d.]+,[\d.]+ L', page)
    monkeypatch.setenv("LUMBUNG_PORTAL_GEOJSON", str(tmp_path / "missing.geojson"))
    assert "<path d=" not in _get(client, "/en/map/")


def test_tile_grid_covers_the_provinces_once():
    from lumbung import geography

    grid = maps.grid()
    assert set(grid) == {code for code, _ in geography.provinces()}
    assert len({(col, row) for _, col, row in grid.values()}) == 38


def test_province_page_ranks_its_regencies(client, public_site):
    page = _get(client, "/en/provinces/32/?year=2023")
    assert "Regencies and cities ranked" in page and "Jawa Barat" in page
    regencies = [c for c in cells(page) if "regency" in c["key"] and c["key"]["indicator"] == "firms"]
    shown = [c["value"] for c in regencies if c["value"] is not None]
    assert shown == sorted(shown, reverse=True) and len(shown) >= 2
    assert any(c["suppressed"] for c in regencies), "32.01 has one enterprise"
    assert client.get("/en/provinces/99/").status_code == 404


EXPLORE = "indicator=firms&indicator=output&by=province&by=size_class&year=2023"


def test_explorer_keeps_its_state_in_the_url(client, public_site):
    page = _get(client, f"/en/explorer/?{EXPLORE}&where=province%3D32")
    assert 'value="firms" checked' in page and 'value="size_class" checked' in page
    assert '<option value="province=32" selected>Jawa Barat</option>' in page
    assert "download.csv?indicator=firms&amp;indicator=output&amp;by=province&amp;by=size_class&amp;year=2023" in page


def test_explorer_filters_are_picked_from_the_reference_lists(client, public_site):
    page = _get(client, f"/en/explorer/?{EXPLORE}&where=province%3D32&where=kbli_division%3D10"
                        "&where=size_class%3Dmicro&where=district%3D32.04.01")
    lists = dict(re.findall(r'<select id="filter-(\w+)" name="where" multiple[^>]*>(.*?)</select>', page, re.S))
    assert set(lists) >= {"province", "regency", "kbli_section", "kbli_division", "size_class", "legal_status",
                          "owner_gender"}
    assert not re.search(r'<input[^>]+name="where"', page), "no filter is typed"
    provinces = re.findall(r'<option value="province=(\w+)"', lists["province"])
    assert len(provinces) == 39 and provinces[-1] == "unknown"  # the 38 provinces and the unknown bucket
    assert '<optgroup label="Jawa Barat"><option value="regency=32.01">' in lists["regency"]
    assert re.search(r'<optgroup label="C [^"]+"><option value="kbli_division=10"', lists["kbli_division"])
    picked = re.findall(r'<option value="([^"]+)" selected>', page)
    assert set(picked) >= {"province=32", "kbli_division=10", "size_class=micro", "district=32.04.01"}
    # what the form sends back is what the address holds: the state round-trips
    assert "where=province%3D32" in page and "where=district%3D32.04.01" in page


@pytest.mark.parametrize("query,reason", [
    ("indicator=firms&by=size_class&year=2030", "No data for 2030"),
    ("indicator=firms&by=size_class&where=province%3D99", "matches no enterprise"),
    ("by=size_class", "Choose at least one indicator"),
    ("indicator=nonsense", "unknown indicator"),
])
def test_explorer_empty_results_say_why(client, public_site, query, reason):
    page = _get(client, f"/en/explorer/?{query}")
    assert reason in page and 'id="explorer-table"' not in page


def _table_figures(page: str) -> dict[str, float | None]:
    return {json.dumps(c["key"], sort_keys=True): c["value"] for c in cells(page)}


def test_csv_download_is_exactly_the_table(client, public_site):
    page = _get(client, f"/en/explorer/?{EXPLORE}")
    shown = [c for c in cells(page)]
    response = client.get(f"/en/explorer/download.csv?{EXPLORE}")
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = lines[0], [r for r in lines[1:] if len(r) == len(lines[0])]
    assert header[:4] == ["province", "Province", "size_class", "Size class"]
    assert len(body) == len(shown)
    for row, cell in zip(body, shown, strict=True):
        record = dict(zip(header, row, strict=True))
        assert cell["key"]["province"] == record["province"] and cell["key"]["size_class"] == record["size_class"]
        assert (record["Suppressed"] == "yes") == cell["suppressed"]
        if cell["value"] is not None:
            assert float(record["value"]) == pytest.approx(cell["value"])
    assert "disclosure control" in response.content.decode()


def test_xlsx_download_has_indonesian_headers_and_formats(client, public_site):
    response = client.get(f"/en/explorer/download.xlsx?{EXPLORE}")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Indikator"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Kode provinsi", "Provinsi", "Kode skala usaha", "Skala usaha"]
    assert "Nilai" in header and "Keterangan" in header
    values = [row for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(r[header.index("Keterangan")] == "disembunyikan" for r in values)
    numeric = [c for c in sheet[header.index("Nilai") + 1] if isinstance(c.value, (int, float))]
    assert numeric and all(c.number_format.startswith("#,##0") for c in numeric)
    assert "Keterangan" in book.sheetnames


def test_catalogue_pages(client, public_site):
    listing = _get(client, "/en/indicators/")
    assert "Counts and totals" in listing and "/en/indicators/va_per_worker/" in listing
    page = _get(client, "/en/indicators/va_per_worker/")
    assert "Nilai tambah per tenaga kerja" in page and "Value added per worker" in page
    assert "<code>value_added</code>" in page and "<code>workers</code>" in page
    years = {c["key"]["year"] for c in cells(page)}
    assert years == {"2021", "2022", "2023"}


def test_reference_pages(client, db):
    assert "Jawa Barat" in _get(client, "/en/reference/regions/")
    assert "32.04" in _get(client, "/en/reference/regions/32/")
    assert "10110" in _get(client, "/en/reference/kbli/1011/")
    page = _get(client, "/en/reference/size-classes/")
    for regime in ("bps-workers", "uu-9-1995", "uu-20-2008", "pp-7-2021", "permenperin-64-2016"):
        assert regime in page
    assert client.get("/en/reference/regions/99/").status_code == 404


def test_classify_explains_every_regime(client, db):
    page = _get(client, "/en/reference/classify/?workers=12&sales=1.500.000.000&indonesian_owned=yes")
    assert page.count('<article class="regime">') >= 5
    assert "Decided by" in page and "Missing" in page
    assert "small" in page
    bad = _get(client, "/en/reference/classify/?sales=lots")
    assert 'class="error"' in bad and '<article class="regime">' not in bad


def _published_table(path, firms: dict[str, tuple[int, int]]) -> None:
    """A table in the shipped bps-imk-province layout: (micro, small) enterprises per province name;
    every other measure proportional to them."""
    from lumbung.indicators.published import load_layout

    layout = load_layout("bps-imk-province")
    columns: dict[str, str] = {}
    for measure in layout["measure"]:
        for suffix, size in layout["sizes"].items():
            if size in measure.get("sizes", list(layout["sizes"].values())):
                columns[measure["column"].format(size=suffix)] = size
    lines = [";".join(["provinsi", *columns])]
    for name, (micro, small) in firms.items():
        amount = {"micro": micro, "small": small, "total": micro + small}
        lines.append(";".join([name, *(str(amount[size]) for size in columns.values())]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_published_figures_beside_the_registry_with_coverage(client, public_site, tmp_path):
    from lumbung.indicators.published import import_published_table as import_table

    source = tmp_path / "imk.csv"
    _published_table(source, {"JAWA BARAT": (300, 100), "JAWA TENGAH": (150, 50), "ACEH": (40, 10)})
    import_table(source, "bps-imk-province", year=2023, home=public_site)
    page = _get(client, "/en/?year=2023")
    assert "The registry beside the published BPS IMK figures" in page
    row = re.search(r"<th scope=\"row\">Jawa Barat</th><td class=\"num\">([^<]+)</td><td class=\"num\"[^>]*>([^<]+)"
                    r"</td><td class=\"num\">([^<]+)</td>", page)
    assert row, "Jawa Barat has a coverage row"
    published, registry, coverage = row.groups()
    assert published == "400"
    assert coverage == f"{100 * float(registry.replace(',', '')) / 400:.1f}%"
    aceh = re.search(r"<th scope=\"row\">Aceh</th><td class=\"num\">50</td><td class=\"num\">–</td>", page)
    assert aceh, "a province the registry does not cover shows no registry figure"
