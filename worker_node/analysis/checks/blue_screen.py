"""``blue_screen``: the saturated blue screen a DVR, encoder or matrix shows when it has no input.

A frame is a blue screen when its median colour is a saturated blue (blue channel at least
``min_blue`` and at least ``min_margin`` above both green and red) and at least
``blue_percent`` % of its pixels lie within ``tolerance`` levels of that colour on every channel
(an OSD caption such as "NO VIDEO" or a little noise does not hide it). Blue sky or a blue wall
never fills that much of a view with one flat colour. Like ``signal_loss`` it suppresses the
other checks when it finds anything: with no picture their findings are only symptoms.
"""

from __future__ import annotations

import numpy as np

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import scored
from worker_node.protocol.messages import CheckResult

NAME = "blue_screen"


def _validate(t: Thresholds) -> None:
    if not 0 < t["blue_percent"] <= 100:
        raise ValueError("need 0 < blue_percent <= 100")
    if not 0 <= t["min_blue"] <= 255 or not 0 <= t["min_margin"] <= 255:
        raise ValueError("need min_blue and min_margin within 0–255")


def is_blue_screen(image: Image, t: Thresholds) -> bool:
    """Mostly one flat, saturated blue (BGR ``image``; every other pixel is enough)."""
    sample = image[::2, ::2].reshape(-1, 3)
    blue, green, red = (float(v) for v in np.median(sample, axis=0))
    if blue < t["min_blue"] or blue - max(green, red) < t["min_margin"]:
        return False
    median = np.array([blue, green, red], np.int16)
    distance = np.abs(sample.astype(np.int16) - median).max(axis=1)
    near = int(np.count_nonzero(distance <= t["tolerance"]))
    return near * 100 >= t["blue_percent"] * len(sample)


@register(
    NAME,
    defaults={"min_blue": 100, "min_margin": 60, "blue_percent": 80, "tolerance": 24},
    min_frames=0,
    suppresses=True,
    validate=_validate,
)
def blue_screen(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Blue "no signal" screen instead of a picture.

    Value: percentage of sampled frames that are blue screens. All of them: score 0; some:
    60 × the share with a picture (intermittent: warning to critical).
    """
    if not ctx.frames:
        return scored(NAME, 100.0, "no_frames")
    blue = sum(is_blue_screen(image, t) for image in ctx.small)
    total = len(ctx)
    percent = 100.0 * blue / total
    facts = {"blue": blue, "total": total}
    if blue == 0:
        return scored(NAME, 100.0, "clear", facts, value=percent)
    score = 60.0 * (total - blue) / total
    code = "intermittent" if blue < total else "blue" if total > 1 else "blue_frame"
    return scored(NAME, score, code, facts, value=percent)
