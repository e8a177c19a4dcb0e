"""The Qt + qasync + aio-pika stack survives sustained socket traffic (DESIGN.md §8)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.support.broker import BROKER_URL

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]


def test_thousands_of_confirmed_publishes_inside_qasync(require_broker: None) -> None:
    queue = f"test-qasync-{uuid.uuid4().hex[:8]}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.easysight_desktop.qt.qasync_publish",
            BROKER_URL,
            queue,
            "3000",
        ],
        cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.strip() == "queued 3000"
