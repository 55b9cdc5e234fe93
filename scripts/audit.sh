#!/usr/bin/env bash
# pip-audit over the dependencies installed from pyproject.toml (issue 8 point 19), run by `make audit`
# and .ci/run. Known findings that do not apply are listed, each with its reason, in
# scripts/audit-ignore.txt. Without network access to the vulnerability database (PyPI / OSV) the
# audit cannot run: it says why and exits 0, so CI does not fail on a missing network.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
requirements="$(mktemp)"
report="$(mktemp)"
trap 'rm -f "$requirements" "$report"' EXIT
"$BIN/pip" freeze --exclude-editable --disable-pip-version-check > "$requirements"
ignores=()
while read -r id _reason; do
  [[ -n "$id" && "$id" != \#* ]] && ignores+=(--ignore-vuln "$id")
done < scripts/audit-ignore.txt
"$BIN/pip-audit" -r "$requirements" --no-deps --disable-pip --progress-spinner off --desc on \
  --timeout 30 "${ignores[@]}" >"$report" 2>&1
status=$?
cat "$report"
total=$(grep -c . "$requirements")
unaudited=$(grep -c "could not be audited" "$report")
if grep -qE "Found [0-9]+ known vulnerabilit" "$report"; then
  echo "pip-audit: vulnerabilities above; upgrade, or explain each in scripts/audit-ignore.txt."
  exit 1
fi
if [[ "$unaudited" -gt 0 ]]; then
  echo "pip-audit: $unaudited of $total dependencies could not be audited (the vulnerability database of"
  echo "the package index answered nothing for them; a mirror without it, or no network): audit incomplete."
  exit 0
fi
if grep -q "No known vulnerabilities found" "$report"; then
  echo "pip-audit: $total pinned dependencies, no known vulnerability."
  exit 0
fi
echo "pip-audit could not run (exit $status; no network to the vulnerability database?): audit skipped."
exit 0
