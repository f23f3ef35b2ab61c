"""``adapter.dispatch(name, package)``, as sqlfluff renders the models for linting.

A dispatched macro that returns an expression renders as a call of a function of its
name (``stem_word(word)``): its SQL is the macro's, not the model's, and the nested
expressions some of them expand to (a stemmer is 13 regexp_replace calls) would cost
most of the lint time to parse. A macro that returns a query or a FROM-clause fragment,
or whose arguments are not SQL (a Jinja list, a regular expression as written) (_QUERIES)
renders as dbt renders it on DuckDB: the project's ``duckdb__<name>`` macro, else
``default__<name>``, looked up in the Jinja context the call is made from."""

from jinja2 import pass_context
from sqlfluff.core.templaters.builtins.dbt import DbtMacroWrapper

_QUERIES = {
    "tokenise",
    "top_n_per_group",
    "unnest_json_counts",
    "eccn_quantities",
    # macros/portable.sql
    "unnest_join",
    "text_list",
    "list_concat",
    "split_text",
    "regex_literal",
    "regex_full_match",
    "regex_matches_list",
    "regex_replace_all",
    "first_ordered",
}


@pass_context
def dispatch(context, macro_name: str, macro_namespace: str | None = None):
    if macro_name not in _QUERIES:
        return lambda *args, **kwargs: f"{macro_name}({', '.join(str(a) for a in args)})"
    for prefix in ("duckdb__", "default__"):
        macro = context.get(prefix + macro_name)
        if macro is not None:
            return DbtMacroWrapper(macro)  # its return() ends the macro, as in dbt
    raise LookupError(f"no duckdb__ or default__ implementation of macro {macro_name!r}")
