"""Real-browser tests: Playwright driving Debian's chromium (``executable_path``), pytest-playwright's
fixtures and Django's live server, on the portal's analytics sample. Screenshots are kept as
artefacts under ``LUMBUNG_SCREENSHOTS`` when set, else under the test's own temporary folder."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync"]


def pytest_collection_modifyitems(config, items):
    browser = [item for item in items if Path(str(item.fspath)).parent == Path(__file__).parent]
    items[:] = [item for item in items if item not in browser] + browser  # last: see async_unsafe_allowed
    if browser and not Path(CHROMIUM).exists():
        raise pytest.UsageError(f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session", autouse=True)
def async_unsafe_allowed():
    """Playwright's sync API runs an event loop in the test's thread, where Django refuses database
    calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set from the first browser test on, and
    the browser tests run last (below): `check --deploy` refuses the variable (async.E001), and
    other tests start production servers that inherit the environment."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": LAUNCH_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, settings, lumbung_home, transactional_db):
    """The analytics sample served by the live server, with plain static files storage."""
    import analytics_sample

    from lumbung.portal import figures
    from lumbung.registry.roles import sync_groups

    sync_groups()  # the roles' groups: a transactional test before this one flushed those the migrations made
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    analytics_sample.write(lumbung_home)
    figures.clear()
    yield live_server.url
    figures.clear()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("LUMBUNG_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def requests_seen(page):
    """Every URL the page requests (to check that nothing goes to another host)."""
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


#: The strict policy the deployed site sends (helper settings): self only, no inline script or style.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@pytest.fixture
def strict_csp(page):
    """Every response served with the strict Content-Security-Policy, so that a chart or script
    that needs eval, an inline script or an inline style fails here as it would in production."""

    def with_policy(route):
        try:
            response = route.fetch(max_redirects=0)  # redirects stay visible to the page
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})
        except PlaywrightError:  # the page closed while this request was in flight (the test ended)
            return

    page.route("**/*", with_policy)
    yield CSP
    page.unroute_all(behavior="ignoreErrors")  # no handler may outlive its test's page


@pytest.fixture
def console_errors(page):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
