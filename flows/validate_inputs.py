"""Validate inputs: GX checkpoints on the raw tables, right after ingest and before dbt.

Input suites never stop a run: their failing rows land in audit.validation_findings,
and the dbt model int_flags_input_expectation_failed makes them INPUT_EXPECTATION_FAILED
flags (with the catalogue, overrides, history and risk of every other check). A failing
reference suite (the tariffs and control lists every check relies on) stops the run
before dbt starts.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow

from expectations.suites import input_suites, reference_suites
from hsguard.validation import ValidationFailed, findings_frame, validate_stage
from hsguard.warehouse import connect, write_table


@flow(name="validate-inputs", log_prints=True)
def validate_inputs(build_file: str, work_dir: str, run_id: str) -> dict:
    specs = input_suites() + reference_suites()
    con = connect(Path(build_file))
    try:
        outcomes = validate_stage(con, specs, run_id, Path(work_dir))
        findings = findings_frame(outcomes)
        write_table(
            con, "audit", "validation_findings", findings.select(pl.lit(run_id).alias("run_id"), pl.all())
        )
        con.execute("checkpoint")
    finally:
        con.close()
    rows = findings.select("raw_table", "row_number").unique().height
    if rows:
        print(f"  {rows} input row(s) failed an input expectation (INPUT_EXPECTATION_FAILED flags)")
    reused = sum(1 for o in outcomes if o.reused)
    if reused:
        print(
            f"  {reused} of {len(outcomes)} input and reference suites had the published run's inputs: reused"
        )
    ValidationFailed.raise_for(outcomes)
    return {"input_findings": findings.height, "input_rows_with_findings": rows}
