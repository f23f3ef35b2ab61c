"""The console of `hsguard run` is quiet: the five stages, what was kept and the summary;
dbt's node lines, Prefect's flow runs and library warnings go to the run's log file."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

#: The most lines a successful run may print (issue: "at most ~40 lines").
LINE_BUDGET = 40


def test_a_successful_run_prints_its_stages_and_summary_within_the_line_budget(sample_run):
    lines = sample_run["output"].splitlines()
    assert len(lines) <= LINE_BUDGET, "\n".join(lines)
    shown = "\n".join(lines)
    for stage in ("[1/5] ingest", "[2/5] transform", "[3/5] validate", "[4/5] report", "[5/5] publish"):
        assert sum(line.startswith(stage) for line in lines) == 1, shown
    assert "kept: nothing (a first run, or a full refresh)" in shown  # the kept line of a first run
    assert "rows in 1412: loaded 1410, quarantined 2" in shown and "published in" in shown
    for noise in ("Flow run '", "Task run '", "START sql", "Starting temporary server", "http", "Traceback"):
        assert noise not in shown, noise


def test_what_the_console_leaves_out_is_in_the_run_log(sample_run):
    log = sample_run["log"]
    assert "hsguard.dbt: " in log and " START sql " in log and "Completed successfully" in log
    assert "prefect.flow_runs:   products.csv: 306 rows in, 304 loaded" in log
    assert "Starting temporary server" in log
