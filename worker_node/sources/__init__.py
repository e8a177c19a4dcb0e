"""Frame sources: open a camera, file or stream with OpenCV and sample a few frames from it.

Everything here is blocking and safe to call from many worker threads at once; an unreachable
camera costs at most the time limit it was given, never a stuck worker slot.
"""

from worker_node.sources.errors import CancelFlag, SourceBusy, SourceCancelled, SourceError
from worker_node.sources.locator import Locator, SourceKind, locate
from worker_node.sources.sampler import Frame, active_captures, grab_frames, wait_for_captures

__all__ = [
    "CancelFlag",
    "Frame",
    "Locator",
    "SourceBusy",
    "SourceCancelled",
    "SourceError",
    "SourceKind",
    "active_captures",
    "grab_frames",
    "locate",
    "wait_for_captures",
]
