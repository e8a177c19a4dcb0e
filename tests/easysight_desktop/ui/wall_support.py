"""A small simulated site for the wall's tests: six cameras in one group, one of them with a
substream, served by a real simulator on a local port."""

from __future__ import annotations

from easysight_desktop.control.views import CameraView, GroupView
from easysight_desktop.ui.wall import LiveWall
from tests.easysight_desktop.ui.fakes import make_camera
from worker_node.simulator.cameras import CameraSpec
from worker_node.simulator.server import SimulatorServer

SITE = GroupView(1, "Site A")
SPECS = [CameraSpec(f"c{n}", f"Camera {n}", width=320, height=180, fps=15) for n in range(6)]
MAIN = CameraSpec("main", "Gate (main)", width=640, height=360, fps=15)


def site_cameras(sim: SimulatorServer) -> list[CameraView]:
    """Camera 1 plays ``main`` as its main stream and ``c1`` as its substream."""
    cameras = [make_camera(n + 1, spec.name, SITE, url=sim.stream_url(spec.id))
               for n, spec in enumerate(SPECS)]  # fmt: skip
    cameras[0] = make_camera(
        1, "Gate", SITE, url=sim.stream_url("main"), substream_url=sim.stream_url("c0")
    )
    return cameras


def all_stopped(wall: LiveWall) -> bool:
    """No decoder thread running and no decoder process left."""
    return wall.running_decoders() == 0 and wall.decoder_processes() == []
