"""Simulator fixtures: one shared in-process server with every fault, on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from worker_node.simulator import SimulatorServer, start_simulator


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    """All faults at the default size; shared, so tests must not rely on its counters."""
    with start_simulator(faults="all", linger_s=0.3) as server:
        yield server
