"""What a frame source reports instead of frames: a failure, or that it was told to stop."""

from __future__ import annotations

from typing import Protocol


class SourceError(Exception):
    """The source could not deliver frames; the text is one line an operator can act on.

    Diagnosis turns it into a ``signal_loss`` finding, so it must never carry a password.
    """


class SourceCancelled(Exception):
    """Sampling was aborted by the caller's cancel flag; not a camera fault, so not a finding."""


class CancelFlag(Protocol):
    """Anything with ``is_set()``, e.g. :class:`threading.Event`: polled while sampling."""

    def is_set(self) -> bool: ...
