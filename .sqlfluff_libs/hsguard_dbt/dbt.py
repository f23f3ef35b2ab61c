"""dbt's cross-database macros the models call (``dbt.hash``, ...), rendered as DuckDB
SQL of the same shape as dbt-duckdb's."""


def _q(text) -> str:
    return str(text)


def hash(field) -> str:  # noqa: A001 - dbt's name
    return f"md5(cast({_q(field)} as varchar))"


def concat(fields) -> str:
    return " || ".join(_q(f) for f in fields)


def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None) -> str:
    order = f" {order_by_clause}" if order_by_clause else ""
    return f"string_agg({_q(measure)}, {_q(delimiter_text)}{order})"


def datediff(first_date, second_date, datepart) -> str:
    return f"date_diff('{datepart}', {_q(first_date)}, {_q(second_date)})"
