"""Reruns reuse what did not change, and end with the warehouse a full build gives.

A nightly build starts as a copy of the published warehouse. It keeps a raw table
whose file is byte for byte the one the published build loaded, keeps a table whose
input fingerprint (code, compiled SQL, content of everything it reads) is the one the
published build recorded (only its run stamp changes), does not run again a data test
that passed there on the same inputs (macros/reuse.sql), and takes the published
results of a GX suite whose input token is the same. Two real runs on the sources of
the sample run with new unit values for five products and one product reclassified:
(1) on the warehouse a run on the unchanged sources published (a rerun on a copy of
the session's ``sample_run``), (2) into an empty warehouse. Every model
table, raw table, quarantine row and validation result of (1) must equal (2).
"""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import duckdb
import polars as pl
import pytest

from hsguard.dbt import finish_reuse
from tests.conftest import SAMPLE_DIR, copy_published, run_args, run_cli, run_log

pytestmark = pytest.mark.integration

# Run-stamped columns: they name the run, so they differ between any two runs; and
# the columns saying what a rerun kept or reused.
RUN_STAMPED = ("run_id", "loaded_at", "_run_id", "_loaded_at", "quarantined_at", "kept", "reused")
# Tables computed from the bundled reference data and seeds only.
REFERENCE_ONLY = {
    "model.hsguard.int_tariff_lines_unioned",
    "model.hsguard.int_candidate_line_terms",
    "model.hsguard.int_candidate_heading_terms",
    "model.hsguard.dim_tariff_lines",
    "model.hsguard.dim_eccns",
}
# Tables that read only the products' descriptions (through int_candidate_texts and
# int_candidate_queries, which are rebuilt whenever the products change but come out
# the same when no description changed): reused ("early cut-off").
DESCRIPTIONS_ONLY = {
    "model.hsguard.int_candidate_text_terms",
    "model.hsguard.int_candidate_query_terms",
}
# Tables that read the declared codes of classified products (the reclassified one).
READ_CODES = {
    "model.hsguard.int_candidate_examples",
    "model.hsguard.int_candidate_neighbours",
    "model.hsguard.int_candidate_tariff_scores",
    "model.hsguard.int_candidate_ranked",
}
# Tables that read the clock or every raw product row (int_flags_unioned: the stale
# and duplicate checks) or the products' lineage (dim_products): built every run; the
# risk mart reads the unit values, which changed.
ALWAYS_BUILT = {
    "model.hsguard.dim_products",
    "model.hsguard.int_flags_unioned",
    "model.hsguard.fct_product_risk",
}
# Run-stamped marts whose inputs did not change: kept, with this run's stamp.
STAMPED_KEPT = {"model.hsguard.fct_license_determinations"}


def fingerprints(warehouse, kind: str = "model") -> dict[str, bool]:
    """node -> reused, for every table (kind "model") or data test (kind "test") of the build."""
    return {node: reused for node, reused in finish_reuse(warehouse) if node.startswith(kind + ".")}


# Audit tables a rerun must write as a full build does (run stamps left out).
AUDIT_COMPARED = ("quarantine", "validation_results", "validation_findings", "load_lineage")


def model_tables(con) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = current_database() "
        "and (schema_name in ('raw', 'intermediate', 'marts', 'seeds') or (schema_name = 'audit' "
        "and list_contains(?, table_name))) order by all",
        [list(AUDIT_COMPARED)],
    ).fetchall()


def differences(incremental, full) -> dict[str, tuple[int, int]]:
    """Per model table: rows only in the incremental build, rows only in the full build
    (run-stamped columns left out)."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{incremental}' as inc (read_only)")
        con.execute(f"attach '{full}' as ful (read_only)")
        con.execute("use ful")
        tables = model_tables(con)
        con.execute("use inc")
        assert model_tables(con) == tables
        out = {}
        excluded = ", ".join(f"'{c}'" for c in RUN_STAMPED)
        for schema, table in tables:
            cols = f"columns(c -> c not in ({excluded}))"
            a, b = f"inc.{schema}.{table}", f"ful.{schema}.{table}"
            only_inc = con.execute(
                f"select count(*) from (select {cols} from {a} except all select {cols} from {b})"  # noqa: S608 - catalogue names
            ).fetchone()[0]
            only_full = con.execute(
                f"select count(*) from (select {cols} from {b} except all select {cols} from {a})"  # noqa: S608 - catalogue names
            ).fetchone()[0]
            out[f"{schema}.{table}"] = (only_inc, only_full)
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def rerun(sample_run, cli_env, tmp_path_factory) -> dict:
    # sample_run first: the shared sample build starts at once (it needs no Prefect server),
    # rather than after the suite's server (cli_env) answers
    root = tmp_path_factory.mktemp("incremental")
    sources = root / "sources"
    shutil.copytree(SAMPLE_DIR, sources)
    # last night: a run on these (still unchanged) sources, published on a copy of the
    # session's run on the sample; so the build before tonight's read the files where
    # tonight's reads them (a moved file keeps its raw rows, but its new path is in them,
    # so a GX suite reading them is validated again)
    last_night = copy_published(sample_run, root)
    warehouse, reports = last_night["warehouse"], last_night["reports"]
    published = run_cli(cli_env, *run_args(warehouse, reports, sources))
    assert published.returncode == 0, published.stdout[-3000:] + published.stderr[-3000:]
    # a rerun with nothing new (same files, code and day): the published results are kept
    # without dbt or GX (flows/unchanged.py); tonight's changed input must still be found
    unchanged = run_cli(cli_env, *run_args(warehouse, reports, sources))
    assert unchanged.returncode == 0, unchanged.stdout[-3000:] + unchanged.stderr[-3000:]
    kept_night = night_records(warehouse)

    products = pl.read_csv(sources / "products.csv", infer_schema=False)
    skus = products["sku"].sort().to_list()
    classified = products.filter(pl.col("hts_code").is_not_null())["sku"].sort().to_list()
    # a product without shipments: its new code changes its candidates, not the licences
    shipped = set(pl.read_csv(sources / "shipments.csv", infer_schema=False)["sku"].to_list())
    unshipped = [sku for sku in classified if sku not in shipped]
    reclassified, donor = unshipped[5], classified[30]
    donor_code = products.filter(pl.col("sku") == donor)["hts_code"][0]
    priced = set(skus[40:45])
    products = products.with_columns(
        pl.when(pl.col("sku") == reclassified)
        .then(pl.lit(donor_code))
        .otherwise(pl.col("hts_code"))
        .alias("hts_code"),
        pl.when(pl.col("sku").is_in(priced))
        .then(pl.lit("123.45"))
        .otherwise(pl.col("unit_value_usd"))
        .alias("unit_value_usd"),
    )
    products.write_csv(sources / "products.csv")

    incremental = run_cli(cli_env, *run_args(warehouse, reports, sources))
    assert incremental.returncode == 0, incremental.stdout[-3000:] + incremental.stderr[-3000:]

    full = root / "full" / "hsguard.duckdb"
    built = run_cli(cli_env, *run_args(full, root / "full_reports", sources))
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return {
        "unchanged": {"output": unchanged.stdout + unchanged.stderr + run_log(unchanged), **kept_night},
        "tables": fingerprints(warehouse),
        "tests": fingerprints(warehouse, "test"),
        "output": incremental.stdout + incremental.stderr + run_log(incremental),  # console + log
        "full_tables": fingerprints(full),
        "full_tests": fingerprints(full, "test"),
        "warehouse": warehouse,
        "full_warehouse": full,
    }


def night_records(warehouse) -> dict:
    """What a published warehouse records of its last two runs."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        runs = [r[0] for r in con.execute("select run_id from audit.run_history order by run_id").fetchall()]
        last, before = runs[-1], runs[-2]
        statuses = {
            run: dict(
                con.execute(
                    "select unique_id, status from audit.dbt_node_results where run_id = ? "
                    "and resource_type <> 'unit_test'",
                    [run],
                ).fetchall()
            )
            for run in (last, before)
        }

        def rows(query: str) -> list[tuple]:
            return con.execute(query).fetchall()

        return {
            "runs": runs,
            "statuses": statuses,
            "validated": rows("select distinct run_id, reused from audit.validation_results"),
            "flags_stamp": rows("select distinct run_id from marts.fct_classification_flags"),
            "feeds_run": rows("select run_id, previous_run_id from reports.rpt_run"),
            "seen": rows("select distinct last_seen_run_id from audit.flag_history"),
            "flags": rows("select count(*) from marts.fct_classification_flags")[0][0],
        }
    finally:
        con.close()


def same_day(run_a: str, run_b: str) -> bool:
    """Whether two run ids (which start with the UTC start time) name runs of one UTC day."""
    return run_a[:8] == run_b[:8]


def test_a_rerun_with_nothing_new_keeps_the_published_results_and_records_the_night(rerun):
    night = rerun["unchanged"]
    before, last = night["runs"][-2:]
    if not same_day(last, before):
        pytest.skip("the two runs straddled midnight UTC: the second one rightly built anew")
    output = night["output"]
    assert f"nothing changed since the published run {before}" in output
    assert "transform (dbt build)          not run" in output
    assert "GX suite" not in output  # no suite validated again, not even reused
    # dbt built only the report feeds: no START line of a transform model
    started = dbt_started(output)
    assert started and all("rpt_" in line or "stg_audit__" in line for line in started), started
    # tonight is recorded: its run, its feeds, its flag history; the marts are the ones
    # the published run computed (their stamp says so)
    assert night["feeds_run"] == [(last, before)]
    assert night["seen"] == [(last,)]
    assert night["flags_stamp"] == [(before,)] and night["flags"] > 0
    assert night["validated"] == [(last, True)]
    # every node of the published build is recorded for tonight: a test that passed as reused
    tonight, published = night["statuses"][last], night["statuses"][before]
    assert tonight.keys() == published.keys()
    feeds = {n for n in tonight if "rpt_" in n or "stg_audit__" in n}
    for node, status in published.items():
        if node in feeds:
            continue
        expected = "reused" if node.startswith("test.") and status in ("pass", "reused") else status
        assert tonight[node] == expected, (node, status, tonight[node])


def test_tables_whose_inputs_did_not_change_are_kept(rerun):
    tables = rerun["tables"]
    assert all(tables[node] for node in REFERENCE_ONLY | DESCRIPTIONS_ONLY | STAMPED_KEPT), tables
    assert not any(tables[node] for node in READ_CODES | ALWAYS_BUILT), tables
    output = rerun["output"]
    assert "build starts from a copy of the published warehouse" in output
    assert "unit tests skipped: the published warehouse was built from the same code" in output
    assert f"reused {sum(tables.values())} of {len(tables)} tables" in output
    # dbt is given only what reads a changed input (or is never reused): the reference-only
    # tables are not visited (no node line of theirs in the run's log), still reused
    visited, nodes = map(int, re.search(r"dbt visited (\d+) of (\d+) nodes", output).groups())
    assert 0 < visited < nodes, (visited, nodes)
    started = dbt_started(output)
    assert not any(f".{node.split('.')[-1]} " in line for node in REFERENCE_ONLY for line in started)
    assert any(".dim_products " in line for line in started)


def dbt_started(output: str) -> list[str]:
    """dbt's lines of the nodes it started, in a run's log."""
    return [line for line in output.splitlines() if "hsguard.dbt:" in line and " START " in line]


def test_a_kept_stamped_table_carries_this_runs_stamp(rerun):
    con = duckdb.connect(str(rerun["warehouse"]), read_only=True)
    try:
        run_id = con.execute("select max(run_id) from audit.run_history").fetchone()[0]
        stamps = con.execute("select distinct run_id from marts.fct_license_determinations").fetchall()
    finally:
        con.close()
    assert stamps == [(run_id,)]


def test_unchanged_files_are_kept_and_changed_ones_loaded(rerun):
    output = rerun["output"]
    assert "shipments.csv: unchanged since the published run" in output
    assert "products.csv: unchanged" not in output
    con = duckdb.connect(str(rerun["warehouse"]), read_only=True)
    try:
        kept = dict(
            con.execute(
                "select raw_table, bool_and(kept) from audit.load_lineage group by raw_table"
            ).fetchall()
        )
        run_id = con.execute("select max(run_id) from audit.run_history").fetchone()[0]
        stamps = con.execute("select distinct _run_id from raw.erp_shipments").fetchall()
    finally:
        con.close()
    assert kept["erp_shipments"] and kept["ref_hts_lines"] and not kept["erp_products"], kept
    assert stamps == [(run_id,)]


def test_gx_suites_on_unchanged_inputs_are_not_validated_again(rerun):
    con = duckdb.connect(str(rerun["warehouse"]), read_only=True)
    try:
        reused = dict(
            con.execute(
                "select suite, bool_and(reused) from audit.validation_results group by suite"
            ).fetchall()
        )
    finally:
        con.close()
    assert reused["input_shipments"] and reused["reference_hts_lines"], reused
    assert not reused["input_products"], reused  # new unit values: validated again
    assert "input and reference suites had the published run's inputs: reused" in rerun["output"]


def test_data_tests_on_unchanged_inputs_are_not_run_again(rerun):
    tests = rerun["tests"]
    reference = [t for t in tests if "dim_tariff_lines" in t]
    flags = [t for t in tests if "fct_classification_flags" in t]
    assert reference and all(tests[t] for t in reference), tests
    assert flags and not any(tests[t] for t in flags), tests
    assert f"{sum(tests.values())} of {len(tests)} data tests passed there" in rerun["output"]


def node_statuses(warehouse) -> dict[str, str]:
    """unique_id -> status in audit.dbt_node_results, for the data tests of the last run."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select unique_id, status from audit.dbt_node_results where resource_type = 'test' "
            "and run_id = (select max(run_id) from audit.run_history)"
        ).fetchall()
    finally:
        con.close()
    return dict(rows)


def test_data_tests_not_run_again_are_recorded_and_counted_as_reused_not_passed(rerun):
    tests, recorded = rerun["tests"], node_statuses(rerun["warehouse"])
    # the report stage's build of the report feeds (never reused: stamped per run) is recorded too
    feeds = {t: s for t, s in recorded.items() if t not in tests}
    assert feeds and all(("rpt_" in t or "stg_audit__" in t) and s == "pass" for t, s in feeds.items()), feeds
    statuses = {t: s for t, s in recorded.items() if t in tests}
    assert statuses.keys() == tests.keys()
    assert {t for t, s in statuses.items() if s == "reused"} == {t for t, was in tests.items() if was}
    # run again: passed, or warned (a warning-severity test, e.g. the CCL's missing entries)
    fresh = {s for t, s in statuses.items() if not tests[t]}
    assert "pass" in fresh and fresh <= {"pass", "warn"}, fresh
    warned = sum(1 for t, s in statuses.items() if s == "warn")
    reused = sum(tests.values())
    line = next(line for line in rerun["output"].splitlines() if "dbt build:" in line)
    nodes, passed = (int(line.split(word)[0].split()[-1]) for word in (" nodes", " passed"))
    assert f"{passed} passed, {reused} reused (data tests not run again), {warned} warnings" in line, line
    # a fresh build: every node passed (or warned), none reused
    assert passed == nodes - reused - warned, line
    assert set(node_statuses(rerun["full_warehouse"]).values()) <= {"pass", "warn"}


def test_a_data_test_reused_last_night_is_reused_again_on_the_same_inputs(rerun, cli_env, tmp_path):
    """The published run recorded its reused tests as `reused`, not `pass`: they still
    count as passed on those inputs, so a third night on the same sources reuses them
    again instead of running them every other night."""
    warehouse = tmp_path / "wh" / "hsguard.duckdb"
    shutil.copytree(rerun["warehouse"].parent, warehouse.parent)
    sources = rerun["warehouse"].parent.parent / "sources"
    # dbt's reuse is under test, not the unchanged-night path that would skip dbt today
    env = dict(cli_env, HSGUARD_KEEP_UNCHANGED="0")
    again = run_cli(env, *run_args(warehouse, tmp_path / "reports", sources))
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    tests = fingerprints(warehouse, "test")
    reused_before = {t for t, was in rerun["tests"].items() if was}
    assert reused_before and all(tests[t] for t in reused_before), tests


def test_a_build_into_an_empty_warehouse_reuses_nothing(rerun):
    assert rerun["full_tables"] and not any(rerun["full_tables"].values())
    assert len(rerun["full_tests"]) == len(rerun["tests"]) and not any(rerun["full_tests"].values())


def test_incremental_warehouse_equals_a_full_build(rerun):
    diff = differences(rerun["warehouse"], rerun["full_warehouse"])
    assert len(diff) >= 60 and "raw.erp_shipments" in diff and "audit.validation_results" in diff
    assert {table: d for table, d in diff.items() if d != (0, 0)} == {}


def test_a_table_built_by_hand_is_never_copied_afterwards(sample_run, tmp_path):
    """dbt by hand on the published file (perhaps with other vars) rebuilds a table that
    no longer matches its recorded fingerprint: the build forgets it, so the next nightly
    run computes it again instead of copying the hand-built one."""
    from hsguard.dbt import invoke_dbt
    from hsguard.settings import apply_offline_defaults

    apply_offline_defaults()
    warehouse = tmp_path / "hsguard.duckdb"
    shutil.copyfile(sample_run["warehouse"], warehouse)
    assert "model.hsguard.dim_tariff_lines" in fingerprints_recorded(warehouse)
    result = invoke_dbt(["run", "--select", "dim_tariff_lines"], warehouse, tmp_path / "work")
    assert result.success, result.exception
    recorded = fingerprints_recorded(warehouse)
    assert "model.hsguard.dim_tariff_lines" not in recorded
    assert "model.hsguard.dim_eccns" in recorded  # tables it did not touch keep theirs


def fingerprints_recorded(warehouse) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select node from audit.model_fingerprints where input_fingerprint is not null"
        ).fetchall()
    finally:
        con.close()
    return {row[0] for row in rows}


# What makes a night "nothing new" (hsguard.unchanged), on copies of the session's
# published sample build whose records are changed as another night's would be.
LINEAGE_CHANGES = {
    "same records": None,
    "products.csv changed": "update audit.load_lineage set sha256 = 'other' where raw_table = 'erp_products'",
    "a reference file replaced": (
        "update audit.load_lineage set sha256 = 'other' "
        "where raw_table = (select min(raw_table) from audit.load_lineage where dataset is not null)"
    ),
    "another ingest code": (
        "update audit.load_lineage set code_version = 'other' where raw_table = 'erp_shipments'"
    ),
    "a file added tonight": "delete from audit.load_lineage where raw_table = 'erp_shipments'",
    "a file gone tonight": (
        "insert into audit.load_lineage by name select * replace ('erp_extra' as raw_table) "
        "from audit.load_lineage where raw_table = 'erp_shipments'"
    ),
}


@pytest.mark.parametrize("change", list(LINEAGE_CHANGES))
def test_a_night_is_unchanged_only_when_every_file_is_the_one_the_published_run_read(
    sample_run, tmp_path, change
):
    from hsguard.mapping import parse_options
    from hsguard.unchanged import unchanged_since_published

    warehouse = tmp_path / "hsguard.duckdb"
    shutil.copyfile(sample_run["warehouse"], warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        run_id, started = con.execute(
            "select run_id, started_at from audit.run_history order by run_id desc limit 1"
        ).fetchone()
        if LINEAGE_CHANGES[change]:
            con.execute(LINEAGE_CHANGES[change])
    finally:
        con.close()
    options = parse_options(SAMPLE_DIR)
    found = unchanged_since_published(warehouse, SAMPLE_DIR, options, today=started)
    if change == "same records":
        assert found is not None and found.run_id == run_id and found.files >= 1 and found.reference_files > 1
        # the clock is an input (CLASSIFICATION_STALE): the next day is not the same night
        assert (
            unchanged_since_published(warehouse, SAMPLE_DIR, options, today=started + timedelta(days=1))
            is None
        )
        # other parse options are another reading of the same files
        other = parse_options(SAMPLE_DIR, decimal_comma=True)
        assert unchanged_since_published(warehouse, SAMPLE_DIR, other, today=started) is None
    else:
        assert found is None


def test_fault_injection_and_the_switch_turn_the_unchanged_night_path_off(monkeypatch):
    from hsguard.unchanged import shortcut_allowed

    for name in ("HSGUARD_KEEP_UNCHANGED", "HSGUARD_FAULT", "HSGUARD_PAUSE_AT"):
        monkeypatch.delenv(name, raising=False)
    assert shortcut_allowed()
    monkeypatch.setenv("HSGUARD_KEEP_UNCHANGED", "0")
    assert not shortcut_allowed()
    monkeypatch.setenv("HSGUARD_KEEP_UNCHANGED", "1")
    monkeypatch.setenv("HSGUARD_PAUSE_AT", "ingest")
    assert not shortcut_allowed()


def test_the_saved_parse_is_taken_as_it_is_only_for_the_project_it_was_parsed_from(sample_run, tmp_path):
    """A night with nothing new builds only the report feeds, from the parse the last build
    saved beside the warehouse (hsguard.dbt.saved_manifest): as it is only when its parse
    key is the project's now, else dbt parses (starting from it)."""
    from hsguard.dbt import PARTIAL_PARSE_FILE, parse_key, parse_key_file, save_partial_parse, saved_manifest

    state = sample_run["warehouse"].parent / f".{sample_run['warehouse'].name}.dbt-state"
    saved = state / PARTIAL_PARSE_FILE
    assert parse_key_file(saved).read_text(encoding="utf-8") == parse_key()
    manifest = saved_manifest(saved)
    assert manifest is not None and "model.hsguard.rpt_kpis" in manifest.nodes
    copy = tmp_path / "state" / PARTIAL_PARSE_FILE
    save_partial_parse(saved, copy)
    assert saved_manifest(copy) is not None
    parse_key_file(copy).write_text("a parse of other code", encoding="utf-8")
    assert saved_manifest(copy) is None
    parse_key_file(copy).unlink()
    assert saved_manifest(copy) is None
    # the key follows what dbt parses beyond the code version: a singular test
    from hsguard.dbt import CODE_PATHS, PARSE_PATHS
    from hsguard.paths import PROJECT_ROOT

    project = tmp_path / "project"
    for name in (*CODE_PATHS, *PARSE_PATHS):
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, project / name)
    assert parse_key(project) == parse_key()
    test_file = project / "tests" / "dbt" / "assert_tariff_parents_exist.sql"
    test_file.write_text(test_file.read_text(encoding="utf-8") + "\n-- changed\n", encoding="utf-8")
    assert parse_key(project) != parse_key()
