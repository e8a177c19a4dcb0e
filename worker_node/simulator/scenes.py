"""Synthetic camera pictures: a textured site view with moving objects, a clock and sensor noise.

The static part of a view (sky, buildings, road, labels) is drawn once per camera; each frame only
copies it, draws the moving objects and the clock, and adds noise from a shared pool. All motion
repeats every ``loop_s`` seconds, so a camera's frames can be encoded once and replayed; the clock
lives in a band at the top (``clock_rows`` high) that no moving object enters, so it can be
redrawn on its own (see :mod:`worker_node.simulator.frame_loop`).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt

Frame = npt.NDArray[np.uint8]
Colour = tuple[int, int, int]

FONT = cv2.FONT_HERSHEY_SIMPLEX
WHITE: Colour = (255, 255, 255)
BLACK: Colour = (0, 0, 0)
NOISE_SIGMA = 3.0
NOISE_MARGIN = 32
DEFAULT_LOOP_S = 4.0


def black_frame(width: int, height: int) -> Frame:
    """An all-zero picture: what an encoder sends when its sensor delivers nothing."""
    return np.zeros((height, width, 3), dtype=np.uint8)


def blue_screen_frame(width: int, height: int) -> Frame:
    """The flat blue "NO SIGNAL" page many DVRs show instead of a lost input."""
    frame = np.empty((height, width, 3), dtype=np.uint8)
    frame[:] = (200, 40, 0)
    scale = height / 180
    text = "NO SIGNAL"
    (tw, th), _ = cv2.getTextSize(text, FONT, scale, max(1, round(2 * scale)))
    origin = ((width - tw) // 2, (height + th) // 2)
    cv2.putText(frame, text, origin, FONT, scale, WHITE, max(1, round(2 * scale)), cv2.LINE_AA)
    return frame


def darken(frame: Frame, factor: float = 0.1) -> Frame:
    """Scale brightness down, like a camera at night with its IR lamps broken."""
    return cast(Frame, cv2.convertScaleAbs(frame, alpha=factor, beta=0))


def blur(frame: Frame) -> Frame:
    """A heavy Gaussian blur (a lens far out of focus), done at quarter size to stay cheap."""
    height, width = frame.shape[:2]
    small = cv2.resize(
        frame, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA
    )
    small = cv2.GaussianBlur(small, (0, 0), sigmaX=max(2.0, width / 320))
    return cast(Frame, cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR))


class _NoisePool:
    """Pre-generated sensor noise, shared by every camera of one size.

    Fresh Gaussian noise for a 720p frame costs more than rendering the frame, so each size keeps
    one oversized noise field and every frame takes a randomly offset window of it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fields: dict[tuple[int, int], tuple[Frame, Frame]] = {}

    def field(self, width: int, height: int) -> tuple[Frame, Frame]:
        """The (positive, negative) halves of the noise field for one frame size."""
        key = (width, height)
        with self._lock:
            if key not in self._fields:
                rng = np.random.default_rng(width * 10007 + height)
                shape = (height + NOISE_MARGIN, width + NOISE_MARGIN, 3)
                noise = rng.normal(0.0, NOISE_SIGMA, shape)
                positive = np.clip(noise, 0, 255).astype(np.uint8)
                negative = np.clip(-noise, 0, 255).astype(np.uint8)
                self._fields[key] = (positive, negative)
            return self._fields[key]


_NOISE = _NoisePool()


@dataclass(frozen=True)
class _Mover:
    """One object crossing the view; its position is a pure function of time."""

    kind: str  # "car", "person" or "ball"
    colour: Colour
    size: int
    lane_y: int
    speed: float  # pixels per second; negative moves right to left
    phase: float  # pixels already travelled at t = 0


class Scene:
    """One camera's view of a site: drawn from a seed so every camera looks different but stable."""

    def __init__(
        self,
        name: str,
        label: str,
        width: int,
        height: int,
        seed: int,
        loop_s: float = DEFAULT_LOOP_S,
    ) -> None:
        self.name = name
        self.width = width
        self.height = height
        self.loop_s = loop_s
        self._rng = random.Random(seed)
        self._scale = height / 360
        # The camera label and the clock sit in this band; 32-row steps keep it whole MCU rows
        # at full size and at half size (the substream).
        self.clock_rows = 32 * max(1, -(-round(32 * self._scale) // 32))
        self._road = (0, 0)  # top and bottom edge of the road, set while drawing the background
        self._background = self._draw_background(name, label)
        self._movers = self._make_movers()
        self._noise_rng = random.Random(seed ^ 0x5EED)

    def render(self, elapsed: float, wall_time: float | None = None) -> Frame:
        """The picture ``elapsed`` seconds after the camera started, stamped with ``wall_time``."""
        frame = self._background.copy()
        for mover in self._movers:
            self._draw_mover(frame, mover, elapsed)
        self._draw_clock(frame, time.time() if wall_time is None else wall_time)
        return self._add_noise(frame)

    def render_clock_band(self, wall_time: float) -> Frame:
        """The top ``clock_rows`` of a frame stamped with ``wall_time`` (nothing moves there)."""
        band = self._background[: self.clock_rows].copy()
        self._draw_clock(band, wall_time)
        positive, negative = _NOISE.field(self.width, self.height)
        dy = self._noise_rng.randrange(NOISE_MARGIN)
        dx = self._noise_rng.randrange(NOISE_MARGIN)
        window = (slice(dy, dy + self.clock_rows), slice(dx, dx + self.width))
        cv2.add(band, positive[window], dst=band)
        cv2.subtract(band, negative[window], dst=band)
        return band

    # -- static background -------------------------------------------------------------------

    def _colour(self, low: int = 40, high: int = 220) -> Colour:
        return (
            self._rng.randint(low, high),
            self._rng.randint(low, high),
            self._rng.randint(low, high),
        )

    def _draw_background(self, name: str, label: str) -> Frame:
        w, h, rng = self.width, self.height, self._rng
        horizon = int(h * rng.uniform(0.45, 0.6))
        top = np.array(self._colour(120, 230), dtype=np.float32)
        bottom = np.array(self._colour(60, 160), dtype=np.float32)
        ramp = np.linspace(0.0, 1.0, horizon, dtype=np.float32)[:, None]
        sky = (top * (1 - ramp) + bottom * ramp).astype(np.uint8)
        frame = np.empty((h, w, 3), dtype=np.uint8)
        frame[:horizon] = sky[:, None, :]
        ground = np.array(self._colour(50, 120), dtype=np.float32)
        ramp = np.linspace(0.8, 1.2, h - horizon, dtype=np.float32)[:, None]
        frame[horizon:] = np.clip(ground * ramp, 0, 255).astype(np.uint8)[:, None, :]
        self._draw_buildings(frame, horizon)
        self._draw_road(frame, horizon)
        self._draw_trees(frame, horizon)
        self._draw_label(frame, label, (int(8 * self._scale), int(22 * self._scale)))
        self._draw_label(frame, name, (int(8 * self._scale), h - int(10 * self._scale)))
        return frame

    def _draw_buildings(self, frame: Frame, horizon: int) -> None:
        w, rng, s = self.width, self._rng, self._scale
        x = rng.randint(0, int(30 * s))
        while x < w:
            bw = rng.randint(int(50 * s), int(130 * s))
            bh = rng.randint(int(horizon * 0.3), int(horizon * 0.85))
            wall = self._colour(60, 200)
            cv2.rectangle(frame, (x, horizon - bh), (x + bw, horizon), wall, -1)
            cv2.rectangle(frame, (x, horizon - bh), (x + bw, horizon), BLACK, 1)
            glass = self._colour(20, 90)
            step = max(6, int(14 * s))
            for wy in range(horizon - bh + step // 2, horizon - step, step):
                for wx in range(x + step // 2, x + bw - step // 2, step):
                    lit = rng.random() < 0.3
                    colour = (120, 220, 240) if lit else glass
                    cv2.rectangle(frame, (wx, wy), (wx + step // 2, wy + step // 2), colour, -1)
            x += bw + rng.randint(int(5 * s), int(40 * s))

    def _draw_road(self, frame: Frame, horizon: int) -> None:
        w, h, s = self.width, self.height, self._scale
        top = horizon + int((h - horizon) * 0.35)
        bottom = horizon + int((h - horizon) * 0.8)
        cv2.rectangle(frame, (0, top), (w, bottom), (70, 70, 75), -1)
        middle = (top + bottom) // 2
        dash = int(30 * s)
        for x in range(0, w, dash * 2):
            cv2.line(frame, (x, middle), (x + dash, middle), (230, 230, 230), max(1, int(3 * s)))
        cv2.line(frame, (0, top), (w, top), (200, 200, 200), max(1, int(2 * s)))
        cv2.line(frame, (0, bottom), (w, bottom), (200, 200, 200), max(1, int(2 * s)))
        self._road = (top, bottom)

    def _draw_trees(self, frame: Frame, horizon: int) -> None:
        rng, s = self._rng, self._scale
        for _ in range(rng.randint(2, 5)):
            x = rng.randint(0, self.width)
            r = int(rng.uniform(10, 22) * s)
            trunk = horizon + int(6 * s)
            cv2.line(frame, (x, trunk), (x, trunk - 2 * r), (30, 60, 90), max(1, int(4 * s)))
            cv2.circle(frame, (x, trunk - 2 * r), r, (40, rng.randint(110, 170), 50), -1)
            cv2.circle(frame, (x, trunk - 2 * r), r, (20, 70, 30), 1, cv2.LINE_AA)

    def _draw_label(self, frame: Frame, text: str, origin: tuple[int, int]) -> None:
        """White text with a dark outline: readable on any background, like a camera OSD."""
        scale, thickness = self._font()
        cv2.putText(frame, text, origin, FONT, scale, BLACK, thickness + 2, cv2.LINE_AA)
        cv2.putText(frame, text, origin, FONT, scale, WHITE, thickness, cv2.LINE_AA)

    def _font(self) -> tuple[float, int]:
        return 0.55 * self._scale, max(1, round(1.5 * self._scale))

    # -- moving objects ----------------------------------------------------------------------

    def _looped(self, speed: float, span: float) -> float:
        """The speed nearest ``speed`` that covers ``span`` a whole number of times per loop."""
        laps = max(1, round(abs(speed) * self.loop_s / span))
        return (1 if speed > 0 else -1) * laps * span / self.loop_s

    def _make_movers(self) -> list[_Mover]:
        rng, s = self._rng, self._scale
        top, bottom = self._road
        lane = (bottom - top) // 4
        car_a, car_b = int(70 * s), int(60 * s)
        movers = [
            _Mover(
                "car",
                self._colour(),
                car_a,
                top + lane,
                self._looped(rng.uniform(90, 160) * s, self.width + 2 * car_a),
                0.0,
            ),
            _Mover(
                "car",
                self._colour(),
                car_b,
                bottom - lane,
                self._looped(-rng.uniform(70, 140) * s, self.width + 2 * car_b),
                rng.uniform(0, self.width),
            ),
            _Mover(
                "person",
                self._colour(),
                int(36 * s),
                bottom + int(30 * s),
                rng.uniform(25, 50) * s,
                rng.uniform(0, self.width),
            ),
        ]
        ball = int(12 * s)
        # One bounce across and back per loop, so the ball too repeats seamlessly.
        speed = 2 * (self.width - 2 * ball) / self.loop_s
        movers.append(_Mover("ball", self._colour(), ball, 0, speed, rng.uniform(0, 300) * s))
        return movers

    def _draw_mover(self, frame: Frame, mover: _Mover, elapsed: float) -> None:
        if mover.kind == "person":
            # Paces to and fro around its spot: one round trip per loop.
            reach = abs(mover.speed) * self.loop_s / 2
            x = int(mover.phase + _triangle(abs(mover.speed) * elapsed, reach))
            self._draw_person(frame, mover, x)
            return
        span = self.width + 2 * mover.size
        travelled = (mover.phase + abs(mover.speed) * elapsed) % span
        x = int(travelled - mover.size if mover.speed > 0 else self.width + mover.size - travelled)
        y, size = mover.lane_y, mover.size
        if mover.kind == "car":
            body_h = size // 3
            cv2.rectangle(frame, (x - size // 2, y - body_h), (x + size // 2, y), mover.colour, -1)
            cv2.rectangle(
                frame,
                (x - size // 4, y - body_h - size // 5),
                (x + size // 4, y - body_h),
                mover.colour,
                -1,
            )
            cv2.rectangle(frame, (x - size // 2, y - body_h), (x + size // 2, y), BLACK, 1)
            for wx in (x - size // 3, x + size // 3):
                cv2.circle(frame, (wx, y), max(2, size // 9), (20, 20, 20), -1)
        else:
            # A ball bouncing around the view below the clock band, so motion is not only along
            # the road; across once and down twice per loop.
            distance = mover.phase + abs(mover.speed) * elapsed
            across = self.width - 2 * size
            down = self.height - self.clock_rows - 2 * size
            bx = _triangle(distance, across) + size
            by = _triangle(distance * 2 * down / max(1, across), down) + self.clock_rows + size
            cv2.circle(frame, (int(bx), int(by)), size, mover.colour, -1, cv2.LINE_AA)
            cv2.circle(frame, (int(bx), int(by)), size, BLACK, 1, cv2.LINE_AA)

    def _draw_person(self, frame: Frame, mover: _Mover, x: int) -> None:
        y, size = mover.lane_y, mover.size
        head = max(2, size // 7)
        cv2.ellipse(frame, (x, y - size // 2), (size // 6, size // 3), 0, 0, 360, mover.colour, -1)
        cv2.circle(frame, (x, y - size + head), head, (150, 180, 220), -1)

    def _draw_clock(self, frame: Frame, wall_time: float) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall_time))
        scale, thickness = self._font()
        (width, _), _ = cv2.getTextSize(stamp, FONT, scale, thickness + 2)
        origin = (self.width - width - int(8 * self._scale), int(22 * self._scale))
        self._draw_label(frame, stamp, origin)

    def _add_noise(self, frame: Frame) -> Frame:
        positive, negative = _NOISE.field(self.width, self.height)
        dy = self._noise_rng.randrange(NOISE_MARGIN)
        dx = self._noise_rng.randrange(NOISE_MARGIN)
        window = (slice(dy, dy + self.height), slice(dx, dx + self.width))
        cv2.add(frame, positive[window], dst=frame)
        cv2.subtract(frame, negative[window], dst=frame)
        return frame


def _triangle(distance: float, span: float) -> float:
    """Position bouncing between 0 and ``span`` after travelling ``distance``."""
    if span <= 0:
        return 0.0
    phase = distance % (2 * span)
    return phase if phase <= span else 2 * span - phase
