"""The health chart: task-queue depths and workers online over the last 15 minutes.

Two stacked plots sharing a time axis (counts of messages and counts of workers have different
scales). ``load_history`` takes ``plane.health_history()`` once; ``add_sample`` takes each
``QueuesSampled`` after that. objectName: ``healthChart``; ``curves`` maps queue name → curve.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import timedelta
from typing import Any

import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from easysight_desktop.control.events import Event, QueuesSampled
from easysight_desktop.control.views import HealthSample
from easysight_desktop.ui.status_colors import ACTIVE, CRITICAL, INFO, NORMAL, PAUSED, WARNING

WINDOW = timedelta(minutes=15)
BACKGROUND = "#161b22"
FOREGROUND = "#c9d1d9"
GRID_ALPHA = 0.15
QUEUE_COLORS = (INFO, WARNING, PAUSED, CRITICAL, ACTIVE)


def short_queue_name(name: str) -> str:
    """``site-a.diagnosis_tasks`` → ``diagnosis``: the namespace and suffix add nothing here."""
    return name.rsplit(".", 1)[-1].removesuffix("_tasks")


class HealthChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("healthChart")
        self._samples: deque[HealthSample] = deque()
        self.curves: dict[str, Any] = {}

        self.graphics = pg.GraphicsLayoutWidget(self)
        self.graphics.setObjectName("healthChartView")
        self.graphics.setBackground(BACKGROUND)
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.queues_plot = self.graphics.addPlot(
            row=0, col=0, axisItems={"bottom": pg.DateAxisItem(orientation="bottom")}
        )
        self.workers_plot = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": pg.DateAxisItem(orientation="bottom")}
        )
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.workers_plot.setXLink(self.queues_plot)
        for plot, title in (
            (self.queues_plot, self.tr("Messages waiting in each task queue")),
            (self.workers_plot, self.tr("Workers online")),
        ):
            plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setTitle(title, color=FOREGROUND, size="9pt")
            plot.getAxis("left").setWidth(40)
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setTextPen(FOREGROUND)
                plot.getAxis(axis).setPen("#30363d")
        self.queues_plot.getAxis("bottom").setStyle(showValues=False)
        self.legend = self.queues_plot.addLegend(
            offset=(6, 2), labelTextColor=FOREGROUND, brush=pg.mkBrush(22, 27, 34, 220), colCount=3
        )
        self.workers_curve = self.workers_plot.plot(
            [], [], pen=pg.mkPen(NORMAL, width=2), stepMode=None, name=self.tr("workers online")
        )
        self.empty_text = pg.TextItem(self.tr("No samples yet"), color="#8b949e", anchor=(0.5, 0.5))
        self.queues_plot.addItem(self.empty_text, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self._redraw()

    # --- data in -----------------------------------------------------------------------------

    def load_history(self, samples: list[HealthSample]) -> None:
        self._samples = deque(sorted(samples, key=lambda s: s.at))
        self._trim()
        self._redraw()

    def add_sample(self, sample: HealthSample) -> None:
        self._samples.append(sample)
        self._trim()
        self._redraw()

    def handle_event(self, event: Event) -> None:
        if isinstance(event, QueuesSampled):
            self.add_sample(event.sample)

    @property
    def sample_count(self) -> int:
        return len(self._samples)

    def _trim(self) -> None:
        if not self._samples:
            return
        newest = self._samples[-1].at
        while self._samples and newest - self._samples[0].at > WINDOW:
            self._samples.popleft()

    # --- drawing -----------------------------------------------------------------------------

    def _curve(self, queue: str) -> Any:
        curve = self.curves.get(queue)
        if curve is None:
            color = QUEUE_COLORS[len(self.curves) % len(QUEUE_COLORS)]
            curve = self.queues_plot.plot(
                [], [], pen=pg.mkPen(color, width=2), name=short_queue_name(queue)
            )
            self.curves[queue] = curve
        return curve

    def _redraw(self) -> None:
        samples = list(self._samples)
        times = [s.at.timestamp() for s in samples]
        queues = sorted({q for s in samples for q in s.queue_depths if q.endswith("_tasks")})
        for queue in queues:
            depths = [float(s.queue_depths.get(queue, float("nan"))) for s in samples]
            self._curve(queue).setData(times, depths, connect="finite")
        self.workers_curve.setData(times, [s.workers_online for s in samples])
        self.empty_text.setVisible(not samples)
        if samples:
            end = times[-1]
            self.queues_plot.setXRange(end - WINDOW.total_seconds(), end, padding=0)
            peak = max(
                [0.0, *(s.queue_depths.get(q, 0) for s in samples for q in queues)], default=0
            )
            self.queues_plot.setYRange(0, max(5.0, peak * 1.3), padding=0)  # room for the legend
            most = max(s.workers_online for s in samples)
            self.workers_plot.setYRange(0, max(2.0, most + 1), padding=0)
        else:  # an empty chart still shows the window it will fill
            end = time.time()
            self.queues_plot.setXRange(end - WINDOW.total_seconds(), end, padding=0)
            self.queues_plot.setYRange(0, 5, padding=0)
            self.workers_plot.setYRange(0, 2, padding=0)
            self.empty_text.setPos(end - WINDOW.total_seconds() / 2, 2.5)
