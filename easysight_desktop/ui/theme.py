"""The dark control-room theme: Fusion style, a dark palette, and ``resources/styles/dark.qss``.

Control rooms are dim and the console stays open all day, so the whole application is dark,
including dialogs and the chart. The palette does the bulk (every widget, even ones the style
sheet does not name); the style sheet adds borders and emphasis. A missing style sheet is
logged and the palette alone still gives a usable dark window.
"""

from __future__ import annotations

import logging

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from easysight_desktop.ui.resources import resource_path

log = logging.getLogger(__name__)

STYLE_SHEET = ("styles", "dark.qss")
ICONS = ("styles", "icons")
ICONS_PLACEHOLDER = "@ICONS@"  # style sheet urls are relative to the working directory otherwise

_COLORS: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#1c2128",
    QPalette.ColorRole.WindowText: "#d0d7de",
    QPalette.ColorRole.Base: "#0d1117",
    QPalette.ColorRole.AlternateBase: "#131920",
    QPalette.ColorRole.Text: "#e6edf3",
    QPalette.ColorRole.PlaceholderText: "#7d8590",
    QPalette.ColorRole.Button: "#21262d",
    QPalette.ColorRole.ButtonText: "#e6edf3",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#1f4f8f",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2d333b",
    QPalette.ColorRole.ToolTipText: "#e6edf3",
    QPalette.ColorRole.Link: "#58a6ff",
    QPalette.ColorRole.LinkVisited: "#b392f0",
    QPalette.ColorRole.Light: "#3d444d",
    QPalette.ColorRole.Midlight: "#30363d",
    QPalette.ColorRole.Mid: "#21262d",
    QPalette.ColorRole.Dark: "#0d1117",
    QPalette.ColorRole.Shadow: "#010409",
}
_DISABLED: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.WindowText: "#6e7681",
    QPalette.ColorRole.Text: "#6e7681",
    QPalette.ColorRole.ButtonText: "#6e7681",
    QPalette.ColorRole.Highlight: "#30363d",
}


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in _COLORS.items():
        palette.setColor(role, QColor(color))
    for role, color in _DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(color))
    return palette


def load_style_sheet() -> str:
    path = resource_path(*STYLE_SHEET)
    try:
        sheet = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("style sheet %s not loaded (%s); using the palette alone", path, exc)
        return ""
    return sheet.replace(ICONS_PLACEHOLDER, resource_path(*ICONS).as_posix())


def apply_theme(app: QApplication) -> None:
    """Call once, before the window is created."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(load_style_sheet())
    pg.setConfigOptions(background="#161b22", foreground="#c9d1d9", antialias=True)
