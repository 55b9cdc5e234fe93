"""The public read API: the CLI's answers under disclosure control, errors, caching, throttling."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from lumbung.indicators.commands import indicators_command

pytestmark = pytest.mark.django_db

QUERY = {"indicator": "firms,workers,sales", "by": "province,size_class", "years": "2022-2023"}


def cli(*args) -> list[dict]:
    result = CliRunner().invoke(indicators_command, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cli_args(query: dict) -> list[str]:
    return ["--indicator", query["indicator"], "--by", query["by"], "--years", query["years"]]


def test_anonymous_indicators_are_the_cli_public_answer(client_api, analytics):
    response = client_api.get("/api/indicators/", {**QUERY, "page_size": 1000})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows == cli(*cli_args(QUERY), "--public")
    assert any(r["suppressed"] for r in rows) and all(r["value"] is None for r in rows if r["suppressed"])
    assert "n_firms" not in rows[0]


def test_admin_gets_unsuppressed_figures_as_the_cli(as_user, people, analytics):
    client = as_user(people["users"]["admin"])
    rows = client.get("/api/indicators/", {**QUERY, "page_size": 1000}).json()["results"]
    assert rows == cli(*cli_args(QUERY))
    assert "suppressed" not in rows[0]


def test_analyst_gets_unsuppressed_figures_inside_the_grant_only(as_user, people, analytics):
    client = as_user(people["users"]["analyst"])  # granted province 32
    inside = client.get("/api/indicators/", {**QUERY, "where": "province=32", "page_size": 1000}).json()["results"]
    assert inside == cli(*cli_args(QUERY), "--where", "province=32")
    assert inside and "suppressed" not in inside[0]
    everywhere = client.get("/api/indicators/", {**QUERY, "page_size": 1000}).json()["results"]
    assert everywhere == cli(*cli_args(QUERY), "--public")  # no region filter: the public answer
    outside = client.get("/api/indicators/", {**QUERY, "where": "province=35", "page_size": 1000}).json()
    assert all("suppressed" in r for r in outside["results"])


def test_officer_gets_public_figures(as_user, people, analytics):
    rows = as_user(people["users"]["officer"]).get("/api/indicators/", QUERY).json()["results"]
    assert all("suppressed" in r for r in rows)


def test_csv_has_the_cli_columns(client_api, analytics):
    response = client_api.get("/api/indicators/", {**QUERY, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header = response.content.decode().splitlines()[0]
    assert header == "province,size_class,indicator,value,numerator,denominator,suppressed"


@pytest.mark.parametrize("params, phrase", [
    ({"indicator": "firms", "where": "province"}, "DIM=VALUE"),
    ({"indicator": "firms", "where": "nosuchdim=1"}, "nosuchdim"),
    ({"indicator": "no_such_indicator"}, "no_such_indicator"),
    ({"indicator": "firms", "by": "colour"}, "colour"),
    ({"indicator": "firms", "years": "20x1"}, "20x1"),
    ({"indicator": "firms", "year": "2022", "years": "2021-2022"}, "not both"),
    ({}, "indicator"),
])
def test_bad_queries_are_400_with_one_sentence(client_api, analytics, params, phrase):
    response = client_api.get("/api/indicators/", {**params, "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()  # JSON even when CSV was asked for
    assert phrase in json.dumps(body, ensure_ascii=False) and "Traceback" not in response.content.decode()
    assert body["detail"].endswith(".")


def test_answers_speak_the_callers_language(client_api):
    english = client_api.get("/api/no/such/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    indonesian = client_api.get("/api/kbli/99999/").json()["detail"]  # Bahasa Indonesia by default
    assert "There is no" in english and indonesian.startswith("Tidak ada kode KBLI")


def test_no_analytics_is_a_clear_404(client_api):
    response = client_api.get("/api/indicators/", {"indicator": "firms"})
    assert response.status_code == 404 and "analytics build" in response.json()["detail"]


def test_etag_revalidates_and_changes_with_the_build(client_api, analytics):
    first = client_api.get("/api/indicators/", QUERY)
    etag = first["ETag"]
    assert "max-age" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = client_api.get("/api/indicators/", QUERY, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    from lumbung.indicators.testing import write_fixture

    (analytics / "analytics" / "state.json").write_text('{"schema": 2}')  # what a new build writes
    write_fixture(analytics)
    assert client_api.get("/api/indicators/", QUERY, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_pagination_has_a_maximum_page_size(client_api):
    page = client_api.get("/api/kbli/", {"page_size": 100000}).json()
    assert page["count"] > 1000 and len(page["results"]) == 1000 and page["next"]
    small = client_api.get("/api/kbli/", {"page_size": 5, "page": 2}).json()
    assert len(small["results"]) == 5 and small["previous"]


def test_anonymous_callers_are_throttled_with_retry_after(client_api, monkeypatch):
    from lumbung.api.throttling import AnonymousThrottle

    monkeypatch.setattr(AnonymousThrottle, "rate", "3/min", raising=False)
    statuses = [client_api.get("/api/regimes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = client_api.get("/api/regimes/")
    assert last.status_code == 429 and int(last["Retry-After"]) > 0 and last.json()["detail"]


def test_reference_endpoints(client_api):
    provinces = client_api.get("/api/regions/").json()
    assert provinces["count"] == 38
    regencies = client_api.get("/api/regions/", {"parent": "32"}).json()["results"]
    assert all(r["parent"] == "32" and r["level"] == 2 for r in regencies)
    assert client_api.get("/api/regions/32.04/").json()["name"]
    assert client_api.get("/api/regions/99/").status_code == 404
    assert client_api.get("/api/regions/", {"parent": "x"}).status_code == 400
    assert client_api.get("/api/kbli/10792/").json()["level"] == "subclass"
    assert client_api.get("/api/kbli/", {"level": "section"}).json()["count"] == 21
    assert client_api.get("/api/catalogue/firms/").json()["source"]
    assert client_api.get("/api/catalogue/nope/").status_code == 404
    regime = client_api.get("/api/regimes/uu-20-2008/").json()
    assert regime["law"] and regime["criteria"]


def test_classify_matches_the_engine(client_api):
    from lumbung import sizeclass

    rows = client_api.get("/api/classify/", {"workers": 7, "sales": 400_000_000}).json()["results"]
    assert {r["regime"] for r in rows} == {r.id for r in sizeclass.regimes()}
    for row in rows:
        expected = sizeclass.classify({"workers": 7, "sales": 400_000_000}, row["regime"])
        assert row["class"] == expected.size_class and row["missing"] == expected.missing
    one = client_api.get("/api/classify/", {"regime": "bps-workers", "workers": 0})
    assert one.status_code == 400


def test_unknown_paths_and_server_errors_are_json_sentences(client_api, monkeypatch, analytics):
    missing = client_api.get("/api/no/such/thing/")
    assert missing.status_code == 404 and missing.json()["detail"]
    from lumbung.api import public

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(public, "indicator_rows", broken)
    response = client_api.get("/api/indicators/", {"indicator": "firms"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode() and "server log" in response.json()["detail"]


def test_schema_and_docs_use_only_local_static_files(client_api):
    schema = client_api.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/indicators/", "/api/enterprises/", "/api/reports/{id}/", "/api/token/"):
        assert path in paths
    page = client_api.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references and not [r for r in references if "//" in r]
    for reference in references:
        if reference.startswith("/static/"):
            assert client_api.get(reference).status_code == 200, reference
    assert "unpkg" not in html and "jsdelivr" not in html and "cdn" not in html.lower()


def _parameter(schema: dict, path: str, name: str, method: str = "get") -> dict:
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


@pytest.mark.django_db
def test_schema_descriptions_follow_the_callers_language(client_api):
    """The schema's descriptions are translated when the schema is served, in the caller's
    language, not once when the module is imported (in whatever language was active then)."""
    english = client_api.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    indonesian = client_api.get("/api/openapi.json", HTTP_ACCEPT_LANGUAGE="id").json()
    expected = {  # (path, parameter, method): (English, Indonesian)
        ("/api/regions/", "format", "get"): ("Answer as JSON or CSV.", "Jawaban sebagai JSON atau CSV."),
        ("/api/regions/", "parent", "get"): ("Region code whose regions to list (default: the provinces).",
                                             "Kode wilayah yang wilayah di dalamnya ditampilkan (bawaan: provinsi)."),
        ("/api/kbli/", "parent", "get"): ("Code whose direct children to list.",
                                          "Kode yang turunan langsungnya ditampilkan."),
        ("/api/kbli/", "level", "get"): ("Only this level.", "Hanya tingkat ini."),
        ("/api/enterprises/{id}/", "If-Match", "patch"): (
            "The record's version (its ETag), read before changing it.",
            "Versi data (ETag-nya), yang dibaca sebelum mengubahnya."),
    }
    for (path, name, method), (en, id_) in expected.items():
        assert _parameter(english, path, name, method)["description"] == en, (path, name)
        assert _parameter(indonesian, path, name, method)["description"] == id_, (path, name)
    by_en = _parameter(english, "/api/indicators/", "by")["description"]
    by_id = _parameter(indonesian, "/api/indicators/", "by")["description"]
    assert by_en.startswith("Dimensions, comma-separated: ") and by_id.startswith("Dimensi, dipisahkan koma: ")
    assert by_en.removeprefix("Dimensions, comma-separated: ") == by_id.removeprefix("Dimensi, dipisahkan koma: ")
