"""Validate: GX checkpoints on the inputs, the reference data and the marts.

Input suites never stop a run: their failing rows become INPUT_EXPECTATION_FAILED flags
(and every result is stored in audit.validation_results). A failing reference or mart
suite stops the run before publishing.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow

from expectations.suites import input_suites, mart_suites, reference_suites
from hsguard.faults import corrupt_mart_if_asked
from hsguard.validation import (
    findings_frame,
    flag_input_findings,
    previous_results,
    results_frame,
    run_suites,
)
from hsguard.warehouse import connect, write_table


class ValidationFailed(RuntimeError):
    """A blocking expectation suite failed; the build is not published."""


@flow(name="validate", log_prints=True)
def validate(build_file: str, work_dir: str, run_id: str) -> dict:
    con = connect(Path(build_file))
    try:
        corrupt_mart_if_asked(con)
        previous = previous_results(con)
        outcomes = run_suites(con, input_suites() + reference_suites(), run_id, Path(work_dir), previous)
        findings = findings_frame(outcomes)
        flagged = flag_input_findings(con, findings, run_id)
        catalog = con.execute("select check_code, severity from seeds.check_catalog").fetchall()
        outcomes += run_suites(
            con,
            mart_suites(sorted({c for c, _ in catalog}), sorted({s for _, s in catalog})),
            run_id,
            Path(work_dir),
            previous,
        )
        results = results_frame(outcomes)
        write_table(con, "audit", "validation_results", results)
        write_table(
            con, "audit", "validation_findings", findings.select(pl.lit(run_id).alias("run_id"), pl.all())
        )
        con.execute("checkpoint")
    finally:
        con.close()
    failed = results.filter(~results["success"])
    for outcome in outcomes:
        state = "passed" if outcome.success else ("FAILED" if outcome.blocking else "failed (recorded)")
        reused = " (same inputs as the published run: its results reused)" if outcome.reused else ""
        print(f"  GX suite {outcome.suite}: {state}{reused}")
    if flagged:
        print(f"  {flagged} input row(s) flagged INPUT_EXPECTATION_FAILED")
    blocking = [o.suite for o in outcomes if o.blocking and not o.success]
    if blocking:
        details = failed.filter(failed["blocking"]).select("suite", "expectation", "column_name").rows()
        raise ValidationFailed(
            "expectation suite(s) failed: "
            + ", ".join(blocking)
            + " - "
            + "; ".join(f"{s}.{e}({c})" for s, e, c in details[:5])
        )
    return {
        "expectations": results.height,
        "suites_reused": sum(1 for o in outcomes if o.reused),
        "failed": failed.height,
        "input_findings_flagged": flagged,
        "failed_expectations": [
            f"{s}.{e}({c})" for s, e, c in failed.select("suite", "expectation", "column_name").rows()
        ],
    }
