"""Shared test set-up. Reference files in ../shared/data are optional: tests that need them skip
with a printed reason where they are absent."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# Before Django's settings are first read (they derive paths from LUMBUNG_HOME), point the whole
# session at a folder of its own: no test may touch the user's data folder.
os.environ["LUMBUNG_HOME"] = tempfile.mkdtemp(prefix="lumbung-tests-")

# CI is a gate, so its property tests run the same examples every time (HYPOTHESIS_PROFILE=ci, set by
# .ci/run); a local run explores new ones (the default profile) and keeps what fails in its database.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def lumbung_home(tmp_path_factory, monkeypatch) -> Path:
    """Every test gets its own data folder, so no test reads or writes the user's ``.lumbung``
    (the registry database is pytest-django's test database)."""
    home = tmp_path_factory.mktemp("lumbung-home")
    monkeypatch.setenv("LUMBUNG_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (Indonesian) and leaves no language behind.

    Django's LocaleMiddleware activates the language of each request in the thread that serves it,
    and the test client serves in the test's own thread, so a request to an ``/en/`` address would
    leave English active: a later test's ``reverse()`` would point at the English page and its
    ``gettext`` would answer in English. A test that means English asks for it (an ``/en/`` address,
    ``Accept-Language`` or ``translation.override("en")``)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE, deactivate=True):
        yield


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("reference data folder shared/data is absent next to the checkout")
    return SHARED_DATA
