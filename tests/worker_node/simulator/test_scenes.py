"""The pictures themselves: healthy views move and are sharp; each fault looks like that fault."""

from __future__ import annotations

import numpy as np

from tests.worker_node.simulator.capture import changed_fraction, grey, sharpness
from worker_node.simulator import CameraSpec, Fault
from worker_node.simulator.faults import View
from worker_node.simulator.scenes import Scene


def view(fault: Fault, size: tuple[int, int] = (640, 360)) -> View:
    return CameraSpec("cam", "Cam", fault, width=size[0], height=size[1]).make_view()


def test_healthy_scene_moves_over_time_and_is_sharp() -> None:
    scene = Scene("Gate 1", "CAM 01", 640, 360, seed=7)
    first, later = scene.render(0.0, wall_time=0.0), scene.render(1.0, wall_time=1.0)
    assert first.shape == (360, 640, 3) and first.dtype == np.uint8
    assert changed_fraction(first, later) > 0.005
    assert sharpness(first) > 500
    assert 60 < grey(first).mean() < 200


def test_scene_is_reproducible_from_its_seed() -> None:
    a = Scene("Lobby", "CAM", 320, 180, seed=3).render(2.5, wall_time=1e9)
    b = Scene("Lobby", "CAM", 320, 180, seed=3).render(2.5, wall_time=1e9)
    c = Scene("Lobby", "CAM", 320, 180, seed=4).render(2.5, wall_time=1e9)
    assert np.array_equal(a, b)
    assert changed_fraction(a, c) > 0.05


def test_dark_view_is_dark() -> None:
    assert grey(view(Fault.DARK).render()).mean() < 30


def test_blurred_view_has_no_detail() -> None:
    frame = view(Fault.BLURRED).render()
    assert sharpness(frame) < 100
    assert grey(frame).mean() > 60  # blurred, not dark


def test_frozen_view_repeats_one_picture() -> None:
    frozen = view(Fault.FROZEN)
    assert frozen.static
    assert np.array_equal(frozen.render(), frozen.render())
    assert not view(Fault.HEALTHY).static


def test_no_signal_is_black_and_blue_screen_is_blue() -> None:
    black = view(Fault.NO_SIGNAL).render()
    assert black.max() == 0
    blue = view(Fault.BLUE_SCREEN).render()
    b, g, r = (float(blue[..., i].mean()) for i in range(3))
    assert b > 150 and r < 40 and g < 80


def test_720p_is_supported() -> None:
    assert view(Fault.HEALTHY, (1280, 720)).render().shape == (720, 1280, 3)
