"""scene_change: structural similarity of the frames to the stored reference view."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from worker_node.analysis import FrameContext, plan_checks, run_checks
from worker_node.analysis.snapshot import decode_reference, encode_thumbnail
from worker_node.protocol.messages import CheckResult

Image = np.ndarray


def _thumbnail(image: Image) -> Image:
    """The reference as a worker receives it: a JPEG thumbnail of at most 320 px."""
    text = encode_thumbnail(image)
    assert text is not None
    return decode_reference(text)


def _run(frames: Sequence[Image], reference: Image | None) -> CheckResult:
    [result] = run_checks(plan_checks(["scene_change"]), FrameContext(frames, None, reference))
    return result


def _shifted(image: Image, dx: float, angle: float = 0.0) -> Image:
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[0, 2] += dx
    return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REFLECT)


def _live(base: Image, count: int = 3, sigma: float = 2.0) -> list[Image]:
    return [scenes.with_noise(base, sigma, seed=10 + i) for i in range(count)]


BASES = {"indoor": scenes.scene(), "outdoor": scenes.outdoor(), "night": scenes.night()}


def test_without_a_reference_it_is_normal_and_says_so() -> None:
    result = _run(_live(BASES["indoor"]), None)
    assert (result.status, result.code, result.value) == ("normal", "no_reference", None)
    assert "no reference view is stored" in result.message


@pytest.mark.parametrize("kind", list(BASES))
def test_the_same_scene_matches(kind: str) -> None:
    result = _run(_live(BASES[kind]), _thumbnail(scenes.with_noise(BASES[kind], 2.0, seed=1)))
    assert (result.status, result.code) == ("normal", "matches")
    assert result.value > 80


@pytest.mark.parametrize("kind", ["indoor", "outdoor"])
@pytest.mark.parametrize("gain", [0.35, 1.6])
def test_exposure_noise_and_jitter_do_not_count(kind: str, gain: float) -> None:
    base = BASES[kind]
    exposed = np.clip(base.astype(np.float32) * gain, 0, 255).astype(np.uint8)
    frames = [scenes.with_noise(_shifted(exposed, 2.0 * i), 6.0, seed=i) for i in range(3)]
    result = _run(frames, _thumbnail(base))
    assert result.status == "normal", result.message


def test_a_person_walking_through_does_not_count() -> None:
    frames = scenes.moving(5)
    result = _run(frames, _thumbnail(scenes.scene()))
    assert result.status == "normal", result.message


@pytest.mark.parametrize("kind", list(BASES))
@pytest.mark.parametrize("turn", [0.2, 0.45])
def test_a_turned_camera_fires(kind: str, turn: float) -> None:
    base = BASES[kind]
    frames = _live(_shifted(base, -turn * base.shape[1]))
    result = _run(frames, _thumbnail(base))
    assert result.status != "normal", result.message
    assert result.code == "changed"
    assert result.value < 55


def test_a_rotated_view_fires() -> None:
    base = BASES["indoor"]
    result = _run(_live(_shifted(base, 0.0, angle=25.0)), _thumbnail(base))
    assert result.status != "normal", result.message


def test_a_different_scene_fires() -> None:
    result = _run(_live(scenes.outdoor()), _thumbnail(scenes.scene()))
    assert result.status != "normal", result.message


def test_bad_thresholds_are_refused() -> None:
    with pytest.raises(ValueError, match="min_similarity < good_similarity"):
        plan_checks(["scene_change"], {"scene_change": {"min_similarity": 80}})
