"""Fault-injection points for the crash tests (inactive unless HSGUARD_PAUSE_AT is set).

With ``HSGUARD_PAUSE_AT=<stage>`` a run stops at that stage's pause point, writes
``<build dir>/.paused-<stage>`` and sleeps, so a test can SIGKILL it at a known moment.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

ENV = "HSGUARD_PAUSE_AT"


def pause_point(stage: str, build_dir: Path) -> None:
    if os.environ.get(ENV) != stage:
        return
    (build_dir / f".paused-{stage}").write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("HSGUARD_PAUSE_SECONDS", "300")))
