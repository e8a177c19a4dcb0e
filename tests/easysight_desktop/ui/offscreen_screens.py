"""Screens for Qt's offscreen platform: a config file at start, and a screen unplugged later.

The offscreen platform reads its screens from a JSON file named on the platform argument
(``offscreen:configfile=…``), which must be set before the QApplication is made. Changing them
while running goes through the platform's ``setConfiguration`` function, which Qt hands out only
through its private native interface; PySide6 does not wrap it, so it is reached with ctypes
(x86-64 Linux, Qt 6). That is how a monitor is unplugged under a test: Qt then removes the
QScreen as it does when a real display goes away (``screenRemoved``, windows moved off it).
"""

from __future__ import annotations

import ctypes
import json
import os
from pathlib import Path
from typing import Any

VTABLE_SLOTS = 32  # QPlatformNativeInterface's virtual functions fit well within this


def screen_config(sizes: list[tuple[int, int]]) -> dict[str, Any]:
    """Screens ``screen0``, ``screen1``, … side by side from x = 0, tops aligned."""
    screens, x = [], 0
    for n, (width, height) in enumerate(sizes):
        screens.append(
            {"name": f"screen{n}", "x": x, "y": 0, "width": width, "height": height,
             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1.0}
        )  # fmt: skip
        x += width
    return {"screens": screens}


def use_offscreen(config: dict[str, Any], path: Path) -> None:
    """Write ``config`` to ``path`` and point Qt's platform at it (before the QApplication)."""
    path.write_text(json.dumps(config), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"
    os.environ["QT_QPA_OFFSCREEN_NO_GLX"] = "1"  # the plain offscreen integration, no X display


def _qt_lib(name: str) -> ctypes.CDLL:
    import PySide6

    return ctypes.CDLL(str(Path(PySide6.__file__).parent / "Qt" / "lib" / f"lib{name}.so.6"))


def set_configuration(config: dict[str, Any]) -> None:
    """Give the running offscreen platform a new configuration (screens added or removed)."""
    import shiboken6
    from PySide6.QtCore import QByteArray, QJsonDocument

    gui, core = _qt_lib("Qt6Gui"), _qt_lib("Qt6Core")
    native_interface = gui._ZN15QGuiApplication23platformNativeInterfaceEv
    native_interface.restype = ctypes.c_void_p
    iface = native_interface()
    if not iface:
        raise RuntimeError("no platform native interface")
    # The slot of nativeResourceForIntegration: where the base class has its own version.
    base = ctypes.cast(
        gui._ZN24QPlatformNativeInterface28nativeResourceForIntegrationERK10QByteArray,
        ctypes.c_void_p,
    ).value
    base_table = ctypes.addressof(ctypes.c_void_p.in_dll(gui, "_ZTV24QPlatformNativeInterface"))
    base_slots = (ctypes.c_void_p * VTABLE_SLOTS).from_address(base_table + 16)  # past the header
    slot = next(n for n, entry in enumerate(base_slots) if entry == base)
    table = ctypes.c_void_p.from_address(iface).value
    entry = (ctypes.c_void_p * VTABLE_SLOTS).from_address(table)[slot]  # type: ignore[arg-type]
    resource = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(entry)
    name = QByteArray(b"setConfiguration")
    setter = resource(iface, shiboken6.getCppPointer(name)[0])
    if not setter:
        raise RuntimeError("the platform has no setConfiguration (not offscreen?)")
    document = QJsonDocument.fromJson(QByteArray(json.dumps(config).encode()))
    json_object = ctypes.create_string_buffer(64)  # a QJsonObject is one pointer; room to spare
    to_object = core._ZNK13QJsonDocument6objectEv  # returned through a hidden pointer first
    to_object.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    to_object(ctypes.addressof(json_object), shiboken6.getCppPointer(document)[0])
    apply = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(setter)
    apply(ctypes.addressof(json_object), iface)  # the QJsonObject is left to the process's end
