"""The Spark lane: ``hsguard parity`` on the bundled sample, DuckDB against Spark.

The DuckDB side is the suite's shared published sample build (``sample_run``); the Spark
side is one ``dbt build --target spark`` of the seeds and models (report feeds included)
from that build's ingested tables; the data and unit tests ran on DuckDB in that build
(docs/SPARK.md, "The Spark lane"). Every compared mart must be equal row by row.
"""

from __future__ import annotations

import re

import pytest

from hsguard.spark import missing_requirement
from tests.conftest import run_cli

pytestmark = [pytest.mark.integration, pytest.mark.spark]


def test_parity_on_the_sample_is_exact(sample_run, cli_env, tmp_path):
    reason = missing_requirement()
    assert reason is None, reason  # make test installs the Spark engine (make setup-spark)
    result = run_cli(
        cli_env,
        "parity",
        "--duckdb-warehouse",
        str(sample_run["warehouse"]),
        "--work-dir",
        str(tmp_path / "parity"),
        timeout=2400,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    # Spark's log4j lines, the JVM's own warnings and pyspark's pandas warning go to the
    # run's log, not the console
    noise = re.search(
        r"^\d\d/\d\d/\d\d [\d:]+ (WARN|ERROR) |log4j|FutureWarning|^WARNING: ", output, re.MULTILINE
    )
    assert noise is None, output[:3000]
    verdict = re.search(r"^parity equal: (\d+) of (\d+) marts equal", result.stdout, flags=re.MULTILINE)
    assert verdict is not None, output[-3000:]
    assert verdict.group(1) == verdict.group(2)
    compared = {line.split()[0] for line in result.stdout.splitlines() if re.search(r" equal$", line)}
    # the public marts of the output contract and the report's main feeds are among them
    public = {"fct_classification_flags", "fct_product_risk", "fct_license_determinations", "dim_products"}
    assert public | {"rpt_review_queue", "rpt_kpis"} <= compared, output[-3000:]
