"""What ``hsguard run`` shows on the terminal: the five stages with their counters, a
progress bar while dbt builds, what was kept, and the final summary.

Everything else a run says (Prefect's flow-run names and server address, dbt's node
lines, library warnings) goes to the run's log file only, unless ``--verbose``.
"""

from __future__ import annotations

import logging
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hsguard import progress

SILENT = logging.CRITICAL + 10


def quiet_console(verbose: bool) -> None:
    """Keep Prefect's (and every other) console log handler off the terminal unless
    ``verbose``; Python warnings become log records (``py.warnings``), so they reach the
    run's log file and, with ``verbose``, the terminal. Call after Prefect has configured
    logging (importing the flows) and before the run's log file is opened."""
    logging.captureWarnings(True)
    if verbose:
        return
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            stream = getattr(handler, "stream", None)
            if stream in (sys.stdout, sys.stderr) or type(handler).__name__ == "PrefectConsoleHandler":
                handler.setLevel(SILENT)


class RunConsole:
    """A hsguard.progress listener that prints one line per finished stage (a transient
    progress bar while a stage runs, on a terminal only) and the notes."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.progress: Progress | None = None
        self.task = None

    def __enter__(self) -> RunConsole:
        self.unsubscribe = progress.subscribe(self)
        return self

    def __exit__(self, *exc) -> None:
        self.unsubscribe()
        self._stop_bar()

    def __call__(self, event: str, data: dict) -> None:
        if event == "stage_start":
            self._start_bar(f"[{data['number']}/5] {data['name']}")
        elif event == "nodes" and self.progress is not None:
            self.progress.update(self.task, completed=data["done"], total=data["total"])
        elif event == "stage_done":
            self._stop_bar()
            label = f"[{data['number']}/5] {data['name']}"
            self.console.print(f"{label:<36} {data['detail']} ({data['seconds']:.0f} s)", markup=False)
        elif event == "note":
            self._stop_bar()
            self.console.print(data["text"], markup=False)

    def _start_bar(self, label: str) -> None:
        self._stop_bar()
        if not self.console.is_terminal:
            return
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.progress.add_task(label, total=None)
        self.progress.start()

    def _stop_bar(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
