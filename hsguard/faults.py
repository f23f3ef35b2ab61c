"""Fault-injection points for the crash tests (inactive unless HSGUARD_PAUSE_AT is set).

With ``HSGUARD_PAUSE_AT=<stage>`` a run stops at that stage's pause point, writes
``<build dir>/.paused-<stage>`` and sleeps, so a test can SIGKILL it at a known moment.
Several stages may be named (comma-separated): the run then pauses at each in turn and
goes on when the test writes ``<build dir>/.resume-<stage>``, so one run can be looked
at in every stage and killed at the last (a kill test needs no full run per stage).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "HSGUARD_PAUSE_AT"


def pause_point(stage: str, build_dir: Path) -> None:
    if stage not in {s.strip() for s in os.environ.get(ENV, "").split(",")}:
        return
    (build_dir / f".paused-{stage}").write_text(str(os.getpid()), encoding="utf-8")
    resume = build_dir / f".resume-{stage}"
    deadline = time.monotonic() + float(os.environ.get("HSGUARD_PAUSE_SECONDS", "300"))
    while time.monotonic() < deadline and not resume.exists():
        time.sleep(0.05)


FAULT_ENV = "HSGUARD_FAULT"


def active_faults() -> set[str]:
    """The faults named in HSGUARD_FAULT (comma-separated)."""
    return {f.strip() for f in os.environ.get(FAULT_ENV, "").split(",") if f.strip()}


def corrupt_mart_if_asked(con) -> None:
    """With ``HSGUARD_FAULT=bad_mart_row``, blank one flag's evidence before validation.

    Proves in tests that a failing mart expectation stops the run before publishing.
    """
    if "bad_mart_row" in active_faults():
        con.execute(
            "update marts.fct_classification_flags set evidence = '' "
            "where flag_id = (select min(flag_id) from marts.fct_classification_flags)"
        )


#: Stages whose work can be repeated without loading anything twice (see flows/*).
TRANSIENT_FAULTS = ("transient_read", "transient_report")


def transient_failure_if_asked(fault: str, marker_dir: Path) -> None:
    """With ``HSGUARD_FAULT=<fault>``, fail the first attempt of a stage with an OSError.

    The marker file records that the first attempt failed, so the retry succeeds: the
    tests prove the Prefect task retries (and that a retried stage loads nothing twice).
    """
    if fault not in active_faults():
        return
    marker = marker_dir / f".failed-once-{fault}"
    if not marker.exists():
        marker.write_text(str(os.getpid()), encoding="utf-8")
        raise OSError(f"injected transient failure ({fault}): resource temporarily unavailable")
