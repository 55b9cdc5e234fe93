"""The committed Indonesian catalogue is compiled (django.mo matches django.po) and covers the
web app's own strings."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import lumbung

LOCALE = Path(lumbung.__file__).resolve().parent / "locale"
PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"


def _po_entries(text: str) -> dict[str, str]:
    """msgid -> msgstr of the singular entries (a small reader for the file makemessages writes)."""
    entries, key, current = {}, None, {}
    for line in text.splitlines() + [""]:
        if line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key = line.split(" ", 1)[0]
            current[key] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip():
            if current.get("msgid") and "msgid_plural" not in current:
                entries[current["msgid"]] = current.get("msgstr", "")
            key, current = None, {}
    return entries


def test_mo_matches_po():
    catalog = gettext.translation("django", localedir=LOCALE, languages=["id"])
    translated = {k: v for k, v in _po_entries(PO.read_text(encoding="utf-8")).items() if v}
    assert len(translated) > 100
    stale = [k for k, v in translated.items() if catalog.gettext(k) != v]
    assert not stale, f"django.mo is older than django.po: run scripts/update_translations.sh ({stale[:3]})"


def test_web_strings_are_translated():
    entries = _po_entries(PO.read_text(encoding="utf-8"))
    for msgid in ("Enterprises by province and size class", "My enterprises", "Owner NIK", "enterprise",
                  "audit trail", "persons engaged"):
        assert entries.get(msgid), f"{msgid!r} has no Indonesian translation"
