# hsguard — every entry point a user or CI needs. `make run` and `make test`
# set up .venv from requirements.lock first (fast and idempotent once done).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.hsguard-installed

.PHONY: setup run test test-fast bench docs lint lint-sql clean

setup: $(STAMP)

# requirements.lock pins every package, transitive ones included, so it installs with
# --no-deps (needed for pyicu-wheels, see the lock).
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "hsguard needs Python 3.11 (set PYTHON=python3.11)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

run: setup
	$(BIN)/hsguard run

# SQL lint first: a lint error fails `make test` before any test runs. Two pytest-xdist
# workers, a test file to each (its module fixtures' runs stay in one worker): a run
# keeps one core busy for only part of its time (Prefect, dbt's Python threads and
# DuckDB take turns), so two files at once fill both cores. tests/conftest.py makes
# the shared sample build once for both workers.
test: setup lint-sql
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

test-fast: setup
	$(BIN)/python -m pytest -m "not integration"

bench: setup
	$(BIN)/python bench/run_bench.py

docs: setup
	$(BIN)/hsguard docs

lint: setup
	$(BIN)/ruff check hsguard flows expectations tests bench
	$(BIN)/ruff format --check hsguard flows expectations tests bench

# The models' and dbt tests' SQL, rules in .sqlfluff (files in .sqlfluffignore skipped).
lint-sql: setup
	$(BIN)/sqlfluff lint models tests/dbt --processes 2

clean:
	rm -rf target logs .pytest_cache .ruff_cache
