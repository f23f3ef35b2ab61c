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
