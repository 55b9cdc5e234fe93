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
	$(BIN)/lumbung serve --host 127.0.0.1 --port 8000

# The suite runs on SQLite; with LUMBUNG_TEST_DATABASE_URL set, the database tests run again there.
test: install
	$(BIN)/pytest
	@if [ -n "$$LUMBUNG_TEST_DATABASE_URL" ]; then \
		echo "== database tests on $$LUMBUNG_TEST_DATABASE_URL =="; \
		LUMBUNG_DATABASE_URL="$$LUMBUNG_TEST_DATABASE_URL" $(BIN)/pytest -m django_db; \
	fi

.PHONY: install demo test
