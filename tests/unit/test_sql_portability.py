"""The dbt project runs on DuckDB and on Spark (dbt-spark): no engine-specific SQL outside
the dispatched macros (macros/*.sql, duckdb__ / spark__ / default__ versions), and the
project parses for the spark target (every dispatched macro has a version for it).

The constructs below are those that differ between the two engines (docs/SCALING.md's
list of traps): each works on DuckDB and fails, or silently gives other text, on Spark.
The Spark build itself (and its row-by-row comparison with DuckDB) is `hsguard parity`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hsguard.dbt import invoke_dbt
from hsguard.paths import PROJECT_ROOT

#: (what, pattern) of SQL that must go through a dispatched macro.
ENGINE_SPECIFIC = [
    ("varchar (Spark needs a length: write string)", r"\bvarchar\b"),
    ("a :: cast (write cast(x as t))", r"::"),
    ("select * exclude / replace", r"\*\s*(exclude|replace)\s*\("),
    ("a DuckDB list function", r"\blist_[a-z_]+\s*\(|\blist\s*\("),
    ("a list literal [...]", r"(?<![\w\]\)])\[\s*(''|\]|[a-z_]+\s*\|\|)"),
    ("strip_accents (hsguard.fold_accents)", r"\bstrip_accents\s*\("),
    ("string_agg (dbt.listagg)", r"\bstring_agg\s*\("),
    ("regexp_matches (hsguard.regex_search)", r"\bregexp_matches\s*\("),
    ("regexp_full_match (hsguard.regex_full_match)", r"\bregexp_full_match\s*\("),
    ("regexp_extract_all (hsguard.regex_matches_list)", r"\bregexp_extract_all\s*\("),
    ("regexp_replace with flags (hsguard.regex_replace_all)", r"\bregexp_replace\s*\([^;]*?,\s*'[gi]+'\s*\)"),
    ("regexp_extract without a group (Spark: 1)", r"\bregexp_extract\s*\([^(),]*,\s*'[^']*'\s*\)"),
    ("string_split / str_split (hsguard.split_text)", r"\bstr(ing)?_split\w*\s*\("),
    ("unnest (hsguard.unnest_join)", r"\bunnest\s*\("),
    ("starts_with (hsguard.text_starts_with)", r"\bstarts_with\s*\("),
    ("arg_max / arg_min (hsguard.value_at_max)", r"\barg_(max|min)\s*\("),
    ("damerau_levenshtein (hsguard.damerau_levenshtein)", r"\bdamerau_levenshtein\s*\("),
    ("two-argument [lr]trim (Spark: characters first)", r"\b[lr]?trim\s*\([^()]*(\([^()]*\))?[^()]*,"),
    ("an ordered first() (hsguard.first_ordered)", r"\bfirst\s*\([^()]*\border\s+by\b"),
    ("array_to_string, json_transform, ...", r"\b(array_to_string|json_transform|try_strptime)\s*\("),
    ("a backslash in a string literal (Spark unescapes it: hsguard.regex_literal)", r"'[^'\n]*\\[^'\n]*'"),
]

#: The constructs above whose patterns look into string literals (the others see every
#: literal emptied to '', so that words in a flag's evidence text are not SQL).
READS_LITERALS = {
    "regexp_replace with flags (hsguard.regex_replace_all)",
    "regexp_extract without a group (Spark: 1)",
    "a backslash in a string literal (Spark unescapes it: hsguard.regex_literal)",
}

SQL_DIRS = ("models", "tests/dbt")


def _plain_sql(text: str) -> str:
    """The SQL text outside Jinja (comments, statements and expressions: what a macro call
    renders is the macro's business) and outside SQL comments."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    return "\n".join(line.split("--", 1)[0] for line in text.splitlines())


def engine_specific_sql(text: str) -> list[str]:
    """What of ENGINE_SPECIFIC the SQL text holds (comments left out)."""
    sql = _plain_sql(text)
    # text inside string literals is not SQL, except to the patterns that read literals
    code = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return [
        what
        for what, pattern in ENGINE_SPECIFIC
        if re.search(pattern, sql if what in READS_LITERALS else code, flags=re.I)
    ]


def test_models_and_dbt_tests_hold_no_engine_specific_sql():
    found = {
        str(path.relative_to(PROJECT_ROOT)): hits
        for folder in SQL_DIRS
        for path in sorted((PROJECT_ROOT / folder).rglob("*.sql"))
        if (hits := engine_specific_sql(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "engine-specific SQL outside macros/ (use a dispatched macro):\n" + "\n".join(
        f"  {path}: {', '.join(hits)}" for path, hits in found.items()
    )


def unit_test_sql_fixtures() -> dict[str, str]:
    """Name ("<file>: <unit test> <input>") -> SQL of every dbt unit-test fixture written as
    SQL (`format: sql`): dbt runs it as it is on the target, so it must be portable too."""
    import yaml

    fixtures = {}
    for path in sorted((PROJECT_ROOT / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for test in document.get("unit_tests") or []:
            for part in [*(test.get("given") or []), test.get("expect") or {}]:
                if part.get("format") == "sql":
                    name = f"{path.relative_to(PROJECT_ROOT)}: {test['name']} {part.get('input', 'expect')}"
                    fixtures[name] = part["rows"]
    return fixtures


def test_unit_test_fixtures_written_as_sql_are_portable():
    fixtures = unit_test_sql_fixtures()
    assert fixtures  # the ECCN word model's fixture of 102 texts is one
    found = {name: hits for name, sql in fixtures.items() if (hits := engine_specific_sql(sql))}
    assert found == {}, found


@pytest.mark.parametrize(
    "sql",
    [
        "select cast(x as varchar) from t",
        "select x::integer from t",
        "select * exclude (a) from t",
        "select list(a order by b) from t",
        "select coalesce(a, cast([] as text)) from t",
        "select strip_accents(a) from t",
        "select string_agg(a, ', ' order by a) from t",
        "select regexp_replace(a, 'x+', 'y', 'g') from t",
        "select regexp_extract(a, '[0-9]+') from t",
        "select ltrim(substr(a, 2), ' >') from t",
        "select trim(lower(a), ' ,.;:') from t",
        "select first(a order by b desc) from t",
        "select a from t where a rlike '\\d+'",
        "select a from t cross join unnest(string_split(a, ' ')) as w (word)",
    ],
)
def test_each_engine_specific_construct_is_found(sql):
    assert engine_specific_sql(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "select cast(x as string), regexp_extract(a, '[0-9]+', 0), ltrim(a), trim(a) from t",
        "select {{ hsguard.regex_full_match('a', '[0-9]+\\\\.') }} from t -- list(a)",
        "select {{ hsguard.text_list([\"'w:' || a\"]) }} from t",
        "{#- string_agg(a) in a comment -#} select coalesce(sum(a), 0) from t",
        "select 'on the Commerce Control List (EAR)' || ' [' || n || ' flags]' from t",
    ],
)
def test_portable_sql_passes(sql):
    assert engine_specific_sql(sql) == []


def test_project_parses_for_the_spark_target(tmp_path: Path):
    """Every dispatched macro the models call has a version dbt-spark finds (dbt renders
    every model at parse time); no Spark needed."""
    pytest.importorskip("dbt.adapters.spark", reason="make setup-spark installs dbt-spark")
    result = invoke_dbt(["parse", "--target", "spark"], tmp_path / "parse.duckdb", tmp_path)
    assert result.success, result.exception
