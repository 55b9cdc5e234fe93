"""The import as a job over the API: upload (202), status, errors file; scoped to the uploader;
in the OpenAPI schema."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient
from workspace_samples import upload_rows, write_csv

from lumbung.jobs.worker import run_pending

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_status_and_errors_file_scoped_to_the_uploader(tmp_path, make_user, make_enterprise):
    officer = make_user("petugas_api", "officer", regions=["32.04"])
    client = _client(officer)
    path = write_csv(tmp_path / "kiriman.csv", upload_rows())
    with open(path, "rb") as handle:
        response = client.post("/api/imports/", {"file": handle, "format": "template"}, format="multipart")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and response["Location"] == f"/api/imports/{job['id']}/"
    run_pending()
    done = client.get(f"/api/imports/{job['id']}/").json()
    assert done["status"] == "done" and done["rejected"] == 3 and done["summary"].startswith("3 diimpor")
    errors = client.get(done["errors_url"])
    assert errors.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(errors.streaming_content).decode())))
    assert any("outside your regions" in r["reason"] for r in rows)
    assert [j["id"] for j in client.get("/api/imports/").json()["results"]] == [job["id"]]
    other = _client(make_user("petugas_api2", "officer", regions=["32.04"]))
    assert other.get(f"/api/imports/{job['id']}/").status_code == 404
    assert other.get(f"/api/imports/{job['id']}/errors/").status_code == 404
    assert other.get("/api/imports/").json()["results"] == []


def test_owner_and_anonymous_cannot_upload(tmp_path, make_user, make_enterprise):
    path = write_csv(tmp_path / "x.csv", upload_rows())
    owner = make_user("pemilik_api", "owner", enterprises=[make_enterprise().pk])
    with open(path, "rb") as handle:
        assert _client(owner).post("/api/imports/", {"file": handle}, format="multipart").status_code == 403
    with open(path, "rb") as handle:
        assert APIClient().post("/api/imports/", {"file": handle}, format="multipart").status_code in (401, 403)


def test_a_wrong_file_type_is_one_sentence(make_user):
    officer = make_user("petugas_api3", "officer", regions=["32.04"])
    response = _client(officer).post("/api/imports/", {"file": io.BytesIO(b"MZ")}, format="multipart")
    assert response.status_code == 400


def test_imports_are_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/imports/", "/api/imports/{id}/", "/api/imports/{id}/errors/"} <= set(schema["paths"])
    assert "multipart/form-data" in schema["paths"]["/api/imports/"]["post"]["requestBody"]["content"]
