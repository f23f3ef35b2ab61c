# hsguard — every entry point a user or CI needs. `make run` and `make test`
# set up .venv from requirements.lock first (fast and idempotent once done).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.hsguard-installed

.PHONY: setup setup-spark run test test-duckdb test-fast test-spark bench docs lint lint-sql clean

setup: $(STAMP)

# requirements.lock pins every package, transitive ones included, so it installs with
# --no-deps (needed for pyicu-wheels, see the lock). --no-compile: pip does not byte-compile
# every installed module (about half of the install's time, measured); Python compiles the
# modules a run imports on first import and keeps them in __pycache__.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "hsguard needs Python 3.11 (set PYTHON=python3.11)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

# The optional Spark engine (dbt target `spark`): pyspark and dbt-spark from
# requirements-spark.lock, also with --no-deps. Spark needs Java 17 (a JDK or JRE on PATH).
SPARK_STAMP := $(VENV)/.hsguard-spark-installed

setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	@java -version 2>&1 | grep -Eq 'version "(17|21)[."]' || { echo "hsguard on Spark needs Java 17 (or 21) on PATH (java -version shows: $$(java -version 2>&1 | head -n 1))"; exit 1; }
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile --no-deps -r requirements-spark.lock
	@touch $(SPARK_STAMP)

run: setup
	$(BIN)/hsguard run

# SQL lint first: a lint error fails `make test` before any test runs. Two pytest-xdist
# workers, a test file to each (its module fixtures' runs stay in one worker): a run
# keeps one core busy for only part of its time (Prefect, dbt's Python threads and
# DuckDB take turns), so two files at once fill both cores. tests/conftest.py makes
# the shared sample build once for both workers, and one Prefect server for both. The Spark
# lane (tests/integration/test_spark_parity.py, marker `spark`: hsguard parity on the
# bundled sample) is part of it and starts first: on a clean clone of this 2-core machine,
# otherwise idle (2026-12-02), set-up, Spark extra, lint and pytest with the lane took
# 13 min 26 s (the lane's parity 268 s), within the 15-min budget; 10 min 9 s without it.
SUITE := $(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

test: setup setup-spark lint-sql
	$(SUITE)

# Every test but the Spark lane (a quicker check while working on DuckDB-only code).
test-duckdb: setup setup-spark lint-sql
	$(SUITE) -m "not spark"

# The Spark lane alone: hsguard parity on the bundled sample, from the suite's shared sample
# build: seeds and models built on a local Spark, every mart compared with DuckDB's. The
# data and unit tests run on DuckDB in the suite, not again on Spark: on Spark they would
# more than double the lane (docs/SPARK.md, "The Spark lane"); hsguard run --engine spark
# runs them.
test-spark: setup setup-spark
	$(BIN)/python -m pytest -m spark

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
