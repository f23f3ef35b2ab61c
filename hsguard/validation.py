"""Run the GX suites of ``expectations/suites.py`` on frames read from a build warehouse."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
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
}


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    blocking: bool
    results: pl.DataFrame


def prepare_context(work_dir: Path) -> Path:
    """Copy the committed GX context template (expectations/gx) into a run's private folder."""
    import shutil

    root = work_dir / "gx_project"
    shutil.copytree(EXPECTATIONS_DIR / "gx", root / "gx", dirs_exist_ok=True)
    return root


def _context(root: Path):
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(root))


def run_suites(con: duckdb.DuckDBPyConnection, specs, run_id: str, work_dir: Path) -> list[SuiteOutcome]:
    """Validate each suite's frame with a GX checkpoint; return one outcome per suite."""
    import great_expectations as gx

    from expectations.suites import build_suite

    context = _context(prepare_context(work_dir))
    source = context.data_sources.add_or_update_pandas("hsguard_frames")
    outcomes = []
    for spec in specs:
        frame = con.execute(spec.query).df()
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
        if spec.key_column and spec.key_column in frame.columns:
            result_format["unexpected_index_column_names"] = [spec.key_column]
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(
                name=f"{spec.name}_checkpoint",
                validation_definitions=[definition],
                result_format=result_format,
            )
        )
        run = checkpoint.run(batch_parameters={"dataframe": frame})
        rows = []
        for validation in run.run_results.values():
            for res in validation.results:
                cfg = res.expectation_config
                detail = res.result or {}
                keys = detail.get("unexpected_index_list") or []
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
                    }
                )
        results = pl.DataFrame(rows, schema=RESULT_COLUMNS)
        outcomes.append(SuiteOutcome(spec.name, bool(run.success), spec.blocking, results))
    return outcomes


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
