"""Validate: GX checkpoints on the marts dbt built, after dbt and before publishing.

They say what the dbt data tests do not (e.g. every suggested code is a declarable line
of its scheme's current edition). A failing suite stops the run before publishing. The
inputs and the reference data are validated before dbt (flows/validate_inputs.py).
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from expectations.suites import mart_suites
from hsguard.faults import corrupt_mart_if_asked
from hsguard.validation import ValidationFailed, validate_stage
from hsguard.warehouse import connect


@flow(name="validate", log_prints=True)
def validate(build_file: str, work_dir: str, run_id: str) -> dict:
    con = connect(Path(build_file))
    try:
        corrupt_mart_if_asked(con)
        severities = sorted(
            {r[0] for r in con.execute("select severity from seeds.check_catalog").fetchall()}
        )
        outcomes = validate_stage(con, mart_suites(severities), run_id, Path(work_dir))
        results = con.execute("select * from audit.validation_results").pl()
        con.execute("checkpoint")
    finally:
        con.close()
    for outcome in outcomes:
        state = "passed" if outcome.success else "FAILED"
        reused = " (same inputs as the published run: its results reused)" if outcome.reused else ""
        print(f"  GX suite {outcome.suite}: {state}{reused}")
    ValidationFailed.raise_for(outcomes)
    failed = results.filter(~results["success"])
    # the stage's console line counts the mart suites it ran (as on Spark); the table also
    # holds the input and reference suites of the first stage
    marts = results.filter(results["suite"].is_in([outcome.suite for outcome in outcomes]))
    return {
        "expectations": results.height,
        "mart_expectations": marts.height,
        "mart_failed": marts.filter(~marts["success"]).height,
        "suites_reused": results.filter(results["reused"])["suite"].n_unique(),
        "failed": failed.height,
        "failed_expectations": [
            f"{s}.{e}({c})" for s, e, c in failed.select("suite", "expectation", "column_name").rows()
        ],
    }
