"""Generated test pictures: deterministic numpy-drawn scenes, healthy and faulty."""

from __future__ import annotations

from functools import cache

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


def outdoor(width: int = 640, height: int = 360, seed: int = 1) -> Image:
    """Daylight street: blue sky over the upper third, grey road, green verge, buildings."""
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width, 3), np.float32)
    horizon = height // 3
    sky = np.linspace(0.0, 1.0, horizon, dtype=np.float32)[:, None] * np.ones(
        (1, width), np.float32
    )
    image[:horizon] = np.stack([230 - 30 * sky, 170 + 20 * sky, 120 + 40 * sky], axis=2)
    image[horizon:] = (95, 105, 100)
    cv2.rectangle(image, (0, height * 3 // 4), (width, height), (60, 140, 80), -1)
    for _ in range(12):
        x = int(rng.integers(0, width - 60))
        top = int(rng.integers(horizon // 2, horizon))
        colour = tuple(float(c) for c in rng.integers(60, 200, 3))
        cv2.rectangle(image, (x, top), (x + int(rng.integers(30, 90)), height * 3 // 4), colour, -1)
    grain = cv2.GaussianBlur(rng.normal(0, 10, (height, width)).astype(np.float32), (0, 0), 0.8)
    image += grain[:, :, None]
    return np.clip(image, 0, 255).astype(np.uint8)


def night(width: int = 640, height: int = 360, seed: int = 2) -> Image:
    """Night scene: dim, low-detail surroundings with a few street lights and lit windows."""
    rng = np.random.default_rng(seed)
    dim = scene(width, height, seed).astype(np.float32) * 0.15
    image = cv2.GaussianBlur(dim, (0, 0), 1.0)
    for _ in range(6):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height // 2)))
        cv2.circle(image, centre, int(rng.integers(6, 14)), (200.0, 235.0, 255.0), -1)
    for _ in range(8):
        x, y = int(rng.integers(0, width - 20)), int(rng.integers(height // 3, height - 20))
        cv2.rectangle(image, (x, y), (x + 14, y + 10), (90.0, 170.0, 220.0), -1)
    image = cv2.GaussianBlur(image, (0, 0), 1.5)
    return with_noise(np.clip(image, 0, 255).astype(np.uint8), 3.0, seed)


@cache
def healthy_kinds() -> dict[str, list[Image]]:
    """Healthy cameras of several kinds, three frames each, for the no-false-alarm tests.

    Cached: callers must not modify the frames.
    """
    return {
        "indoor": moving(3),
        "outdoor": [with_noise(outdoor(), 1.5, seed=400 + i) for i in range(3)],
        "night": [night(seed=2), night(seed=2), night(seed=2)],
        "static_noisy": static_noisy(3, sigma=2.0),
        "hd_indoor": [with_noise(scene(1280, 720, seed=5), 2.0, seed=500)],
    }


def blue_screen(width: int = 640, height: int = 360, noise: float = 3.0, seed: int = 0) -> Image:
    """A saturated blue "NO SIGNAL" screen, with analogue noise and a caption."""
    image = np.zeros((height, width, 3), np.uint8)
    image[:] = (200, 40, 20)
    cv2.putText(image, "NO SIGNAL", (width // 3, height // 2), 0, 1.2, (255, 255, 255), 3)
    cv2.putText(image, "CH 04", (20, 30), 0, 0.7, (255, 255, 255), 2)
    return with_noise(image, noise, seed) if noise else image
