"""Row-by-row comparison of the marts one build made on DuckDB and another on Spark.

Both sides are read into Polars frames and normalised the same, explicit way before
they are compared as multisets of rows (neither engine promises an order):

- column names: lower case (Spark's catalog is case-insensitive and lower-cases);
- integers of any width (Spark's INT/BIGINT, DuckDB's HUGEINT sums, which the caller
  reads as BIGINT: hsguard.parity_run.read_duckdb_table) are Int64;
- doubles, floats and decimals are Float64 rounded to ``decimals`` places (default
  DEFAULT_DECIMALS); -0.0 is 0.0, NaN equals NaN. A value whose last bits differ
  and that straddles a rounding boundary shows as a difference: a false alarm to
  look at, never a difference let through;
- strings are compared as they are (no trimming, no case folding), booleans and
  dates as they are, timestamps as UTC microseconds;
- lists (arrays) as their elements, normalised the same way, in their order;
- NULL equals NULL; a column that is NULL throughout on one side (Spark's void type)
  takes the other side's type;
- columns listed in EXCLUDED_COLUMNS are left out, with the reason printed.

A column that exists on one side only, or whose normalised types still differ, makes
the mart unequal. Nothing here knows about Spark: the caller hands in frames.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

#: Decimal places doubles are compared to. Scores are sums and products of doubles
#: whose last bits follow each engine's order of evaluation; the marts themselves
#: round their scores to 4 to 9 places, so 6 keeps every meaningful digit.
DEFAULT_DECIMALS = 6

#: How many differing rows are shown per side and mart.
DEFAULT_SHOWN = 5

COUNT_DUCKDB = "__rows_duckdb"
COUNT_SPARK = "__rows_spark"

#: Models not compared, with the reason (the command prints them). Every other table
#: of the ``marts`` schema and every ``rpt_*`` table of ``reports`` is compared.
EXCLUDED_MODELS: dict[str, str] = {
    "rpt_run": "describes the run itself (its id, start time, stage times, history rows)",
    "rpt_flag_trend": "built from audit.run_history, which differs by the run that wrote it",
    "rpt_flag_changes": "compares with the previous published run (audit.flag_history), not the sources",
}

#: Columns left out of the comparison, per model ("*": every model), with the reason.
#: None: both engines build from the same ingested rows and are stamped with the same
#: run id, so every column must agree (two separate runs: parity_run.SEPARATE_RUN_COLUMNS).
EXCLUDED_COLUMNS: dict[str, dict[str, str]] = {}


@dataclass
class MartComparison:
    """The comparison of one mart. ``only_duckdb``/``only_spark``: the first rows (each
    with its count of surplus copies) found on one side more often than on the other."""

    name: str
    rows_duckdb: int
    rows_spark: int
    differing_duckdb: int = 0
    differing_spark: int = 0
    only_duckdb: pl.DataFrame = field(default_factory=pl.DataFrame)
    only_spark: pl.DataFrame = field(default_factory=pl.DataFrame)
    problems: list[str] = field(default_factory=list)
    excluded_columns: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.problems and self.differing_duckdb == 0 and self.differing_spark == 0


def excluded_columns(model: str, exclusions: Mapping[str, Mapping[str, str]] = EXCLUDED_COLUMNS) -> dict:
    """Columns (lower case) left out for ``model``, with their reasons."""
    return {**exclusions.get("*", {}), **exclusions.get(model, {})}


def normalise_column(series: pl.Series, decimals: int = DEFAULT_DECIMALS) -> pl.Series:
    """One column in the comparable form described in the module docstring."""
    return pl.select(normalised_expr(pl.lit(series), series.dtype, decimals)).to_series().alias(series.name)


def normalised_expr(expr: pl.Expr, dtype: pl.DataType, decimals: int) -> pl.Expr:
    if dtype.is_integer():
        return expr.cast(pl.Int64)
    if dtype.is_float() or dtype.is_decimal():
        # + 0.0 turns -0.0 into 0.0 (IEEE 754), also after rounding a small negative value
        return expr.cast(pl.Float64).round(decimals) + 0.0
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return expr.cast(pl.Datetime("us"))
        return expr.dt.convert_time_zone("UTC").dt.replace_time_zone(None).cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return expr.cast(pl.Utf8)
    if isinstance(dtype, pl.List | pl.Array):
        inner = dtype.inner
        return expr.cast(pl.List(inner)).list.eval(normalised_expr(pl.element(), inner, decimals))
    return expr


def normalise(
    frame: pl.DataFrame, decimals: int = DEFAULT_DECIMALS, drop: Iterable[str] = ()
) -> pl.DataFrame:
    """``frame`` with lower-case column names, ``drop`` left out and every column normalised."""
    frame = frame.rename({c: c.lower() for c in frame.columns})
    dropped = {c.lower() for c in drop}
    kept = [c for c in frame.columns if c not in dropped]
    return frame.select(normalised_expr(pl.col(c), frame.schema[c], decimals).alias(c) for c in kept)


def unsupported(dtype: pl.DataType) -> bool:
    """Types compared through their text form (structs, objects): none of the marts has one."""
    return isinstance(dtype, pl.Struct | pl.Object)


def compare_frames(
    name: str,
    duckdb_frame: pl.DataFrame,
    spark_frame: pl.DataFrame,
    decimals: int = DEFAULT_DECIMALS,
    shown: int = DEFAULT_SHOWN,
    exclusions: Mapping[str, Mapping[str, str]] = EXCLUDED_COLUMNS,
) -> MartComparison:
    """Compare one mart's rows on both engines after normalisation (module docstring)."""
    dropped = excluded_columns(name, exclusions)
    left = normalise(duckdb_frame, decimals, dropped)
    right = normalise(spark_frame, decimals, dropped)
    result = MartComparison(name, left.height, right.height)
    result.excluded_columns = sorted(
        {c.lower() for c in [*duckdb_frame.columns, *spark_frame.columns]} & set(dropped)
    )
    only_left = [c for c in left.columns if c not in right.columns]
    only_right = [c for c in right.columns if c not in left.columns]
    if only_left:
        result.problems.append(f"columns only on DuckDB: {', '.join(only_left)}")
    if only_right:
        result.problems.append(f"columns only on Spark: {', '.join(only_right)}")
    common = [c for c in left.columns if c in right.columns]
    casts_left, casts_right = {}, {}
    for column in common:
        left_type, right_type = left.schema[column], right.schema[column]
        if left_type == right_type:
            if unsupported(left_type):
                casts_left[column] = casts_right[column] = pl.Utf8
            continue
        if left_type == pl.Null:
            casts_left[column] = right_type
        elif right_type == pl.Null:
            casts_right[column] = left_type
        else:
            result.problems.append(f"column {column}: {left_type} on DuckDB, {right_type} on Spark")
            casts_left[column] = casts_right[column] = pl.Utf8
    left = left.select(common).with_columns(pl.col(c).cast(t) for c, t in casts_left.items())
    right = right.select(common).with_columns(pl.col(c).cast(t) for c, t in casts_right.items())
    if not common:
        result.differing_duckdb, result.differing_spark = left.height, right.height
        return result
    counted = (
        left.group_by(common)
        .len(COUNT_DUCKDB)
        .join(right.group_by(common).len(COUNT_SPARK), on=common, how="full", nulls_equal=True, coalesce=True)
    )
    counted = counted.with_columns(
        pl.col(COUNT_DUCKDB).fill_null(0).cast(pl.Int64), pl.col(COUNT_SPARK).fill_null(0).cast(pl.Int64)
    )
    surplus = pl.col(COUNT_DUCKDB) - pl.col(COUNT_SPARK)
    on_duckdb = (
        counted.filter(surplus > 0).select(*common, surplus.alias("surplus")).sort(common, nulls_last=True)
    )
    on_spark = (
        counted.filter(surplus < 0).select(*common, (-surplus).alias("surplus")).sort(common, nulls_last=True)
    )
    result.differing_duckdb = int(on_duckdb["surplus"].sum() or 0)
    result.differing_spark = int(on_spark["surplus"].sum() or 0)
    result.only_duckdb = on_duckdb.head(shown)
    result.only_spark = on_spark.head(shown)
    return result


def format_comparison(result: MartComparison, width: int = 160) -> list[str]:
    """The lines the parity command prints for one mart."""
    status = "equal" if result.equal else "DIFFERENT"
    lines = [f"{result.name:<38} duckdb {result.rows_duckdb:>7}  spark {result.rows_spark:>7}  {status}"]
    if result.excluded_columns:
        lines.append(f"    not compared: {', '.join(result.excluded_columns)}")
    for problem in result.problems:
        lines.append(f"    {problem}")
    for side, count, rows in (
        ("DuckDB", result.differing_duckdb, result.only_duckdb),
        ("Spark", result.differing_spark, result.only_spark),
    ):
        if count:
            lines.append(f"    {count} row(s) only on {side} (first {rows.height}):")
            for row in rows.iter_rows(named=True):
                text = ", ".join(f"{k}={v!r}" for k, v in row.items())
                lines.append(f"      {text[:width]}")
    return lines
