# Two commands on a fresh machine: `make demo` and `make test`. Everything they need is installed here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := /tmp/.stagedoor-system-deps

.PHONY: demo test lint bench system venv serve clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# Debian packages: chromium for the browser tests, PostgreSQL for the store tests (no-ops when present).
system:
	@bash scripts/system-deps.sh

demo: venv
	$(BIN)/stagedoor demo

serve: venv
	$(BIN)/stagedoor serve

lint: venv
	$(BIN)/ruff check src tests training scripts bench
	$(BIN)/ruff format --check src tests training scripts bench
	$(BIN)/mypy

test: system venv lint
	bash scripts/run-tests.sh

bench: venv
	$(BIN)/python bench/read_throughput.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts bench-results
