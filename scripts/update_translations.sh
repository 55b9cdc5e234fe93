#!/usr/bin/env bash
# Refresh the translation catalogue from the source strings of the whole package, then compile it.
# Source strings are English; src/lumbung/locale/id/LC_MESSAGES/django.po holds Bahasa Indonesia.
# The compiled django.mo is committed so installs and CI need no gettext tools.
# Needs GNU gettext (xgettext, msgmerge, msgattrib, msgfmt). Usage: scripts/update_translations.sh
# Strings are found wherever they are marked: Django's gettext/gettext_lazy/ngettext in registry and
# portal, `from lumbung.i18n import _` (or lumbung.i18n.gettext) in the pure packages, and
# {% translate %}/{% blocktranslate %} in templates: xgettext knows _, gettext and ngettext for
# Python, and makemessages adds gettext_lazy, ngettext_lazy, gettext_noop and the pgettext family.
# Mark with one of those names, never an alias (`N_ = gettext_noop`): xgettext reads the name at
# the call, and a string it does not find is dropped from the catalogue with its translation. It
# does not look inside f-strings either: translate first, then format.
# tests/test_translations.py checks that nothing marked is missing and that nothing is untranslated.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
cd src/lumbung
mkdir -p locale/id/LC_MESSAGES
export DJANGO_SETTINGS_MODULE=lumbung.settings
# Run from inside the package, where lumbung/numbers.py would shadow the standard library's
# numbers module if the current directory were put on sys.path.
export PYTHONSAFEPATH=1
# Django needs a home for its settings; a throw-away one unless the caller gives one.
if [ -z "${LUMBUNG_HOME:-}" ]; then
    LUMBUNG_HOME="$(mktemp -d)"
    trap 'rm -rf "$LUMBUNG_HOME"' EXIT
fi
export LUMBUNG_HOME
"$PYTHON" -m django makemessages --locale id --domain django --extension html,py,txt \
    --ignore "*.egg-info/*" --ignore "static/*" --no-obsolete --no-location
# msgmerge's guesses for new strings ("fuzzy") are mostly wrong here: blank them for a translator.
PO=locale/id/LC_MESSAGES/django.po
msgattrib --clear-fuzzy --empty --clear-previous --no-wrap -o "$PO" "$PO"
"$PYTHON" -m django compilemessages --locale id
msgfmt --check --statistics -o /dev/null "$PO"
