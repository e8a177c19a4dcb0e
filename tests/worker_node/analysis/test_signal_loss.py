"""signal_loss: black or uniform frames, intermittent loss, and no stream at all."""

from __future__ import annotations

import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.analysis.conftest import Evaluate
from worker_node.analysis.checks.signal_loss import connection_lost


def test_picture_present(check: Evaluate) -> None:
    result = check("signal_loss", scenes.moving(3))
    assert (result.status, result.score, result.value) == ("normal", 100, 0)
    assert result.message == "picture present in all 3 frames"


def test_black_frames(check: Evaluate) -> None:
    result = check("signal_loss", scenes.black(5))
    assert (result.status, result.score, result.value) == ("critical", 0, 100)
    assert result.message == "no picture: all 5 frames are black or uniform"


def test_flat_no_video_screen_with_caption(check: Evaluate) -> None:
    result = check("signal_loss", [scenes.no_video_screen()])
    assert result.status == "critical"
    assert result.message == "no picture: the frame is black or uniform"


def test_dark_but_present_picture_is_not_a_loss(check: Evaluate) -> None:
    assert check("signal_loss", [scenes.dark(scenes.scene())]).status == "normal"


@pytest.mark.parametrize(("lost", "status"), [(1, "warning"), (2, "error"), (4, "critical")])
def test_intermittent_loss(check: Evaluate, lost: int, status: str) -> None:
    frames = scenes.moving(5)
    frames[:lost] = scenes.black(lost)
    result = check("signal_loss", frames)
    assert result.status == status
    assert result.value == 20 * lost
    assert result.message == f"intermittent loss: {lost} of 5 frames black or uniform"


def test_no_frames_requested_only_says_reachable(check: Evaluate) -> None:
    result = check("signal_loss", [])
    assert result.status == "normal"
    assert "reachable" in result.message


def test_unreachable_source() -> None:
    result = connection_lost("cannot connect to rtsp://cam/x: timed out after 10 s")
    assert (result.type, result.status, result.score) == ("signal_loss", "critical", 0)
    assert result.message == "cannot connect to rtsp://cam/x: timed out after 10 s"
