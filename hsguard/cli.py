"""The ``hsguard`` command line."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from hsguard.settings import apply_offline_defaults

apply_offline_defaults()

from hsguard.contracts import DEFAULT_MAX_QUARANTINE_SHARE  # noqa: E402
from hsguard.paths import DEFAULT_REPORTS, DEFAULT_WAREHOUSE, SAMPLE_DIR  # noqa: E402

app = typer.Typer(
    help="hsguard: audit a product master's customs (HS/HTSUS/CN) and export-control (ECCN) "
    "classifications against real tariffs, rulings and control lists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help: flags shown as flags (the rich help gives each one a <bool> value)
    rich_markup_mode=None,
)


def show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("hsguard")
        except PackageNotFoundError:  # run from a checkout without `pip install -e .`
            from hsguard import __version__ as installed
        typer.echo(f"hsguard {installed}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """hsguard: audit a product master's customs (HS/HTSUS/CN) and export-control (ECCN)
    classifications against real tariffs, rulings and control lists."""


EXIT_FAILED = 1
EXIT_INPUT_REFUSED = 2
EXIT_LOCKED = 3

SourcesOpt = Annotated[
    Path,
    typer.Option(
        "--sources",
        help="Folder with products.csv (required), shipments.csv, rulings.csv, overrides.csv, "
        "reference/ replacements and an optional mapping.yml. Default: the bundled demo data.",
        show_default=False,
    ),
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="Column mapping of an ERP export (file and column names, delimiter, decimal comma, "
        "date format; docs/MAPPING.md). Default: SOURCES/mapping.yml when there is one.",
    ),
]
WarehouseOpt = Annotated[
    Path,
    typer.Option("--warehouse", help="Published DuckDB file (relative to the current directory)."),
]
DecimalCommaOpt = Annotated[
    bool,
    typer.Option(
        "--decimal-comma",
        help="The exports write a lone comma as the decimal separator: 1,234 is 1.234 and 1.234 "
        "is 1234 (without it: 1,234 is 1234; 12,5 and 1.234,56 are read either way).",
    ),
]
DateFormatOpt = Annotated[
    str | None,
    typer.Option(
        "--date-format",
        help="How the exports write dates, as a strftime pattern (e.g. %d.%m.%Y); ISO "
        "YYYY-MM-DD is always read. Without it, any other form is a bad value.",
    ),
]
MaxQuarantineOpt = Annotated[
    float,
    typer.Option(
        "--max-quarantine",
        min=0.0,
        max=1.0,
        help="Refuse to publish (exit 2) when more than this share of the rows of "
        "products.csv or shipments.csv is quarantined whole (values nulled in kept rows do not count).",
    ),
]
AcceptQuarantineOpt = Annotated[
    bool,
    typer.Option(
        "--accept-quarantine", help="Publish even when more rows than --max-quarantine are quarantined."
    ),
]
ReportsOpt = Annotated[
    Path,
    typer.Option("--reports", help="Folder for run reports and logs (relative to the current directory)."),
]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose",
        help="Also show on the terminal what goes to the run's log file: dbt's node lines, "
        "Prefect's flow runs, library warnings.",
    ),
]


def fail(message: str, code: int = EXIT_FAILED) -> None:
    typer.echo(f"hsguard: error: {message}", err=True)
    raise typer.Exit(code)


def open_run_log(reports: Path, kind: str = "run") -> Path:
    """Write every log record of this process (Prefect's flow and task logs, with the
    tracebacks of a failed run) to ``REPORTS/logs/hsguard-<kind>-<UTC time>.log`` as well;
    returns its path. Call after Prefect has configured logging (importing the flows)."""
    import logging
    from datetime import UTC, datetime

    folder = reports / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"hsguard-{kind}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return path


def preflight(
    sources: Path,
    mapping: Path | None = None,
    decimal_comma: bool = False,
    date_format: str | None = None,
):
    """Refuse a sources folder that breaks the input contract (or a broken column
    mapping), before anything starts; returns the ParseOptions a run reads it with."""
    from hsguard.contracts import SOURCE_CONTRACTS
    from hsguard.loading import source_path
    from hsguard.mapping import parse_options
    from hsguard.sources import ContractError, check_header

    try:
        if not sources.is_dir():
            raise ContractError(f"sources directory not found: {sources}")
        options = parse_options(sources, mapping, decimal_comma, date_format)
        for contract in SOURCE_CONTRACTS:
            path = source_path(sources, contract, options)
            if path is not None:
                check_header(path, contract, options)
    except ContractError as exc:
        fail(f"input refused: {exc}", EXIT_INPUT_REFUSED)
    return options


@app.command()
def run(
    sources: SourcesOpt = SAMPLE_DIR,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    reports: ReportsOpt = DEFAULT_REPORTS,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Keep nothing from the published warehouse: load every file, compute every "
            "table, validate every suite (the run history is still carried).",
        ),
    ] = False,
    decimal_comma: DecimalCommaOpt = False,
    date_format: DateFormatOpt = None,
    max_quarantine: MaxQuarantineOpt = DEFAULT_MAX_QUARANTINE_SHARE,
    accept_quarantine: AcceptQuarantineOpt = False,
    mapping: MappingOpt = None,
    verbose: VerboseOpt = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="duckdb: one DuckDB file (--warehouse is the file). spark: Apache Spark "
            "(--warehouse is the Spark warehouse directory; settings from profiles.yml's spark "
            "target and HSGUARD_SPARK_* variables; docs/SCALING.md).",
        ),
    ] = "duckdb",
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="With --engine spark: the Spark master (default local[2])."),
    ] = None,
) -> None:
    """Run the nightly reconciliation once and publish the warehouse and report."""
    if engine not in ("duckdb", "spark"):
        fail(f"--engine must be duckdb or spark, not {engine}", EXIT_INPUT_REFUSED)
    preflight(sources, mapping, decimal_comma, date_format)
    if engine == "spark":
        run_on_spark(
            sources,
            warehouse,
            reports,
            spark_master,
            verbose,
            decimal_comma,
            date_format,
            max_quarantine,
            accept_quarantine,
            mapping,
        )
        return
    from flows.nightly import nightly
    from hsguard.console import quiet_console

    quiet_console(verbose)
    log = open_run_log(reports)
    typer.echo(f"hsguard run: sources {sources} -> warehouse {warehouse}")
    typer.echo(
        f"  log       {log}" + ("" if verbose else " (dbt and Prefect details; --verbose shows them here)")
    )
    run_and_summarise(
        log,
        lambda: nightly(
            sources=str(sources),
            warehouse=str(warehouse),
            reports=str(reports),
            full_refresh=full_refresh,
            decimal_comma=decimal_comma,
            date_format=date_format,
            max_quarantine=max_quarantine,
            accept_quarantine=accept_quarantine,
            mapping=str(mapping) if mapping else None,
        ),
    )


def run_and_summarise(log: Path, flow: Callable[[], dict], cleanup: Callable[[], None] | None = None) -> None:
    """Run one nightly flow under the quiet console; a one-line reason for any failure, then the summary."""
    from hsguard.console import RunConsole
    from hsguard.sources import ContractError
    from hsguard.warehouse import RunLockedError

    try:
        with RunConsole():
            summary = flow()
    except RunLockedError as exc:
        fail(str(exc), EXIT_LOCKED)
    except ContractError as exc:
        fail(f"input refused: {exc}", EXIT_INPUT_REFUSED)
    except Exception as exc:  # noqa: BLE001 - one line for the user, details are in the run log
        import logging

        logging.getLogger("hsguard").error("run failed", exc_info=exc)
        first = str(exc).splitlines()[0] if str(exc) else ""
        fail(f"run failed: {type(exc).__name__}: {first[:400]} (details: {log})")
    finally:
        if cleanup is not None:
            cleanup()
    if "refused" in summary:
        fail(f"input refused, nothing published: {summary['refused']}", EXIT_INPUT_REFUSED)
    print_summary(summary)


def run_on_spark(
    sources: Path,
    warehouse: Path,
    reports: Path,
    master: str | None,
    verbose: bool,
    decimal_comma: bool,
    date_format: str | None,
    max_quarantine: float,
    accept_quarantine: bool,
    mapping: Path | None,
) -> None:
    """``hsguard run --engine spark``: flows/nightly_spark.py, with the same console and summary."""
    from hsguard import spark

    reason = spark.missing_requirement()
    if reason is not None:
        fail(reason)
    if warehouse.suffix == ".duckdb":
        fail(f"--engine spark: --warehouse is the Spark warehouse directory, not a DuckDB file ({warehouse})")
    from flows.nightly_spark import nightly_spark
    from hsguard.console import quiet_console

    quiet_console(verbose)
    log = open_run_log(reports)
    typer.echo(f"hsguard run --engine spark: sources {sources} -> Spark warehouse {warehouse}")
    typer.echo(f"  log       {log}")
    run_and_summarise(
        log,
        lambda: nightly_spark(
            sources=str(sources),
            warehouse=str(warehouse),
            reports=str(reports),
            master=master,
            decimal_comma=decimal_comma,
            date_format=date_format,
            max_quarantine=max_quarantine,
            accept_quarantine=accept_quarantine,
            mapping=str(mapping) if mapping else None,
        ),
        cleanup=spark.stop,
    )


@app.command("check-input")
def check_input(
    sources: Annotated[
        Path,
        typer.Option("--sources", help="Folder to check (as given to `hsguard run --sources`)."),
    ],
    mapping: MappingOpt = None,
    decimal_comma: DecimalCommaOpt = False,
    date_format: DateFormatOpt = None,
    max_quarantine: MaxQuarantineOpt = DEFAULT_MAX_QUARANTINE_SHARE,
) -> None:
    """Preview what a run would load from SOURCES, without touching any warehouse.

    Reads every file exactly as `hsguard run` does (same column mapping, contracts and
    parse rules) and prints the mapped columns, how many rows would load or be rejected
    and why, and the first problems per column. Exit 0 when a run would publish, 2 when
    it would refuse the input.
    """
    from hsguard.input_check import check_inputs, format_input_check
    from hsguard.loading import MALFORMED_FILE_ERRORS
    from hsguard.mapping import find_mapping
    from hsguard.sources import ContractError

    options = preflight(sources, mapping, decimal_comma, date_format)
    try:
        check = check_inputs(sources, options, find_mapping(sources, mapping), max_quarantine)
    except ContractError as exc:
        fail(f"input refused: {exc}", EXIT_INPUT_REFUSED)
    except MALFORMED_FILE_ERRORS as exc:  # a bundled reference file: a defect, said in one line
        fail(f"cannot read the input: {type(exc).__name__}: {exc}")
    for line in format_input_check(check):
        typer.echo(line)
    if check.refused:
        raise typer.Exit(EXIT_INPUT_REFUSED)


def print_summary(summary: dict) -> None:
    typer.echo("")
    typer.echo(f"run {summary['run_id']} published in {summary['seconds']:.0f}s")
    typer.echo(
        f"  rows in {summary['rows_in']}: loaded {summary['rows_loaded']}, "
        f"quarantined {summary['rows_quarantined']}, bad values nulled {summary.get('fields_rejected', 0)}"
    )
    typer.echo(f"  products {summary['products']}, flags {summary['flags_total']}")
    for severity, count in summary["flags_by_severity"].items():
        typer.echo(f"    {severity:<9} {count}")
    typer.echo(f"  warehouse {summary['warehouse']}")
    typer.echo(f"  report    {summary['report_dir']}")


@app.command()
def serve(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder the nightly ERP export lands in (required: serve never audits the "
            "bundled demo data by default).",
            show_default=False,
        ),
    ] = None,
    cron: Annotated[str, typer.Option(help="Cron schedule (local time of this machine).")] = "0 2 * * *",
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    reports: ReportsOpt = DEFAULT_REPORTS,
    mapping: MappingOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run the nightly reconciliation on a cron schedule (one run at a time) until stopped.

    Without PREFECT_API_URL, a local Prefect server (API only, no UI) is started on
    loopback for as long as this command runs. Ctrl-C or SIGTERM stops it within
    seconds: a run in progress is abandoned cleanly (its private build is removed; the
    published warehouse and report stay as they were) and no further run starts.
    """
    import tzlocal

    if sources is None:
        fail(
            "serve needs --sources DIR: the folder your nightly ERP export is written to "
            "(try `hsguard run` for a one-off run on the bundled demo data)",
            EXIT_INPUT_REFUSED,
        )
    preflight(sources, mapping)

    timezone = os.environ.get("HSGUARD_TIMEZONE") or tzlocal.get_localzone_name()
    parameters = {
        "sources": str(sources.resolve()),
        "warehouse": str(warehouse.resolve()),
        "reports": str(reports.resolve()),
    }
    if mapping is not None:
        parameters["mapping"] = str(mapping.resolve())
    server = None if os.environ.get("PREFECT_API_URL") else start_local_prefect_server()
    try:
        # Prefect is imported only now: its settings read PREFECT_API_URL when it loads
        from hsguard.console import quiet_console
        from hsguard.serving import quiet_flow_runs, serve_nightly

        quiet_console(verbose)
        quiet_flow_runs(verbose)
        log = open_run_log(reports, "serve")
        typer.echo(
            f"serving the nightly run on '{cron}' ({timezone}): sources {sources}, warehouse "
            f"{warehouse}; Ctrl-C or SIGTERM to stop"
        )
        typer.echo(
            f"  log       {log}" + ("" if verbose else " (Prefect runner details; --verbose shows them here)")
        )
        stopped_by = serve_nightly(cron, timezone, parameters, exclude_pids={server.pid} if server else set())
        typer.echo(f"hsguard serve: stopped ({stopped_by})")
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=3)
            except Exception:  # noqa: BLE001 - it is ours: do not leave it behind
                server.kill()


def start_local_prefect_server(port: int = 4200):
    """Start ``prefect server start`` on loopback and point this process's client at it."""
    import socket
    import subprocess
    import time

    import httpx

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:  # taken: let the OS pick one
            probe.close()
            with socket.socket() as free:
                free.bind(("127.0.0.1", 0))
                port = free.getsockname()[1]
    prefect = Path(sys.executable).with_name("prefect")
    server = subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            fail("could not start a local Prefect server (prefect server start exited)")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(1)
    else:
        server.terminate()
        fail("local Prefect server did not answer within 120 s")
    os.environ["PREFECT_API_URL"] = url
    os.environ["PREFECT_UI_URL"] = ""  # no UI: Prefect must not print links to one
    typer.echo(
        f"started a local Prefect server on loopback port {port} (API only, no UI; set PREFECT_API_URL "
        "to use your own server)"
    )
    return server


@app.command()
def sample(
    products: Annotated[int, typer.Option("--products", min=10, help="How many products.")] = 300,
    out: Annotated[Path, typer.Option("--out", help="Folder to write to.")] = Path("sample"),
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files).")] = 42,
    real_text: Annotated[
        bool,
        typer.Option(
            "--real-text",
            help="Instead: one product per bundled ruling, its real description, declaring the "
            "ruling's own code or (half of them, labelled HS_TEXT_MISMATCH) a real code of another "
            "HS section; no rulings as evidence. --products is ignored.",
        ),
    ] = False,
) -> None:
    """Generate a realistic product master (+ shipments, rulings, labels) from real material."""
    from hsguard.sample import generate, generate_real_text

    result = generate_real_text(out, seed) if real_text else generate(products, out, seed)
    typer.echo(
        f"wrote {out}: {result['product_rows']} product rows ({result['bad_rows']} bad), "
        f"{result['shipments']} shipments, errors {result['errors']}"
    )


@app.command()
def docs(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    out: Annotated[
        Path,
        typer.Option("--out", help="Where to write the dbt docs site (relative to the current directory)."),
    ] = Path("target/docs"),
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Loopback port (0: any free one).")
    ] = 8080,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the site on 127.0.0.1 until Ctrl-C.")
    ] = True,
) -> None:
    """Build the dbt docs site (models, columns, lineage from raw files to marts) into OUT
    and serve it on loopback (the site loads its manifest over HTTP: it does not work
    opened as a file)."""
    import shutil
    import tempfile

    from hsguard.dbt import invoke_dbt

    with tempfile.TemporaryDirectory(prefix="hsguard-docs-") as tmp:
        work = Path(tmp)
        database = work / "hsguard.duckdb"
        command = ["docs", "generate"]
        if warehouse.exists():
            shutil.copyfile(warehouse, database)  # never lock the published file
        else:
            command.append("--empty-catalog")
        result = invoke_dbt(command, database, work, log_to_python=True)
        if not result.success:
            fail(f"dbt docs generate failed: {result.exception or 'see dbt.log'}")
        out.mkdir(parents=True, exist_ok=True)
        for name in ("index.html", "manifest.json", "catalog.json"):
            source = work / "dbt_target" / name
            if source.exists():
                shutil.copyfile(source, out / name)
    catalog = (
        "" if warehouse.exists() else f" (no warehouse at {warehouse}: models without their columns' types)"
    )
    typer.echo(f"dbt docs written to {out}{catalog}")
    if serve_site:
        serve_folder(out, port)


def serve_folder(folder: Path, port: int) -> None:
    """Serve ``folder`` over HTTP on 127.0.0.1:``port`` until Ctrl-C or SIGTERM."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
            pass

    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), partial(Quiet, directory=str(folder)))
    except OSError as exc:
        fail(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc} (try --port 0)")
    with server:
        typer.echo(f"serving the dbt docs at http://127.0.0.1:{server.server_address[1]}/ ; Ctrl-C to stop")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            typer.echo("stopped")


@app.command()
def evaluate(
    sources: SourcesOpt = SAMPLE_DIR,
    labels: Annotated[
        Path | None, typer.Option("--labels", help="labels.csv (default: SOURCES/labels.csv).")
    ] = None,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="Evaluate this published warehouse instead of running the pipeline into a temporary one.",
        ),
    ] = None,
) -> None:
    """Run the pipeline on SOURCES and print per-check recall and the share of clean items without a flag."""
    import tempfile

    from hsguard.evaluation import evaluate as score
    from hsguard.evaluation import format_evaluation
    from hsguard.warehouse import connect

    labels = labels or sources / "labels.csv"
    if not labels.is_file():
        fail(f"labels file not found: {labels}", EXIT_INPUT_REFUSED)
    with tempfile.TemporaryDirectory(prefix="hsguard-eval-") as tmp:
        if warehouse is None:
            preflight(sources)
            from flows.nightly import nightly

            warehouse = Path(tmp) / "hsguard.duckdb"
            nightly(sources=str(sources), warehouse=str(warehouse), reports=str(Path(tmp) / "reports"))
        con = connect(warehouse, read_only=True)
        try:
            result = score(con, labels)
        finally:
            con.close()
    typer.echo(format_evaluation(result))


@app.command()
def suggest(
    text: Annotated[str, typer.Argument(help="Free-text product description.")] = "",
    scheme: Annotated[
        str, typer.Option("--scheme", help="HTSUS (10 digits), CN (8 digits) or HS (6 digits).")
    ] = "HTSUS",
    top: Annotated[int, typer.Option("--top", min=1, max=10, help="How many candidates.")] = 5,
    warehouse: Annotated[
        Path | None,
        typer.Option(
            "--warehouse",
            help="Use this published warehouse's classified products and rulings as evidence "
            "(a scratch copy; the file is not changed). Default: the bundled reference data "
            "and rulings only.",
        ),
    ] = None,
    eccn: Annotated[
        str | None,
        typer.Option(
            "--eccn",
            help="Rank export-control entries (ECCNs, EAR99 among them) for this description "
            'instead of tariff codes, e.g. --eccn "GaN power amplifier 9-10 GHz, 12 W".',
        ),
    ] = None,
) -> None:
    """Rank candidate codes for one description with the nightly run's candidate SQL models."""
    if eccn is not None:
        _suggest_eccn(eccn, top)
        return
    from hsguard.suggest_cache import answer as answer_from_cache

    scheme = scheme.upper()
    if scheme not in ("HTSUS", "CN", "HS"):
        fail(f"unknown scheme {scheme!r}: use HTSUS, CN or HS", EXIT_INPUT_REFUSED)
    if not text.strip():
        fail(
            'give a product description, e.g. hsguard suggest "stainless steel kitchen sink"',
            EXIT_INPUT_REFUSED,
        )
    if warehouse is not None and not warehouse.is_file():
        fail(f"no warehouse at {warehouse}", EXIT_INPUT_REFUSED)
    rows = answer_from_cache(text, scheme, top, warehouse)  # a cached build: no heavy imports
    if rows is None:
        from hsguard.candidates import CandidateBuildError
        from hsguard.candidates import suggest as rank_candidates

        try:
            rows = rank_candidates(text, scheme=scheme, top=top, warehouse=warehouse, quiet=True)
        except CandidateBuildError as exc:
            fail(str(exc))
    if not rows:
        typer.echo(f"no {scheme} candidate: no word of the description matches the tariff text")
        raise typer.Exit(EXIT_FAILED)
    first = rows[0]
    typer.echo(f"{scheme} candidates for: {text}")
    if len(rows) < top:
        typer.echo(
            f"found {len(rows)} of the {top} asked for: only {len(rows)} declarable line(s) are reached by "
            "the description's words (in the best headings) or by similar rulings and products"
        )
    if first["is_abstain"]:
        typer.echo(
            f"needs expert: rank-1 confidence {first['confidence']:.0%} is below the abstain threshold"
        )
    for row in rows:
        typer.echo(
            f"{row['rank']}. {row['candidate_code_display']}  score {row['score']:.2f}  "
            f"confidence {row['confidence']:.0%}  [{row['source']}]"
        )
        typer.echo(f"   {row['evidence']}")


def _suggest_eccn(text: str, top: int) -> None:
    """``suggest --eccn``: the nightly run's ECCN candidate models on one description."""
    from hsguard.eccn_candidates import EccnBuildError
    from hsguard.eccn_candidates import suggest as rank_eccns

    if not text.strip():
        fail(
            'give a product description, e.g. hsguard suggest --eccn "GaN power amplifier 9-10 GHz"',
            EXIT_INPUT_REFUSED,
        )
    try:
        rows = rank_eccns(text, top=top)
    except EccnBuildError as exc:
        fail(str(exc))
    typer.echo(f"ECCN candidates for: {text}  (a review aid, not a classification)")
    if rows and rows[0]["is_abstain"]:
        typer.echo("no Commerce Control List entry reads like this description: EAR99 ranks first")
    for row in rows:
        score = "" if row["score"] is None else f"  score {row['score']:.2f}"
        typer.echo(
            f"{row['rank']}. {row['eccn']}{score}  confidence {row['confidence']:.0%}  [{row['source']}]"
        )
        typer.echo(f"   {row['evidence']}")


@app.command("evaluate-eccn")
def evaluate_eccn_command(
    descriptions: Annotated[
        Path | None,
        typer.Option(
            "--descriptions",
            help="Evaluation set (id, fold, expected_eccn, description, ...). Default: the "
            "bundled set written from the CCL paragraphs (data/evaluation/eccn_descriptions.csv).",
        ),
    ] = None,
) -> None:
    """Top-1 / top-3 ECCN candidates at 5 characters and the share of EAR99 goods
    ECCN_TEXT_REVIEW would flag; the threshold is chosen on the train fold, figures held-out."""
    from hsguard.eccn_candidates import EccnBuildError, evaluate_eccn, format_evaluation

    if descriptions is not None and not descriptions.is_file():
        fail(f"no evaluation set at {descriptions}", EXIT_INPUT_REFUSED)
    try:
        result = evaluate_eccn(descriptions)
    except (EccnBuildError, ValueError) as exc:
        fail(str(exc))
    typer.echo(format_evaluation(result))
    held = result["folds"]["heldout"]
    if held["misses"]:
        typer.echo("")
        typer.echo("held-out items whose entry is not in the top 3:")
        for miss in held["misses"]:
            typer.echo(f"  {miss['id']}: expected {miss['expected']}, got {', '.join(miss['got'])}")
    typer.echo(f"dbt took {result['seconds']:.1f} s")


@app.command("evaluate-candidates")
def evaluate_candidates_command(
    rulings: Annotated[
        Path | None,
        typer.Option(
            "--rulings",
            help="Rulings to classify: an ATLAS-style .jsonl or a rulings.csv of the input "
            "contract (default: the bundled 200 CBP rulings).",
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=10, help="k of top-k accuracy.")] = 5,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Number of folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the fold split (same seed, same folds).")] = 16,
    learning_curve: Annotated[
        str,
        typer.Option(
            "--learning-curve",
            help="Comma-separated numbers of training rulings used as evidence (e.g. 25,50,100) "
            "or shares of each training fold (e.g. 20%,40%,60%,80%,100%): held-out accuracy for "
            "each, on the same held-out folds, the smaller sets nested in the larger (slower: one "
            "more build per point and fold).",
        ),
    ] = "",
    misses: Annotated[
        int, typer.Option("--misses", min=0, help="List this many held-out misses with their cause.")
    ] = 0,
    misses_csv: Annotated[
        Path | None,
        typer.Option(
            "--misses-csv",
            help="Write the seeded sample of --misses held-out misses (ruling, code, top-k "
            "returned, automatic cause, description) to this CSV, for reading by cause.",
        ),
    ] = None,
    leave_one_out: Annotated[
        bool,
        typer.Option(
            "--leave-one-out",
            help="The old in-sample measure instead: each ruling with the other rulings as "
            "evidence and the default (not refitted) weights.",
        ),
    ] = False,
) -> None:
    """Accuracy of the candidate codes on real rulings, k-fold: fitted on training folds, scored held out."""
    from hsguard.candidates import CandidateBuildError, evaluate_candidates, format_candidate_evaluation

    if rulings is not None and not rulings.is_file():
        fail(f"rulings file not found: {rulings}", EXIT_INPUT_REFUSED)
    from hsguard.candidate_evaluation import parse_curve

    try:
        sizes = parse_curve(learning_curve)
    except ValueError:
        fail(
            f"--learning-curve takes comma-separated numbers or percentages, not {learning_curve!r}",
            EXIT_INPUT_REFUSED,
        )
    if misses_csv is not None and not misses:
        fail("--misses-csv needs --misses N (how many held-out misses to sample)", EXIT_INPUT_REFUSED)
    try:
        if leave_one_out:
            typer.echo(format_candidate_evaluation(evaluate_candidates(rulings, top_k=top, quiet=True)))
            return
        from hsguard.candidate_evaluation import evaluate_kfold, format_kfold

        result = evaluate_kfold(
            rulings, folds=folds, seed=seed, top_k=top, learning_curve=sizes, progress=typer.echo
        )
    except CandidateBuildError as exc:
        fail(str(exc))
    typer.echo(format_kfold(result, misses=misses))
    if misses_csv is not None:
        from hsguard.candidate_evaluation import miss_sample, write_misses_csv

        write_misses_csv(miss_sample(result["misses"], misses, seed), misses_csv)
        typer.echo(f"wrote {min(misses, len(result['misses']))} held-out misses to {misses_csv}")


@app.command()
def report(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report to.")] = Path(
        "reports/regenerated"
    ),
) -> None:
    """Regenerate report.html, review_queue.csv/.xlsx and flags.csv from a published warehouse."""
    import json

    from flows.report import collect_summary
    from hsguard.report_feeds import MissingFeedError
    from hsguard.report_page import render_report
    from hsguard.reporting import write_report
    from hsguard.warehouse import connect

    if not warehouse.is_file():
        fail(f"no warehouse at {warehouse}: run `hsguard run` first")
    con = connect(warehouse, read_only=True)
    try:
        row = con.execute(
            "select run_id, started_at, sources, rows_in, rows_loaded, rows_quarantined, stage_seconds "
            "from audit.run_history order by finished_at desc limit 1"
        ).fetchone()
        reference = con.execute(
            "select dataset, edition, source_file, sha256, rows_loaded from audit.load_lineage "
            "where dataset is not null"
        ).fetchall()
    finally:
        con.close()
    if row is None:
        fail(f"{warehouse} has no run history")
    base = {
        "run_id": row[0],
        "started_at": str(row[1]),
        "sources": row[2],
        "rows_in": row[3],
        "rows_loaded": row[4],
        "rows_quarantined": row[5],
        "stage_seconds": json.loads(row[6]),
        "reference": [
            {"dataset": d, "edition": e, "file": f, "sha256": h, "rows_loaded": n}
            for d, e, f, h, n in reference
        ],
    }
    try:
        full = collect_summary(warehouse, base)
        con = connect(warehouse, read_only=True)
        try:
            write_report(con, out, full)
            html = render_report(con, out, full)
        finally:
            con.close()
    except MissingFeedError as exc:
        fail(str(exc))
    typer.echo(f"report regenerated: {html}")


@app.command()
def shell(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """Open the published warehouse read-only in the DuckDB CLI (safe while a run publishes)."""
    import shutil

    if not warehouse.is_file():
        fail(f"no warehouse at {warehouse}: run `hsguard run` first")
    cli = Path(sys.executable).with_name("duckdb")
    binary = str(cli) if cli.exists() else shutil.which("duckdb")
    if binary is None:
        fail("the duckdb CLI is not installed (pip install duckdb-cli)")
    os.execv(binary, [binary, str(warehouse), "-readonly"])


@app.command()
def parity(
    sources: SourcesOpt = SAMPLE_DIR,
    duckdb_warehouse: Annotated[
        Path | None,
        typer.Option(
            "--duckdb-warehouse",
            help="A warehouse an `hsguard run` of SOURCES published: compared as it is, and "
            "its ingested tables are what Spark builds from (default: a fresh run into WORK_DIR).",
        ),
    ] = None,
    spark_warehouse: Annotated[
        Path | None,
        typer.Option(
            "--spark-warehouse",
            help="Instead of building on Spark: compare with what `hsguard run --engine spark` "
            "published there (two separate runs: run_id is not compared). Needs --duckdb-warehouse.",
        ),
    ] = None,
    work_dir: Annotated[
        Path,
        typer.Option("--work-dir", help="Folder for the runs' files (Spark warehouse, dbt logs)."),
    ] = Path("parity"),
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", help="Spark master (default: HSGUARD_SPARK_MASTER, else local[2])."),
    ] = None,
    decimals: Annotated[
        int, typer.Option("--decimals", min=0, max=15, help="Decimal places doubles are compared to.")
    ] = 6,
    show: Annotated[int, typer.Option("--show", min=0, help="Differing rows shown per mart and side.")] = 5,
    with_tests: Annotated[
        bool,
        typer.Option("--with-tests", help="Run dbt's data and unit tests on Spark too (much longer)."),
    ] = False,
    threads: Annotated[
        int | None, typer.Option("--threads", min=1, help="dbt threads on Spark (default: the profile's).")
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Build SOURCES on DuckDB and on Spark and compare every mart row by row.

    Doubles and decimals are compared rounded to --decimals places, integers of any width
    as 64-bit, strings as they are, NULL equal to NULL (docs/SCALING.md). Prints per mart
    the row counts on both engines and the first differing rows; exit 0 when every mart
    is equal, 1 when one differs or a build fails.
    """
    if spark_warehouse is not None and duckdb_warehouse is None:
        fail("--spark-warehouse compares two published runs: give the DuckDB one with --duckdb-warehouse")
    if duckdb_warehouse is None:
        preflight(sources)
    elif not duckdb_warehouse.is_file():
        fail(f"no warehouse at {duckdb_warehouse}: run `hsguard run` first")
    from hsguard import spark
    from hsguard.console import quiet_console
    from hsguard.parity import format_comparison
    from hsguard.parity_run import parity as build_and_compare

    reason = spark.missing_requirement()
    if reason is not None:
        fail(reason)
    if duckdb_warehouse is None:
        import flows.nightly  # noqa: F401 - Prefect configures logging on import; quiet it below
    quiet_console(verbose)
    log = open_run_log(work_dir)
    typer.echo(f"hsguard parity: log {log}")
    try:
        if spark_warehouse is not None:
            from hsguard.parity_run import compare_published

            outcome = compare_published(duckdb_warehouse.resolve(), spark_warehouse.resolve(), decimals, show)
        else:
            outcome = build_and_compare(
                sources,
                work_dir.resolve(),
                duckdb_warehouse.resolve() if duckdb_warehouse else None,
                spark_master,
                decimals,
                show,
                progress=typer.echo,
                tests=with_tests,
                threads=threads,
            )
    except Exception as exc:  # noqa: BLE001 - one line for the user, details are in the log
        import logging

        logging.getLogger("hsguard").error("parity failed", exc_info=exc)
        first = str(exc).splitlines()[0] if str(exc) else ""
        fail(f"parity failed: {type(exc).__name__}: {first[:400]} (details: {log})")
    finally:
        spark.stop()
    for comparison in outcome.comparisons:
        for line in format_comparison(comparison):
            typer.echo(line)
    for name, why in sorted(outcome.excluded.items()):
        typer.echo(f"{name:<38} not compared: {why}")
    timing = ", ".join(f"{k} {v:.0f} s" for k, v in outcome.seconds.items())
    equal = sum(1 for c in outcome.comparisons if c.equal)
    if outcome.spark_failure:
        typer.echo(
            f"the Spark build failed, its missing marts count as different: {outcome.spark_failure[:400]}"
        )
    verdict = "equal" if outcome.equal else "DIFFERENT"
    marts = len(outcome.comparisons)
    typer.echo(f"parity {verdict}: {equal} of {marts} marts equal (run {outcome.run_id}; {timing})")
    if not outcome.equal:
        raise typer.Exit(EXIT_FAILED)


def interrupt(signum, _frame) -> None:
    """SIGTERM as Ctrl-C: the run in progress removes its private build and exits 130."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    signal.signal(signal.SIGTERM, interrupt)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("hsguard: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
