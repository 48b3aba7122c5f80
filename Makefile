# Two commands on a fresh machine: `make demo` and `make test`. Everything they need is installed here.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench models eval eval-people system venv serve clean

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

# Rebuild the shipped model files from ../shared/data (or DATA=path): linear.npz/json, fusion.json, seen.npz.
DATA ?= ../shared/data
models: venv
	$(BIN)/python -m training.train --data $(DATA)

bench: venv
	$(BIN)/python bench/read_throughput.py
	$(BIN)/python bench/read_worst_case.py
	$(BIN)/python bench/people_refresh.py
	$(BIN)/python bench/ocr_throughput.py
	$(BIN)/python bench/desk_overhead.py
	$(BIN)/python bench/imap_throughput.py

# The issue's target sets in ../shared/data and our French set, next to the TF-IDF baseline: eval-results/report.md
EVAL_SETS := $(DATA)/artist_risk/threat_youtube_hammer2019/data.jsonl \
	$(DATA)/writer_risk/twitter_suicidal_ideation_kaggle/data.jsonl \
	$(DATA)/writer_risk/cssrs_reddit_500/data.jsonl \
	$(DATA)/artist_risk/youtube_spam_collection_uci/data.jsonl \
	$(DATA)/artist_risk/cyberagressionado_v2_fr/data.jsonl \
	eval/fr/stagedoor_fr_eval_v1.jsonl

eval: venv
	$(BIN)/stagedoor eval $(EVAL_SETS) --lyrics eval/fr/lyrics.txt --baseline --train-data $(DATA) --out eval-results

# Correspondent-level measures: eRisk-style early risk on C-SSRS writers, linking and escalation on eval/histories
eval-people: venv
	$(BIN)/stagedoor eval-early $(DATA)/writer_risk/cssrs_reddit_500/data.jsonl --out eval-results
	$(BIN)/stagedoor eval-histories eval/histories --out eval-results

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts bench-results eval-results
