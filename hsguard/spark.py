"""The Spark engine's session: checked for, configured from the dbt profile, started once.

dbt-spark's ``session`` method runs Spark inside this process and joins the
SparkSession that is already running, so hsguard starts it first, with the settings of
the ``spark`` output of profiles.yml (rendered with the same environment variables:
HSGUARD_SPARK_MASTER, HSGUARD_SPARK_WAREHOUSE, HSGUARD_SPARK_SHUFFLE_PARTITIONS,
HSGUARD_SPARK_DRIVER_MEMORY). One place says how Spark is configured; nothing about a
cluster is written in code. The raw tables registered here, the models dbt builds and
the marts the report reads all live in that one session's catalogue.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

from hsguard.paths import PROJECT_ROOT

MASTER_ENV = "HSGUARD_SPARK_MASTER"
WAREHOUSE_ENV = "HSGUARD_SPARK_WAREHOUSE"
DEFAULT_MASTER = "local[2]"
SPARK_TARGET = "spark"
JAVA_VERSIONS = ("17", "21")
#: hsguard's console shows its own progress: no Spark stage bars on the terminal.
CONSOLE_SETTINGS = {"spark.ui.showConsoleProgress": "false"}
#: Spark's log4j2 configuration: its log lines to a file (spark_log_file()), not the console.
LOG4J2_PROPERTIES = Path(__file__).with_name("spark_log4j2.properties")
JAVA_OPTIONS = "spark.driver.extraJavaOptions"
#: Spark's catalogue: ``hive`` (a Derby metastore in the warehouse directory, as dbt-spark's
#: session method sets up; the next process finds the tables) or ``in-memory`` (this
#: process only: no metastore to create and write, for a build that is read and thrown
#: away in the same process, as hsguard parity's).
CATALOG_SETTING = "spark.sql.catalogImplementation"
CATALOGS = ("hive", "in-memory")


class SparkUnavailable(RuntimeError):
    """Spark cannot start here (no pyspark/dbt-spark, no Java 17); the message says what to do."""


def missing_requirement() -> str | None:
    """Why the Spark engine cannot run on this machine, in one line; None when it can."""
    missing = [name for name in ("pyspark", "dbt.adapters.spark") if not module_found(name)]
    if missing:
        return f"the Spark engine is not installed ({', '.join(missing)} missing): run make setup-spark"
    java = java_executable()
    if java is None:
        return "Spark needs Java 17 and no java is on PATH (nor in JAVA_HOME): install a JDK or JRE 17"
    try:
        shown = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Spark needs Java 17 and {java} -version failed: {exc}"
    found = re.search(r'version "(\d+)', shown)
    if found is None or found.group(1) not in JAVA_VERSIONS:
        first = shown.strip().splitlines()[0] if shown.strip() else "nothing"
        return f"Spark needs Java 17 (or 21); {java} -version says: {first}"
    return None


def module_found(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def java_executable() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def require_spark() -> None:
    """Raise SparkUnavailable with missing_requirement()'s reason when Spark cannot run."""
    reason = missing_requirement()
    if reason is not None:
        raise SparkUnavailable(reason)


def profile_settings(root: Path = PROJECT_ROOT, target: str = SPARK_TARGET) -> dict[str, str]:
    """The Spark settings (``server_side_parameters``) of ``target`` in profiles.yml,
    rendered with the current environment as dbt renders them (``env_var``)."""
    import jinja2
    import yaml

    profiles = yaml.safe_load((root / "profiles.yml").read_text(encoding="utf-8"))
    output = profiles["hsguard"]["outputs"][target]

    def env_var(name: str, default: str | None = None) -> str:
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise SparkUnavailable(f"profiles.yml target {target} needs the environment variable {name}")
        return default

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return {
        key: environment.from_string(str(value)).render(env_var=env_var)
        for key, value in (output.get("server_side_parameters") or {}).items()
    }


def configure(warehouse: Path, master: str | None = None) -> None:
    """Point this process's Spark (and dbt's ``spark`` target) at ``warehouse`` (its
    tables and Derby metastore) and ``master`` (default: HSGUARD_SPARK_MASTER, else
    local[2]). Call before the session starts: Spark reads both once."""
    warehouse = warehouse.resolve()
    warehouse.mkdir(parents=True, exist_ok=True)
    os.environ[WAREHOUSE_ENV] = str(warehouse)
    if master:
        os.environ[MASTER_ENV] = master
    os.environ.setdefault(MASTER_ENV, DEFAULT_MASTER)


def set_env(name: str, value: str | None) -> None:
    """Set (or, with None, remove) an environment variable dbt's spark target reads."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def import_gx_pyspark_shim_safely() -> None:
    """Import Great Expectations' pyspark shim so that pyspark cannot end the process.

    With pyspark installed (the Spark extra), ``import pyspark.sql.connect`` ends a process
    whose ``__main__`` has neither a file nor a spec, taking it for a doctest run: it prints
    "Skipping doctests: No module named 'grpc'" and exits 0 (pyspark/sql/connect/utils.py).
    Great Expectations imports it, so ``python -c "import flows.nightly"`` (or a
    pytest-xdist worker) stopped silently, with exit code 0, when it imported GX. Here GX's
    shim is imported once with ``sys.ps1`` set (what that check accepts as an interactive
    session): GX records pyspark's connect classes as missing and nothing imports them
    again. A program run from a file (the ``hsguard`` command, a script) is not affected
    and imports nothing here."""
    import sys

    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or hasattr(main, "__file__"):
        return
    had_ps1 = hasattr(sys, "ps1")
    if not had_ps1:
        sys.ps1 = ""
    try:
        import great_expectations.compatibility.pyspark  # noqa: F401
    finally:
        if not had_ps1:
            del sys.ps1


def ignore_pandas_support_warning() -> None:
    """Keep pyspark 4.3's "does not yet fully support pandas >= 3.0.0" FutureWarning off the
    console, for the whole process. pyspark raises it when its Connect or testing modules
    are imported: by the Spark start-up, and by every import of Great Expectations once
    pyspark is installed (GX's pyspark compatibility module imports pyspark.sql.connect).
    hsguard hands Spark no pandas frames (Parquet and Arrow), so the warning says nothing
    about a run."""
    warnings.filterwarnings(
        "ignore", message=r".*does not yet fully support pandas >= 3", category=FutureWarning
    )


def session(catalog: str = "hive"):
    """The process's SparkSession (started on first use with profile_settings() and the
    catalogue ``catalog``: CATALOGS). Raises SparkUnavailable when Spark cannot run here."""
    if catalog not in CATALOGS:
        raise ValueError(f"unknown Spark catalogue {catalog!r}: one of {', '.join(CATALOGS)}")
    require_spark()
    log_file = spark_log_file()
    settings = profile_settings() | CONSOLE_SETTINGS | {CATALOG_SETTING: catalog}
    settings[JAVA_OPTIONS] = java_options(settings.get(JAVA_OPTIONS, ""), log_file)
    ignore_pandas_support_warning()
    from pyspark.sql import SparkSession

    start_context(settings, log_file)
    builder = SparkSession.builder
    for key, value in settings.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    # after the start-up's warnings (in the log file): errors only, not a line per statement
    spark.sparkContext.setLogLevel("ERROR")
    quiet_query_errors()
    return spark


def start_context(settings: dict[str, str], log_file: Path) -> None:
    """Start the JVM and the SparkContext with ``settings``, unless one runs already.

    The JVM's standard output and standard error go to ``log_file`` (appended), not the
    console: the JVM writes ``WARNING: Using incubator modules: jdk.incubator.vector`` to
    standard error itself (Spark's launcher always adds that module), before any logging
    configuration is read, and writes some warnings to standard output whatever the
    logging options say (HotSpot's "CodeCache is full. Compiler has been disabled" and its
    code cache statistics, seen with ``-XX:TieredStopAtLevel=1`` on the sample).
    pyspark's ``launch_gateway`` takes the ``Popen`` arguments for that (its
    ``popen_kwargs``, documented for capturing the JVM's output); the SparkContext is then
    given that gateway, and the session builder joins the running context."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway

    if SparkContext._active_spark_context is not None:
        return
    conf = SparkConf(loadDefaults=False)
    for key, value in settings.items():
        conf.set(key, value)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:  # the child keeps its own descriptors
        gateway = launch_gateway(conf, popen_kwargs={"stdout": log, "stderr": log})
    SparkContext(conf=conf, gateway=gateway)


def spark_log_file() -> Path:
    """Where Spark's own log lines go: the run's log file (the file handler of the root
    logger, hsguard.cli.open_run_log), else spark.log in the Spark warehouse directory."""
    import logging

    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return Path(os.environ.get(WAREHOUSE_ENV, "warehouse/spark")).resolve() / "spark.log"


def java_options(options: str, log_file: Path) -> str:
    """The driver's Java options of the profile plus hsguard's log4j2 configuration
    (LOG4J2_PROPERTIES, writing to ``log_file``) and the JVM's own warnings (unified
    logging: the garbage collector's "Retried waiting for GCLocker too often", ...) on
    standard error, which start_context sends to ``log_file``: by default the JVM writes
    them to standard output, i.e. the console."""

    def quoted(value: str) -> str:
        return f'"{value}"' if any(c.isspace() for c in value) else value

    added = [
        "-Xlog:disable",
        "-Xlog:all=warning:stderr:uptime,level,tags",
        quoted(f"-Dlog4j2.configurationFile={LOG4J2_PROPERTIES}"),
        quoted(f"-Dhsguard.spark.log={log_file}"),
    ]
    return " ".join([options.strip(), *added]).strip()


def quiet_query_errors() -> None:
    """pyspark logs every failed statement as JSON to stderr (its SQLQueryContextLogger,
    which does not propagate) before raising it; the error reaches the caller (dbt,
    hsguard) and its log anyway, so that duplicate is dropped."""
    import logging

    from pyspark.logger import PySparkLogger

    logger = PySparkLogger.getLogger("SQLQueryContextLogger")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logging.Logger.addHandler(logger, logging.NullHandler())


def stop() -> None:
    """Stop the process's SparkSession if one runs (frees the Derby metastore's lock)."""
    if not module_found("pyspark"):
        return
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()
