"""The suggest cache's plan: which models are re-executed for a new description, in which
order, with dbt's compiled SQL (the real build is exercised by `hsguard suggest`)."""

import duckdb

from hsguard.suggest_cache import PRODUCTS_SOURCE, TARGET, cache_key, lookup, product_plan, run_plan


def _node(name, parents, sql, materialized="table"):
    return {
        f"model.hsguard.{name}": {
            "depends_on": {"nodes": parents},
            "relation_name": f'"memory"."main"."{name}"',
            "config": {"materialized": materialized},
            "compiled_code": sql,
        }
    }


def _manifest():
    nodes = {}
    nodes.update(_node("stg_products", [PRODUCTS_SOURCE], "select * from raw_products", "view"))
    nodes.update(_node("terms", ["seed.hsguard.tariff"], "select 'steel' as token"))  # reference only
    nodes.update(
        _node(
            "queries", ["model.hsguard.stg_products"], "select sku, description from memory.main.stg_products"
        )
    )
    nodes.update(
        _node(
            "fct_product_candidates",
            ["model.hsguard.queries", "model.hsguard.terms"],
            "select q.sku, t.token from memory.main.queries as q inner join memory.main.terms as t "
            "on q.description like '%' || t.token || '%'",
        )
    )
    nodes.update(_node("report", [TARGET], "select 1 as x"))  # downstream of the target: not needed
    return {"nodes": nodes}


def test_plan_holds_only_product_dependent_ancestors_in_order():
    plan = product_plan(_manifest())
    assert [step["node"].split(".")[-1] for step in plan] == [
        "stg_products",
        "queries",
        "fct_product_candidates",
    ]


def test_plan_re_executes_for_a_new_description(tmp_path):
    con = duckdb.connect()
    con.execute("create table raw_products as select 'A' as sku, 'steel sink' as description")
    con.execute("create table terms as select 'steel' as token")
    plan = [s for s in product_plan(_manifest())]
    run_plan(con, plan)
    assert con.execute("select sku from fct_product_candidates").fetchall() == [("A",)]
    con.execute("delete from raw_products")
    con.execute("insert into raw_products values ('B', 'wooden chair')")
    run_plan(con, plan)
    assert con.execute("select count(*) from fct_product_candidates").fetchone() == (0,)


def test_key_changes_with_scheme_top_and_warehouse(tmp_path):
    warehouse = tmp_path / "hsguard.duckdb"
    warehouse.write_bytes(b"x")
    keys = {cache_key("HTSUS", 5, None), cache_key("CN", 5, None), cache_key("HTSUS", 3, None)}
    keys.add(cache_key("HTSUS", 5, warehouse))
    assert len(keys) == 4
    assert cache_key("HTSUS", 5, None) == cache_key("HTSUS", 5, None)
    assert lookup(tmp_path / "none", "HTSUS-5-x") is None


def _cached_build(cache_dir, scheme="HTSUS", top=5):
    """A cache entry as `save` leaves it: a file whose raw product is the suggest SKU and a
    plan (in dbt's catalog `hsguard`) that scores it."""
    from hsguard.suggest_cache import SUGGEST_SKU

    key = cache_key(scheme, top, None)
    cache_dir.mkdir(parents=True, exist_ok=True)
    database = cache_dir / f"{key}.duckdb"
    con = duckdb.connect()
    con.execute(f"attach '{database.as_posix()}' as hsguard")
    con.execute("use hsguard")
    for schema in ("raw", "marts"):
        con.execute(f"create schema {schema}")
    con.execute(
        "create table raw.erp_products as select ? as sku, 'steel sink' as description", [SUGGEST_SKU]
    )
    plan_sql = (
        "select 1 as rank, 'X' as candidate_code, 'X' as candidate_code_display, 1.0 as score, "
        "0.9 as confidence, false as is_abstain, 'tariff' as source, null as ruling_id, "
        "description as evidence, sku, 'SCHEME' as scheme from hsguard.raw.erp_products"
    ).replace("SCHEME", scheme)
    plan = [
        {
            "node": TARGET,
            "relation": '"hsguard"."marts"."fct_product_candidates"',
            "materialized": "table",
            "sql": plan_sql,
        }
    ]
    run_plan(con, plan)
    con.close()
    (cache_dir / f"{key}.json").write_text(__import__("json").dumps(plan))
    return database


def test_answer_scores_the_new_text_and_leaves_the_cached_file_unchanged(tmp_path):
    from hsguard.suggest_cache import answer

    database = _cached_build(tmp_path / "cache")
    before = database.read_bytes()
    rows = answer("wooden chair", "HTSUS", 5, None, tmp_path / "cache")
    assert [(r["rank"], r["evidence"]) for r in rows] == [(1, "wooden chair")]
    assert database.read_bytes() == before
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select evidence from marts.fct_product_candidates").fetchall() == [("steel sink",)]
    con.close()
    assert answer("wooden chair", "CN", 5, None, tmp_path / "cache") is None  # no build for CN yet


def test_answer_works_on_a_copy_while_another_process_holds_the_file(tmp_path, monkeypatch):
    import subprocess
    import sys

    from hsguard import suggest_cache

    copies = []
    real_copy = suggest_cache.scratch_copy
    monkeypatch.setattr(suggest_cache, "scratch_copy", lambda path: copies.append(path) or real_copy(path))
    database = _cached_build(tmp_path / "cache")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(database)!r}); "
            "print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        rows = suggest_cache.answer("wooden chair", "HTSUS", 5, None, tmp_path / "cache")
        assert [r["evidence"] for r in rows] == ["wooden chair"]
        assert copies == [database]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
