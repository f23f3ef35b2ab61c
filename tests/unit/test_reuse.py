"""The code version and the build settings that decide which tables a nightly build may
copy from the published warehouse (the copying itself: tests/integration/test_incremental.py)."""

from __future__ import annotations

import duckdb

from hsguard.dbt import code_version, finish_reuse, prepare_reuse


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


def published_with(path, code: str | None):
    con = duckdb.connect(str(path))
    con.execute("create schema audit")
    if code is not None:
        con.execute(
            "create table audit.model_fingerprints (node varchar, input_fingerprint varchar, "
            "content_token varchar, reused boolean, code_version varchar)"
        )
        con.execute("insert into audit.model_fingerprints values ('model.x', 'f', 't', false, ?)", [code])
    con.close()


def test_settings_name_the_published_file_and_are_dropped_after_the_build(tmp_path):
    build, published = tmp_path / "build.duckdb", tmp_path / "published.duckdb"
    published_with(published, "v1")
    assert prepare_reuse(build, "r2", published, "v1") is True
    con = duckdb.connect(str(build))
    settings = dict(con.execute("select key, value from audit.build_settings").fetchall())
    con.execute("insert into audit.model_fingerprints values ('model.a', 'f', 't', true, 'v1')")
    con.execute("insert into audit.model_fingerprints values ('model.b', 'g', null, false, 'v1')")
    con.execute("insert into audit.model_fingerprints values ('source.raw.x', null, 't', null, 'v1')")
    con.close()
    assert settings == {"run_id": "r2", "code_version": "v1", "published": str(published)}
    assert finish_reuse(build) == [("model.a", True), ("model.b", False)]
    con = duckdb.connect(str(build), read_only=True)
    left = con.execute("select count(*) from duckdb_tables() where table_name = 'build_settings'").fetchone()
    con.close()
    assert left == (0,)  # a dbt build by hand on the published file reuses nothing


def test_unit_tests_run_when_the_code_or_the_published_file_differs(tmp_path):
    published = tmp_path / "published.duckdb"
    assert prepare_reuse(tmp_path / "b1.duckdb", "r1", published, "v1") is False  # no warehouse yet
    published_with(published, None)  # a warehouse from before fingerprints
    assert prepare_reuse(tmp_path / "b2.duckdb", "r2", published, "v1") is False
    published.unlink()
    published_with(published, "v0")
    assert prepare_reuse(tmp_path / "b3.duckdb", "r3", published, "v1") is False
    con = duckdb.connect(str(tmp_path / "b1.duckdb"), read_only=True)
    keys = [r[0] for r in con.execute("select key from audit.build_settings order by key").fetchall()]
    con.close()
    assert keys == ["code_version", "run_id"]  # nothing published: nothing to copy from
