"""The role matrix (issue 11.11): every URL of the project and of the API against every role, as
data. Each ``tests/roles/rows_<app>.py`` defines ``ROWS``, a list of
``(method, url name or path template, kwargs factory or None, {role: outcome}[, data])``:

- the URL is ``reverse(name, kwargs=factory(world, role))``, or a path starting with "/" formatted
  with those kwargs;
- an outcome is a status (200, 302, 400, 403, 404, 405 ...), ``"login"`` (a redirect to the login
  page; 401 or 403 from the API) or ``"scoped"`` (200, and no record the role may not see: no name
  of an enterprise outside ``visible_to(user)`` in the body, and for the API's enterprises,
  reports and tokens only ids the role may see); ``"*"`` is the outcome of the roles not listed;
- ``data`` (optional) is the body: a form for the pages, JSON for the API.

Pages are requested with Django's test client signed in by ``force_login``; the API with the role's
token (``Authorization: Token ...``). Each request runs in a transaction rolled back after it, so
one role's write does not change what the next role meets.

``test_every_url_has_a_row`` walks ``get_resolver()`` (the API's router included) and fails for any
URL pattern no row reaches. Not walked: the Django admin (``admin/``): its pages are Django's own,
guarded by ``is_staff`` and model permissions and tested with the registry's rules in
tests/registry/test_registry_admin.py.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import translation
from role_world import FACTORIES, ROLES

from lumbung.api.models import Token
from lumbung.registry.models import AnnualReport, Enterprise

HERE = Path(__file__).resolve().parent
EXCLUDED_PREFIXES = {"admin/": "the Django admin: Django's own pages, tested in tests/registry/test_registry_admin.py"}
LOGIN_PATH = "/accounts/login/"


def load_rows() -> list[tuple]:
    rows = []
    for path in sorted(HERE.glob("rows_*.py")):
        spec = importlib.util.spec_from_file_location(f"role_rows_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for row in module.ROWS:
            rows.append((path.stem, *row))
    return rows


ROWS = load_rows()


def row_id(row) -> str:
    return f"{row[0]}:{row[1]} {row[2]}" + (f"[{row[3]}]" if row[3] else "")


def url_for(world, row, role: str) -> str:
    _file, _method, target, factory, *_rest = row
    kwargs = FACTORIES[factory](world, role) if factory else {}
    if target.startswith("/"):
        return target.format(**kwargs)
    return reverse(target, kwargs=kwargs or None)


def request(world, role: str, method: str, url: str, data):
    client = Client()
    headers = {}
    api = url.startswith("/api/")
    if role != "anonymous":
        if api:
            headers["HTTP_AUTHORIZATION"] = f"Token {world.keys[role]}"
        else:
            client.force_login(world.users[role])
    call = getattr(client, method.lower())
    if method in ("GET", "HEAD"):
        return call(url, data or {}, **headers)
    if api:
        return call(url, json.dumps(data or {}), content_type="application/json", **headers)
    if method == "POST":
        return call(url, data or {}, **headers)
    return call(url, **headers)


def leaks(world, role: str, url: str, response) -> list[str]:
    """What in a 200 answer the role may not see: enterprise names, or API ids outside its scope."""
    user = world.users.get(role)
    visible = set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))
    body = response.content.decode("utf-8", "replace")
    found = [f"name of enterprise {e.pk}" for e in (world.e1, world.e2) if e.pk not in visible and e.name in body]
    if url.startswith("/api/") and response["Content-Type"].startswith("application/json"):
        data = json.loads(body)
        records = data.get("results", [data]) if isinstance(data, dict) else data
        allowed = {"/api/enterprises/": visible,
                   "/api/reports/": set(AnnualReport.objects.visible_to(user).values_list("pk", flat=True)),
                   "/api/tokens/": set(Token.objects.filter(user=user).values_list("pk", flat=True)) if user else set()}
        for prefix, ids in allowed.items():
            if url.startswith(prefix):
                found += [f"{prefix} id {r.get('id')}" for r in records if isinstance(r, dict) and r.get("id") not in ids]
    return found


def check(world, role: str, url: str, expected, response) -> str | None:
    status = response.status_code
    if expected == "login":
        if url.startswith("/api/"):
            ok = status in (401, 403)
        else:
            ok = status == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATH)
    elif expected == "scoped":
        if status != 200:
            return f"{role}: {status}, expected scoped 200"
        found = leaks(world, role, url, response)
        return f"{role}: sees {', '.join(found)}" if found else None
    else:
        ok = status == expected
    if ok:
        return None
    where = f" -> {response['Location']}" if status in (301, 302) else ""
    return f"{role}: {status}{where}, expected {expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row_id(r) for r in ROWS])
def test_row(world, row):
    _file, method, _target, _factory, outcomes, *rest = row
    data = rest[0] if rest else None
    unknown = set(outcomes) - {*ROLES, "*"}
    assert not unknown, f"unknown roles in the row: {unknown}"
    failures = []
    for role in ROLES:
        expected = outcomes.get(role, outcomes.get("*"))
        assert expected is not None, f"the row gives no outcome for {role} (and no '*')"
        cache.clear()  # throttles count per test
        caches["throttle"].clear()
        url = url_for(world, row, role)
        with transaction.atomic():
            response = request(world, role, method, url, data)
            problem = check(world, role, url, expected, response)
            transaction.set_rollback(True)
        if problem:
            failures.append(f"{method} {url} as {problem}")
    assert not failures, "\n".join(failures)


def _join(first: str, second: str) -> str:
    return second if not first else first + second.removeprefix("^")  # as URLResolver._join_route


def url_patterns(resolver=None, prefix: str = "") -> dict[str, str]:
    """Every leaf pattern of the project: its full route (as ResolverMatch.route) -> its name."""
    resolver = resolver or get_resolver()
    out = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            out.update(url_patterns(pattern, _join(prefix, str(pattern.pattern))))
        else:
            out[_join(prefix, str(pattern.pattern))] = pattern.name or ""
    return out


def missing_rows(world, rows) -> list[str]:
    """The project's URL patterns (admin aside) that none of ``rows`` reaches."""
    with translation.override("id"):
        patterns = {route: name for route, name in url_patterns().items()
                    if not any(route.startswith(p) for p in EXCLUDED_PREFIXES)}
        covered = {resolve(url_for(world, row, "owner").split("?")[0]).route for row in rows}
    assert len(patterns) > 40
    return sorted(f"{route} ({name})" for route, name in patterns.items() if route not in covered)


@pytest.mark.django_db
def test_every_url_has_a_row(world):
    missing = missing_rows(world, ROWS)
    assert not missing, "URL patterns without a row in tests/roles/rows_*.py:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_a_url_without_a_row_is_found(world):
    rows = [row for row in ROWS if row[2] != "analysts:records"]
    assert missing_rows(world, rows) == ["analyst/records/ (records)"]


@pytest.mark.django_db
def test_scoped_finds_a_record_outside_the_scope(world):
    page = HttpResponse(f"<li>{world.e1.name}</li><li>{world.e2.name}</li>")
    assert leaks(world, "officer", "/", page) == [f"name of enterprise {world.e2.pk}"]
    assert leaks(world, "admin", "/", page) == []
    answer = JsonResponse({"results": [{"id": world.e1.pk}, {"id": world.e2.pk}]})
    assert f"/api/enterprises/ id {world.e2.pk}" in leaks(world, "analyst", "/api/enterprises/", answer)
    tokens = JsonResponse({"results": [{"id": world.tokens["admin"].pk}]})
    assert leaks(world, "owner", "/api/tokens/", tokens) == [f"/api/tokens/ id {world.tokens['admin'].pk}"]


def test_the_walk_finds_what_resolve_answers():
    with translation.override("id"):
        routes = url_patterns()
        for path in ("/api/enterprises/1/", "/provinces/32/", "/api/no-such-thing", "/analyst/views/3/", "/"):
            assert resolve(path).route in routes, path
