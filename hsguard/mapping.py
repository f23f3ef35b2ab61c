"""A column mapping: how an ERP export's files, columns and formats map to the input
contract (``SOURCES/mapping.yml``, or ``--mapping FILE``; docs/MAPPING.md).

It only fills in hsguard.sources.ParseOptions: the one reader applies it (the header is
renamed before the contract is checked, and numbers and dates are parsed by the same
rules as without a mapping).

    delimiter: ";"              # optional; else sniffed from the header line
    decimal_comma: true         # optional; as --decimal-comma
    date_format: dd.mm.yyyy     # optional; as --date-format (strftime or dd/mm/yyyy style)
    files:
      products.csv:             # a file of the input contract
        file: MARA_export.csv   # optional: the export's own file name
        columns:                # export column: contract column
          Material: sku
          Material Description: description
          Commodity Code: hts_code
"""

from __future__ import annotations

import re
from pathlib import Path

from hsguard.contracts import SOURCE_CONTRACTS
from hsguard.sources import ContractError, ParseOptions, normalise_header

MAPPING_FILE = "mapping.yml"
DELIMITERS = {",": ",", ";": ";", "|": "|", "\t": "\t", "tab": "\t", "\\t": "\t"}
_DATE_TOKENS = (("yyyy", "%Y"), ("yy", "%y"), ("mm", "%m"), ("dd", "%d"))
_TOP_KEYS = {"delimiter", "decimal_comma", "date_format", "files"}


def date_pattern(text: str) -> str:
    """A date format as strftime: ``%d.%m.%Y`` as it is, ``dd.mm.yyyy`` (or ``mm/dd/yyyy``,
    ``yyyymmdd``; case-insensitive) translated. ValueError when it names no day, month
    and year."""
    if "%" in text:
        pattern = text
    else:
        pattern, rest = "", text
        while rest:
            for token, code in _DATE_TOKENS:
                if rest.lower().startswith(token):
                    pattern, rest = pattern + code, rest[len(token) :]
                    break
            else:
                pattern, rest = pattern + rest[0], rest[1:]
    if not all(code in pattern for code in ("%d", "%m")) or not re.search("%[Yy]", pattern):
        raise ValueError(f"date_format {text!r} does not name a day, a month and a year")
    return pattern


def find_mapping(sources: Path, mapping: Path | None = None) -> Path | None:
    """The mapping file for ``sources``: ``mapping`` when given (it must exist), else
    ``SOURCES/mapping.yml`` when there is one, else None."""
    if mapping is not None:
        if not mapping.is_file():
            raise ContractError(f"mapping file not found: {mapping}")
        return mapping
    default = sources / MAPPING_FILE
    return default if default.is_file() else None


def load_mapping(path: Path) -> ParseOptions:
    """The ParseOptions a mapping file describes; ContractError naming the file and the
    entry when it is not a valid mapping."""
    import yaml

    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ContractError(f"{where}: cannot be read as YAML: {first}") from exc
    if not isinstance(data, dict):
        raise ContractError(f"{where}: expected keys {', '.join(sorted(_TOP_KEYS))}")
    unknown = sorted(set(map(str, data)) - _TOP_KEYS)
    if unknown:
        raise ContractError(
            f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    delimiter = data.get("delimiter")
    if delimiter is not None:
        if str(delimiter).lower() not in DELIMITERS:
            raise ContractError(f"{where}: delimiter {delimiter!r} is not one of , ; | tab")
        delimiter = DELIMITERS[str(delimiter).lower()]
    decimal_comma = data.get("decimal_comma", False)
    if not isinstance(decimal_comma, bool):
        raise ContractError(f"{where}: decimal_comma must be true or false, not {decimal_comma!r}")
    date_format = data.get("date_format")
    if date_format is not None:
        try:
            date_format = date_pattern(str(date_format))
        except ValueError as exc:
            raise ContractError(f"{where}: {exc}") from None
    files = data.get("files") or {}
    if not isinstance(files, dict):
        raise ContractError(f"{where}: files must map contract file names to their columns")
    contracts = {c.file_name: c for c in SOURCE_CONTRACTS}
    columns, file_names = [], []
    for file_name, entry in files.items():
        contract = contracts.get(str(file_name).lower())
        if contract is None:
            raise ContractError(
                f"{where}: files: {file_name!r} is not a file of the input contract ({', '.join(contracts)})"
            )
        entry = entry or {}
        if not isinstance(entry, dict) or set(map(str, entry)) - {"file", "columns"}:
            raise ContractError(f"{where}: files: {file_name}: expected the keys file and columns")
        if entry.get("file"):
            file_names.append((contract.file_name, str(entry["file"])))
        renames: dict[str, str] = {}
        for written, target in (entry.get("columns") or {}).items():
            target_name = normalise_header(str(target))
            if target_name not in contract.column_names:
                raise ContractError(
                    f"{where}: files: {file_name}: {written!r} maps to {target!r}, which is not a "
                    f"column of {contract.file_name} ({', '.join(contract.column_names)})"
                )
            if target_name in renames.values():
                raise ContractError(f"{where}: files: {file_name}: two export columns map to {target_name}")
            renames[normalise_header(str(written))] = target_name
        columns.append((contract.file_name, tuple(sorted(renames.items()))))
    return ParseOptions(
        decimal_comma=decimal_comma,
        date_format=date_format,
        delimiter=delimiter,
        columns=tuple(sorted(columns)),
        file_names=tuple(sorted(file_names)),
    )


def parse_options(
    sources: Path,
    mapping: Path | None = None,
    decimal_comma: bool = False,
    date_format: str | None = None,
) -> ParseOptions:
    """How a run reads ``sources``: the column mapping (``mapping``, else
    ``SOURCES/mapping.yml``, else none) with the command line's ``--decimal-comma``
    (either turns it on) and ``--date-format`` (it wins over the mapping's)."""
    found = find_mapping(sources, mapping)
    options = load_mapping(found) if found is not None else ParseOptions()
    return ParseOptions(
        decimal_comma=decimal_comma or options.decimal_comma,
        date_format=date_format or options.date_format,
        delimiter=options.delimiter,
        columns=options.columns,
        file_names=options.file_names,
    )
