"""The queues pane: how much work waits in the broker and who consumes it.

objectName: ``queuesTable``. Rows come from ``QueuesSampled``; an empty sample (broker down)
empties the table and the hint says why. A queue with messages and no consumer is orange:
nothing will pick those messages up; dead letters waiting are amber.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QVBoxLayout, QWidget

from easysight_desktop.control.events import Event, QueuesSampled
from easysight_desktop.control.views import QueueView
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.formatting import DASH
from easysight_desktop.ui.table_model import Column, RowsModel
from easysight_desktop.ui.table_view import make_table

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane


def is_task_queue(name: str) -> bool:
    return name.endswith("_tasks")


def consumers_status(queue: QueueView) -> str | None:
    """Orange: messages wait and nobody consumes them. Grey: an idle queue nobody serves."""
    if queue.consumers:
        return None
    return "error" if queue.ready > 0 else "unknown"


def ready_status(queue: QueueView) -> str | None:
    if queue.ready == 0:
        return None
    if queue.name.endswith("dead_letters"):
        return "warning"  # something was rejected: worth a look
    return None if queue.consumers else "error"


class QueuesModel(RowsModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        tr = self.tr
        super().__init__(
            [
                Column(tr("Queue"), lambda q: q.name, width=220),
                Column(tr("Ready"), lambda q: str(q.ready), sort=lambda q: q.ready,
                       status=ready_status, icon=False, align_right=True, width=70),
                Column(tr("Unacked"), lambda q: DASH if q.unacked is None else str(q.unacked),
                       sort=lambda q: q.unacked if q.unacked is not None else -1,
                       tooltip=lambda q: tr("Known only with the RabbitMQ management API")
                       if q.unacked is None else None,
                       align_right=True, width=70),
                Column(tr("Consumers"), lambda q: str(q.consumers), sort=lambda q: q.consumers,
                       status=consumers_status, icon=False, align_right=True, width=80),
            ],
            key=lambda q: q.name,
            parent=parent,
        )  # fmt: skip


class QueuesPane(QWidget):
    def __init__(self, plane: ControlPlane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queuesPane")
        self._plane = plane
        self.model = QueuesModel(self)
        self.table = make_table("queuesTable", self.model, self)
        self.hint = EmptyHint(self.table, self.tr("Waiting for the first queue sample…"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.table)

    def load(self) -> None:
        self._show(tuple(self._plane.queues()), sampled=False)

    def handle_event(self, event: Event) -> None:
        if isinstance(event, QueuesSampled):
            self._show(event.queues)

    def _show(self, queues: tuple[QueueView, ...], *, sampled: bool = True) -> None:
        names = {q.name for q in queues}
        self.model.remove_keys([q.name for q in self.model.rows() if q.name not in names])
        self.model.upsert(queues)
        if not queues and sampled:
            self.hint.set_text(
                self.tr("No queue figures: the broker is not connected or not sampled yet.")
            )
