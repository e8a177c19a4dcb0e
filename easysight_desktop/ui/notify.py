"""How a pane tells the operator what happened: one line in the status bar, or an error."""

from __future__ import annotations

from typing import Protocol


class Notifier(Protocol):
    """Implemented by the status bar; tests pass a recorder."""

    def info(self, text: str) -> None: ...

    def error(self, text: str) -> None: ...
