"""Each test starts in the default language, whatever language an earlier test's request left active.

Django's LocaleMiddleware activates the language of each request in the thread that serves it, and
the test client serves in the test's own thread: without the ``default_language`` fixture of
``tests/conftest.py``, the English page requested by the first test below would leave English
active, and the second test's ``reverse()`` and ``gettext`` would follow it. The tests run in the
order they are written (no plugin reorders them), so the second one fails without the fixture.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation


@pytest.mark.django_db
def test_an_english_page_activates_english_in_the_test_thread():
    response = Client().get("/en/reference/size-classes/")
    assert response.status_code == 200
    # What the fixture guards against: the request left English active in this thread.
    assert translation.get_language() == "en"
    assert reverse("portal:size_classes") == "/en/reference/size-classes/"


def test_the_next_test_starts_in_the_default_language():
    assert settings.LANGUAGE_CODE == "id"
    assert translation.get_language() == "id"
    assert reverse("portal:size_classes") == "/reference/size-classes/"
    assert translation.gettext("province") == "provinsi"
