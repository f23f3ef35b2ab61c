"""The Spark engine's plain parts: the setup check, the profile's settings, run schemas."""

from __future__ import annotations

from hsguard import spark
from hsguard.spark_publish import run_query, schema_prefix


def test_no_java_is_one_line_naming_java_17(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(spark, "module_found", lambda name: True)
    reason = spark.missing_requirement()
    assert reason is not None and "Java 17" in reason and "\n" not in reason


def test_an_old_java_is_refused(monkeypatch, tmp_path):
    java = tmp_path / "bin" / "java"
    java.parent.mkdir()
    java.write_text("#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n")
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    monkeypatch.setattr(spark, "module_found", lambda name: True)
    reason = spark.missing_requirement()
    assert reason is not None and "11.0.2" in reason


def test_no_pyspark_says_make_setup_spark(monkeypatch):
    monkeypatch.setattr(spark, "module_found", lambda name: name != "pyspark")
    assert spark.missing_requirement().endswith("run make setup-spark")


def test_settings_come_from_the_profile_and_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(spark.WAREHOUSE_ENV, str(tmp_path))
    monkeypatch.setenv(spark.MASTER_ENV, "spark://cluster:7077")
    settings = spark.profile_settings()
    assert settings["spark.master"] == "spark://cluster:7077"
    assert settings["spark.sql.warehouse.dir"] == str(tmp_path)
    assert str(tmp_path) in settings["spark.hadoop.javax.jdo.option.ConnectionURL"]
    assert settings["spark.ui.enabled"] == "false"


def test_spark_logs_to_the_run_log_through_the_profiles_java_options(tmp_path):
    options = spark.java_options("-Dderby.system.home=/wh", tmp_path / "my logs" / "run.log")
    assert options.startswith("-Dderby.system.home=/wh -Xlog:disable -Xlog:all=warning:stderr")
    assert " -Dlog4j2.configurationFile=" in options
    assert f'"-Dhsguard.spark.log={tmp_path / "my logs" / "run.log"}"' in options
    assert spark.LOG4J2_PROPERTIES.is_file()
    assert "${sys:hsguard.spark.log" in spark.LOG4J2_PROPERTIES.read_text(encoding="utf-8")


def test_the_jvms_own_warnings_go_to_standard_error_not_the_console(tmp_path):
    """The JVM writes its unified-logging warnings (the garbage collector's, on a 10k-product
    build) to standard output unless told otherwise; start_context sends standard error to
    the run's log. Provoked here with -XX:+UseLargePages on a machine without large pages
    (a warning the JVM logs at start): without the options on standard output, with them on
    standard error."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("java") is None:
        pytest.skip("no java on PATH")

    def java(*options: str) -> subprocess.CompletedProcess:
        command = ["java", *options, "-XX:+UseLargePages", "-version"]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    plain = java()
    if "[warning]" not in plain.stdout:
        pytest.skip("this JVM logs no warning for -XX:+UseLargePages (large pages configured)")
    xlog = [o for o in spark.java_options("", tmp_path / "run.log").split() if o.startswith("-Xlog")]
    done = java(*xlog)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "[warning]" in done.stderr, (done.stdout, done.stderr)


def test_run_schemas_are_spark_identifiers():
    assert schema_prefix("20261201T020000Z-3fa9c1") == "run_20261201t020000z_3fa9c1_"


def test_suite_queries_read_the_run_databases():
    query = "select flags.* from marts.fct_classification_flags as flags join seeds.check_catalog as c"
    assert run_query(query, "r_") == (
        "select flags.* from r_marts.fct_classification_flags as flags join r_seeds.check_catalog as c"
    )


def test_an_unknown_catalogue_is_refused_before_spark_starts():
    import pytest

    with pytest.raises(ValueError, match="in-memory"):
        spark.session(catalog="unity")


def test_the_jvms_own_console_lines_go_to_the_log_file(monkeypatch, tmp_path):
    import pyspark
    import pyspark.java_gateway

    launched = {}

    def launch_gateway(conf, popen_kwargs):
        launched["settings"] = dict(conf.getAll())
        launched["stderr"] = popen_kwargs["stderr"].name
        launched["stdout"] = popen_kwargs["stdout"].name
        launched["mode"] = popen_kwargs["stderr"].mode
        return "gateway"

    class Context:
        _active_spark_context = None

        def __init__(self, conf, gateway):
            launched["gateway"] = gateway

    monkeypatch.setattr(pyspark.java_gateway, "launch_gateway", launch_gateway)
    monkeypatch.setattr(pyspark, "SparkContext", Context)
    log = tmp_path / "logs" / "run.log"
    spark.start_context({spark.CATALOG_SETTING: "in-memory", "spark.master": "local[2]"}, log)
    assert launched["stderr"] == str(log) and launched["mode"] == "ab"
    assert launched["stdout"] == str(log)  # HotSpot's code cache warnings are written there
    assert launched["settings"][spark.CATALOG_SETTING] == "in-memory"
    assert launched["gateway"] == "gateway"


def test_importing_the_spark_flow_prints_no_pandas_warning(tmp_path):
    """With pyspark installed, importing Great Expectations imports pyspark's Connect module,
    which warns that pyspark does not fully support pandas 3; `hsguard run --engine spark`
    printed it above its first line. FutureWarnings are errors here: the import must pass."""
    import subprocess
    import sys

    import pytest

    if not spark.module_found("pyspark"):
        pytest.skip("pyspark is not installed (make setup-spark)")
    # a script file, not python -c: pyspark's Connect module exits a process whose main
    # module has no file (it takes it for a doctest run)
    script = tmp_path / "import_flows.py"
    script.write_text("import flows.nightly_spark\nprint('imported')\n")
    done = subprocess.run(
        [sys.executable, "-W", "error::FutureWarning", str(script)],
        cwd=spark.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout.strip() == "imported", done.stderr[-3000:]
    assert "FutureWarning" not in done.stderr, done.stderr[-3000:]


def test_importing_the_flows_with_python_c_goes_on(tmp_path):
    """`python -c "import flows.nightly"` (a process whose main module has no file) used to
    end silently with exit code 0 once pyspark was installed: pyspark's Connect module, which
    Great Expectations imports, took it for a doctest run and called sys.exit(0)."""
    import subprocess
    import sys

    import pytest

    if not spark.module_found("pyspark"):
        pytest.skip("pyspark is not installed (make setup-spark)")
    for module in ("flows.nightly", "flows.nightly_spark"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}; print('imported')"],
            cwd=spark.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0 and done.stdout.strip() == "imported", (module, done.stderr[-3000:])
        assert "Skipping doctests" not in done.stderr, module
