"""Reading messy ERP CSV extracts with Polars: decode, sniff, match the contract, quarantine.

Pure functions (no Prefect, no database) so they can be unit-tested on small files.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from hsguard.contracts import FileContract

ROW_NUMBER = "_row_number"
_IDENT = re.compile(r"[^a-z0-9_]+")


class ContractError(Exception):
    """A source file cannot be loaded at all (missing file or column, unreadable)."""


@dataclass
class LoadedFile:
    """The good rows and the quarantined rows of one source file."""

    path: Path
    sha256: str
    encoding: str
    rows_in: int
    good: pl.DataFrame  # contract columns (typed; text trimmed) + extras + _row_number
    quarantine: pl.DataFrame  # rows quarantined whole: source_file, row_number, columns, reason, raw_row
    rejections: (
        pl.DataFrame
    )  # fields nulled in kept rows: source_file, row_number, column_name, value, reason
    delimiter: str = ","
    header: dict[str, str] = field(default_factory=dict)  # column as written -> as loaded


@dataclass(frozen=True)
class ParseOptions:
    """How the user's exports are written: numbers and dates (``hsguard run
    --decimal-comma``, ``--date-format``) and, from a column mapping (hsguard.mapping,
    ``mapping.yml``), the delimiter, the export's file names and its column names. The
    defaults read what most ERP exports write; see parse_number."""

    decimal_comma: bool = False  # a lone comma is always the decimal separator ("1,234" = 1.234)
    date_format: str | None = None  # strftime pattern tried before ISO, e.g. "%d.%m.%Y"
    delimiter: str | None = None  # None: the most frequent of , ; tab | in the header line
    # per contract file (e.g. "products.csv"): (normalised export header, contract column)
    columns: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    # per contract file: the export's file name when it is not the contract's
    file_names: tuple[tuple[str, str], ...] = ()

    def renames(self, file_name: str) -> dict[str, str]:
        """Normalised export header -> contract column, for the contract file ``file_name``."""
        return dict(dict(self.columns).get(file_name, ()))

    def export_name(self, file_name: str) -> str:
        """The file the export writes for the contract file ``file_name``."""
        return dict(self.file_names).get(file_name, file_name)

    def fingerprint(self) -> str:
        return (
            f"decimal_comma={self.decimal_comma};date_format={self.date_format};"
            f"delimiter={self.delimiter!r};columns={self.columns!r};file_names={self.file_names!r}"
        )


DEFAULT_OPTIONS = ParseOptions()


def confined(path: Path, root: Path, what: str) -> Path:
    """``path`` with symlinks resolved; refused unless it stays inside ``root``.

    A source or reference file that is a link out of its folder (``products.csv ->
    /etc/passwd``, ``reference/hs2022.csv -> ../../secret``) is never read.
    """
    resolved, base = path.resolve(), root.resolve()
    if resolved != base and base not in resolved.parents:
        raise ContractError(f"{what}: {path} points outside {base} (to {resolved}); refused")
    return resolved


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV export: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of , ; tab | in the header line (comma when none)."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def normalise_header(name: str) -> str:
    """Trim and lower-case a header; other characters become ``_`` so it is a safe identifier."""
    cleaned = _IDENT.sub("_", name.strip().strip("\ufeff").lower()).strip("_")
    return cleaned or "unnamed"


def check_header(path: Path, contract: FileContract, options: ParseOptions | None = None) -> list[str]:
    """Refuse early: read only the header and return the column names as loaded
    (normalised, then renamed by the column mapping).

    Raises ContractError naming the file and the missing column(s).
    """
    options = options or DEFAULT_OPTIONS
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise ContractError(
            f"{path.name}: the file is empty (expected a header row with "
            f"{', '.join(c.name for c in contract.columns if c.required)})"
        )
    text, _ = decode_bytes(head)  # a cut multi-byte character only affects later lines
    header_line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    separator = options.delimiter or sniff_delimiter(header_line)
    headers = contract_headers([h.strip('"') for h in header_line.split(separator)], contract, options)
    _require_columns(path, contract, headers)
    return headers


def contract_headers(written: list[str], contract: FileContract, options: ParseOptions) -> list[str]:
    """The names the columns of a header are loaded as: each trimmed and normalised
    (normalise_header), then renamed to its contract column when the column mapping
    names it for this file (matched the same way: case, spaces and punctuation aside)."""
    renames = options.renames(contract.file_name)
    return [renames.get(normalise_header(h), normalise_header(h)) for h in written]


def _require_columns(path: Path, contract: FileContract, headers: list[str]) -> None:
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise ContractError(f"{path.name}: duplicate column(s) {', '.join(duplicates)} in the header")
    missing = [c.name for c in contract.columns if c.required and c.name not in headers]
    if missing:
        raise ContractError(
            f"{path.name}: required column(s) missing: {', '.join(missing)} (found: {', '.join(headers)}); "
            "an export with its own column names needs a mapping.yml (docs/MAPPING.md)"
        )


def read_contract_file(
    path: Path, contract: FileContract, options: ParseOptions = DEFAULT_OPTIONS
) -> LoadedFile:
    """Read ``path`` under ``contract``; raise ContractError naming file and column if unusable."""
    data = path.read_bytes()
    if not data.strip():
        raise ContractError(
            f"{path.name}: the file is empty (expected a header row with "
            f"{', '.join(c.name for c in contract.columns if c.required)})"
        )
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_line = text.split("\n", 1)[0]
    separator = options.delimiter or sniff_delimiter(header_line)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=separator,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:  # ragged rows, broken quoting
        raise ContractError(f"{path.name}: cannot be parsed as CSV: {str(exc).splitlines()[0]}") from exc

    written = [str(v or "") for v in frame.row(0)]
    headers = contract_headers(written, contract, options)
    _require_columns(path, contract, headers)
    body = frame.slice(1).rename(dict(zip(frame.columns, headers, strict=True)))
    body = body.with_row_index(ROW_NUMBER, offset=2).with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    rows_in = body.height
    loaded = split_rows(body, contract, path, sha256_of(path), encoding, rows_in, options)
    loaded.delimiter = separator
    loaded.header = dict(zip(written, headers, strict=True))
    return loaded


# Currency signs and ISO codes an export may put before or after an amount.
_CURRENCY = r"^(?i:[$€£¥]|US\$|usd|eur|gbp|chf|jpy|cny)\s*|\s*(?i:[$€£¥]|usd|eur|gbp|chf|jpy|cny)$"
# Every kind of space (thousands separators in many locales: " ", NBSP, narrow NBSP)
# and the Swiss apostrophes.
_GROUPING = r"[\s\x{00a0}\x{2007}\x{202f}'’]"
_PLAIN = r"^[+-]?\d+(\.\d+)?$"  # 1234 or 1234.5
_DOT_GROUPS = r"^[+-]?\d{1,3}(\.\d{3})+$"  # 1.234 or 1.234.567
_COMMA_GROUPS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"  # 1,234 or 1,234,567.5
_DOT_GROUPS_COMMA_DECIMAL = r"^[+-]?\d{1,3}(\.\d{3})+,\d+$"  # 1.234,56
_COMMA_DECIMAL = r"^[+-]?\d+,\d+$"  # 12,5 or 1234,56


def parse_number(col: str, options: ParseOptions = DEFAULT_OPTIONS) -> pl.Expr:
    """The one rule for numbers in the user's files (nothing else parses them: raw tables
    hold the typed value and dbt never casts user text). Null when not a number.

    A currency sign or code before or after the amount is dropped, and so are spaces of
    every kind and apostrophes (thousands separators). Then:
    - ``1234``, ``1234.5``: a plain number;
    - ``1,234.56``, ``1.234,56``: when both ``.`` and ``,`` occur, the last one is the
      decimal separator and the other must group thousands (groups of three digits);
    - ``1.234.567``: several dots grouping thousands;
    - ``12,5``, ``1234,56``: a comma that cannot be grouping thousands is the decimal
      separator;
    - ``1,234`` (a comma before exactly three digits) groups thousands (1234), and
      ``1.234`` is one point two three four - unless ``decimal_comma`` is set, when
      ``1,234`` is 1.234 and ``1.234`` is 1234.
    Anything else (``n/a``, ``1,5,0``, ``1e3``, ``(12)``) is not a number.
    """
    value = pl.col(col).str.replace_all(_CURRENCY, "").str.replace_all(_GROUPING, "")
    drop_dots_comma_to_point = value.str.replace_all(r"\.", "").str.replace(",", ".", literal=True)
    drop_commas = value.str.replace_all(",", "", literal=True)
    if options.decimal_comma:
        parsed = (
            pl.when(value.str.contains(_DOT_GROUPS))
            .then(value.str.replace_all(r"\.", ""))
            .when(value.str.contains(_PLAIN))
            .then(value)
            .when(value.str.contains(_COMMA_DECIMAL) | value.str.contains(_DOT_GROUPS_COMMA_DECIMAL))
            .then(drop_dots_comma_to_point)
            .when(value.str.contains(r"^[+-]?\d{1,3}(,\d{3})+\.\d+$"))
            .then(drop_commas)
        )
    else:
        parsed = (
            pl.when(value.str.contains(_PLAIN))
            .then(value)
            .when(value.str.contains(_DOT_GROUPS))
            .then(value.str.replace_all(r"\.", ""))
            .when(value.str.contains(_COMMA_GROUPS))
            .then(drop_commas)
            .when(value.str.contains(_COMMA_DECIMAL) | value.str.contains(_DOT_GROUPS_COMMA_DECIMAL))
            .then(drop_dots_comma_to_point)
        )
    return parsed.cast(pl.Float64, strict=False)


def parse_date(col: str, options: ParseOptions = DEFAULT_OPTIONS) -> pl.Expr:
    """The one rule for dates: ``options.date_format`` when given, else (and as a fallback)
    ISO ``YYYY-MM-DD``, optionally followed by a time. Null when not a date: a day-first
    or month-first date such as ``31.12.2025`` or ``12/31/2025`` is read only with an
    explicit ``--date-format``, never guessed."""
    iso = pl.col(col).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    iso = pl.when(pl.col(col).str.contains(r"^\d{4}-\d{2}-\d{2}([T ].*)?$")).then(iso)
    if options.date_format:
        return pl.coalesce(pl.col(col).str.to_date(options.date_format, strict=False), iso)
    return iso


def parse_timestamp(col: str, options: ParseOptions = DEFAULT_OPTIONS) -> pl.Expr:
    """ISO ``YYYY-MM-DD[ T]HH:MM[:SS]`` (no zone: taken as written), else a date (parse_date)
    at midnight."""
    text = pl.col(col).str.replace("T", " ", literal=True)
    timestamp = pl.coalesce(
        text.str.slice(0, 19).str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us"),
        text.str.slice(0, 16).str.to_datetime("%Y-%m-%d %H:%M", strict=False, time_unit="us"),
    )
    timestamp = pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}")).then(timestamp)
    return pl.coalesce(timestamp, parse_date(col, options).cast(pl.Datetime("us")))


def _iso3_to_iso2() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def parse_country(col: str) -> pl.Expr:
    """An ISO 3166 country as its upper-case alpha-2 code: two letters (any two, as the
    EAR uses codes such as XK that ISO has not assigned), or an ISO alpha-3 code. Country
    names are not guessed. Null otherwise."""
    value = pl.col(col).str.to_uppercase()
    return (
        pl.when(value.str.contains(r"^[A-Z]{2}$"))
        .then(value)
        .when(value.str.contains(r"^[A-Z]{3}$"))
        .then(value.replace_strict(_iso3_to_iso2(), default=None, return_dtype=pl.Utf8))
    )


def parse_integer(col: str, options: ParseOptions = DEFAULT_OPTIONS) -> pl.Expr:
    """A whole number (parse_number's rule, no fractional part), as Int64; null otherwise."""
    number = parse_number(col, options)
    return pl.when(number == number.floor()).then(number).cast(pl.Int64, strict=False)


#: The Polars type each kind of column is loaded as (raw tables hold typed values).
KIND_TYPES = {
    "text": pl.Utf8,
    "country": pl.Utf8,
    "number": pl.Float64,
    "integer": pl.Int64,
    "date": pl.Date,
    "timestamp": pl.Datetime("us"),
}


def contract_schema(contract: FileContract) -> dict[str, pl.DataType]:
    """The contract's columns and the types they are loaded as (plus the row number)."""
    return {c.name: KIND_TYPES[c.kind] for c in contract.columns} | {ROW_NUMBER: pl.Int64}


_KIND_HINT = {
    "number": "not a number",
    "integer": "not a whole number",
    "date": "not a date (YYYY-MM-DD, or set --date-format or the mapping's date_format)",
    "timestamp": "not a date or time (YYYY-MM-DD[ HH:MM[:SS]])",
    "country": "not a country code (ISO 3166 alpha-2 or alpha-3)",
}


def parsed_value(spec, options: ParseOptions = DEFAULT_OPTIONS) -> pl.Expr | None:
    """The typed value of ``spec``'s column (None for a text column, kept as written)."""
    if spec.kind == "number":
        return parse_number(spec.name, options)
    if spec.kind == "integer":
        return parse_integer(spec.name, options)
    if spec.kind == "date":
        return parse_date(spec.name, options)
    if spec.kind == "timestamp":
        return parse_timestamp(spec.name, options)
    if spec.kind == "country":
        return parse_country(spec.name)
    return None


def split_rows(
    body: pl.DataFrame,
    contract: FileContract,
    path: Path,
    sha256: str,
    encoding: str,
    rows_in: int,
    options: ParseOptions = DEFAULT_OPTIONS,
) -> LoadedFile:
    """Trim values, add absent optional columns, type the contract's columns and sort the
    rows: a row whose required value is missing or bad is quarantined whole (with every
    reason); a bad value in another column nulls that field and is recorded in
    ``rejections`` (the row is kept). Lines of a group (contract.line_key) get their line
    number; a second row with the same group and line number is quarantined."""
    value_columns = [c for c in body.columns if c != ROW_NUMBER]
    raw_row = pl.struct(value_columns).struct.json_encode().alias("raw_row")
    body = body.with_columns(raw_row)
    trimmed = body.with_columns(
        [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in value_columns]
    )
    for spec in contract.columns:
        if spec.name not in trimmed.columns:
            trimmed = trimmed.with_columns(pl.lit(None, dtype=pl.Utf8).alias(spec.name))

    typed, problems = [], {}
    for spec in contract.columns:
        col = pl.col(spec.name)
        checks = []
        if spec.not_empty:
            checks.append(pl.when(col.is_null()).then(pl.lit(f"{spec.name}: empty")))
        parsed = parsed_value(spec, options)
        if parsed is not None:
            typed.append(parsed.alias(f"_typed_{spec.name}"))
            checks.append(
                pl.when(col.is_not_null() & pl.col(f"_typed_{spec.name}").is_null()).then(
                    pl.lit(f"{spec.name}: {_KIND_HINT[spec.kind]}: ") + col
                )
            )
            if spec.kind == "number":
                checks.append(
                    pl.when(pl.col(f"_typed_{spec.name}") < 0).then(pl.lit(f"{spec.name}: negative: ") + col)
                )
            if spec.kind == "integer":
                checks.append(
                    pl.when(pl.col(f"_typed_{spec.name}") < 1).then(
                        pl.lit(f"{spec.name}: not a positive whole number: ") + col
                    )
                )
        if spec.allowed:
            checks.append(
                pl.when(col.is_not_null() & ~col.str.to_lowercase().is_in(list(spec.allowed))).then(
                    pl.lit(f"{spec.name}: not one of {', '.join(spec.allowed)}: ") + col
                )
            )
        if checks:
            problems[spec] = pl.coalesce(checks).alias(f"_problem_{spec.name}")
    checked = trimmed.with_columns(typed).with_columns(list(problems.values()))
    row_level = [pl.col(f"_problem_{s.name}") for s in problems if s.not_empty]
    every = [pl.col(f"_problem_{s.name}") for s in problems]
    checked = checked.with_columns(
        (
            pl.concat_list(row_level).list.drop_nulls() if row_level else pl.lit([], dtype=pl.List(pl.Utf8))
        ).alias("_row_problems"),
        (pl.concat_list(every).list.drop_nulls() if every else pl.lit([], dtype=pl.List(pl.Utf8))).alias(
            "_problems"
        ),
    )
    is_bad = pl.col("_row_problems").list.len() > 0
    bad, kept = checked.filter(is_bad), checked.filter(~is_bad)
    if contract.line_key is not None:
        kept = _number_lines(kept, contract.line_key)
        kept, repeats = _repeats(kept, [contract.line_key[0], f"_typed_{contract.line_key[1]}"])
        bad = pl.concat([bad, repeats], how="vertical_relaxed").sort(ROW_NUMBER)
    if contract.unique_key is not None:
        kept, repeats = _repeats(kept, list(contract.unique_key))
        bad = pl.concat([bad, repeats], how="vertical_relaxed").sort(ROW_NUMBER)

    quarantine = bad.select(
        pl.lit(str(path)).alias("source_file"),
        pl.col(ROW_NUMBER).alias("row_number"),
        pl.col("_problems")
        .list.eval(pl.element().str.split(":").list.first())
        .list.join(", ")
        .alias("columns"),
        pl.col("_problems").list.join("; ").alias("reason"),
        pl.col("raw_row"),
    )
    field_specs = [s for s in problems if not s.not_empty]
    rejections = (
        pl.concat(
            [
                kept.filter(pl.col(f"_problem_{s.name}").is_not_null()).select(
                    pl.lit(str(path)).alias("source_file"),
                    pl.col(ROW_NUMBER).alias("row_number"),
                    pl.lit(s.name).alias("column_name"),
                    pl.col(s.name).alias("value"),
                    pl.col(f"_problem_{s.name}").alias("reason"),
                )
                for s in field_specs
            ],
            how="vertical",
        ).sort("row_number", "column_name")
        if field_specs
        else pl.DataFrame(schema=REJECTION_SCHEMA)
    )
    # Typed columns take their parsed value (null where it was bad); a bad text value
    # (not one of the allowed values) is nulled.
    kept = kept.with_columns(
        [
            pl.when(pl.col(f"_problem_{s.name}").is_null())
            .then(pl.col(f"_typed_{s.name}") if f"_typed_{s.name}" in kept.columns else pl.col(s.name))
            .alias(s.name)
            for s in problems
            if s.kind != "text" or s.allowed
        ]
    )
    if contract.line_key is not None:  # every kept line has its number (given or position)
        kept = kept.with_columns(pl.col(f"_typed_{contract.line_key[1]}").alias(contract.line_key[1]))
    ordered = contract.column_names + [c for c in value_columns if c not in contract.column_names]
    good = kept.select(ordered + [ROW_NUMBER])
    return LoadedFile(path, sha256, encoding, rows_in, good, quarantine, rejections)


REJECTION_SCHEMA = {
    "source_file": pl.Utf8,
    "row_number": pl.Int64,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
}


def _number_lines(rows: pl.DataFrame, line_key: tuple[str, str]) -> pl.DataFrame:
    """Give every line of a group its number (in ``_typed_<line column>``): the line
    column as given (when it parsed), else the row's position within its group in file
    order."""
    group, line = line_key
    given = pl.when(pl.col(f"_problem_{line}").is_null()).then(pl.col(f"_typed_{line}"))
    position = pl.col(ROW_NUMBER).rank("ordinal").over(group).cast(pl.Int64)
    return rows.with_columns(pl.coalesce(given, position).alias(f"_typed_{line}"))


def _repeats(rows: pl.DataFrame, key: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split off the rows whose ``key`` an earlier row already has (with the reason); the
    first row of each key is kept."""
    first_row = pl.col(ROW_NUMBER).min().over(key).alias("_first_row")
    marked = rows.with_columns(first_row)
    is_repeat = pl.col(ROW_NUMBER) != pl.col("_first_row")
    shown = [c.removeprefix("_typed_") for c in key]
    described = pl.format(
        "{}: " + ", ".join(f"{name} {{}}" for name in shown) + " is already on row {}",
        pl.lit(shown[-1]),
        *[pl.col(c).cast(pl.Utf8) for c in key],
        pl.col("_first_row"),
    )
    repeats = marked.filter(is_repeat).with_columns(
        pl.concat_list(pl.col("_problems"), described).alias("_problems")
    )
    return marked.filter(~is_repeat).drop("_first_row"), repeats.drop("_first_row")
