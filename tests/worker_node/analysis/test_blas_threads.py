"""Checks run with numpy's BLAS on the calling thread (its own threads only spin)."""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np
import pytest

from tests.worker_node.analysis import scenes
from worker_node.analysis import FrameContext, plan_checks, run_checks


def _openblas_threads() -> int | None:
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return None
    for line in maps.read_text().splitlines():
        path = line.split()[-1]
        if "openblas" in path.lower():
            library = ctypes.CDLL(path)
            for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads"):
                getter = getattr(library, name, None)
                if getter is not None:
                    getter.restype = ctypes.c_int
                    return int(getter())
    return None


def test_running_checks_leaves_blas_single_threaded() -> None:
    np.ones((64, 64)) @ np.ones((64, 64))  # make sure numpy's BLAS is loaded
    if _openblas_threads() is None:
        pytest.skip("numpy is not linked against a findable OpenBLAS here")
    run_checks(plan_checks(["brightness"]), FrameContext([scenes.scene()]))
    assert _openblas_threads() == 1
