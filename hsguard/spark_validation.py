"""The GX suites of expectations/suites.py on Spark dataframes (GX's Spark datasource).

The same suites, checkpoints and result handling as on DuckDB (hsguard.validation);
only the frame differs: a Spark dataframe read from the session's catalogue, narrowed
to the columns the suite checks, validated where it lives instead of being pulled into
pandas. A Spark build is a full build every night, so nothing is reused from a
published run (``input_token`` stays empty).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from hsguard.validation import (
    FINDINGS_SCHEMA,
    RESULT_COLUMNS,
    SuiteOutcome,
    _context,
    checkpoint_outcome,
    prepare_context,
    run_checkpoint,
)

DATASOURCE = "hsguard_spark_frames"


def spark_frame(session, spec):
    """The suite's frame: its (fixed, code-owned) query on Spark, narrowed to the
    columns its expectations read (expectations.suites.frame_columns)."""
    from expectations.suites import frame_columns

    frame = session.sql(spec.query)
    columns = frame_columns(spec)
    return frame.select(*columns) if columns else frame


def relation_exists(session, name: str) -> bool:
    """Whether a table or view ``name`` exists in any database of the Spark catalogue."""
    return any(session.catalog.tableExists(name, db.name) for db in session.catalog.listDatabases())


def run_spark_suites(session, specs, run_id: str, work_dir: Path) -> list[SuiteOutcome]:
    """Validate each suite on its Spark dataframe with a GX checkpoint (Spark datasource)."""
    context = _context(prepare_context(work_dir))
    source = context.data_sources.add_or_update_spark(DATASOURCE)
    outcomes = []
    for spec in specs:
        if spec.requires_table and not relation_exists(session, spec.requires_table):
            continue
        frame = spark_frame(session, spec)
        run = run_checkpoint(context, source, spec, frame, frame.columns)
        outcomes.append(checkpoint_outcome(spec, run, run_id, None))
    return outcomes


def results_and_findings(outcomes: list[SuiteOutcome], run_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """audit.validation_results and audit.validation_findings rows of ``outcomes``."""
    results = [o.results for o in outcomes]
    results_frame = pl.concat(results) if results else pl.DataFrame(schema=RESULT_COLUMNS)
    findings = pl.DataFrame([f for o in outcomes for f in (o.findings or [])], schema=FINDINGS_SCHEMA)
    return results_frame, findings.select(pl.lit(run_id).alias("run_id"), pl.all())
