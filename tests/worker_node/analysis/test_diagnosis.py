"""run_diagnosis end to end on generated video files and unreachable cameras."""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.sources.servers import closed_port, silent_server
from worker_node.analysis import known_checks, run_diagnosis
from worker_node.analysis.snapshot import encode_thumbnail
from worker_node.protocol.messages import MAX_SNAPSHOT_B64, DiagnosisParams, DiagnosisResult
from worker_node.sources import SourceCancelled

PARAMS = DiagnosisParams(frames=5, window_s=2.0)


def _video(tmp_path: Path, name: str, frames: list[np.ndarray]) -> str:
    return scenes.write_video(str(tmp_path / name), frames, fps=10)


@pytest.fixture
def healthy_video(tmp_path: Path) -> str:
    return _video(tmp_path, "healthy.avi", scenes.moving(30))


def _decode(snapshot: str) -> np.ndarray:
    data = np.frombuffer(base64.b64decode(snapshot), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def test_healthy_video(healthy_video: str) -> None:
    result = run_diagnosis(healthy_video, PARAMS, source_timeout=5)
    assert result.overall == "normal"
    assert [c.type for c in result.checks] == list(known_checks())
    assert result.snapshot_jpeg is not None
    assert _decode(result.snapshot_jpeg).shape == (180, 320, 3)
    # the wire model round-trips
    assert DiagnosisResult.model_validate_json(result.model_dump_json()) == result


def test_black_video_is_signal_loss_only(tmp_path: Path) -> None:
    result = run_diagnosis(
        _video(tmp_path, "black.avi", scenes.black(30)), PARAMS, source_timeout=5
    )
    assert result.overall == "critical"
    assert [c.type for c in result.checks] == ["signal_loss"]
    assert result.snapshot_jpeg is not None  # the operator sees the black picture


def test_frozen_video(tmp_path: Path) -> None:
    result = run_diagnosis(
        _video(tmp_path, "frozen.avi", scenes.frozen(30)), PARAMS, source_timeout=5
    )
    checks = {c.type: c for c in result.checks}
    assert result.overall == "critical"
    assert checks["freeze"].status == "critical"
    assert checks["freeze"].message == "frozen: 5 frames over 2.0 s are identical"
    assert checks["brightness"].status == "normal"


def test_dark_blurred_video_reports_both(tmp_path: Path) -> None:
    frames = [scenes.dark(scenes.blurred(f, 5.0), 0.15) for f in scenes.moving(30)]
    result = run_diagnosis(_video(tmp_path, "dark.avi", frames), PARAMS, source_timeout=5)
    statuses = {c.type: c.status for c in result.checks}
    assert statuses["brightness"] != "normal"
    assert statuses["clarity"] != "normal"
    assert statuses["freeze"] == "normal"
    assert result.overall == "critical"


@pytest.mark.parametrize("checks", [[], ["brightness", "freeze"]])
def test_unreachable_camera_is_a_signal_loss_finding(checks: list[str]) -> None:
    url = f"rtsp://admin:Secret1@127.0.0.1:{closed_port()}/live"
    result = run_diagnosis(url, DiagnosisParams(checks=checks), source_timeout=2)
    assert result.overall == "critical"
    [finding] = result.checks
    assert (finding.type, finding.status, finding.score) == ("signal_loss", "critical", 0)
    assert finding.message.startswith("cannot connect to rtsp://admin:***@127.0.0.1:")
    assert "Secret1" not in result.model_dump_json()
    assert result.snapshot_jpeg is None


def test_silent_camera_ends_within_the_timeout() -> None:
    with silent_server() as port:
        started = time.monotonic()
        result = run_diagnosis(f"http://127.0.0.1:{port}/mjpg", PARAMS, source_timeout=1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert result.checks[0].message.endswith("timed out after 1 s")


def test_bad_params_fail_before_the_camera_is_contacted() -> None:
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(ValueError, match="unknown check 'sparkles'"):
            run_diagnosis(
                f"rtsp://127.0.0.1:{port}/x", DiagnosisParams(checks=["sparkles"]), source_timeout=5
            )
        with pytest.raises(ValueError, match="unknown threshold"):
            run_diagnosis(
                f"rtsp://127.0.0.1:{port}/x",
                DiagnosisParams(thresholds={"freeze": {"tolerance": 1}}),
                source_timeout=5,
            )
        assert time.monotonic() - started < 0.5


def test_task_thresholds_apply(healthy_video: str) -> None:
    params = DiagnosisParams(checks=["brightness"], thresholds={"brightness": {"min_mean": 200}})
    result = run_diagnosis(healthy_video, params, source_timeout=5)
    assert result.checks[0].message.startswith("too dark")


def test_site_thresholds_sit_between_defaults_and_task(healthy_video: str) -> None:
    site = {"brightness": {"min_mean": 200, "max_mean": 250}}
    result = run_diagnosis(
        healthy_video,
        DiagnosisParams(checks=["brightness"]),
        source_timeout=5,
        site_thresholds=site,
    )
    assert result.overall in ("warning", "error")
    task = DiagnosisParams(checks=["brightness"], thresholds={"brightness": {"min_mean": 30}})
    result = run_diagnosis(healthy_video, task, source_timeout=5, site_thresholds=site)
    assert result.overall == "normal"


def test_single_frame_makes_freeze_not_assessed(healthy_video: str) -> None:
    result = run_diagnosis(healthy_video, DiagnosisParams(frames=1), source_timeout=5)
    assert result.overall == "warning"
    freeze = next(c for c in result.checks if c.type == "freeze")
    assert freeze.message == "not assessed: needs 2 frames, got 1"


def test_cancel_is_an_exception_not_a_finding(healthy_video: str) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(SourceCancelled):
        run_diagnosis(healthy_video, PARAMS, source_timeout=5, cancel=cancel)


def test_concurrent_diagnoses(tmp_path: Path, healthy_video: str) -> None:
    frozen = _video(tmp_path, "frozen.avi", scenes.frozen(30))
    sources = [healthy_video, frozen] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda s: run_diagnosis(s, PARAMS, source_timeout=5), sources))
    assert [r.overall for r in results] == ["normal", "critical"] * 4


def test_thumbnail_fits_the_wire_limit() -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (2160, 3840, 3), dtype=np.uint8)  # worst case for JPEG
    snapshot = encode_thumbnail(noise)
    assert snapshot is not None
    assert len(snapshot) <= MAX_SNAPSHOT_B64
    assert _decode(snapshot).shape == (180, 320, 3)
    portrait = encode_thumbnail(np.zeros((1920, 1080, 3), np.uint8))
    assert portrait is not None
    assert _decode(portrait).shape == (320, 180, 3)
