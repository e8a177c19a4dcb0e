"""What a wall tile reads from its decoder: the newest frame and the link's state, the same
whether the decoder runs in this process (tests, the decoder processes themselves) or in a
decoder process (the console's wall)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class LinkState(StrEnum):
    CONNECTING = "connecting"  # first open, or a new URL
    LIVE = "live"  # frames are arriving
    LOST = "lost"  # the stream failed; waiting to reconnect
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class LinkStatus:
    state: LinkState
    reason: str  # why it is lost (empty when live)
    last_frame_at: float | None  # time.time() of the newest frame, None if none yet
    fps: float  # frames decoded per second, measured over the last two seconds
    url: str  # the URL the decoder is playing (or trying)
    retry_in_s: float = 0.0  # when LOST: the pause before the next attempt
    misconfigured: bool = False  # when LOST: a wrong address or path rather than a camera down


@dataclass(frozen=True, slots=True)
class TileFrame:
    """A frame ready to paint: ``pixels`` is H×W×4 BGRA, never modified after it is made."""

    pixels: np.ndarray
    seq: int  # 1, 2, … per decoder; a new number means a new picture
    captured_at: float  # time.time() when it was decoded
