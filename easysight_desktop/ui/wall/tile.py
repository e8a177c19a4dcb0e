"""One tile of the wall: the newest frame of its camera, and an overlay that tells the truth.

The tile never waits for its decoder: the wall's refresh timer calls :meth:`WallTile.poll`,
which takes the decoder's newest frame if there is a new one and repaints. A stream that is lost
(or live but silent for longer than ``STALE_S``) is drawn as "no signal" with the reason and the
time of the last frame — never its last picture, which would look live.
"""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QPoint, QRect, Qt, Signal
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
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QWidget

from easysight_desktop.control.views import CameraView
from easysight_desktop.ui.status_colors import (
    CRITICAL,
    ERROR,
    INFO,
    NORMAL,
    OFFLINE,
    status_color,
)
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.wall.mime import DraggedCameras, decode
from easysight_desktop.video.link import LinkState, LinkStatus, TileFrame
from easysight_desktop.video.pool import RemoteDecoder

STALE_S = 2.0  # a "live" stream without a new frame for this long is shown as lost
STATUS_EVERY_S = 0.25  # how often the overlay's figures (fps, state) are read again
BACKGROUND = QColor("#0b0d10")
LOST_BACKGROUND = QColor("#1a1215")
BORDER = QColor("#30363d")
SELECTED = QColor(INFO)
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
        self.decoder: RemoteDecoder | None = None
        self.selected = False
        self.enlarged = False  # shown alone, playing the main stream
        self.alarm_count = 0
        self.displayed = 0  # frames painted since the tile got its camera (bench, tests)
        self._frame: TileFrame | None = None
        self._image: QImage | None = None
        self._status: LinkStatus | None = None
        self._status_at = 0.0
        self._title_h = (-1, 0)  # (tile height, title bar height) computed for it
        self._bars_key: tuple[object, ...] = ()
        self._bars: tuple[QPixmap, QPixmap] = (QPixmap(), QPixmap())
        self.setAcceptDrops(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the tile paints every pixel
        self.setMinimumSize(80, 45)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # so Esc reaches the wall after a click

    # --- camera and decoder ------------------------------------------------------------------

    def attach(
        self, camera: CameraView | None, decoder: RemoteDecoder | None
    ) -> RemoteDecoder | None:
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
        """Height of the title bar (name, time) above the picture and of the status bar below."""
        if self._title_h[0] != self.height():
            self._title_h = (self.height(), QFontMetrics(self._font(1.0, True)).height() + 6)
        return self._title_h[1]

    def picture_rect(self) -> QRect:
        """Between the title bar and the status bar: nothing of ours covers the picture (nor
        the camera's own on-screen name and clock)."""
        bar = self._title_height()
        return self.rect().adjusted(0, bar, 0, -bar if self.camera is not None else 0)

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
        if self.camera is not None and not lost and self._image is not None:
            self._paint_picture(painter, self._image)
        else:
            painter.fillRect(rect, LOST_BACKGROUND if lost else BACKGROUND)
        if self.camera is None:
            self._paint_empty(painter, rect)
        elif lost:
            self._paint_lost(painter, rect)
        elif self._image is None:
            self._paint_centre(painter, rect, [(self.tr("Connecting…"), QColor(OFFLINE), True)])
        if self.camera is not None:
            self._paint_bars(painter, rect, lost)
        painter.setPen(SELECTED if self.selected else BORDER)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))
        painter.end()

    def _paint_picture(self, painter: QPainter, image: QImage) -> None:
        """The frame centred below the title bar; only the margins around it are filled (a
        full background fill under the picture would double the cost of a paint)."""
        ratio = self.devicePixelRatioF()
        image.setDevicePixelRatio(ratio)
        area = self.picture_rect()
        w, h = round(image.width() / ratio), round(image.height() / ratio)
        left = area.left() + (area.width() - w) // 2
        top = area.top() + (area.height() - h) // 2
        painter.drawImage(QRect(left, top, w, h), image)
        for margin in (
            QRect(area.left(), area.top(), area.width(), top - area.top()),
            QRect(area.left(), top + h, area.width(), area.bottom() + 1 - top - h),
            QRect(area.left(), top, left - area.left(), h),
            QRect(left + w, top, area.right() + 1 - left - w, h),
        ):
            if margin.width() > 0 and margin.height() > 0:
                painter.fillRect(margin, BACKGROUND)

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
            (self.tr("NO SIGNAL"), QColor(CRITICAL), True),
            (self.tr("Reconnecting — {0}").format(reason), QColor("#e6edf3"), False),
            (last, QColor(OFFLINE), False),
        ]
        self._paint_centre(painter, rect, lines)

    def _paint_centre(
        self, painter: QPainter, rect: QRect, lines: list[tuple[str, QColor, bool]]
    ) -> None:
        """Lines centred in the picture area, below the title bar."""
        area = self.picture_rect()
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
        """Name and time on top; link state, frame rate, diagnosis and alarms below.

        Text is the costly part of a tile's paint (three times its picture), and it changes a
        few times a second while frames arrive 25 times: the bars are drawn once into pixmaps
        and reused until their text changes."""
        camera = self.camera
        assert camera is not None
        status = self._status
        shown_at = clock(self._frame.captured_at) if self._frame and not lost else ""
        title = camera.name
        if self.enlarged:
            title += "  ·  " + self.tr("main stream — double-click to return")
        colour, state = self.link_words(status, lost)
        ratio = self.devicePixelRatioF()
        key = (rect.width(), rect.height(), ratio, title, shown_at, colour, state,
               self.alarm_count, camera.status)  # fmt: skip
        if key != self._bars_key:
            self._bars_key = key
            self._bars = self._render_bars(rect.width(), ratio, title, shown_at,
                                           QColor(colour), state)  # fmt: skip
        top, bottom = self._bars
        painter.drawPixmap(rect.left(), rect.top(), top)
        painter.drawPixmap(rect.left(), rect.bottom() + 1 - round(bottom.height() / ratio), bottom)

    def link_words(self, status: LinkStatus | None, lost: bool) -> tuple[str, str]:
        """The colour and words of the link state in the bottom bar."""
        if status is None or status.state is LinkState.CONNECTING:
            return OFFLINE, self.tr("connecting")
        if lost and status.state is LinkState.LOST and status.misconfigured:
            return ERROR, self.tr("stream error")  # answers, but not as configured
        if lost:
            return CRITICAL, self.tr("no signal")
        if status.fps <= 0:
            return NORMAL, self.tr("LIVE")  # just came up: its rate is measured over 0.5 s
        return NORMAL, self.tr("LIVE  {0:.0f} fps").format(status.fps)

    def _render_bars(
        self, width: int, ratio: float, title: str, time_text: str, colour: QColor, state: str
    ) -> tuple[QPixmap, QPixmap]:
        camera = self.camera
        assert camera is not None
        bar_h = self._title_height()
        top_pm = QPixmap(round(width * ratio), round(bar_h * ratio))
        top_pm.setDevicePixelRatio(ratio)
        top_pm.fill(TITLE)
        painter = QPainter(top_pm)
        painter.setFont(self._font(1.0, True))
        metrics = painter.fontMetrics()
        time_w = metrics.horizontalAdvance("00:00:00") + 12
        painter.setPen(QColor("#e6edf3"))
        name = metrics.elidedText(title, Qt.TextElideMode.ElideRight, width - time_w - 12)
        box = QRect(6, 0, width - 12, bar_h)
        painter.drawText(box, Qt.AlignmentFlag.AlignVCenter, name)
        painter.setFont(self._font())
        painter.drawText(
            box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, time_text
        )
        painter.end()

        bottom_pm = QPixmap(round(width * ratio), round(bar_h * ratio))
        bottom_pm.setDevicePixelRatio(ratio)
        bottom_pm.fill(TITLE)
        painter = QPainter(bottom_pm)
        painter.setFont(self._font())
        middle = bar_h // 2
        # link state and frame rate, left
        x = self._dot(painter, 8, middle, colour)
        painter.setPen(colour)
        painter.drawText(QRect(x + 5, 0, width // 2, bar_h), Qt.AlignmentFlag.AlignVCenter, state)
        left_end = x + 5 + painter.fontMetrics().horizontalAdvance(state) + 10
        # diagnosis status and open alarms, right
        right = width - 8
        if self.alarm_count:
            badge = (
                self.tr("{0} alarms").format(self.alarm_count)
                if self.alarm_count > 1
                else self.tr("1 alarm")
            )
            badge_w = painter.fontMetrics().horizontalAdvance(badge) + 12
            badge_box = QRect(right - badge_w, 3, badge_w, bar_h - 6)
            painter.setBrush(QColor(CRITICAL))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge_box, 4, 4)
            painter.setPen(QColor("#0b0d10"))
            painter.drawText(badge_box, Qt.AlignmentFlag.AlignCenter, badge)
            right = badge_box.left() - 8
        if camera.status != "unknown":
            word = status_word(camera.status)
            word_w = painter.fontMetrics().horizontalAdvance(word)
            if right - word_w - 14 < left_end:  # a small tile: the coloured dot alone
                word, word_w = "", 0
            painter.setPen(status_color(camera.status))
            painter.drawText(QRect(right - word_w, 0, word_w, bar_h),
                             Qt.AlignmentFlag.AlignVCenter, word)  # fmt: skip
            self._dot(painter, right - word_w - 14, middle, status_color(camera.status))
        painter.end()
        return top_pm, bottom_pm

    @staticmethod
    def _dot(painter: QPainter, x: int, y: int, colour: QColor) -> int:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPoint(x + 4, y), 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        return x + 8
