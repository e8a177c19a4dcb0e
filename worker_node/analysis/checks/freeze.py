"""``freeze``: a picture that no longer changes (hung encoder, stalled relay, repeated frame).

How frozen is decided: consecutive sampled frames are compared on the 480-px grey image. A pair
is *unchanged* when its mean absolute difference is at most ``max_mean_diff`` grey levels AND no
pixel differs by more than ``max_pixel_diff``. Live sensor noise moves the mean difference
(≈ 0.4 levels and up, even on a static scene); a ticking OSD clock or a small moving object moves
single pixels by tens of levels; a repeated or re-encoded frozen frame moves neither. The
picture is frozen when EVERY pair over the window is unchanged. A few unchanged pairs among
changing ones lower the score but stay normal: a static, noise-free scene looks like that.
It needs two frames: with fewer the runner reports it as not assessed, never as normal.
"""

from __future__ import annotations

import cv2

from worker_node.analysis.context import FrameContext
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import scored
from worker_node.protocol.messages import CheckResult

FROZEN_SCORE = 10.0


@register("freeze", defaults={"max_mean_diff": 0.1, "max_pixel_diff": 16}, min_frames=2)
def freeze(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Frozen picture: every consecutive pair of sampled frames (near-)identical.

    Value: the largest mean absolute grey difference between consecutive frames.
    """
    means: list[float] = []
    unchanged = 0
    for before, after in zip(ctx.grey, ctx.grey[1:], strict=False):
        if before.shape != after.shape:
            means.append(255.0)  # the resolution changed: the stream is certainly alive
            continue
        diff = cv2.absdiff(before, after)
        mean = float(diff.mean())
        means.append(mean)
        if mean <= t["max_mean_diff"] and int(diff.max()) <= t["max_pixel_diff"]:
            unchanged += 1
    pairs = len(means)
    value = max(means)
    span = ctx.offsets_s[-1] - ctx.offsets_s[0]
    if unchanged == pairs:
        code = "frozen" if value == 0 else "nearly_frozen"
        facts = {"frames": len(ctx), "span": span, "value": value}
        return scored(
            "freeze", FROZEN_SCORE, code, facts, value=value, threshold=t["max_mean_diff"]
        )
    score = 100.0 - 30.0 * unchanged / pairs
    code = "stutter" if unchanged else "changing"
    facts = {"unchanged": unchanged, "pairs": pairs}
    return scored("freeze", score, code, facts, value=value, threshold=t["max_mean_diff"])
