"""A run's progress as events, for whoever shows them (the ``hsguard`` console).

The flows and the dbt runner report what they do here; they never render anything.
Without a listener (``hsguard serve``, a flow started by Prefect) an event costs a loop
over an empty list. Everything a run says in words still goes to its log.

Events (name, data):
- ``stage_start``: number, name: one of the five stages begins;
- ``stage_done``: number, name, detail (one line of counters), seconds;
- ``nodes``: done, total: dbt nodes finished so far in a dbt build;
- ``note``: text: one line worth showing (what was kept, nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, dict], None]

_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call ``listener(event, data)`` on every event from now on; returns the unsubscriber."""
    _listeners.append(listener)

    def unsubscribe() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return unsubscribe


def emit(event: str, **data) -> None:
    """Tell every listener; a listener that fails never fails the run."""
    for listener in list(_listeners):
        try:
            listener(event, data)
        except Exception:  # noqa: BLE001 - showing progress must not break a run
            import logging

            logging.getLogger("hsguard.progress").debug("progress listener failed", exc_info=True)
