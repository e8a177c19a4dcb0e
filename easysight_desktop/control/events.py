"""Events the control plane announces, and the small bus that carries them to observers.

Observers (the window, the CLI) run on the event loop's thread; under qasync that is the GUI
thread, so a callback must be quick: the window queues changes and repaints on a timer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from easysight_desktop.control.views import (
    AlarmView,
    CameraView,
    ConnectionState,
    HealthSample,
    QueueView,
    TaskView,
    WorkerView,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BrokerStateChanged:
    state: ConnectionState


@dataclass(frozen=True)
class DatabaseStateChanged:
    state: ConnectionState


@dataclass(frozen=True)
class TasksChanged:
    """Tasks whose row changed (created, queued, started, finished, re-queued, cancelled)."""

    tasks: tuple[TaskView, ...]


@dataclass(frozen=True)
class ResultRecorded:
    task_id: UUID
    attempt: int
    camera_id: int | None


@dataclass(frozen=True)
class WorkersChanged:
    workers: tuple[WorkerView, ...]


@dataclass(frozen=True)
class QueuesSampled:
    queues: tuple[QueueView, ...]
    sample: HealthSample


@dataclass(frozen=True)
class AlarmsChanged:
    alarms: tuple[AlarmView, ...]


@dataclass(frozen=True)
class CamerasChanged:
    """The camera registry changed. With ``cameras``, only those rows changed (a diagnosis
    updated their status) and observers may patch them; empty: re-read the registry."""

    cameras: tuple[CameraView, ...] = ()


Event = (
    BrokerStateChanged
    | DatabaseStateChanged
    | TasksChanged
    | ResultRecorded
    | WorkersChanged
    | QueuesSampled
    | AlarmsChanged
    | CamerasChanged
)
Observer = Callable[[Event], None]


class EventBus:
    """Synchronous fan-out; an observer that raises is logged and never stops the others."""

    def __init__(self) -> None:
        self._observers: list[Observer] = []

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    def emit(self, event: Event) -> None:
        for observer in list(self._observers):
            try:
                observer(event)
            except Exception:
                log.exception("observer %r failed on %s", observer, type(event).__name__)
