"""The code version and the reuse plan that decide which tables a nightly build may copy
from the published warehouse (the copying itself: tests/integration/test_incremental.py)."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb

from hsguard.dbt import REUSE_ENV, code_version, finish_reuse, invoke_dbt, node_result, prepare_reuse


def project(root):
    (root / "models" / "marts").mkdir(parents=True)
    (root / "macros").mkdir()
    (root / "seeds").mkdir()
    (root / "models" / "marts" / "a.sql").write_text("select 1 as x")
    (root / "macros" / "m.sql").write_text("{% macro m() %}1{% endmacro %}")
    (root / "seeds" / "s.csv").write_text("a\n1\n")
    (root / "dbt_project.yml").write_text("name: p\n")
    (root / "README.md").write_text("docs")
    return root


def test_code_version_changes_with_any_model_macro_seed_or_var(tmp_path):
    root = project(tmp_path)
    base = code_version(root=root)
    assert code_version(root=root) == base
    (root / "README.md").write_text("other docs")  # not code
    assert code_version(root=root) == base
    assert code_version({"stale_after_years": 3}, root=root) != base
    for path, text in (
        ("models/marts/a.sql", "select 2 as x"),
        ("macros/m.sql", "{% macro m() %}2{% endmacro %}"),
        ("seeds/s.csv", "a\n2\n"),
        ("dbt_project.yml", "name: q\n"),
    ):
        before = (root / path).read_text()
        (root / path).write_text(text)
        assert code_version(root=root) != base, path
        (root / path).write_text(before)
    assert code_version(root=root) == base
    (root / "models" / "marts" / "b.sql").write_text("select 1 as x")  # a new model
    assert code_version(root=root) != base


def test_a_renamed_file_is_another_version(tmp_path):
    root = project(tmp_path)
    base = code_version(root=root)
    (root / "models" / "marts" / "a.sql").rename(root / "models" / "marts" / "c.sql")
    assert code_version(root=root) != base


def published_with(path, code: str | None, tables=("dbt_node_results", "run_history")):
    con = duckdb.connect(str(path))
    con.execute("create schema audit")
    for table in tables:
        con.execute(f"create table audit.{table} (run_id varchar)")
    if code is not None:
        con.execute(
            "create table audit.model_fingerprints (node varchar, input_fingerprint varchar, "
            "content_token varchar, reused boolean, code_version varchar)"
        )
        con.execute("insert into audit.model_fingerprints values ('model.x', 'f', 't', false, ?)", [code])
    con.close()


def test_a_published_build_of_the_same_code_is_reused_and_its_unit_tests_trusted(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    published_with(published, "v1")
    plan = prepare_reuse(build, published, "v1", "20261127T020000Z-abcdef", copied=True)
    assert plan.settings == {
        "code_version": "v1",
        "run_id": "20261127T020000Z-abcdef",
        "published": str(published),
        "in_place": True,
    }
    assert plan.same_code
    con = duckdb.connect(str(build))
    con.execute("insert into audit.model_fingerprints values ('model.a', 'f', 't', true, 'v1')")
    con.execute("insert into audit.model_fingerprints values ('test.b', 'g', null, false, 'v1')")
    con.execute("insert into audit.model_fingerprints values ('source.raw.x', null, 't', null, 'v1')")
    con.close()
    assert finish_reuse(build) == [("model.a", True), ("test.b", False)]


def test_nothing_is_reused_from_a_missing_or_older_warehouse(tmp_path):
    published = tmp_path / "published.duckdb"
    plan = prepare_reuse(tmp_path / "b1.duckdb", published, "v1")  # no warehouse yet
    assert plan.settings == {"code_version": "v1", "run_id": "manual"} and not plan.same_code
    published_with(published, None)  # a warehouse from before fingerprints
    assert "published" not in prepare_reuse(tmp_path / "b2.duckdb", published, "v1").settings
    published.unlink()
    published_with(published, "v1", tables=("run_history",))  # no dbt node results
    assert "published" not in prepare_reuse(tmp_path / "b3.duckdb", published, "v1").settings
    published.unlink()
    published_with(published, "v0")  # other code: tables may be reused, unit tests run
    plan = prepare_reuse(tmp_path / "b4.duckdb", published, "v1")
    assert plan.settings["published"] == str(published) and not plan.same_code


def test_reuse_settings_reach_dbt_only_for_the_build_that_asked(tmp_path, monkeypatch):
    seen = []

    class Runner:
        def invoke(self, args):
            import os

            seen.append(os.environ.get(REUSE_ENV))

    monkeypatch.setattr("dbt.cli.main.dbtRunner", Runner)
    monkeypatch.setenv(REUSE_ENV, '{"left": "over"}')
    invoke_dbt(["build"], tmp_path / "w.duckdb", tmp_path, reuse={"code_version": "v1"})
    invoke_dbt(["parse"], tmp_path / "w.duckdb", tmp_path)  # hsguard suggest, docs: nothing reused
    import os

    assert seen == ['{"code_version": "v1"}', None]
    assert REUSE_ENV not in os.environ


def test_a_data_test_not_run_again_is_recorded_as_reused_not_passed():
    def result(unique_id, resource_type, status):
        node = SimpleNamespace(unique_id=unique_id, resource_type=resource_type)
        return SimpleNamespace(node=node, status=status, execution_time=0.01, adapter_response={})

    reused = {"test.hsguard.unique_a", "test.hsguard.failing_b"}
    statuses = [
        node_result(result(uid, kind, status), reused)["status"]
        for uid, kind, status in (
            ("test.hsguard.unique_a", "test", "pass"),  # reused: dbt said pass
            ("test.hsguard.not_null_a", "test", "pass"),  # run this build
            ("test.hsguard.failing_b", "test", "fail"),  # never hide a failure
            ("model.hsguard.a", "model", "success"),
        )
    ]
    assert statuses == ["reused", "pass", "fail", "success"]
    assert node_result(result("test.hsguard.unique_a", "test", "pass"))["status"] == "pass"
