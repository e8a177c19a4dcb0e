"""What a frame source reports instead of frames: a failure, a stop, or a busy backend."""

from __future__ import annotations

from typing import Protocol


class SourceError(Exception):
    """The source could not deliver frames; the text is one line an operator can act on.

    Diagnosis turns it into a ``signal_loss`` finding, so it must never carry a password.
    """


class SourceCancelled(Exception):
    """Sampling was aborted by the caller's cancel flag; not a camera fault, so not a finding."""


class SourceBusy(Exception):
    """The capture backend stayed occupied by other sources' opens for too long.

    Deliberately not a :class:`SourceError`: the camera was never tried, so blaming it with a
    finding would be false. The task fails instead and can be retried.
    """


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`: polled while sampling."""

    def is_set(self) -> bool: ...
