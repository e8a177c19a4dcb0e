"""The snapshot that travels with a result: a small JPEG thumbnail, never a raw frame."""

from __future__ import annotations

import base64

import cv2
import numpy as np

from worker_node.analysis.context import Image
from worker_node.protocol.messages import MAX_SNAPSHOT_B64

THUMBNAIL_SIZE = 320  # longest side, pixels
QUALITIES = (70, 50, 30, 15)


def encode_thumbnail(image: Image, size: int = THUMBNAIL_SIZE) -> str | None:
    """Base64 JPEG of ``image`` fitted into ``size``×``size``, within the wire limit (200 KB).

    Quality steps down from 70 until it fits; ``None`` if it never does (it always does at
    320 px, but a result must never be refused for its picture).
    """
    height, width = image.shape[:2]
    scale = min(1.0, size / max(height, width))
    if scale < 1.0:
        target = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = np.asarray(cv2.resize(image, target, interpolation=cv2.INTER_AREA), np.uint8)
    for quality in QUALITIES:
        ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            return None
        text = base64.b64encode(buffer.tobytes()).decode("ascii")
        if len(text) <= MAX_SNAPSHOT_B64:
            return text
    return None


def decode_reference(text: str) -> Image:
    """The BGR image of a base64 JPEG reference; :class:`ValueError` if it is not one."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("reference_jpeg is not valid base64") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("reference_jpeg is not a decodable JPEG image")
    return np.asarray(image, dtype=np.uint8)
