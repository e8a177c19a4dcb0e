"""What travels when a camera or a group is dragged from the camera tree onto the wall."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QMimeData

MIME_TYPE = "application/x-easysight-cameras"


@dataclass(frozen=True)
class DraggedCameras:
    camera_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] = ()  # -1: the "(no group)" node


def encode(camera_ids: list[int], group_ids: list[int]) -> QMimeData:
    mime = QMimeData()
    payload = {"cameras": list(camera_ids), "groups": list(group_ids)}
    mime.setData(MIME_TYPE, json.dumps(payload).encode())
    return mime


def decode(mime: QMimeData) -> DraggedCameras | None:
    """The dragged ids, or None when the drag is something else."""
    if not mime.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode())
        cameras = tuple(int(i) for i in payload.get("cameras", ()))
        groups = tuple(int(i) for i in payload.get("groups", ()))
    except (ValueError, TypeError, AttributeError):
        return None
    return DraggedCameras(cameras, groups)
