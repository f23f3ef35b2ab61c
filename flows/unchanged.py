"""A night with nothing new: keep the published run's results and record tonight's check.

When tonight's inputs, code and day are the published run's (hsguard.unchanged), the
nightly flow does not load, build or validate again: every raw table, model, data test
and GX suite would come out as published. The build (a copy of the published warehouse)
keeps them as they are, with the stamps of the run that computed them (``run_id`` of
the marts, ``_run_id``/``_loaded_at`` of the raw rows, ``audit.load_lineage``,
``audit.model_fingerprints``). Tonight's run is recorded in the audit tables Python owns:
the validation results are this run's (marked reused, as a suite reused on unchanged
inputs always is), and after the report stage every node of the published run's dbt
build that tonight's did not build is recorded for this run as a dbt build that kept it
would record it (a data test that passed: ``reused``). The report stage (flag history,
report feeds: a dbt build, report) and publish run as on any night, so the run history,
the trend, "what changed since last night" (nothing) and the report's "as of" are
tonight's. Nothing here writes a dbt relation.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from expectations.suites import mart_suites
from hsguard.dbt import REUSED_STATUS
from hsguard.unchanged import PublishedRun
from hsguard.warehouse import connect


@flow(name="keep-published", log_prints=True)
def keep_published(
    build_file: str, run_id: str, published_run: str, files: int, reference_files: int
) -> dict:
    """Record tonight's check on the build (a copy of the published warehouse, whose latest
    run is ``published_run``: ``files`` source and ``reference_files`` reference files, all
    unchanged) and return the load, transform and validation summaries of a run that kept
    everything."""
    published = PublishedRun(published_run, None, files, reference_files)
    con = connect(Path(build_file))
    try:
        con.execute("begin transaction")
        con.execute("update audit.validation_results set run_id = ?, reused = true", [run_id])
        con.execute("update audit.validation_findings set run_id = ?", [run_id])
        con.execute("commit")
        history = con.execute(
            "select rows_in, rows_loaded, rows_quarantined from audit.run_history where run_id = ?",
            [published.run_id],
        ).fetchone()
        runs = con.execute("select count(*) from audit.run_history").fetchone()[0]
        fields_rejected = con.execute("select count(*) from audit.field_rejections").fetchone()[0]
        findings, rows_with_findings = con.execute(
            "select count(*), count(distinct (raw_table, row_number)) from audit.validation_findings"
        ).fetchone()
        reference = con.execute(
            "select dataset, edition, source_file, sha256, rows_loaded from audit.load_lineage "
            "where dataset is not null order by raw_table, source_file"
        ).fetchall()
        tables, tests = con.execute(
            "select count(*) filter (where node like 'model.%'), count(*) filter (where node like 'test.%') "
            "from audit.model_fingerprints where reused is not null"
        ).fetchone()
        marts = [spec.name for spec in mart_suites([])]
        expectations, suites, failed, mart_expectations, mart_failed = con.execute(
            "select count(*), count(distinct suite), count(*) filter (where not success), "
            "count(*) filter (where list_contains(?, suite)), "
            "count(*) filter (where list_contains(?, suite) and not success) "
            "from audit.validation_results",
            [marts, marts],
        ).fetchone()
        failed_expectations = [
            f"{s}.{e}({c})"
            for s, e, c in con.execute(
                "select suite, expectation, column_name from audit.validation_results where not success "
                "order by all"
            ).fetchall()
        ]
        con.execute("checkpoint")
    finally:
        con.close()
    print(
        f"  nothing new since run {published.run_id}: {published.files} source and "
        f"{published.reference_files} reference files are the ones it loaded, the code and the day "
        "are the same; its raw tables, models, data tests and GX results are kept as they are"
    )
    loaded = {
        "rows_in": history[0],
        "rows_loaded": history[1],
        "rows_quarantined": history[2],
        "fields_rejected": fields_rejected,
        "runs_in_history": runs,
        "files_read": 0,
        "files_kept": published.files,
        "reference_tables": len({r[0] for r in reference}),
        "reference_kept": len({r[0] for r in reference}),
        "reference": [
            {"dataset": d, "edition": e, "file": f, "sha256": s, "rows_loaded": n}
            for d, e, f, s, n in reference
        ],
        "input_findings": findings,
        "input_rows_with_findings": rows_with_findings,
        "unchanged_since": published.run_id,
    }
    built = {
        "nodes": 0,
        "passed": 0,
        "warned": 0,
        "tables_reused": tables,
        "tables_built": 0,
        "data_tests_reused": tests,
        "data_tests_run": 0,
        "unit_tests_skipped": True,
    }
    validated = {
        "expectations": expectations,
        "mart_expectations": mart_expectations,
        "mart_failed": mart_failed,
        "suites_reused": suites,
        "failed": failed,
        "failed_expectations": failed_expectations,
    }
    return {"loaded": loaded, "transform": built, "validation": validated}


def carry_node_results(build_file: Path, run_id: str, published_run: str) -> int:
    """Record for ``run_id`` every node of the published run's dbt builds that tonight's
    did not build (the report feeds were built tonight): with its published status, a
    data test that passed or was reused as ``reused`` (not run again), no time; unit tests
    left out (skipped on the same code, as on any rerun). Returns how many."""
    con = connect(build_file)
    try:
        carried = con.execute(
            "insert into audit.dbt_node_results by name "
            "select ? as run_id, unique_id, resource_type, "
            "case when resource_type = 'test' and status in ('pass', ?) then ? else status end as status, "
            "0.0 as execution_seconds, cast(null as bigint) as rows_affected "
            "from audit.dbt_node_results where run_id = ? and resource_type <> 'unit_test' "
            "and unique_id not in (select unique_id from audit.dbt_node_results where run_id = ?)",
            [run_id, REUSED_STATUS, REUSED_STATUS, published_run, run_id],
        ).fetchone()[0]
        con.execute("checkpoint")
    finally:
        con.close()
    return carried
