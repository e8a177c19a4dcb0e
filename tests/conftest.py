"""Suite-wide set-up: Qt offscreen, and real-broker fixtures each in its own namespace."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = [
    "tests.support.broker_fixtures",
    "tests.support.databases",
    "tests.support.console",
    "tests.support.processes",
    "tests.support.timeout_report",
]
