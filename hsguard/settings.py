"""Process-wide settings applied before Prefect, dbt or GX are imported.

hsguard runs offline: telemetry of every library is switched off, and Prefect uses
its temporary local server unless the user points PREFECT_API_URL at a real one.
"""

from __future__ import annotations

import os

OFFLINE_DEFAULTS = {
    "DO_NOT_TRACK": "1",  # dbt
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",
    "PREFECT_UI_ENABLED": "false",
    # The temporary server needs a few seconds on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "TQDM_DISABLE": "1",
}


def apply_offline_defaults() -> None:
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)


#: Prefect task retries for the stages that can be repeated without side effects
#: (reading the source files, writing the report files). Loading, dbt and validation
#: are never retried: a retry there could load twice or hide a real failure.
TASK_RETRIES = 2
TASK_RETRY_DELAY_SECONDS = [2, 10]


def is_transient_failure(task, task_run, state) -> bool:  # noqa: ARG001 - Prefect's signature
    """Prefect ``retry_condition_fn``: retry I/O errors (OSError: a file held or being
    replaced, a share or disk hiccup), not a missing file nor a refused input or a bug."""
    error = state.data
    return isinstance(error, OSError) and not isinstance(error, FileNotFoundError | IsADirectoryError)
