"""easysight-sim: synthetic cameras served as HTTP MJPEG, for the demo, tests and benchmarks.

Healthy views and views with typical faults (dark, blurred, frozen, no signal, blue screen,
dropout) that OpenCV opens like any IP camera. Pure stdlib + numpy + OpenCV; no Qt.
"""

from worker_node.simulator.cameras import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    FAULT_SETS,
    CameraSpec,
    camera_specs,
    parse_faults,
)
from worker_node.simulator.faults import Fault
from worker_node.simulator.hub import BOUNDARY, EncodedFrame, FrameHub
from worker_node.simulator.server import SimulatorServer, start_simulator

__all__ = [
    "BOUNDARY",
    "DEFAULT_FPS",
    "DEFAULT_SIZE",
    "FAULT_SETS",
    "CameraSpec",
    "EncodedFrame",
    "Fault",
    "FrameHub",
    "SimulatorServer",
    "camera_specs",
    "parse_faults",
    "start_simulator",
]
