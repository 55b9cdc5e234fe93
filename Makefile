# The README's two commands are `make demo` and `make test`; .ci/run calls `make test`.
VENV ?= .venv
BIN = $(VENV)/bin
PYTHON ?= python3

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/lumbung init
	$(BIN)/lumbung demo
	# the background worker (uploaded imports) runs alongside the server and stops with it
	$(BIN)/lumbung worker & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
		$(BIN)/lumbung serve --host 127.0.0.1 --port 8000

# Lint (ruff, configured in pyproject.toml), the generated files (cog: the CLI's command table and
# docs/cli.md; `make cog` rewrites them), then the suite on SQLite; with LUMBUNG_TEST_DATABASE_URL
# set, the database tests run again there.
test: install lint system-packages
	$(BIN)/pytest
	@if [ -n "$$LUMBUNG_TEST_DATABASE_URL" ]; then \
		echo "== database tests on $$LUMBUNG_TEST_DATABASE_URL =="; \
		LUMBUNG_DATABASE_URL="$$LUMBUNG_TEST_DATABASE_URL" $(BIN)/pytest -m django_db; \
	fi

# Chromium (browser tests) and Java (Spark tests) from Debian when missing.
system-packages:
	scripts/system-packages.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/cog --check src/lumbung/cli/table.py docs/cli.md

cog: install
	$(BIN)/cog -r src/lumbung/cli/table.py docs/cli.md

# Known vulnerabilities in the installed dependencies (pip-audit); without network it says so and passes.
audit: install
	BIN=$(BIN) scripts/audit.sh

.PHONY: install demo test lint cog audit system-packages
