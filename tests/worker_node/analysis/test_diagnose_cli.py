"""``easysight-worker diagnose`` as an admin runs it: a real process, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from tests.worker_node.analysis import scenes
from tests.worker_node.sources.servers import closed_port, silent_server, unanswered_port
from worker_node.analysis import known_checks
from worker_node.protocol.messages import DiagnosisResult

ROOT = Path(__file__).parents[3]


def _diagnose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCV_", "EASYSIGHT_"))}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "worker_node.cli", "diagnose", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environ,
    )


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp_path = tmp_path_factory.mktemp("videos")
    return {
        "healthy": scenes.write_video(str(tmp_path / "healthy.avi"), scenes.moving(20), 10),
        "frozen": scenes.write_video(str(tmp_path / "frozen.avi"), scenes.frozen(20), 10),
    }


def test_json_lines_carry_the_worker_result(videos: dict[str, str]) -> None:
    camera = f"rtsp://ops:topsecret@127.0.0.1:{closed_port()}/ch1"
    done = _diagnose(videos["healthy"], videos["frozen"], camera, "--json", "--timeout", "3")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""  # no OpenCV/FFmpeg chatter
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    by_source = {line["source"]: DiagnosisResult.model_validate(line["result"]) for line in lines}
    masked = camera.replace("topsecret", "***")
    assert set(by_source) == {videos["healthy"], videos["frozen"], masked}
    assert by_source[videos["healthy"]].overall == "normal"
    assert by_source[videos["healthy"]].snapshot_jpeg
    assert by_source[videos["frozen"]].overall == "critical"
    assert by_source[masked].checks[0].type == "signal_loss"
    assert "topsecret" not in done.stdout


def test_human_output_and_exit_zero(videos: dict[str, str]) -> None:
    done = _diagnose(videos["healthy"], "--checks", "brightness,freeze", "--frames", "3")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{videos['healthy']}: NORMAL (")
    assert [line.split()[0] for line in lines[1:]] == ["brightness", "freeze"]
    assert all(line.split()[1] == "normal" for line in lines[1:])


def test_results_print_as_they_finish(videos: dict[str, str]) -> None:
    with unanswered_port() as port:
        # the setting applies when --timeout is not given
        done = _diagnose(
            f"http://127.0.0.1:{port}/video",
            videos["healthy"],
            "--json",
            env={"EASYSIGHT_SOURCE_TIMEOUT": "1.5"},
        )
    assert done.returncode == 1
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["source"] == videos["healthy"]
    assert second["result"]["checks"][0]["message"].endswith("timed out after 1.5 s")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--checks", "brightness,sparkles"], "unknown check 'sparkles'; known checks: "),
        (["--frames", "300"], "--frames: Input should be less than or equal to 250"),
        (["--window", "-1"], "--window: Input should be greater than or equal to 0"),
        (["--timeout", "0"], "--timeout must be greater than 0"),
    ],
)
def test_usage_errors_exit_two(args: list[str], error: str) -> None:
    done = _diagnose("/no/such/clip.avi", *args)  # refused before any source is opened
    assert done.returncode == 2
    assert error in done.stderr
    assert done.stdout == ""


def test_no_source_is_a_usage_error() -> None:
    done = _diagnose()
    assert done.returncode == 2
    assert "SOURCE" in done.stderr


def test_exits_cleanly_while_a_silent_camera_is_still_opening(videos: dict[str, str]) -> None:
    # The silent camera's capture thread is still inside FFmpeg when the results are out;
    # the process must neither hang nor abort at exit.
    with silent_server() as port:
        done = _diagnose(f"rtsp://127.0.0.1:{port}/x", videos["healthy"], "--timeout", "1.5")
    assert done.returncode == 1
    assert done.stderr == ""
    assert done.stdout.count("\n  ") == 1 + len(known_checks())  # the source + its checks


def test_a_template_chooses_the_checks(videos: dict[str, str]) -> None:
    done = _diagnose(videos["healthy"], "--template", "tamper", "--json")
    assert done.returncode == 0, done.stderr
    [line] = [json.loads(line) for line in done.stdout.splitlines()]
    checks = [c["type"] for c in line["result"]["checks"]]
    assert checks == ["signal_loss", "blue_screen", "occlusion", "scene_change", "shake"]


def test_an_unknown_template_is_a_usage_error() -> None:
    done = _diagnose("/no/such/clip.avi", "--template", "weekly")
    assert done.returncode == 2
    assert "unknown template 'weekly'; known templates: nightly" in done.stderr
    assert done.stdout == ""


def test_a_reference_image_is_compared(videos: dict[str, str], tmp_path: Path) -> None:
    same = str(tmp_path / "same.png")
    other = str(tmp_path / "other.jpg")
    cv2.imwrite(same, scenes.moving(1)[0])
    cv2.imwrite(other, scenes.outdoor())
    args = ("--checks", "scene_change", "--json")
    matching = _diagnose(videos["healthy"], "--reference", same, *args)
    changed = _diagnose(videos["healthy"], "--reference", other, *args)
    without = _diagnose(videos["healthy"], *args)
    assert (matching.returncode, changed.returncode, without.returncode) == (0, 1, 0)
    runs = (matching, changed, without)
    codes = [json.loads(d.stdout)["result"]["checks"][0]["code"] for d in runs]
    assert codes == ["matches", "changed", "no_reference"]


def test_an_unreadable_reference_is_a_usage_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not a picture")
    done = _diagnose("/no/such/clip.avi", "--reference", str(junk))
    assert done.returncode == 2
    assert "--reference: cannot read an image from" in done.stderr
    assert done.stdout == ""


def test_the_site_thresholds_setting_applies(videos: dict[str, str]) -> None:
    strict = {"EASYSIGHT_THRESHOLDS": '{"brightness": {"min_mean": 200, "max_mean": 250}}'}
    done = _diagnose(videos["healthy"], "--checks", "brightness", "--json", env=strict)
    assert done.returncode == 1, done.stderr
    [line] = [json.loads(line) for line in done.stdout.splitlines()]
    [finding] = line["result"]["checks"]
    assert (finding["code"], finding["facts"]["low"]) == ("too_dark", 200)
    typo = {"EASYSIGHT_THRESHOLDS": '{"brightness": {"min": 20}}'}
    done = _diagnose(videos["healthy"], env=typo)
    assert done.returncode == 2
    assert "unknown threshold 'min' for check 'brightness'" in done.stderr
