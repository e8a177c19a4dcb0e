"""Which cameras a simulator serves: names, ids, faults, size and frame rate.

The default set looks like a small real site (five healthy views plus one camera per common
fault), so a demo wall and a diagnosis run show both green and red results without configuration.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from worker_node.simulator.faults import Fault, View
from worker_node.simulator.scenes import DEFAULT_LOOP_S, Scene

DEFAULT_SIZE = (640, 360)
DEFAULT_FPS = 15
MAX_FPS = 30
MAX_LOOP_S = 60.0
HEALTHY_COUNT = 5
WALL_COUNT = 16
WALL_SIZE = (1280, 720)
WALL_FPS = 25.0

SITE_NAMES = (
    "Gate 1",
    "Lobby",
    "Car park B",
    "Loading dock",
    "Reception",
    "Warehouse aisle 3",
    "Server room",
    "Perimeter north",
    "Stairwell east",
    "Gate 2",
    "Car park A",
    "Canteen",
    "Corridor 2F",
    "Bike shed",
    "Fence west",
    "Roof access",
)

FAULT_SETS: dict[str, tuple[Fault, ...]] = {
    "default": (Fault.DARK, Fault.BLURRED, Fault.FROZEN, Fault.NO_SIGNAL),
    "none": (),
    # A 16-tile wall: mostly healthy, a few faults to spot, one camera that drops and returns.
    "wall": (Fault.DARK, Fault.BLURRED, Fault.FROZEN, Fault.DROPOUT),
    "all": (
        Fault.DARK,
        Fault.BLURRED,
        Fault.FROZEN,
        Fault.NO_SIGNAL,
        Fault.BLUE_SCREEN,
        Fault.DROPOUT,
    ),
}


@dataclass(frozen=True)
class CameraSpec:
    """One simulated camera. ``dropout_*`` only matter for the ``dropout`` fault.

    Its motion repeats every ``loop_s`` seconds (the clock keeps real time), so each frame of the
    loop is encoded once. Every camera also has a substream at half the size.
    """

    id: str
    name: str
    fault: Fault = Fault.HEALTHY
    width: int = DEFAULT_SIZE[0]
    height: int = DEFAULT_SIZE[1]
    fps: float = DEFAULT_FPS
    dropout_up_s: float = 20.0
    dropout_down_s: float = 10.0
    loop_s: float = DEFAULT_LOOP_S

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", self.id):
            raise ValueError(f"camera id {self.id!r} must be a lowercase slug (a-z, 0-9, -, _)")
        if not (16 <= self.width <= 7680 and 16 <= self.height <= 4320):
            raise ValueError(f"camera {self.id}: size {self.width}x{self.height} is out of range")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"camera {self.id}: width and height must be even")
        if not 0 < self.fps <= MAX_FPS:
            raise ValueError(f"camera {self.id}: fps must be in (0, {MAX_FPS}]")
        if self.dropout_up_s <= 0 or self.dropout_down_s <= 0:
            raise ValueError(f"camera {self.id}: dropout periods must be positive")
        if not 0 < self.loop_s <= MAX_LOOP_S:
            raise ValueError(f"camera {self.id}: loop must be in (0, {MAX_LOOP_S:g}] seconds")

    @property
    def substream_size(self) -> tuple[int, int]:
        """Half the main size, rounded down to even numbers (1280x720 -> 640x360)."""
        return max(8, self.width // 4 * 2), max(8, self.height // 4 * 2)

    def make_view(self, substream: bool = False) -> View:
        """The picture source for this camera; seeded by id so a camera looks the same each run."""
        seed = zlib.crc32(self.id.encode())
        label = f"CAM {self.id.upper()}"
        scene = Scene(self.name, label, self.width, self.height, seed, self.loop_s)
        return View(scene, self.fault, self.substream_size if substream else None)


def slugify(name: str) -> str:
    """``"Car park B"`` → ``"car-park-b"``: the id a camera gets from its display name."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "camera"


def parse_faults(text: str) -> tuple[Fault, ...]:
    """A named set (``default``, ``none``, ``all``) or a comma list such as ``dark,frozen``."""
    key = text.strip().lower()
    if key in FAULT_SETS:
        return FAULT_SETS[key]
    faults = []
    for item in key.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            faults.append(Fault(item))
        except ValueError:
            choices = ", ".join([*FAULT_SETS, *(f.value for f in Fault)])
            raise ValueError(f"unknown fault {item!r}; choose from {choices}") from None
    return tuple(faults)


def camera_specs(
    count: int | None = None,
    *,
    size: tuple[int, int] = DEFAULT_SIZE,
    fps: float = DEFAULT_FPS,
    faults: str | Sequence[Fault] = "default",
    dropout_up_s: float = 20.0,
    dropout_down_s: float = 10.0,
    loop_s: float = DEFAULT_LOOP_S,
) -> list[CameraSpec]:
    """The cameras to serve: healthy ones first, then one per fault.

    ``count`` defaults to five healthy cameras plus the faults. With fewer cameras than that, the
    healthy ones go first (at least one is always kept) and faults from the end of the list are
    dropped.
    """
    fault_list = parse_faults(faults) if isinstance(faults, str) else tuple(faults)
    total = HEALTHY_COUNT + len(fault_list) if count is None else count
    if total < 1:
        raise ValueError("at least one camera is needed")
    healthy = max(1, total - len(fault_list))
    kinds = [Fault.HEALTHY] * healthy + list(fault_list[: total - healthy])
    specs = []
    used: set[str] = set()
    for index, fault in enumerate(kinds):
        name = SITE_NAMES[index] if index < len(SITE_NAMES) else f"Camera {index + 1}"
        ident = slugify(name)
        while ident in used:
            ident += "-x"
        used.add(ident)
        specs.append(
            CameraSpec(
                id=ident,
                name=name,
                fault=fault,
                width=size[0],
                height=size[1],
                fps=fps,
                dropout_up_s=dropout_up_s,
                dropout_down_s=dropout_down_s,
                loop_s=loop_s,
            )
        )
    return specs
