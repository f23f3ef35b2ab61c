"""The run console renders progress events; the nightly flow says plainly when nothing changed."""

from __future__ import annotations

import io

from rich.console import Console

from hsguard import progress
from hsguard.console import RunConsole


def test_the_console_prints_one_line_per_finished_stage_and_the_notes():
    out = io.StringIO()
    with RunConsole(Console(file=out, force_terminal=False, width=200)):
        progress.emit("stage_start", number=2, name="transform (dbt build)")
        for done in range(1, 4):
            progress.emit("nodes", done=done, total=3)
        progress.emit(
            "stage_done", number=2, name="transform (dbt build)", detail="3 dbt nodes passed", seconds=4.2
        )
        progress.emit("note", text="kept from the published run: ...")
    progress.emit("note", text="after the run: nobody listens")
    assert out.getvalue().splitlines() == [
        "[2/5] transform (dbt build)          3 dbt nodes passed (4 s)",
        "kept from the published run: ...",
    ]


def test_a_rerun_on_the_same_files_and_code_says_nothing_changed():
    from flows.nightly import kept_lines

    built = {"tables_reused": 43, "tables_built": 2, "data_tests_reused": 199, "data_tests_run": 1}
    same = {"files_kept": 4, "files_read": 0, "reference_kept": 14, "reference_tables": 14}
    lines = kept_lines(same | {"transform": built | {"unit_tests_skipped": True}}, copied=True)
    assert lines[0] == (
        "kept from the published run: 4 of 4 source files, 14 of 14 reference tables, "
        "43 of 45 tables, 199 of 200 data tests"
    )
    assert lines[1].startswith("nothing changed since the published run")
    changed = same | {"files_kept": 3, "files_read": 1}
    assert len(kept_lines(changed | {"transform": built | {"unit_tests_skipped": True}}, copied=True)) == 1
    assert kept_lines({}, copied=False)[0].startswith("kept: nothing")


def test_slowest_nodes_are_named_without_dbt_hashes():
    from flows.transform import node_name

    assert node_name("model.hsguard.dim_products") == "dim_products"
    assert node_name("test.hsguard.not_null_fct_classification_flags_sku.54e128cd7c") == (
        "not_null_fct_classification_flags_sku"
    )
    assert node_name("test.hsguard.assert_license_examples") == "assert_license_examples"
