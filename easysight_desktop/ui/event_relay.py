"""Carries the control plane's events into Qt as a signal.

Under qasync the plane emits on the GUI thread and the signal is delivered at once (a direct
connection). Should an event ever be emitted from another thread, Qt queues it to the GUI thread
instead of letting a worker thread touch widgets. Observers must stay quick either way: the
panes only queue changes and repaint on their own timers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from easysight_desktop.control.events import Event, EventBus


class EventRelay(QObject):
    received = Signal(object)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        self.received.emit(event)

    def close(self) -> None:
        """Stop listening (idempotent); the window calls it when it closes."""
        if self._unsubscribe is not None:
            unsubscribe, self._unsubscribe = self._unsubscribe, None
            with contextlib.suppress(ValueError):  # already removed
                unsubscribe()
