#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python: Chromium for the browser tests (Playwright
# drives Debian's chromium through executable_path; `playwright install` cannot download here) and a
# Java runtime for the Spark tests (pyspark). Installed with apt-get when missing and when run as
# root; otherwise the script names what is missing and how to install it.
set -uo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ "$(id -u)" -ne 0 ]]; then
  echo "missing system packages for the tests: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
