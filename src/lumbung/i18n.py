"""Translation for the pure-Python packages and the CLI, without Django.

Source strings are English; catalogues live in ``lumbung/locale/<lang>/LC_MESSAGES/django.mo``
(the same files Django uses). The web app follows the visitor's language (default Indonesian);
the CLI and library follow ``LUMBUNG_LANGUAGE`` (default ``en``; ``id`` for Bahasa Indonesia).
Labels that are data (size-class names, indicator names, KBLI titles) are carried in both
languages in their data files instead.
"""

from __future__ import annotations

import gettext as _gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def language() -> str:
    return (os.environ.get("LUMBUNG_LANGUAGE") or "en").split("-")[0].lower()


@lru_cache(maxsize=8)
def _catalog(lang: str) -> _gettext.NullTranslations:
    return _gettext.translation("django", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def gettext(message: str) -> str:
    """Translate ``message`` into the CLI language; mark strings with ``_ = gettext``."""
    return _catalog(language()).gettext(message)


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation where it is defined (a module-level constant), untranslated:
    it is translated with :func:`gettext` where it is used, in the language of that moment."""
    return message


_ = gettext
