#!/usr/bin/env bash
# Refresh the translation catalogue from the source strings of the whole package, then compile it.
# Source strings are English; src/lumbung/locale/id/LC_MESSAGES/django.po holds Bahasa Indonesia.
# The compiled django.mo is committed so installs and CI need no gettext tools.
# Needs GNU gettext (xgettext, msgmerge, msgattrib, msgfmt). Usage: scripts/update_translations.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$PWD/.venv/bin/python}"
cd src/lumbung
mkdir -p locale/id/LC_MESSAGES
export DJANGO_SETTINGS_MODULE=lumbung.settings
export LUMBUNG_HOME="${LUMBUNG_HOME:-$(mktemp -d)}"
"$PYTHON" -m django makemessages --locale id --domain django --extension html,py,txt \
    --ignore "*.egg-info/*" --ignore "static/*" --no-obsolete --no-location
# msgmerge's guesses for new strings ("fuzzy") are mostly wrong here: blank them for a translator.
PO=locale/id/LC_MESSAGES/django.po
msgattrib --clear-fuzzy --empty --clear-previous --no-wrap -o "$PO" "$PO"
"$PYTHON" -m django compilemessages --locale id
msgfmt --statistics -o /dev/null "$PO"
