"""``color_cast``: a picture tinted one colour (failed white balance, IR-cut filter stuck, a
faulty cable or colour channel).

Measured as the old system did: the mean of each colour channel (B, G, R) on the downscale, and
the largest distance of one channel mean from the average of the three. The tint is named from
the channel that deviates most: too much red reads "red", too little blue reads "yellow".

The old default limit, 20, is NOT kept: a single picture cannot tell a tint from a scene that
is mostly one colour, and on the VQD accuracy set (bench/vqd_accuracy.py, tune photographs) the
healthy clips of a brown coffee cup read 56–64 and those of the astronaut 28–39, so 20 raised
alarms on about half the healthy clips. The default of 65 keeps healthy scenes quiet and still
catches the strong casts real faults give: a lost colour channel (broken cable core), a stuck
IR-cut filter (magenta), a failed white balance. Sites with neutral scenes can lower it.
"""

from __future__ import annotations

import cv2
import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "color_cast"
# Per BGR channel: the tint when it is too strong, and when it is too weak.
TINTS = (("blue", "yellow"), ("green", "magenta"), ("red", "cyan"))


def _validate(t: Thresholds) -> None:
    if not t["max_deviation"] > 0:
        raise ValueError("need max_deviation > 0")


def channel_deviation(image: Image) -> tuple[float, str]:
    """The largest distance of a channel mean from the mean of the three, and the tint."""
    means = np.array(cv2.mean(image)[:3], np.float64)
    offsets = means - means.mean()
    channel = int(np.argmax(np.abs(offsets)))
    strong, weak = TINTS[channel]
    return float(abs(offsets[channel])), strong if offsets[channel] > 0 else weak


@register(NAME, defaults={"max_deviation": 65}, validate=_validate)
def color_cast(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Colour cast: a channel mean far from the other two (default deviation > 65 is a cast).

    Value: median over the frames of the largest channel deviation (grey levels). Score 100 up
    to half the limit, 60 at the limit, 20 at 1.5 times it, 0 at twice it.
    """
    limit = t["max_deviation"]
    measured = sorted(channel_deviation(image) for image in ctx.small)
    value, tint = measured[(len(measured) - 1) // 2]
    knots = [(0.0, 100.0), (limit / 2, 100.0), (limit, 60.0), (1.5 * limit, 20.0), (2 * limit, 0.0)]
    score = ramp(value, knots)
    code = f"cast_{tint}" if value > limit else "normal"
    return scored(NAME, score, code, {"value": value, "limit": limit}, value=value, threshold=limit)
