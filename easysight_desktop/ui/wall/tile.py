"""One tile of the wall: the newest frame of its camera, and an overlay that tells the truth.

The tile never waits for its decoder: the wall's refresh timer calls :meth:`WallTile.poll`,
which takes the decoder's newest frame if there is a new one and repaints. A stream that is lost
(or live but silent for longer than ``STALE_S``) is drawn as "no signal" with the reason and the
time of the last frame — never its last picture, which would look live.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QWidget

from easysight_desktop.control.views import CameraView
from easysight_desktop.ui.status_colors import CRITICAL, INFO, NORMAL, OFFLINE, status_color
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.wall.mime import DraggedCameras, decode
from easysight_desktop.video.decoder import LinkState, LinkStatus, TileDecoder, TileFrame

STALE_S = 2.0  # a "live" stream without a new frame for this long is shown as lost
STATUS_EVERY_S = 0.25  # how often the overlay's figures (fps, state) are read again
BACKGROUND = QColor("#0b0d10")
LOST_BACKGROUND = QColor("#1a1215")
BORDER = QColor("#30363d")
SELECTED = QColor(INFO)
BAR = QColor(0, 0, 0, 160)
TITLE = QColor("#161b22")


def clock(at: float | None) -> str:
    return datetime.fromtimestamp(at).strftime("%H:%M:%S") if at else ""


class WallTile(QWidget):
    """A camera's place on the wall (``camera`` None: an empty place to drop one on)."""

    doubleClicked = Signal(int)  # the tile's index on the page
    menuRequested = Signal(int, QPoint)  # index, global position
    dropped = Signal(int, object)  # index, DraggedCameras
    clicked = Signal(int)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"wallTile{index}")
        self.index = index
        self.camera: CameraView | None = None
        self.decoder: TileDecoder | None = None
        self.selected = False
        self.enlarged = False  # shown alone, playing the main stream
        self.alarm_count = 0
        self.displayed = 0  # frames painted since the tile got its camera (bench, tests)
        self._frame: TileFrame | None = None
        self._image: QImage | None = None
        self._status: LinkStatus | None = None
        self._status_at = 0.0
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the tile paints every pixel
        self.setMinimumSize(80, 45)

    # --- camera and decoder ------------------------------------------------------------------

    def attach(self, camera: CameraView | None, decoder: TileDecoder | None) -> TileDecoder | None:
        """Show ``camera`` played by ``decoder`` (started by the caller); returns the previous
        decoder, already asked to stop, for the caller to join later."""
        old, self.decoder, self.camera = self.decoder, decoder, camera
        if old is not None:
            old.stop()
        self._frame, self._image, self._status, self.displayed = None, None, None, 0
        if decoder is not None:
            self._size_decoder()
        self.update()
        return old

    def update_camera(self, camera: CameraView) -> None:
        """Same camera, new facts (its name or diagnosis status changed)."""
        self.camera = camera
        self.update()

    def set_alarm_count(self, count: int) -> None:
        if count != self.alarm_count:
            self.alarm_count = count
            self.update()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    @property
    def status(self) -> LinkStatus | None:
        return self._status

    @property
    def shows_live_picture(self) -> bool:
        """What the operator sees: a picture presented as live (tests check this)."""
        return self._image is not None and not self.lost

    @property
    def lost(self) -> bool:
        """Lost as the operator sees it: the decoder says so, or no frame for ``STALE_S``."""
        status = self._status
        if status is None:
            return False
        if status.state is LinkState.LOST:
            return True
        stale_since = status.last_frame_at
        return (
            status.state is LinkState.LIVE
            and stale_since is not None
            and time.time() - stale_since > STALE_S
        )

    def poll(self, now: float) -> None:
        """Called at the screen's pace: take the newest frame if there is one; cheap."""
        decoder = self.decoder
        if decoder is None:
            return
        changed = False
        if now - self._status_at >= STATUS_EVERY_S:
            self._status_at = now
            was_lost = self.lost
            self._status = decoder.status()
            changed = True  # figures and the clock move
            if self.lost and not was_lost:
                self._image = None
        frame = decoder.latest()
        if frame is not None and (self._frame is None or frame.seq != self._frame.seq):
            self._frame = frame
            pixels = frame.pixels
            height, width = pixels.shape[:2]
            # Wraps the decoder's array without a copy: the decoder never writes it again, and
            # self._frame keeps it alive as long as the image.
            self._image = QImage(pixels.data, width, height, pixels.strides[0],
                                 QImage.Format.Format_RGB32)  # fmt: skip
            self.displayed += 1
            changed = True
        elif frame is None and self._image is not None:
            self._image = None  # the decoder dropped it (lost, or switched streams)
            changed = True
        if changed:
            self.update()

    def _title_height(self) -> int:
        """The title bar (name, time) sits above the picture, never over the camera's own
        on-screen text."""
        return QFontMetrics(self._font(1.0, True)).height() + 6

    def picture_rect(self) -> QRect:
        return self.rect().adjusted(0, self._title_height(), 0, 0)

    def _size_decoder(self) -> None:
        if self.decoder is not None:
            ratio = self.devicePixelRatioF()
            area = self.picture_rect()
            self.decoder.set_size(int(area.width() * ratio), int(area.height() * ratio))

    # --- Qt events ---------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._size_decoder()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.doubleClicked.emit(self.index)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.index)
        super().mousePressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.clicked.emit(self.index)
        self.menuRequested.emit(self.index, event.globalPos())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if decode(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        dragged = decode(event.mimeData())
        if dragged is not None:
            event.acceptProposedAction()
            self.drop(dragged)

    def drop(self, dragged: DraggedCameras) -> None:
        self.dropped.emit(self.index, dragged)

    # --- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.rect()
        lost = self.lost
        painter.fillRect(rect, LOST_BACKGROUND if lost else BACKGROUND)
        if self.camera is None:
            self._paint_empty(painter, rect)
        elif lost:
            self._paint_lost(painter, rect)
        elif self._image is not None:
            ratio = self.devicePixelRatioF()
            self._image.setDevicePixelRatio(ratio)
            area = self.picture_rect()
            w, h = self._image.width() / ratio, self._image.height() / ratio
            left, top = area.left() + (area.width() - w) / 2, area.top() + (area.height() - h) / 2
            painter.drawImage(QRectF(left, top, w, h), self._image)
        else:
            self._paint_centre(painter, rect, [(self.tr("Connecting…"), QColor(OFFLINE), True)])
        if self.camera is not None:
            self._paint_bars(painter, rect, lost)
        painter.setPen(SELECTED if self.selected else BORDER)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    def _font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, min(11.0, self.height() / 26)) * scale)
        font.setBold(bold)
        return font

    def _paint_empty(self, painter: QPainter, rect: QRect) -> None:
        self._paint_centre(
            painter, rect, [(self.tr("Drag a camera or a group here"), QColor(OFFLINE), False)]
        )

    def _paint_lost(self, painter: QPainter, rect: QRect) -> None:
        status = self._status
        assert status is not None
        if status.state is LinkState.LIVE:  # frames stopped, the decoder has not noticed yet
            silent = time.time() - (status.last_frame_at or time.time())
            reason = self.tr("no picture for {0} s").format(int(silent))
        else:
            reason = status.reason
        if status.last_frame_at:
            last = self.tr("Last frame at {0}").format(clock(status.last_frame_at))
        else:
            last = self.tr("No frame received yet")
        lines = [
            (self.tr("NO SIGNAL — reconnecting…"), QColor(CRITICAL), True),
            (reason, QColor("#e6edf3"), False),
            (last, QColor(OFFLINE), False),
        ]
        self._paint_centre(painter, rect, lines)

    def _paint_centre(
        self, painter: QPainter, rect: QRect, lines: list[tuple[str, QColor, bool]]
    ) -> None:
        """Lines centred in the picture area, below the title bar."""
        area = rect.adjusted(0, self._title_height(), 0, 0) if self.camera else rect
        height = sum(QFontMetrics(self._font(1.15 if bold else 1.0, bold)).height() + 6
                     for _, _, bold in lines)  # fmt: skip
        y = area.center().y() - height // 2
        for text, colour, bold in lines:
            painter.setFont(self._font(1.15 if bold else 1.0, bold))
            metrics = painter.fontMetrics()
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 16)
            painter.setPen(colour)
            box = QRect(rect.left() + 8, y, rect.width() - 16, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, shown)
            y += metrics.height() + 6

    def _paint_bars(self, painter: QPainter, rect: QRect, lost: bool) -> None:
        """Name and time on top; link state, frame rate, diagnosis and alarms below."""
        camera = self.camera
        assert camera is not None
        painter.setFont(self._font(1.0, True))
        metrics = painter.fontMetrics()
        bar_h = metrics.height() + 6
        top = QRect(rect.left(), rect.top(), rect.width(), bar_h)
        painter.fillRect(top, TITLE)
        bottom = QRect(rect.left(), rect.bottom() - bar_h + 1, rect.width(), bar_h)
        painter.fillRect(bottom, BAR)
        status = self._status
        shown_at = self._frame.captured_at if self._frame and not lost else None
        time_text = clock(shown_at) if shown_at else ""
        time_w = metrics.horizontalAdvance("00:00:00") + 12
        painter.setPen(QColor("#e6edf3"))
        title = camera.name
        if self.enlarged:
            title += "  ·  " + self.tr("main stream — double-click to return")
        name = metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width() - time_w - 12)
        painter.drawText(top.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(self._font())
        right_aligned = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(top.adjusted(6, 0, -6, 0), right_aligned, time_text)
        # link state and frame rate, left
        if status is None or status.state is LinkState.CONNECTING:
            colour, text = QColor(OFFLINE), self.tr("connecting")
        elif lost:
            colour, text = QColor(CRITICAL), self.tr("no signal")
        else:
            colour, text = QColor(NORMAL), self.tr("LIVE  {0:.0f} fps").format(status.fps)
        x = self._dot(painter, bottom.left() + 8, bottom.center().y(), colour)
        painter.setPen(colour)
        painter.drawText(QRect(x + 5, bottom.top(), rect.width() // 2, bar_h),
                         Qt.AlignmentFlag.AlignVCenter, text)  # fmt: skip
        # diagnosis status and open alarms, right
        right = bottom.right() - 8
        if self.alarm_count:
            badge = (
                self.tr("{0} alarms").format(self.alarm_count)
                if self.alarm_count > 1
                else self.tr("1 alarm")
            )
            width = painter.fontMetrics().horizontalAdvance(badge) + 12
            box = QRect(right - width, bottom.top() + 3, width, bar_h - 6)
            painter.setBrush(QColor(CRITICAL))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("#0b0d10"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
            right = box.left() - 8
        if camera.status != "unknown":
            word = status_word(camera.status)
            width = painter.fontMetrics().horizontalAdvance(word)
            painter.setPen(status_color(camera.status))
            painter.drawText(QRect(right - width, bottom.top(), width, bar_h),
                             Qt.AlignmentFlag.AlignVCenter, word)  # fmt: skip
            self._dot(painter, right - width - 14, bottom.center().y(), status_color(camera.status))

    @staticmethod
    def _dot(painter: QPainter, x: int, y: int, colour: QColor) -> int:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPoint(x + 4, y), 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return x + 8
