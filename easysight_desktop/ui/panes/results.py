"""The results pane: what one task (or a camera's latest diagnosis) found, check by check.

objectNames: ``resultsHeader``, ``resultsAttemptCombo`` (hidden with one attempt),
``snapshotLabel``, ``referenceLabel`` (the camera's reference view, shown only when it has one),
``referenceCaption``, ``resultsChecksTable``. ``show_task(id)`` / ``show_camera(id, name)`` load
asynchronously; ``loaded`` fires when the pane shows what was asked (tests wait on it), and
``snapshotShown`` when the image is on screen.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from easysight_desktop.control.events import CamerasChanged, Event, ResultRecorded
from easysight_desktop.control.views import CheckView, ResultView
from easysight_desktop.ui import formatting as fmt
from easysight_desktop.ui.asyncslot import AsyncRunner
from easysight_desktop.ui.catalogue import check_hint, check_label, finding, template_label
from easysight_desktop.ui.empty_hint import EmptyHint
from easysight_desktop.ui.notify import Notifier
from easysight_desktop.ui.status_colors import status_hex
from easysight_desktop.ui.status_words import status_word
from easysight_desktop.ui.table_model import Column, RowsModel
from easysight_desktop.ui.table_view import make_table

if TYPE_CHECKING:
    from easysight_desktop.control.plane import ControlPlane


SCORE_COLUMN, VALUE_COLUMN, FINDING_COLUMN = 2, 3, 4


def finding_text(check: CheckView) -> str:
    """The finding in the operator's language (the worker's English message as a fallback)."""
    return finding(check.type, check.code, check.facts, check.message)


def _value_text(check: CheckView) -> str:
    if check.value is None and check.threshold is None:
        return fmt.DASH
    return f"{fmt.number(check.value)} / {fmt.number(check.threshold)}"


class ChecksModel(RowsModel):
    """One row per check of one attempt; every cell's tooltip has the whole finding."""

    def __init__(self, parent: QWidget | None = None) -> None:
        tr = self.tr
        super().__init__(
            [
                Column(tr("Check"), lambda c: check_label(c.type), tooltip=self._tip, width=150),
                Column(tr("Status"), lambda c: status_word(c.status), status=lambda c: c.status,
                       tooltip=self._tip, width=86),
                Column(tr("Score"), lambda c: f"{c.score:.0f}", sort=lambda c: c.score,
                       tooltip=self._tip, align_right=True, width=50),
                Column(tr("Value / limit"), _value_text, tooltip=self._tip, align_right=True,
                       width=104),
                Column(tr("Finding"), finding_text, tooltip=self._tip, width=260),
            ],
            key=lambda c: c.type,
            parent=parent,
        )  # fmt: skip

    def _tip(self, check: CheckView) -> str:
        lines = [f"{check_label(check.type)}: {status_word(check.status)} ({check.score:.0f}/100)"]
        text = finding_text(check)
        if text:
            lines.append(text)
        if check.value is not None or check.threshold is not None:
            lines.append(
                self.tr("value {0}, threshold {1}").format(
                    fmt.number(check.value), fmt.number(check.threshold)
                )
            )
        hint = check_hint(check.type)
        if hint:
            lines.append(hint)
        return "\n".join(lines)


class SnapshotLabel(QLabel):
    """Shows a pixmap scaled to fit, keeping its aspect ratio, re-scaled on resize."""

    def __init__(self, parent: QWidget | None = None, name: str = "snapshotLabel") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(160, 100)
        # Ignored: the layout shares space by stretch, never by the pixmap's size (which would
        # ratchet up with every rescale and leave the picture and the reference unequal).
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setWordWrap(True)
        self._original: QPixmap | None = None

    def set_image(self, image: QImage | None, text: str = "") -> None:
        self._original = QPixmap.fromImage(image) if image is not None else None
        if self._original is None:
            self.setPixmap(QPixmap())
            self.setText(text)
        else:
            self.setText("")
            self._rescale()

    def has_image(self) -> bool:
        return self._original is not None

    def image_size(self) -> QSize:
        return self._original.size() if self._original is not None else QSize()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def sizeHint(self) -> QSize:
        return QSize(320, 180)

    def _rescale(self) -> None:
        if self._original is None:
            return
        self.setPixmap(
            self._original.scaled(
                self.contentsRect().size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class ResultsPane(QWidget):
    loaded = Signal()
    snapshotShown = Signal()
    referenceShown = Signal()  # the reference view (or its absence) is on screen

    def __init__(self, plane: ControlPlane, notify: Notifier, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("resultsPane")
        self._plane = plane
        self._runner = AsyncRunner(self, notify.error)
        self._generation = 0
        self._snapshot_generation = 0
        self._task_id: UUID | None = None
        self._camera: tuple[int, str] | None = None
        self._results: list[ResultView] = []

        self.header = QLabel(self)
        self.header.setObjectName("resultsHeader")
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.attempt_label = QLabel(self.tr("Attempt:"), self)
        self.attempt_combo = QComboBox(self)
        self.attempt_combo.setObjectName("resultsAttemptCombo")
        self.attempt_combo.currentIndexChanged.connect(self._attempt_chosen)
        self.snapshot = SnapshotLabel(self)
        # The camera's reference view beside the picture: what scene_change compares with.
        self.reference = SnapshotLabel(self, "referenceLabel")
        self.snapshot_caption = QLabel(self.tr("Latest picture"), self)
        self.reference_caption = QLabel(self)
        self.reference_caption.setObjectName("referenceCaption")
        for caption in (self.snapshot_caption, self.reference_caption):
            caption.setProperty("muted", True)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            # A long caption must not widen its column: picture and reference share equally.
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._reference_generation = 0
        self._reference_camera: int | None = None
        self.model = ChecksModel(self)
        self.table = make_table(
            "resultsChecksTable", self.model, self, multi_select=False, stretch_last=False
        )
        # The finding says value and limit in words: it gets the room, wrapped, whole; score
        # and value / limit stay a right-click on the header away.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (SCORE_COLUMN, VALUE_COLUMN):
            self.table.setColumnHidden(column, True)
        self.table.horizontalHeader().setSectionResizeMode(
            FINDING_COLUMN, QHeaderView.ResizeMode.Stretch
        )
        self.hint = EmptyHint(self.table, "")

        attempts = QHBoxLayout()
        attempts.setContentsMargins(0, 0, 0, 0)
        attempts.addWidget(self.attempt_label)
        attempts.addWidget(self.attempt_combo)
        attempts.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("resultsSplitter")
        split.setChildrenCollapsible(False)
        pictures = QWidget(self)
        grid = self._pictures = QGridLayout(pictures)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.snapshot_caption, 0, 0)
        grid.addWidget(self.reference_caption, 0, 1)
        grid.addWidget(self.snapshot, 1, 0)
        grid.addWidget(self.reference, 1, 1)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        split.addWidget(pictures)
        split.addWidget(self.table)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addLayout(attempts)
        layout.addWidget(split, 1)
        self._show_nothing()

    # --- what to show ------------------------------------------------------------------------

    @property
    def shown_task(self) -> UUID | None:
        return self._task_id

    @property
    def shown_results(self) -> list[ResultView]:
        return list(self._results)

    def show_task(self, task_id: UUID | None) -> None:
        self._task_id, self._camera = task_id, None
        if task_id is None:
            self._show_nothing()
            return
        self._load(self._plane.results(task_id))

    def show_camera(self, camera_id: int | None, name: str = "") -> None:
        self._task_id = None
        self._camera = (camera_id, name) if camera_id is not None else None
        if camera_id is None:
            self._show_nothing()
            return
        self._load(self._plane.latest_results_for_camera(camera_id))

    def handle_event(self, event: Event) -> None:
        """A new result for what is on screen: read it again; a camera's reference changed:
        show the new one."""
        if isinstance(event, CamerasChanged):
            shown = self._reference_camera
            if shown is not None and (
                not event.cameras or any(c.id == shown for c in event.cameras)
            ):
                self._load_reference(shown, force=True)
            return
        if not isinstance(event, ResultRecorded):
            return
        if self._task_id is not None and event.task_id == self._task_id:
            self.show_task(self._task_id)
        elif self._camera is not None and event.camera_id == self._camera[0]:
            self.show_camera(*self._camera)

    # --- loading -----------------------------------------------------------------------------

    def _load(self, coro: object) -> None:
        self._generation += 1
        generation = self._generation
        self._runner.run(
            coro,  # type: ignore[arg-type]
            what=self.tr("Loading results"),
            done=lambda results: self._loaded(generation, results),
        )

    def _loaded(self, generation: int, results: list[ResultView]) -> None:
        if generation != self._generation:
            return  # the operator has moved on to another task meanwhile
        previous = self.attempt_combo.currentData()
        self._results = list(results)
        self.attempt_combo.blockSignals(True)
        self.attempt_combo.clear()
        for result in self._results:
            self.attempt_combo.addItem(
                self.tr("#{0} · {1}").format(result.attempt, result.status), result.attempt
            )
        keep = self.attempt_combo.findData(previous) if previous is not None else -1
        self.attempt_combo.setCurrentIndex(keep if keep >= 0 else 0)
        self.attempt_combo.blockSignals(False)
        many = len(self._results) > 1
        self.attempt_label.setVisible(many)
        self.attempt_combo.setVisible(many)
        if not self._results:
            self._show_empty()
        else:
            self._show_result(self._results[max(0, self.attempt_combo.currentIndex())])
        self.loaded.emit()

    def _attempt_chosen(self, number: int) -> None:
        if 0 <= number < len(self._results):
            self._show_result(self._results[number])

    # --- rendering ---------------------------------------------------------------------------

    def _show_nothing(self) -> None:
        self._generation += 1
        self._snapshot_generation += 1
        self._results = []
        self.attempt_label.hide()
        self.attempt_combo.hide()
        self.header.setText("")
        self.model.set_rows([])
        self.hint.set_text("")
        self.snapshot.set_image(
            None, self.tr("Select a task or a camera to see what its diagnosis found.")
        )
        self._reference_camera = None
        self._reference_generation += 1
        self._show_reference(None)

    def _show_empty(self) -> None:
        if self._camera is not None:
            title = html.escape(self._camera[1])
            text = self.tr("No finished diagnosis for this camera yet.")
        else:
            title = self.tr("Task")
            text = self.tr("No result recorded for this task yet.")
        self.header.setText(f"<b>{title}</b>")
        self.model.set_rows([])
        self.hint.set_text(text)
        self._snapshot_generation += 1
        self.snapshot.set_image(None, "")
        self._load_reference(self._camera[0] if self._camera is not None else None)

    def _show_result(self, result: ResultView) -> None:
        self.header.setText(self._header_html(result))
        self.model.set_rows(result.checks)
        if result.checks:
            self.hint.set_text("")
        elif result.status == "started":
            self.hint.set_text(self.tr("The worker is still diagnosing this camera."))
        else:
            self.hint.set_text(self.tr("This attempt reported no checks."))
        self._load_snapshot(result.snapshot_path)
        self._load_reference(result.camera_id)

    def _header_html(self, result: ResultView) -> str:
        def coloured(word: str | None) -> str:
            return f'<span style="color:{status_hex(word)}">{html.escape(status_word(word))}</span>'

        lines = [f"<b>{html.escape(result.camera_name)}</b> &nbsp; {coloured(result.status)}"]
        if result.overall:
            lines[0] += " &nbsp; " + self.tr("overall {0}").format(coloured(result.overall))
        detail = [self.tr("attempt {0}").format(result.attempt)]
        if result.template:
            detail.append(
                self.tr("template {0}").format(html.escape(template_label(result.template)))
            )
        if result.worker_id:
            detail.append(self.tr("on {0}").format(html.escape(result.worker_id)))
        if result.finished_at is not None:
            detail.append(fmt.local_datetime(result.finished_at))
        lines.append(f'<span style="color:#9aa4b2">{" · ".join(detail)}</span>')
        if result.error:
            lines.append(f'<span style="color:{status_hex("failed")}">'
                         f"{html.escape(result.error)}</span>")  # fmt: skip
        return "<br>".join(lines)

    def _load_snapshot(self, path: Path | None) -> None:
        if path is None:
            self.snapshot.set_image(None, self.tr("No snapshot for this attempt"))
            return
        self.snapshot.set_image(None, self.tr("Loading snapshot…"))
        self._snapshot_generation += 1
        generation = self._snapshot_generation
        self._runner.run(
            asyncio.to_thread(path.read_bytes),  # file I/O off the GUI thread
            what=self.tr("Loading snapshot"),
            done=lambda data: self._snapshot_read(generation, data),
            failed=lambda _text: self._snapshot_missing(generation),
        )

    def _snapshot_read(self, generation: int, data: bytes) -> None:
        if generation != self._snapshot_generation:
            return
        image = QImage.fromData(data)  # a ≤200 KB JPEG thumbnail: quick enough here
        if image.isNull():
            self.snapshot.set_image(None, self.tr("The snapshot could not be decoded"))
            return
        self.snapshot.set_image(image)
        self.snapshotShown.emit()

    def _snapshot_missing(self, generation: int) -> None:
        if generation == self._snapshot_generation:
            self.snapshot.set_image(None, self.tr("The snapshot file is missing"))

    # --- the reference view -------------------------------------------------------------------

    def _load_reference(self, camera_id: int | None, force: bool = False) -> None:
        if camera_id == self._reference_camera and not force:
            return  # already on screen (or on its way): a new attempt has the same reference
        self._reference_camera = camera_id
        self._reference_generation += 1
        if camera_id is None:
            self._show_reference(None)
            return
        generation = self._reference_generation
        self._runner.run(
            self._plane.reference(camera_id),
            what=self.tr("Loading the reference view"),
            done=lambda data: self._reference_read(generation, data),
            failed=lambda _text: self._reference_read(generation, None),  # camera gone
        )

    def _reference_read(self, generation: int, data: bytes | None) -> None:
        if generation != self._reference_generation:
            return
        image = QImage.fromData(data) if data else None
        self._show_reference(image if image is not None and not image.isNull() else None)
        self.referenceShown.emit()

    def _show_reference(self, image: QImage | None) -> None:
        """Side by side with the picture when the camera has a reference; else the picture
        alone, with a caption saying scene change has nothing to compare with yet."""
        has = image is not None
        self.reference.setVisible(has)
        self.reference.set_image(image, "")
        # Alone, the picture takes the reference's half too.
        self._pictures.removeWidget(self.snapshot)
        self._pictures.addWidget(self.snapshot, 1, 0, 1, 1 if has else 2)
        captions = self._reference_camera is not None
        self.snapshot_caption.setVisible(captions)
        self.reference_caption.setVisible(captions)
        self.reference_caption.setText(
            self.tr("Reference view") if has else self.tr("No reference view")
        )
        self.reference_caption.setToolTip(
            self.tr("The scene change check compares each picture with this one")
            if has
            else self.tr("Scene change is not assessed until the camera has a reference view")
        )

    def has_reference(self) -> bool:
        return self.reference.isVisible() and self.reference.has_image()

    def shown_checks(self) -> list[CheckView]:
        return self.model.rows()
