"""``freeze``: a picture that no longer changes (hung encoder, stalled relay, repeated frame).

How frozen is decided: consecutive sampled frames are compared on the 480-px grey image, by
two figures of their absolute difference: the mean over the picture, and the largest mean over
one 8 × 8-pixel block (the *local* difference). Each interval is then

- *unchanged*: mean at most ``max_mean_diff`` and local at most ``max_local_diff``. A repeated
  frame differs by nothing, or by a few pixels a decoder refined;
- *real change*: local above ``max_local_diff``. Anything that moves, a ticking OSD clock, a
  light switched on, moves some block by tens of levels;
- otherwise *small*: a difference spread thinly over the picture. That is what a live sensor's
  noise gives, and also what a frozen picture gives when an encoder re-codes it (an H.264 key
  picture every ``GOP`` frames re-quantises the same still image: mean ≈ 1, local ≈ 3 levels).

The picture is frozen when at least ``min_unchanged_share`` of the intervals are unchanged and
none shows real change. Requiring *most* intervals, not all, is what catches the re-coded
frozen stream (one key picture in the window spoils "all"); a live static scene still never
qualifies, because its sensor noise makes EVERY interval small, none unchanged. A few unchanged
intervals among changing ones lower the score but stay normal (a stutter, or a stream that froze
or recovered during the window). It needs two frames: with fewer the runner reports it as not
assessed, never as normal.
"""

from __future__ import annotations

import cv2

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import scored
from worker_node.protocol.messages import CheckResult

FROZEN_SCORE = 10.0
BLOCK = 8  # pixels of the 480-px grey image per block of the local difference


def _validate(t: Thresholds) -> None:
    if t["max_mean_diff"] < 0 or t["max_local_diff"] < 0:
        raise ValueError("need max_mean_diff >= 0 and max_local_diff >= 0")
    if not 0 < t["min_unchanged_share"] <= 1:
        raise ValueError("need 0 < min_unchanged_share <= 1")


def difference(before: Image, after: Image) -> tuple[float, float]:
    """Mean absolute grey difference, and the largest mean over one BLOCK × BLOCK block."""
    diff = cv2.absdiff(before, after)
    height, width = diff.shape[:2]
    blocks = (max(1, width // BLOCK), max(1, height // BLOCK))
    local = cv2.resize(diff, blocks, interpolation=cv2.INTER_AREA)  # uint8: rounds to a level
    return float(diff.mean()), float(local.max())


@register(
    "freeze",
    defaults={"max_mean_diff": 0.1, "max_local_diff": 10, "min_unchanged_share": 0.6},
    min_frames=2,
    validate=_validate,
)
def freeze(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Frozen picture: most sampled intervals unchanged and none with real change.

    Value: the largest mean absolute grey difference between consecutive frames.
    """
    means: list[float] = []
    unchanged = changed = 0
    for before, after in zip(ctx.grey, ctx.grey[1:], strict=False):
        if before.shape != after.shape:
            means.append(255.0)  # the resolution changed: the stream is certainly alive
            changed += 1
            continue
        mean, local = difference(before, after)
        means.append(mean)
        if local > t["max_local_diff"]:
            changed += 1
        elif mean <= t["max_mean_diff"]:
            unchanged += 1
    pairs = len(means)
    value = max(means)
    threshold = t["max_mean_diff"]
    if not changed and unchanged >= t["min_unchanged_share"] * pairs:
        span = ctx.offsets_s[-1] - ctx.offsets_s[0]
        facts = {"frames": len(ctx), "span": span, "value": value}
        if value == 0:
            code = "frozen"
        elif unchanged == pairs:
            code = "nearly_frozen"
        else:
            code = "reencoded"
            facts |= {"unchanged": unchanged, "pairs": pairs}
        return scored("freeze", FROZEN_SCORE, code, facts, value=value, threshold=threshold)
    score = 100.0 - 30.0 * unchanged / pairs
    code = "stutter" if unchanged else "changing"
    facts = {"unchanged": unchanged, "pairs": pairs}
    return scored("freeze", score, code, facts, value=value, threshold=threshold)
