"""Run the GX suites of ``expectations/suites.py`` on frames read from a build warehouse."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from hsguard.paths import EXPECTATIONS_DIR

# GX prints progress bars for every metric; keep the run's output readable.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
logging.getLogger("great_expectations").setLevel(logging.WARNING)

RESULT_COLUMNS = {
    "run_id": pl.Utf8,
    "suite": pl.Utf8,
    "expectation": pl.Utf8,
    "column_name": pl.Utf8,
    "success": pl.Boolean,
    "blocking": pl.Boolean,
    "element_count": pl.Int64,
    "unexpected_count": pl.Int64,
    "observed_value": pl.Utf8,
    "failing_keys": pl.Utf8,
    "input_token": pl.Utf8,
    "reused": pl.Boolean,
}


class ValidationFailed(RuntimeError):
    """A blocking expectation suite failed; the build is not published."""

    @classmethod
    def raise_for(cls, outcomes: list[SuiteOutcome]) -> None:
        """Raise when a blocking suite of ``outcomes`` failed, naming its failed expectations."""
        blocking = [o for o in outcomes if o.blocking and not o.success]
        if not blocking:
            return
        details = [
            f"{o.suite}.{r['expectation']}({r['column_name']})"
            for o in blocking
            for r in o.results.filter(~pl.col("success")).iter_rows(named=True)
        ]
        raise cls(
            "expectation suite(s) failed: "
            + ", ".join(o.suite for o in blocking)
            + " - "
            + "; ".join(details[:5])
        )


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    blocking: bool
    results: pl.DataFrame
    findings: list[dict] | None = None  # failing rows of input suites: key, column, value, expectation
    reused: bool = False  # the published run's results, its inputs being the same


#: Stamps that differ from run to run on the same rows (every row holds the run's own).
STAMP_COLUMNS = ("run_id", "loaded_at", "_run_id", "_loaded_at")

RELATION = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)", re.IGNORECASE)


def relations_read(query: str) -> list[str]:
    """``schema.table`` names a suite's (fixed, code-owned) query reads, sorted."""
    return sorted({name.lower() for name in RELATION.findall(query)})


def validation_code_version() -> str:
    """sha256 of the suites, this module and the GX version: results are reused only
    when the same expectations were checked the same way."""
    from expectations import suites

    digest = hashlib.sha256()
    for path in (Path(suites.__file__), Path(__file__)):
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(f"great_expectations=={version('great_expectations')}".encode())
    return digest.hexdigest()


def suite_input_token(con: duckdb.DuckDBPyConnection, spec, code: str) -> str:
    """md5 of the code version, the suite's query and, for every relation it reads, the
    row count, the order-independent sum of row hashes (stamps left out: STAMP_COLUMNS)
    and the number of null stamps: equal tokens mean the frame GX would see is the same
    (but for the run's own stamp)."""
    from expectations.suites import frame_query

    parts = [code, frame_query(spec)]
    for relation in relations_read(spec.query):
        schema, table = relation.split(".")
        columns = [
            r[0]
            for r in con.execute(
                "select column_name from duckdb_columns() where database_name = current_database() "
                "and schema_name = ? and table_name = ? order by column_index",
                [schema, table],
            ).fetchall()
        ]
        if not columns:
            parts.append(f"{relation}=absent")
            continue
        stamps = [c for c in columns if c in STAMP_COLUMNS]
        nulls = " + ".join(f'count(*) - count("{c}")' for c in stamps)
        nulls = f"(select {nulls} from {relation})" if nulls else "0"  # noqa: S608
        # names from the catalog of a relation named in code; quoted
        row = con.execute(
            f"select count(*), coalesce(sum(hash(t)), 0), {nulls} "  # noqa: S608
            f"from (select columns(c -> c not in {STAMP_COLUMNS}) from {relation}) as t"
        ).fetchone()
        parts.append(f"{relation}={row[0]}:{row[1]}:{row[2]}:{','.join(columns)}")
    return hashlib.md5("\n".join(parts).encode()).hexdigest()  # noqa: S324 - a fingerprint, not security


def previous_results(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The published run's validation results and input findings, from the build (a copy
    of the published warehouse until this run writes its own); empty when absent."""
    present = {
        (r[0], r[1])
        for r in con.execute(
            "select table_name, column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'audit' and table_name in ('validation_results', 'validation_findings')"
        ).fetchall()
    }
    if (
        ("validation_results", "input_token") not in present
        or (
            "validation_findings",
            "row_number",
        )
        not in present
        or ("validation_findings", "raw_table") not in present
    ):
        return pl.DataFrame(schema=RESULT_COLUMNS), pl.DataFrame(schema=FINDINGS_SCHEMA)
    results = con.execute("select * from audit.validation_results where input_token is not null").pl()
    findings = con.execute(
        f"select {', '.join(FINDINGS_SCHEMA)} from audit.validation_findings"  # noqa: S608 - names from code
    ).pl()
    return results.select(list(RESULT_COLUMNS)), findings


def prepare_context(work_dir: Path) -> Path:
    """Copy the committed GX context template (expectations/gx) into a run's private folder."""
    import shutil

    root = work_dir / "gx_project"
    shutil.copytree(EXPECTATIONS_DIR / "gx", root / "gx", dirs_exist_ok=True)
    return root


def _context(root: Path):
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(root))


def run_suites(
    con: duckdb.DuckDBPyConnection,
    specs,
    run_id: str,
    work_dir: Path,
    previous: tuple[pl.DataFrame, pl.DataFrame] | None = None,
) -> list[SuiteOutcome]:
    """Validate each suite's frame with a GX checkpoint; return one outcome per suite.

    A suite whose input token (suite_input_token) is the one ``previous`` (the published
    run's results and findings) recorded is not validated again: its results and
    findings are the published run's, marked reused."""
    from expectations.suites import frame_query

    code = validation_code_version()
    old_results, old_findings = previous if previous is not None else (None, None)
    context = source = None
    outcomes = []
    existing = {row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()}
    for spec in specs:
        if spec.requires_table and spec.requires_table not in existing:
            continue
        token = suite_input_token(con, spec, code)
        if old_results is not None:
            same = old_results.filter((pl.col("suite") == spec.name) & (pl.col("input_token") == token))
            if not same.is_empty():
                findings = old_findings.filter(pl.col("suite") == spec.name).to_dicts()
                results = same.with_columns(pl.lit(run_id).alias("run_id"), pl.lit(True).alias("reused"))
                success = bool(results["success"].all())
                outcomes.append(
                    SuiteOutcome(spec.name, success, spec.blocking, results, findings, reused=True)
                )
                continue
        if context is None:
            context = _context(prepare_context(work_dir))
            source = context.data_sources.add_or_update_pandas("hsguard_frames")
        frame = con.execute(frame_query(spec)).df()
        run = run_checkpoint(context, source, spec, frame, list(frame.columns))
        outcomes.append(checkpoint_outcome(spec, run, run_id, token))
    return outcomes


def run_checkpoint(context, source, spec, frame, columns: list[str]):
    """Validate ``frame`` (a pandas or a Spark dataframe, of ``source``: GX's pandas or
    Spark datasource) with ``spec``'s suite through a GX checkpoint; returns GX's result."""
    import great_expectations as gx

    from expectations.suites import build_suite

    try:
        asset = source.get_asset(spec.name)
    except LookupError:
        asset = source.add_dataframe_asset(spec.name)
    try:
        batch = asset.get_batch_definition("whole_frame")
    except (LookupError, KeyError):
        batch = asset.add_batch_definition_whole_dataframe("whole_frame")
    suite = context.suites.add_or_update(build_suite(spec))
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=spec.name, data=batch, suite=suite)
    )
    result_format = {"result_format": "COMPLETE"}
    if spec.key_column and spec.key_column in columns:
        result_format["unexpected_index_column_names"] = [spec.key_column]
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"{spec.name}_checkpoint",
            validation_definitions=[definition],
            result_format=result_format,
        )
    )
    return checkpoint.run(batch_parameters={"dataframe": frame})


def checkpoint_outcome(spec, run, run_id: str, token: str | None) -> SuiteOutcome:
    """One suite's outcome (results, and the failing rows of an input suite) from its
    checkpoint result."""
    rows, findings = [], []
    for validation in run.run_results.values():
        for res in validation.results:
            cfg = res.expectation_config
            detail = res.result or {}
            keys = detail.get("unexpected_index_list") or []
            if spec.is_input and not res.success and spec.key_column:
                column = cfg.kwargs.get("column")
                for key in keys:
                    if isinstance(key, dict) and key.get(spec.key_column) is not None:
                        findings.append(
                            {
                                "suite": spec.name,
                                "expectation": cfg.type,
                                "raw_table": spec.raw_table,
                                "row_number": int(key[spec.key_column]),
                                "column_name": column,
                                "value": None if column is None else str(key.get(column)),
                            }
                        )
            rows.append(
                {
                    "run_id": run_id,
                    "suite": spec.name,
                    "expectation": cfg.type,
                    "column_name": cfg.kwargs.get("column"),
                    "success": bool(res.success),
                    "blocking": spec.blocking,
                    "element_count": detail.get("element_count"),
                    "unexpected_count": detail.get("unexpected_count"),
                    "observed_value": _short_json(detail.get("observed_value")),
                    "failing_keys": _short_json(keys[:50]) if keys else None,
                    "input_token": token,
                    "reused": False,
                }
            )
    results = pl.DataFrame(rows, schema=RESULT_COLUMNS)
    return SuiteOutcome(spec.name, bool(run.success), spec.blocking, results, findings)


FINDINGS_SCHEMA = {
    "suite": pl.Utf8,
    "expectation": pl.Utf8,
    "raw_table": pl.Utf8,
    "row_number": pl.Int64,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
}
"""audit.validation_findings: one row per input row that failed an input expectation
(the raw table and the row's number in its file). The dbt model
int_flags_input_expectation_failed turns them into INPUT_EXPECTATION_FAILED flags."""


def findings_frame(outcomes: list[SuiteOutcome]) -> pl.DataFrame:
    rows = [f for o in outcomes for f in (o.findings or [])]
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA)


def validate_stage(con: duckdb.DuckDBPyConnection, specs, run_id: str, work_dir: Path) -> list[SuiteOutcome]:
    """One validation stage: run ``specs`` (reusing the published run's results where the
    inputs are the same) and put their results into audit.validation_results in place of
    those suites' rows."""
    outcomes = run_suites(con, specs, run_id, work_dir, previous_results(con))
    replace_results(con, [s.name for s in specs], results_frame(outcomes))
    return outcomes


def replace_results(con: duckdb.DuckDBPyConnection, suites: list[str], results: pl.DataFrame) -> None:
    """Put ``results`` into audit.validation_results in place of the rows of ``suites``
    (the stage before dbt writes the input and reference suites, the one after it the mart
    suites; rows of other suites, e.g. the published run's, are left to their stage)."""
    from hsguard.warehouse import write_table

    present = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and schema_name = 'audit' and table_name = 'validation_results' and column_name = 'input_token'"
    ).fetchone()[0]
    if present:
        others = con.execute(
            f"select {', '.join(RESULT_COLUMNS)} from audit.validation_results "  # noqa: S608 - names from code
            "where not list_contains(?, suite)",
            [suites],
        ).pl()
        results = pl.concat([others.cast(RESULT_COLUMNS), results.cast(RESULT_COLUMNS)])
    write_table(con, "audit", "validation_results", results)


def _short_json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=str)[:2000]


def results_frame(outcomes: list[SuiteOutcome]) -> pl.DataFrame:
    frames = [o.results for o in outcomes]
    return pl.concat(frames) if frames else pl.DataFrame(schema=RESULT_COLUMNS)


def build_data_docs(work_dir: Path, target: Path) -> Path | None:
    """Build GX Data Docs of a run and copy the site to ``target``; returns the index path."""
    import shutil

    context = _context(work_dir / "gx_project")
    sites = context.build_data_docs()
    for url in sites.values():
        site_dir = Path(url.removeprefix("file://")).parent
        if site_dir.is_dir():
            shutil.copytree(site_dir, target, dirs_exist_ok=True)
            return target / "index.html"
    return None
