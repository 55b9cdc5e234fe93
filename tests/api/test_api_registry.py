"""The write API: scope, personal data, validation, optimistic concurrency, tokens, CSRF."""

from __future__ import annotations

import pytest
from api_samples import ADDRESS, NIK, NIK_MIDDLE, PASSWORD, PHONE

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_callers_see_no_records(client_api, people):
    for path in ("/api/enterprises/", "/api/reports/", f"/api/enterprises/{people['a'].pk}/"):
        response = client_api.get(path)
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("role, firms", [
    ("owner", {"a"}), ("other_owner", {"b"}), ("officer", {"a"}), ("other_officer", {"b"}),
    ("analyst", {"a"}), ("admin", {"a", "b"}),
])
def test_lists_and_details_are_scoped(as_user, people, role, firms):
    client = as_user(people["users"][role])
    assert ids(client.get("/api/enterprises/")) == {people[f].pk for f in firms}
    expected_reports = {people["reports"][people[f].name].pk for f in firms}
    assert ids(client.get("/api/reports/")) == expected_reports
    for name in {"a", "b"} - firms:
        assert client.get(f"/api/enterprises/{people[name].pk}/").status_code == 404
        assert client.get(f"/api/reports/{people['reports'][people[name].name].pk}/").status_code == 404


def test_personal_data_only_for_the_owner(as_user, people):
    mine = as_user(people["users"]["owner"]).get(f"/api/enterprises/{people['a'].pk}/").json()
    assert mine["owner_nik"] == NIK and ADDRESS in mine["address"]
    for role in ("officer", "analyst", "admin"):
        body = as_user(people["users"][role]).get(f"/api/enterprises/{people['a'].pk}/").content.decode()
        assert NIK_MIDDLE not in body and PHONE not in body and ADDRESS not in body


def test_filters(as_user, people):
    client = as_user(people["users"]["admin"])
    assert ids(client.get("/api/enterprises/", {"region": "35.29"})) == {people["b"].pk}
    assert ids(client.get("/api/enterprises/", {"q": "Usaha A"})) == {people["a"].pk}
    assert ids(client.get("/api/reports/", {"region": "32"})) == {people["reports"]["Usaha A"].pk}


def test_create_report_in_scope_refuses_others_and_duplicates(as_user, people):
    client = as_user(people["users"]["owner"])
    created = client.post("/api/reports/", {"enterprise": people["a"].pk, "year": 2024, "workers": 3}, format="json")
    assert created.status_code == 201 and created["ETag"].strip('"') == created.json()["version"]
    again = client.post("/api/reports/", {"enterprise": people["a"].pk, "year": 2024, "workers": 3}, format="json")
    assert again.status_code == 409 and again.json()["detail"]
    other = client.post("/api/reports/", {"enterprise": people["b"].pk, "year": 2024, "workers": 3}, format="json")
    assert other.status_code == 400 and "enterprise" in other.json()["errors"]


def test_validation_errors_name_the_field(as_user, people):
    client = as_user(people["users"]["officer"])
    bad = client.post("/api/enterprises/", {"name": "X", "region_code": "32-04", "kbli": "10792"}, format="json")
    assert bad.status_code == 400 and "region_code" in bad.json()["errors"] and bad.json()["detail"]
    negative = client.post("/api/reports/", {"enterprise": people["a"].pk, "year": 2025, "workers": -1},
                           format="json")
    assert negative.status_code == 400 and "workers" in negative.json()["errors"]


def test_officer_creates_only_in_their_regions(as_user, people):
    client = as_user(people["users"]["officer"])
    inside = client.post("/api/enterprises/", {"name": "Baru", "region_code": "32.04.05", "kbli": "10792"},
                         format="json")
    assert inside.status_code == 201
    outside = client.post("/api/enterprises/", {"name": "Jauh", "region_code": "35.29.01", "kbli": "10792"},
                          format="json")
    assert outside.status_code == 403
    moved = client.patch(f"/api/enterprises/{inside.json()['id']}/", {"region_code": "35.29.01"}, format="json",
                         HTTP_IF_MATCH=inside["ETag"])
    assert moved.status_code == 403


def test_roles_without_write_permission_are_refused(as_user, people):
    client = as_user(people["users"]["analyst"])
    response = client.post("/api/reports/", {"enterprise": people["a"].pk, "year": 2024}, format="json")
    assert response.status_code == 403
    owner = as_user(people["users"]["owner"])
    assert owner.post("/api/enterprises/", {"name": "X", "region_code": "32.04", "kbli": "10792"},
                      format="json").status_code == 403


def test_no_lost_update_stale_version_is_refused(as_user, people):
    from lumbung.registry.models import AuditEntry

    client = as_user(people["users"]["owner"])
    url = f"/api/reports/{people['reports']['Usaha A'].pk}/"
    assert client.patch(url, {"workers": 5}, format="json").status_code == 428
    read = client.get(url)
    first = client.patch(url, {"workers": 5}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert first.status_code == 200 and first.json()["workers"] == 5 and first["ETag"] != read["ETag"]
    stale = client.patch(url, {"workers": 9}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 412
    by_body = client.patch(url, {"workers": 6, "version": first.json()["version"]}, format="json")
    assert by_body.status_code == 200 and client.get(url).json()["workers"] == 6
    entry = AuditEntry.objects.filter(model="annualreport", action="update").first()
    assert entry.actor_name == "owner-a" and entry.source == "api" and entry.changes["workers"] == [5, 6]


def test_put_and_delete_are_not_offered(as_user, people):
    client = as_user(people["users"]["admin"])
    url = f"/api/reports/{people['reports']['Usaha A'].pk}/"
    assert client.put(url, {"workers": 1}, format="json").status_code == 405
    assert client.delete(url).status_code == 405


def test_tokens_are_hashed_listed_and_revoked(client_api, people):
    from lumbung.api.models import Token

    wrong = client_api.post("/api/token/", {"username": "owner-a", "password": "nope"}, format="json")
    assert wrong.status_code == 401
    made = client_api.post("/api/token/", {"username": "owner-a", "password": PASSWORD, "name": "script"},
                           format="json")
    assert made.status_code == 201
    key = made.json()["key"]
    stored = Token.objects.get(pk=made.json()["id"])
    assert key not in (stored.digest, stored.prefix) and stored.digest != key and len(stored.digest) == 64
    client_api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listing = client_api.get("/api/tokens/").json()["results"]
    assert [t["id"] for t in listing] == [stored.pk] and "key" not in listing[0]
    assert client_api.get("/api/enterprises/").status_code == 200
    assert client_api.delete(f"/api/tokens/{stored.pk}/").status_code == 204
    assert client_api.get("/api/enterprises/").status_code == 401


def test_a_user_cannot_see_or_revoke_another_users_token(as_user, people):
    from lumbung.api import tokens

    theirs, _ = tokens.issue(people["users"]["other_owner"], "theirs")
    client = as_user(people["users"]["owner"])
    assert client.delete(f"/api/tokens/{theirs.pk}/").status_code == 404
    assert theirs.pk not in ids(client.get("/api/tokens/"))


def test_browser_session_lists_and_revokes_its_tokens_with_csrf(people):
    from django.test import Client

    from lumbung.api import tokens

    mine, _ = tokens.issue(people["users"]["owner"], "laptop")
    theirs, _ = tokens.issue(people["users"]["other_owner"], "theirs")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["users"]["owner"])
    listed = [t["id"] for t in browser.get("/api/tokens/").json()["results"]]
    assert listed == [mine.pk]
    assert browser.delete(f"/api/tokens/{mine.pk}/").status_code == 403  # no CSRF token
    browser.get("/accounts/login/")  # sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    assert browser.delete(f"/api/tokens/{theirs.pk}/", HTTP_X_CSRFTOKEN=csrf).status_code == 404
    assert browser.delete(f"/api/tokens/{mine.pk}/", HTTP_X_CSRFTOKEN=csrf).status_code == 204
    assert browser.get("/api/tokens/").json()["results"] == []


def test_token_requests_are_throttled(client_api, people):
    statuses = [client_api.post("/api/token/", {"username": "owner-a", "password": "x"}, format="json").status_code
                for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_session_authentication_needs_csrf(people):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="owner-a", password=PASSWORD)
    body = {"enterprise": people["a"].pk, "year": 2026, "workers": 2}
    assert client.post("/api/reports/", body, format="json").status_code == 403
    token = client.get("/accounts/login/").cookies["csrftoken"].value
    response = client.post("/api/reports/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201
