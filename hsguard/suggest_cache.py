"""A cache that makes ``hsguard suggest`` answer in about a second with the nightly SQL.

Scoring one description needs the term tables of the tariffs, rulings and classified
products (built by the candidate models from the reference data) and then only the
models that depend on the product master. The first ``suggest`` for a given set of
inputs runs the full dbt build (as the nightly run does, on a scratch file) and keeps:

* the built DuckDB file (``<key>.duckdb``): every table the candidate models read;
* the plan (``<key>.json``): the product-dependent models in dependency order with the
  SQL dbt compiled for them (``compiled_code`` of dbt's manifest), read back from dbt,
  not rewritten.

A later ``suggest`` attaches the cached file under dbt's catalog name and, in one
transaction, puts the new description on the suggest product of ``raw.erp_products``,
re-executes exactly that compiled SQL, reads ``marts.fct_product_candidates`` and rolls
the transaction back: the cached file is never changed and never copied (a copy is used
only when another process holds the file).
The key hashes everything the answer depends on: the scheme and number of candidates,
the dbt project (models, macros, seeds, dbt_project.yml), the hsguard code that loads
the reference data, the reference and ruling files, and the warehouse file (path, size,
modification time): change any of them and the next call rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from hsguard.paths import PROJECT_ROOT, REFERENCE_DIR

PRODUCTS_SOURCE = "source.hsguard.erp.erp_products"
TARGET = "model.hsguard.fct_product_candidates"
CATALOG_FILE = "hsguard.duckdb"  # dbt's catalog name is the file's stem: the plan's SQL names it
CATALOG = CATALOG_FILE.removesuffix(".duckdb")
SUGGEST_SKU = "__SUGGEST__"  # the one product a suggest build scores
SUGGEST_QUERY = (
    "select rank, candidate_code, candidate_code_display, score, confidence, is_abstain, source, "
    "ruling_id, evidence from marts.fct_product_candidates where sku = ? and scheme = ? order by rank"
)


def default_cache_dir(warehouse: Path | None) -> Path:
    """``$HSGUARD_SUGGEST_CACHE`` when set; else beside the warehouse
    (``<warehouse>.suggest-cache/``); without one, the user's cache folder
    (``$XDG_CACHE_HOME/hsguard/suggest`` or ``~/.cache/hsguard/suggest``)."""
    if os.environ.get("HSGUARD_SUGGEST_CACHE"):
        return Path(os.environ["HSGUARD_SUGGEST_CACHE"])
    if warehouse is not None:
        warehouse = Path(warehouse).resolve()
        return warehouse.parent / f"{warehouse.name}.suggest-cache"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "hsguard" / "suggest"


def _files(root: Path, patterns: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for pattern in patterns:
        out += [p for p in root.glob(pattern) if p.is_file()]
    return sorted(set(out))


def cache_key(scheme: str, top: int, warehouse: Path | None) -> str:
    """Hash of every input the candidates of one description depend on (see module doc)."""
    digest = hashlib.sha256(f"{scheme}|{top}".encode())
    for path in _files(PROJECT_ROOT, ("models/**/*", "macros/**/*", "seeds/**/*", "dbt_project.yml")):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(path.read_bytes())
    for path in _files(PROJECT_ROOT / "hsguard", ("*.py",)):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for path in _files(REFERENCE_DIR, ("**/*",)):
        stat = path.stat()
        digest.update(f"{path.relative_to(REFERENCE_DIR)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    if warehouse is not None:
        stat = Path(warehouse).stat()
        digest.update(f"{Path(warehouse).resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return f"{scheme}-{top}-{digest.hexdigest()[:20]}"


def product_plan(manifest: dict) -> list[dict]:
    """The models between raw.erp_products and fct_product_candidates, in dependency order,
    with their compiled SQL and materialisation."""
    nodes = manifest["nodes"]
    parents = {uid: set(node.get("depends_on", {}).get("nodes", [])) for uid, node in nodes.items()}
    ancestors: set[str] = set()
    stack = [TARGET]
    while stack:
        uid = stack.pop()
        if uid in ancestors:
            continue
        ancestors.add(uid)
        stack += [p for p in parents.get(uid, ()) if p in nodes]
    dependent: dict[str, bool] = {}

    def depends(uid: str) -> bool:
        if uid not in dependent:
            dependent[uid] = False  # cycles cannot occur in dbt's DAG; guards recursion
            dependent[uid] = any(p == PRODUCTS_SOURCE or (p in nodes and depends(p)) for p in parents[uid])
        return dependent[uid]

    chosen = [uid for uid in ancestors if uid.startswith("model.") and depends(uid)]
    ordered: list[str] = []
    done: set[str] = set()

    def visit(uid: str) -> None:
        if uid in done:
            return
        done.add(uid)
        for p in sorted(parents[uid]):
            if p in chosen:
                visit(p)
        ordered.append(uid)

    for uid in sorted(chosen):
        visit(uid)
    plan = []
    for uid in ordered:
        node = nodes[uid]
        if not node.get("compiled_code"):
            raise RuntimeError(f"dbt did not compile {uid}")
        plan.append(
            {
                "node": uid,
                "relation": node["relation_name"],
                "materialized": node["config"]["materialized"],
                "sql": node["compiled_code"],
            }
        )
    return plan


def save(cache_dir: Path, key: str, database: Path, work_dir: Path) -> None:
    """Keep a finished suggest build (its file and product plan) under ``key``; older
    entries for the same scheme and number of candidates are removed."""
    manifest = json.loads((work_dir / "dbt_target" / "manifest.json").read_text())
    plan = product_plan(manifest)
    cache_dir.mkdir(parents=True, exist_ok=True)
    prefix = key.rsplit("-", 1)[0] + "-"
    for old in cache_dir.glob(prefix + "*"):
        if not old.name.startswith(key):
            old.unlink(missing_ok=True)
    staged_db = cache_dir / f".{key}.duckdb.tmp"
    staged_plan = cache_dir / f".{key}.json.tmp"
    shutil.copyfile(database, staged_db)
    staged_plan.write_text(json.dumps(plan))
    os.replace(staged_db, cache_dir / f"{key}.duckdb")  # the plan last: it marks the entry complete
    os.replace(staged_plan, cache_dir / f"{key}.json")


def lookup(cache_dir: Path, key: str) -> tuple[Path, list[dict]] | None:
    database, plan = cache_dir / f"{key}.duckdb", cache_dir / f"{key}.json"
    if database.is_file() and plan.is_file():
        try:
            return database, json.loads(plan.read_text())
        except (OSError, ValueError):
            return None
    return None


def run_plan(con: duckdb.DuckDBPyConnection, plan: list[dict]) -> None:
    """Re-execute the product-dependent models' compiled SQL, in order."""
    for step in plan:
        kind = "view" if step["materialized"] == "view" else "table"
        con.execute(f"create or replace {kind} {step['relation']} as (\n{step['sql']}\n)")


def read_answer(con: duckdb.DuckDBPyConnection, scheme: str) -> list[dict]:
    """The suggest product's candidates from a built (or re-executed) ``fct_product_candidates``."""
    cursor = con.execute(SUGGEST_QUERY, [SUGGEST_SKU, scheme])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _answer_on(con: duckdb.DuckDBPyConnection, text: str, scheme: str, plan: list[dict]) -> list[dict]:
    """In one transaction that is rolled back: the suggest product's description becomes
    ``text`` (the row the cached build scored, every other column as built), the plan runs,
    and the candidates are read."""
    con.execute("begin transaction")
    try:
        con.execute("update raw.erp_products set description = ? where sku = ?", [text, SUGGEST_SKU])
        run_plan(con, plan)
        return read_answer(con, scheme)
    finally:
        con.execute("rollback")


def answer(text: str, scheme: str, top: int, warehouse: Path | None, cache_dir: Path | None = None):
    """The candidates for ``text`` from a cached build, or None when there is none yet
    (``hsguard.candidates.suggest`` then builds and keeps one). Imports nothing but DuckDB,
    so that a cached ``hsguard suggest`` starts quickly."""
    folder = cache_dir or default_cache_dir(warehouse)
    cached = lookup(folder, cache_key(scheme, top, warehouse))
    if cached is None:
        return None
    database_file, plan = cached
    con = duckdb.connect()
    copy_root = None
    try:
        try:
            con.execute(f"attach '{database_file.as_posix()}' as {CATALOG}")  # noqa: S608 - our own path
        except duckdb.IOException:  # another process holds the file: work on a copy of it
            copy_root, copy = scratch_copy(database_file)
            con.execute(f"attach '{copy.as_posix()}' as {CATALOG}")  # noqa: S608 - our own path
        con.execute(f"use {CATALOG}")
        return _answer_on(con, text, scheme, plan)
    finally:
        con.close()
        if copy_root is not None:
            shutil.rmtree(copy_root, ignore_errors=True)


def scratch_copy(database: Path) -> tuple[Path, Path]:
    """A private copy of a cached file, named as dbt named it (the SQL names the catalog)."""
    root = Path(tempfile.mkdtemp(prefix="hsguard-suggest-"))
    target = root / CATALOG_FILE
    shutil.copyfile(database, target)
    return root, target


__all__ = [
    "SUGGEST_QUERY",
    "SUGGEST_SKU",
    "answer",
    "read_answer",
    "cache_key",
    "default_cache_dir",
    "lookup",
    "product_plan",
    "run_plan",
    "save",
    "scratch_copy",
]
