"""hsguard serve's stop: a flow run started during a stop does not run, and no flow-run
process outlives the serve."""

from __future__ import annotations

import multiprocessing
import time

from hsguard import serving


class _NightlyMustNotRun:
    def fn(self, *args, **kwargs):
        raise AssertionError("the nightly flow ran after the stop request")


def test_a_flow_run_started_after_the_stop_request_ends_without_building(tmp_path, monkeypatch, capsys):
    marker = tmp_path / "stop-requested"
    marker.touch()
    monkeypatch.setenv(serving.STOP_FILE_ENV, str(marker))
    monkeypatch.setattr(serving, "nightly", _NightlyMustNotRun())
    result = serving.served_nightly(
        sources=str(tmp_path / "src"),
        warehouse=str(tmp_path / "wh.duckdb"),
        reports=str(tmp_path / "reports"),
    )
    assert result == {"not_started": "hsguard serve was stopping"}
    assert "this scheduled run was not started" in capsys.readouterr().out
    assert not (tmp_path / "reports").exists()  # not even a run log: nothing was started


def test_without_a_stop_request_the_served_run_goes_ahead(tmp_path, monkeypatch):
    monkeypatch.setenv(serving.STOP_FILE_ENV, str(tmp_path / "stop-requested"))  # not there
    assert not serving.stop_requested()
    monkeypatch.delenv(serving.STOP_FILE_ENV)
    assert not serving.stop_requested()


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


def test_flow_run_processes_left_at_the_end_are_ended():
    child = multiprocessing.get_context("spawn").Process(target=_sleep, args=(120,))
    child.start()
    started = time.monotonic()
    serving.stop_late_children(2.0)
    assert not child.is_alive()
    assert time.monotonic() - started < 10
    assert multiprocessing.active_children() == []
