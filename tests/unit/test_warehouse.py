import duckdb
import pytest

from hsguard.report_exports import neutralise_formula
from hsguard.reporting import data_docs_link, data_docs_partial, finalise, partial_dir, remove_partials
from hsguard.warehouse import RunLockedError, WarehousePaths, publish, remove_leftovers, run_lock


def make_db(path, value):
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create or replace table t as select ? as v", [value])
    con.close()


def test_publish_replaces_atomically_and_open_readers_keep_old_version(tmp_path):
    paths = WarehousePaths(tmp_path / "wh" / "hsguard.duckdb")
    make_db(paths.published, "old")
    reader = duckdb.connect(str(paths.published), read_only=True)
    make_db(paths.build_file("r1"), "new")
    publish(paths, "r1")
    assert reader.execute("select v from t").fetchone()[0] == "old"
    reader.close()
    fresh = duckdb.connect(str(paths.published), read_only=True)
    assert fresh.execute("select v from t").fetchone()[0] == "new"
    fresh.close()
    assert not paths.build_dir("r1").exists()


def test_second_lock_holder_is_refused(tmp_path):
    paths = WarehousePaths(tmp_path / "hsguard.duckdb")
    with run_lock(paths):
        with pytest.raises(RunLockedError, match="already using"):
            with run_lock(paths):
                pass
    with run_lock(paths):  # released again
        pass


def test_leftover_builds_are_removed(tmp_path):
    paths = WarehousePaths(tmp_path / "hsguard.duckdb")
    make_db(paths.build_file("dead"), "x")
    removed = remove_leftovers(paths)
    assert [p.name for p in removed] == [".hsguard-build-dead"]
    assert not paths.build_dir("dead").exists()


def test_reports_become_latest_only_when_finalised(tmp_path):
    reports = tmp_path / "reports"
    r1, r2 = "20261123T020000Z-aaaaaa", "20261124T020000Z-bbbbbb"
    partial_dir(reports, r1).mkdir(parents=True)
    (partial_dir(reports, r1) / "flags.csv").write_text("x")
    assert not (reports / "latest").exists()
    finalise(reports, r1)
    assert (reports / "latest" / "flags.csv").read_text() == "x"
    partial_dir(reports, r2).mkdir()
    remove_partials(reports)
    assert not partial_dir(reports, r2).exists()
    assert (reports / "latest").resolve().name == r1


def test_data_docs_are_published_beside_the_report_folder_not_in_it(tmp_path):
    """GX Data Docs need the internet; the report folder works offline, so they are not in it:
    published with the report as reports/data_docs/<run_id>/, where the report's link points."""
    reports = tmp_path / "reports"
    run_id = "20261123T020000Z-aaaaaa"
    partial_dir(reports, run_id).mkdir(parents=True)
    (partial_dir(reports, run_id) / "report.html").write_text("r")
    data_docs_partial(reports, run_id).mkdir()
    (data_docs_partial(reports, run_id) / "index.html").write_text("d")
    final = finalise(reports, run_id)
    assert sorted(p.name for p in final.iterdir()) == ["report.html"]
    assert (final / data_docs_link(run_id)).resolve().read_text() == "d"
    assert not data_docs_partial(reports, run_id).exists()
    # a run that wrote none (suites reused) publishes its report alone
    other = "20261124T020000Z-bbbbbb"
    partial_dir(reports, other).mkdir()
    finalise(reports, other)
    assert not (reports / "data_docs" / other).exists()


def test_a_run_id_never_names_a_path(tmp_path):
    import pytest

    for bad in ("../../etc", "r1", "20261123T020000Z-aaaaaa/../x", ""):
        with pytest.raises(ValueError, match="not a run id"):
            partial_dir(tmp_path, bad)
        with pytest.raises(ValueError, match="not a run id"):
            data_docs_partial(tmp_path, bad)


def test_formula_cells_are_neutralised():
    assert neutralise_formula('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("0101.21.0010") == "0101.21.0010"
    assert neutralise_formula(12) == 12
