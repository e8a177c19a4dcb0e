"""Which cameras get served: the default site, counts, fault sets and spec validation."""

from __future__ import annotations

import pytest

from worker_node.simulator import CameraSpec, Fault, camera_specs, parse_faults
from worker_node.simulator.cameras import slugify


def test_default_set_is_five_healthy_plus_one_camera_per_common_fault() -> None:
    specs = camera_specs()
    assert [s.fault for s in specs] == [Fault.HEALTHY] * 5 + [
        Fault.DARK,
        Fault.BLURRED,
        Fault.FROZEN,
        Fault.NO_SIGNAL,
    ]
    assert [s.name for s in specs[:3]] == ["Gate 1", "Lobby", "Car park B"]
    assert [s.id for s in specs[:3]] == ["gate-1", "lobby", "car-park-b"]
    assert {(s.width, s.height, s.fps) for s in specs} == {(640, 360, 15)}


def test_count_keeps_a_healthy_camera_and_drops_faults_from_the_end() -> None:
    assert [s.fault for s in camera_specs(3)] == [Fault.HEALTHY, Fault.DARK, Fault.BLURRED]
    assert [s.fault for s in camera_specs(1)] == [Fault.HEALTHY]
    many = camera_specs(20, size=(1280, 720), fps=25)
    assert [s.fault for s in many].count(Fault.HEALTHY) == 16
    assert len({s.id for s in many}) == 20
    assert many[-1].name == "Camera 20"
    assert (many[0].width, many[0].height, many[0].fps) == (1280, 720, 25)
    with pytest.raises(ValueError):
        camera_specs(0)


def test_fault_sets_and_lists() -> None:
    assert parse_faults("none") == ()
    assert Fault.DROPOUT in parse_faults("all") and Fault.BLUE_SCREEN in parse_faults("all")
    assert parse_faults(" Dark, dropout ") == (Fault.DARK, Fault.DROPOUT)
    assert [s.fault for s in camera_specs(faults="none")] == [Fault.HEALTHY] * 5
    assert camera_specs(faults=[Fault.FROZEN])[-1].fault is Fault.FROZEN
    with pytest.raises(ValueError, match="unknown fault 'smoke'"):
        parse_faults("dark,smoke")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"id": "Gate 1"},
        {"fps": 0},
        {"fps": 31},
        {"width": 641},
        {"height": 8},
        {"dropout_down_s": 0},
    ],
)
def test_invalid_specs_are_refused(kwargs: dict[str, object]) -> None:
    values: dict[str, object] = {"id": "cam", "name": "Cam"} | kwargs
    with pytest.raises(ValueError):
        CameraSpec(**values)  # type: ignore[arg-type]


def test_slugify() -> None:
    assert slugify("Car park B") == "car-park-b"
    assert slugify("  Warehouse / aisle 3 ") == "warehouse-aisle-3"
    assert slugify("门口") == "camera"
