"""A tile's shared-memory slot: frames and link status written by one side and read by the
other without locks; a reader that would get a torn or stale answer gets none."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from easysight_desktop.video.frame_slot import STATUS_VER, WRITING, FrameSlot
from easysight_desktop.video.link import LinkState, LinkStatus


@pytest.fixture
def slots() -> Iterator[tuple[FrameSlot, FrameSlot]]:
    """The GUI's side (owner) and the decoder process's side of one small slot."""
    gui = FrameSlot.create(max_pixels=64 * 48)
    host = FrameSlot.attach(gui.name)
    yield gui, host
    host.close()
    gui.close()


def picture(value: int, width: int = 64, height: int = 36) -> np.ndarray:
    return np.full((height, width, 4), value, np.uint8)


def test_the_newest_frame_is_read_as_a_copy_with_its_generation(slots) -> None:  # type: ignore[no-untyped-def]
    gui, host = slots
    assert gui.seq == 0 and gui.read_frame() is None
    host.write_frame(picture(10), generation=1, captured_at=100.0)
    host.write_frame(picture(20, 32, 18), generation=2, captured_at=101.0)
    got = gui.read_frame()
    assert got is not None and got.seq == 2 and got.generation == 2 and got.captured_at == 101.0
    assert got.pixels.shape == (18, 32, 4) and (got.pixels == 20).all()
    host.write_frame(picture(30), generation=2, captured_at=102.0)
    assert (got.pixels == 20).all()  # the reader's copy is its own
    assert gui.decoded == 3


def test_a_read_overtaken_by_the_writer_gives_nothing(slots) -> None:  # type: ignore[no-untyped-def]
    gui, host = slots
    host.write_frame(picture(1), 1, 1.0)
    host.write_frame(picture(2), 1, 2.0)
    # A writer that has started frame 4 reuses frame 2's buffer: a copy of 2 is not trusted.
    host._ints[WRITING] = 4
    assert gui.read_frame() is None
    host._ints[WRITING] = 3  # frame 3 goes to the other buffer
    assert gui.read_frame() is not None


def test_a_cleared_slot_shows_no_picture_and_numbers_go_on(slots) -> None:  # type: ignore[no-untyped-def]
    gui, host = slots
    host.write_frame(picture(1), 1, 1.0)
    host.clear_frame()
    assert gui.seq == 0 and gui.read_frame() is None
    host.write_frame(picture(2), 1, 2.0)
    got = gui.read_frame()
    assert got is not None and got.seq == 2  # a new number: the tile takes it as a new picture


def test_a_frame_too_big_for_the_slot_is_refused(slots) -> None:  # type: ignore[no-untyped-def]
    _, host = slots
    with pytest.raises(ValueError, match="does not fit"):
        host.write_frame(picture(1, 128, 96), 1, 1.0)


def test_link_status_round_trips_for_its_generation_only(slots) -> None:  # type: ignore[no-untyped-def]
    gui, host = slots
    assert gui.read_status("u", 1) is None  # nothing written yet
    lost = LinkStatus(LinkState.LOST, "HTTP 404 — ünknown", 50.5, 0.0, "x", 2.0, True)
    host.write_status(lost, generation=3)
    assert gui.read_status("u", 3) == LinkStatus(
        LinkState.LOST, "HTTP 404 — ünknown", 50.5, 0.0, "u", 2.0, True
    )
    assert gui.read_status("u", 2) is None  # the status of another URL
    live = LinkStatus(LinkState.LIVE, "", None, 24.5, "u")
    host.write_status(live, generation=3)
    assert gui.read_status("u", 3) == live


def test_a_status_read_during_a_write_gives_nothing(slots) -> None:  # type: ignore[no-untyped-def]
    gui, host = slots
    host.write_status(LinkStatus(LinkState.LIVE, "", 1.0, 25.0, "u"), 1)
    host._ints[STATUS_VER] += 1  # odd: a write in progress
    assert gui.read_status("u", 1) is None
