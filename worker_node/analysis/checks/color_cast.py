"""``color_cast``: a picture tinted one colour (failed white balance, IR-cut filter stuck, a
faulty cable or colour channel).

A cast tints EVERYTHING, the whites and greys included; a colourful scene (a red car, a brown
room, a cat) only has colourful objects, and its whites and greys stay neutral. So the check
looks for the most neutral bright surfaces and asks whether even they are tinted. The picture
is reduced to 160 px wide (bilinear: area averaging costs more and moved no figure here) and
converted to CIE Lab; the candidates are its brighter pixels (the brightest 20 %, and L* at
least 40: dark pixels carry too little colour to judge, and clipped ones, L* above 98, are
white whatever the cast); of those, the 5 % least saturated (chroma / L*) are taken, and their
mean colour vector, scaled to the chroma it would have at L* 70, is the cast. Its length is
the value; its hue names the tint (the nearest hue of the six primaries: red, yellow, green,
cyan, blue, magenta).

The old measure, the largest distance of one channel mean (B, G, R) from the average of the
three, is not kept: a single picture's channel means cannot tell a tint from a scene that is
mostly one colour (the brown coffee cup of the VQD accuracy set read 56-64, a cast-free
astronaut 28-39, against the old limit of 20), so its limit had to be raised to 65, and then
moderate casts (3 of 16 found) went unseen.

Default limit: 15. On the VQD accuracy set's tune photographs healthy clips read 0-4.1 (the
warm-toned coffee photograph: its white cup rim and steel spoon stay neutral), other faults at
most 9.6 (blur and mosaic smear the rim into the brown around it), casts 18.6-36 (the moderate
ones are 55 % of per-channel gains like 0.55 / 0.8 / 1.15); a generated night scene with
warm-white lamps reads 12.5. Taking the brightest pixels favours whites (a specular highlight
or a white wall shows the light's colour) over mid-tone objects that a cast may happen to turn
grey. Blind spot: when the brightest large surface has the colour complementary to the cast, a
cast can make it grey and go unseen: a warm (orange) cast turns a blue sky grey, and a street
under a blue sky with no white in view then reads normal; a scene with no neutral surface at
all (every bright thing strongly coloured) can read as a cast.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "color_cast"
WIDTH = 160  # px: enough for a cup rim or a wall; Lab on the full downscale costs 9 times more
BRIGHT_SHARE = 0.20  # candidates: the brightest share of the pixels ...
MIN_LIGHTNESS, MAX_LIGHTNESS = 40.0, 98.0  # ... within these L* (not dark, not clipped)
NEUTRAL_SHARE = 0.05  # the least saturated share of the candidates
MIN_PIXELS = 50  # fewer candidates than this: nothing to judge, no cast
REFERENCE_LIGHTNESS = 70.0
# Lab hue angle (degrees) of each sRGB primary and secondary: the tint is the nearest.
HUES = {"red": 40.0, "yellow": 103.0, "green": 136.0, "cyan": 196.0, "blue": 306.0}
HUES["magenta"] = 328.0
FRAMES = 3  # a cast does not change from frame to frame: three spread frames are enough


def _validate(t: Thresholds) -> None:
    if not t["max_chroma"] > 0:
        raise ValueError("need max_chroma > 0")


def cast(image: Image) -> tuple[float, str]:
    """Tint of the most neutral bright pixels of a BGR ``image``: (chroma at L* 70, hue name)."""
    height, width = image.shape[:2]
    if width > WIDTH:
        size = (WIDTH, max(1, round(height * WIDTH / width)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    lightness, a_channel, b_channel = cv2.split(cv2.cvtColor(image, cv2.COLOR_BGR2Lab))
    # 8-bit Lab: L* × 2.55, a* + 128, b* + 128. The brightest share, from the histogram.
    counts = np.cumsum(cv2.calcHist([lightness], [0], None, [256], [0, 256]).ravel())
    level = int(np.searchsorted(counts, (1 - BRIGHT_SHARE) * counts[-1]))
    low = max(level, int(np.ceil(MIN_LIGHTNESS * 2.55)))
    chosen = cv2.inRange(lightness, low, int(MAX_LIGHTNESS * 2.55))
    if cv2.countNonZero(chosen) < MIN_PIXELS:
        return 0.0, "neutral"
    where = np.flatnonzero(chosen)
    light = lightness.ravel()[where].astype(np.float32) * (1.0 / 2.55)
    a = (a_channel.ravel()[where].astype(np.float32) - 128.0) / light  # chroma per unit of L*
    b = (b_channel.ravel()[where].astype(np.float32) - 128.0) / light
    keep = max(1, int(NEUTRAL_SHARE * where.size))
    neutral = np.argpartition(a * a + b * b, keep - 1)[:keep]
    mean_a = float(a[neutral].mean()) * REFERENCE_LIGHTNESS
    mean_b = float(b[neutral].mean()) * REFERENCE_LIGHTNESS
    hue = float(np.degrees(np.arctan2(mean_b, mean_a))) % 360.0
    tint = min(HUES, key=lambda name: abs((HUES[name] - hue + 180.0) % 360.0 - 180.0))
    return float(np.hypot(mean_a, mean_b)), tint


def _spread(count: int, wanted: int) -> list[int]:
    """``wanted`` indices spread evenly over ``count`` (all of them if fewer)."""
    if count <= wanted:
        return list(range(count))
    return sorted({round(i * (count - 1) / (wanted - 1)) for i in range(wanted)})


@register(NAME, defaults={"max_chroma": 15}, validate=_validate)
def color_cast(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Colour cast: even the most neutral bright surfaces are tinted (default chroma > 15).

    Value: median over up to three spread frames of the tint's chroma (Lab units at L* 70).
    Score 100 up to half the limit, 60 at the limit, 20 at twice it, 0 at three times.
    """
    limit = t["max_chroma"]
    measured = sorted(cast(ctx.small[i]) for i in _spread(len(ctx.small), FRAMES))
    value, tint = measured[(len(measured) - 1) // 2]
    knots = [(0.0, 100.0), (limit / 2, 100.0), (limit, 60.0), (2 * limit, 20.0), (3 * limit, 0.0)]
    score = ramp(value, knots)
    code = f"cast_{tint}" if value > limit and tint != "neutral" else "normal"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
