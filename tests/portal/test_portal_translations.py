"""The committed Indonesian catalogue is compiled (django.mo matches django.po) and covers the
web app's own strings."""

from __future__ import annotations

import ast
import gettext
import re
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
    for msgid in ("Figures for this province", "My enterprises", "Owner NIK", "enterprise",
                  "audit trail", "persons engaged"):
        assert entries.get(msgid), f"{msgid!r} has no Indonesian translation"


PORTAL = Path(lumbung.__file__).resolve().parent / "portal"
TEMPLATE_STRINGS = (
    re.compile(r"""\{%\s*translate\s+"([^"]+)"\s*%\}"""), re.compile(r"""\{%\s*translate\s+'([^']+)'\s*%\}"""),
    re.compile(r"""\b_\("([^"]+)"\)"""), re.compile(r"""\b_\('([^']+)'\)"""),
)
BLOCK = re.compile(r"\{%\s*blocktranslate[^%]*%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S)
TRANSLATORS = {"_", "gettext", "gettext_lazy"}


def template_strings() -> set[str]:
    found = set()
    for path in (PORTAL / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in TEMPLATE_STRINGS:
            found |= set(pattern.findall(text))
        for body in BLOCK.findall(text):
            if "{% plural %}" not in body:
                found.add(re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body))
    return found


def python_strings() -> set[str]:
    found = set()
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATORS
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def test_every_portal_string_is_translated():
    """Templates and Python of the portal (its JavaScript shows no text of its own: labels come
    from the server, in the page's language)."""
    entries = _po_entries(PO.read_text(encoding="utf-8"))
    strings = template_strings() | python_strings()
    assert len(strings) > 150
    missing = sorted(s for s in strings if not entries.get(s))
    assert not missing, f"{len(missing)} portal strings lack an Indonesian translation: {missing[:5]}"


def test_portal_javascript_has_no_text_of_its_own():
    for path in (PORTAL / "static" / "portal").glob("*.js"):
        code = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        literals = [s for s in re.findall(r'"([^"\n]*)"', code)
                    if s != "use strict" and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", s)]
        assert not literals, f"{path.name} shows text that is not translated: {literals[:3]}"
