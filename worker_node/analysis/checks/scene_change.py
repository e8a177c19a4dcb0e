"""``scene_change``: the view no longer matches the camera's stored reference view (the camera
was turned or knocked, the lens swapped, the scene rebuilt).

Compared: structure, not brightness. Both the reference thumbnail and each frame (resized to
the reference's size, then both to 96 px wide) are reduced to their local structure: a slightly
blurred grey picture minus its local mean, divided by its local contrast. That removes exposure,
gain and day/night level changes, and the blur and the small size wash out sensor noise and
compression. The similarity is the normalised cross-correlation of the two structure maps,
maximised over small shifts (up to ``SEARCH`` of the width) so that a camera that jitters or
settled a few pixels off still matches; a camera turned by a fifth of the picture or more
finds nothing alike. The value is the MEDIAN similarity (in %) over the frames: a person
walking through one frame does not change it.

Without a reference there is nothing to compare with: the finding is normal, code
``no_reference``, and carries no value (the console stores a reference from a healthy run).
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from worker_node.analysis.context import FrameContext, Image
from worker_node.analysis.registry import Thresholds, register
from worker_node.analysis.scoring import ramp, scored
from worker_node.protocol.messages import CheckResult

NAME = "scene_change"
WIDTH = 96  # width of the compared structure maps
SEARCH = 0.08  # largest shift tried, as a share of the width
BLUR = 1.0  # pixels of the structure map: washes out noise and compression
LOCAL = 6  # pixels: half-width of the box whose mean and contrast are taken out
FLOOR = 2.0  # grey levels added to the local contrast: flat areas stay flat, not amplified noise

Structure = NDArray[np.float32]


def _validate(t: Thresholds) -> None:
    if not 0 <= t["min_similarity"] < t["good_similarity"] <= 100:
        raise ValueError("need 0 <= min_similarity < good_similarity <= 100")


def structure(grey: Image, size: tuple[int, int]) -> Structure:
    """The local structure of ``grey`` at ``size``: zero local mean, unit local contrast."""
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    small = cv2.GaussianBlur(small, (3, 3), BLUR)
    box = (2 * LOCAL + 1, 2 * LOCAL + 1)
    detail = small - cv2.blur(small, box)
    spread = cv2.sqrt(cv2.blur(detail * detail, box))
    return np.asarray(detail / (spread + FLOOR), np.float32)


def similarity(frame: Structure, reference: Structure) -> float:
    """Best normalised correlation (%) of ``frame`` with ``reference`` over small shifts."""
    height, width = frame.shape
    margin_x = max(1, round(width * SEARCH))
    margin_y = max(1, round(height * SEARCH))
    centre = frame[margin_y : height - margin_y, margin_x : width - margin_x]
    scores = cv2.matchTemplate(reference, centre, cv2.TM_CCOEFF_NORMED)
    return 100.0 * max(0.0, float(scores.max()))


def _grey(image: Image) -> Image:
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), np.uint8)


@register(NAME, defaults={"min_similarity": 55, "good_similarity": 70}, validate=_validate)
def scene_change(ctx: FrameContext, t: Thresholds) -> CheckResult:
    """Scene change: structural similarity to the reference view (default < 55 % alike: changed).

    Value: the median over the frames of the similarity in %. Score 100 from
    ``good_similarity``, 60 at ``min_similarity``, 0 at none.
    """
    good, limit = t["good_similarity"], t["min_similarity"]
    if ctx.reference is None:
        return scored(NAME, 100.0, "no_reference", {})
    ref_grey = _grey(ctx.reference)
    height, width = ref_grey.shape[:2]
    size = (WIDTH, max(16, round(height * WIDTH / width)))
    reference = structure(ref_grey, size)
    values = [similarity(structure(grey, size), reference) for grey in ctx.grey]
    value = float(np.median(values))
    knots = [(0.0, 0.0), (limit, 60.0), (good, 100.0), (100.0, 100.0)]
    score = ramp(value, knots)
    code = "changed" if value < limit else "matches"
    facts = {"value": value, "limit": limit}
    return scored(NAME, score, code, facts, value=value, threshold=limit)
