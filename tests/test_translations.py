"""The Bahasa Indonesia catalogue is complete, compiled and safe to format.

- every entry has a translation and none is marked fuzzy;
- the committed django.mo returns what django.po says (so nobody forgot to compile);
- placeholders ({name}, {}, %(name)s, %s) are the same in the English and Indonesian text, so
  ``.format()`` / ``%`` never raises KeyError or prints the wrong value, and leading/trailing spaces
  (used when pieces are glued together) are kept;
- every string the code marks with ``_()`` / ``gettext`` / ``{% translate %}`` is in the catalogue
  (otherwise it silently stays English: run scripts/update_translations.sh);
- Indonesian has one plural form (Plural-Forms: nplurals=1; plural=0).
"""

from __future__ import annotations

import ast
import gettext
import re
import string
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import lumbung
from lumbung import i18n, rules

PACKAGE = Path(lumbung.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "id" / "LC_MESSAGES" / "django.po"
REFRESH = "run scripts/update_translations.sh and translate the new entries"

#: Help texts that show braces as prose, not format strings (never passed to .format()).
NOT_FORMAT_STRINGS = {"{field: [old, new]}"}

#: The functions a string is marked with, as makemessages (xgettext) knows them.
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def read_po(text: str) -> list[Entry]:
    """Entries of a .po file (header included, as msgid ""); obsolete (#~) entries are skipped."""
    entries, current, key = [], None, None

    def close():
        if current is not None:
            entries.append(current)

    flags: set[str] = set()
    for line in text.splitlines():
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("msgid "):
            close()
            current = Entry(msgid=ast.literal_eval(line[6:]), flags=flags)
            flags, key = set(), "msgid"
        elif line.startswith("msgid_plural "):
            current.msgid_plural, key = ast.literal_eval(line[13:]), "msgid_plural"
        elif line.startswith("msgstr"):
            key, value = line.split(" ", 1)
            current.msgstr[key] = ast.literal_eval(value)
        elif line.startswith('"') and current is not None:
            if key == "msgid":
                current.msgid += ast.literal_eval(line)
            elif key == "msgid_plural":
                current.msgid_plural += ast.literal_eval(line)
            else:
                current.msgstr[key] += ast.literal_eval(line)
    close()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[Entry]:
    return [e for e in entries if e.msgid]


def test_the_reader_reads_what_it_should():
    sample = ('msgid ""\nmsgstr ""\n"Language: id\\n"\n\n#, python-brace-format, fuzzy\nmsgid "a {x}"\n'
              'msgstr ""\n"b {x}"\n\nmsgid "one"\nmsgid_plural "many"\nmsgstr[0] "satu"\n')
    header, brace, plural = read_po(sample)
    assert header.msgstr["msgstr"] == "Language: id\n"
    assert (brace.msgid, brace.msgstr["msgstr"], brace.flags) == ("a {x}", "b {x}", {"python-brace-format", "fuzzy"})
    assert (plural.msgid_plural, plural.msgstr) == ("many", {"msgstr[0]": "satu"})


def test_header_declares_indonesian_with_one_plural_form(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "Language: id\n" in header.msgstr["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr["msgstr"]
    assert "charset=UTF-8" in header.msgstr["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy(messages):
    assert len(messages) > 300
    empty = [e.msgid for e in messages if not all(e.msgstr.values())]
    assert not empty, f"{len(empty)} entries have no translation, e.g. {empty[:3]}"
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy[:3]}"


def test_plural_entries_have_exactly_one_form(messages):
    plurals = [e for e in messages if e.msgid_plural is not None]
    for entry in plurals:
        assert list(entry.msgstr) == ["msgstr[0]"], entry.msgid


def test_compiled_catalogue_matches_the_po(messages):
    catalog = gettext.translation("django", localedir=LOCALE, languages=["id"])
    stale = []
    for entry in messages:
        if entry.msgid_plural is None:
            got = [catalog.gettext(entry.msgid)]
            want = [entry.msgstr["msgstr"]]
        else:  # one Indonesian form for every count
            got = [catalog.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
            want = [entry.msgstr["msgstr[0]"]] * 3
        if got != want:
            stale.append(entry.msgid)
    assert not stale, f"django.mo is older than django.po ({stale[:3]}): {REFRESH}"


_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]?\d*(?:\.\d+)?([sdifrx%])")


def placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (as a multiset) and positional ones (in order) of a message."""
    named, positional = Counter(), []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        item = f"{{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
        if name == "" or name.isdigit():
            positional.append(item)
        else:
            named[item] += 1
    for match in _PERCENT.finditer(text):
        if match.group(2) == "%":
            continue
        if match.group(1):
            named[match.group(0)] += 1
        else:
            positional.append(match.group(0))
    return named, positional


def test_placeholder_reader():
    assert placeholders("{a!r} and {b:,.0f} {a!r} %(n)s {} %d%%") == (
        Counter({"{a!r}": 2, "{b:,.0f}": 1, "%(n)s": 1}), ["{}", "%d"])
    assert placeholders("({change:+.1f}%)") == (Counter({"{change:+.1f}": 1}), [])


def test_translations_keep_placeholders_and_edge_spaces(messages):
    bad = []
    for entry in messages:
        if entry.msgid in NOT_FORMAT_STRINGS:
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid_plural]
        for source in sources:
            for translation in entry.msgstr.values():
                if placeholders(source) != placeholders(translation):
                    bad.append((source, translation))
                lead = lambda s: s[: len(s) - len(s.lstrip())]  # noqa: E731
                trail = lambda s: s[len(s.rstrip()):]  # noqa: E731
                if (lead(source), trail(source)) != (lead(translation), trail(translation)):
                    bad.append((source, translation))
    assert not bad, f"placeholders or leading/trailing spaces differ: {bad[:3]}"


def test_placeholder_check_catches_a_renamed_placeholder():
    assert placeholders("{rows} rows") != placeholders("{baris} baris")
    assert placeholders("nib {} line {}") == placeholders("nib {} baris {}")


def marked_in_python() -> dict[str, str]:
    """String literals passed to a translation marker anywhere in the package -> where."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in MARKERS:
                continue
            for arg in node.args[: 2 if name.startswith("n") else 1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


_TRANSLATE_TAG = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.*?)\1""")


def marked_in_templates() -> dict[str, str]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.html")) + sorted(PACKAGE.rglob("*.txt")):
        for match in _TRANSLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(2), str(path.relative_to(PACKAGE)))
    return found


def test_every_marked_string_is_in_the_catalogue(entries):
    known = {e.msgid for e in entries} | {e.msgid_plural for e in entries if e.msgid_plural}
    marked = marked_in_python() | marked_in_templates()
    assert len(marked) > 300
    missing = {text: where for text, where in marked.items() if text not in known}
    assert not missing, f"marked strings not in django.po: {list(missing.items())[:3]}: {REFRESH}"


def test_every_rule_message_is_in_the_catalogue(entries):
    """lumbung.rules' messages are marked where they are defined and translated where shown; a
    marker that makemessages does not know would drop them from the catalogue at the next refresh
    (they were marked with a local ``N_`` once, and a refresh lost 32 of them)."""
    known = {e.msgid for e in entries}
    messages = {rule.id: rule.message for rule in rules.BY_ID.values()}
    assert len(messages) > 40
    missing = {rule_id: text for rule_id, text in messages.items() if text not in known}
    assert not missing, f"rule messages not in django.po: {list(missing.items())[:3]}: {REFRESH}"
    assert rules.BY_ID["nib.format"].message in marked_in_python(), "rules are marked with a known marker"


def test_pure_packages_translate_through_lumbung_i18n(monkeypatch, messages):
    translated = {e.msgid: e.msgstr["msgstr"] for e in messages if e.msgid_plural is None}
    monkeypatch.setenv("LUMBUNG_LANGUAGE", "id")
    assert i18n.gettext("the province is required") == translated["the province is required"]
    assert i18n.gettext("the province is required") != "the province is required"
    monkeypatch.setenv("LUMBUNG_LANGUAGE", "en")
    assert i18n.gettext("the province is required") == "the province is required"


def test_cli_speaks_indonesian_when_asked(messages):
    from lumbung.cli import main

    translated = {e.msgid: e.msgstr["msgstr"] for e in messages if e.msgid_plural is None}
    args = ["classify", "--regime", "bps-workers", "--workers", "3"]
    indonesian = CliRunner().invoke(main, args, env={"LUMBUNG_LANGUAGE": "id"})
    english = CliRunner().invoke(main, args, env={"LUMBUNG_LANGUAGE": "en"})
    assert indonesian.exit_code == 0 == english.exit_code, indonesian.output + english.output
    label = translated["Class: {name}"].split("{")[0]
    assert label != "Class: "
    assert label in indonesian.output and "Class: " in english.output
    assert translated["Decided by: {comparison}"].split("{")[0] in indonesian.output
