"""Generated test pictures: deterministic numpy-drawn scenes, healthy and faulty."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]


def scene(width: int = 640, height: int = 360, seed: int = 0) -> Image:
    """A textured, well-exposed colour scene: shaded background, blocks, edges, fine grain."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    base = 110 + 40 * np.sin(xs / 37.0) * np.cos(ys / 23.0)
    grain = cv2.GaussianBlur(rng.normal(0, 18, (height, width)).astype(np.float32), (0, 0), 0.8)
    grey = base + grain
    image = cv2.merge([grey * 0.9, grey, grey * 1.1])
    for _ in range(40):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = (int(rng.integers(10, width // 5)), int(rng.integers(10, height // 5)))
        colour = tuple(float(c) for c in rng.integers(20, 235, 3))
        cv2.rectangle(image, (x, y), (x + size[0], y + size[1]), colour, -1)
    for i in range(0, width, max(8, width // 40)):
        cv2.line(image, (i, 0), (i + height // 3, height), (230.0, 230.0, 230.0), 1)
    return np.clip(image, 0, 255).astype(np.uint8)


def with_noise(image: Image, sigma: float, seed: int) -> Image:
    """``image`` plus fresh Gaussian sensor noise."""
    rng = np.random.default_rng(seed)
    noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def moving(count: int, width: int = 640, height: int = 360, noise: float = 1.5) -> list[Image]:
    """A live camera: a textured scene, a moving object and sensor noise in every frame."""
    background = scene(width, height)
    frames = []
    for i in range(count):
        frame = background.copy()
        x = int(width * (0.1 + 0.15 * i))
        cv2.circle(frame, (x % width, height // 2), height // 8, (40, 60, 200), -1)
        frames.append(with_noise(frame, noise, seed=100 + i))
    return frames


def static_noisy(count: int, sigma: float = 1.0) -> list[Image]:
    """A static scene seen by a live sensor: same picture, fresh noise each frame."""
    background = scene()
    return [with_noise(background, sigma, seed=200 + i) for i in range(count)]


def frozen(count: int) -> list[Image]:
    """A frozen stream: bit-identical copies of one noisy frame."""
    frame = with_noise(scene(), 1.5, seed=7)
    return [frame.copy() for _ in range(count)]


def reencoded_frozen(count: int) -> list[Image]:
    """A frozen frame passed through JPEG at different qualities (a relay re-encoding it)."""
    frame = with_noise(scene(), 1.5, seed=7)
    frames = []
    for i in range(count):
        ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 90 - 3 * i])
        assert ok
        frames.append(cv2.imdecode(data, cv2.IMREAD_COLOR))
    return frames


def ticking_clock(count: int) -> list[Image]:
    """A static, noise-free scene whose only change is an OSD clock."""
    background = scene()
    frames = []
    for i in range(count):
        frame = background.copy()
        cv2.rectangle(frame, (10, 10), (110, 30), (0, 0, 0), -1)
        text = f"12:00:{i:02d}"
        cv2.putText(frame, text, (12, 26), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 255), 1)
        frames.append(frame)
    return frames


def dark(image: Image, factor: float = 0.1) -> Image:
    """Underexposed: ``image`` scaled towards black."""
    return np.clip(image.astype(np.float32) * factor, 0, 255).astype(np.uint8)


def bright(image: Image) -> Image:
    """Overexposed: ``image`` pushed towards white."""
    return np.clip(image.astype(np.float32) * 0.3 + 200, 0, 255).astype(np.uint8)


def blurred(image: Image, sigma: float = 4.0) -> Image:
    """Out of focus."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def black(count: int, width: int = 640, height: int = 360, noise: float = 1.0) -> list[Image]:
    """No signal: black frames with a little sensor noise."""
    zero = np.zeros((height, width, 3), np.uint8)
    return [with_noise(zero, noise, seed=300 + i) for i in range(count)]


def no_video_screen(width: int = 640, height: int = 360) -> Image:
    """A DVR's flat blue "NO VIDEO" screen with its caption."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:] = (160, 40, 0)
    cv2.putText(image, "NO VIDEO", (width // 3, height // 2), 0, 1.0, (255, 255, 255), 2)
    return image


def write_video(path: str, frames: list[Image], fps: float = 25.0) -> str:
    """Write ``frames`` as Motion-JPEG AVI; returns the path.

    OpenCV's own MJPEG writer encodes every frame at one quality, so identical frames stay
    identical (FFmpeg's encoder, with rate control, encodes the first frame differently).
    """
    height, width = frames[0].shape[:2]
    fourcc = cv2.VideoWriter_fourcc(*"MJPG")
    writer = cv2.VideoWriter(path, cv2.CAP_OPENCV_MJPEG, fourcc, fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write MJPG/AVI here"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path
