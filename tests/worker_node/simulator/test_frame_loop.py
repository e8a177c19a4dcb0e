"""Motion loops: each frame encoded once, seamless at the seam, the clock still ticking."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from tests.worker_node.simulator.capture import changed_fraction
from worker_node.simulator import CameraSpec, Fault
from worker_node.simulator.frame_loop import FrameLoop


def decode(jpeg: bytes) -> npt.NDArray[np.uint8]:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image  # type: ignore[return-value]


def spec(fault: Fault = Fault.HEALTHY, **kwargs: object) -> CameraSpec:
    values: dict[str, object] = {"width": 640, "height": 360, "fps": 10, "loop_s": 2.0} | kwargs
    return CameraSpec("cam", "Cam", fault, **values)  # type: ignore[arg-type]


def test_motion_repeats_seamlessly_after_the_loop() -> None:
    view = spec(loop_s=3.0).make_view()
    start, seam, middle = (view.frame(t, 0.0) for t in (0.0, 3.0, 1.5))
    assert changed_fraction(start, middle) > 0.005  # things move
    assert changed_fraction(start, seam) < 0.001  # and are back where they started


def test_each_loop_frame_is_encoded_once() -> None:
    loop = FrameLoop(spec().make_view(), fps=10, quality=80)
    assert loop.length == 20
    first = [loop.jpeg(i / 10, 1000.0) for i in range(20)]
    assert loop.encodes == 20 and loop.cached == 20
    again = [loop.jpeg(2.0 + i / 10, 1000.0) for i in range(20)]
    assert loop.encodes == 20
    assert again == first  # same second on the clock: the same bytes
    assert len(set(first)) == 20


def test_the_clock_band_follows_wall_time_and_the_rest_is_untouched() -> None:
    view = spec().make_view()
    loop = FrameLoop(view, fps=10, quality=80)
    rows = view.clock_rows
    assert rows == 32
    one, two = decode(loop.jpeg(0.5, 1000.0)), decode(loop.jpeg(0.5, 1001.0))
    assert one.shape == (360, 640, 3)
    # Chroma upsampling blends the band's edge into the next row or two when decoding.
    assert np.array_equal(one[rows + 2 :], two[rows + 2 :])
    assert changed_fraction(one[:rows], two[:rows]) > 0.001  # a digit of the clock changed
    assert loop.encodes == 1


def test_substream_is_half_size_with_its_own_clock_band() -> None:
    view = spec(width=1280, height=720).make_view(substream=True)
    assert (view.width, view.height, view.clock_rows) == (640, 360, 32)
    loop = FrameLoop(view, fps=10, quality=80)
    assert decode(loop.jpeg(0.0, 1000.0)).shape == (360, 640, 3)


def test_static_and_blurred_views_are_never_spliced() -> None:
    frozen = FrameLoop(spec(Fault.FROZEN).make_view(), fps=10, quality=80)
    assert frozen.length == 1
    assert frozen.jpeg(0.0, 1000.0) == frozen.jpeg(5.3, 2000.0) and frozen.encodes == 1
    assert spec(Fault.BLURRED).make_view().clock_rows == 0
    dark = spec(Fault.DARK).make_view()
    assert dark.clock_rows == 32 and dark.clock_band(1000.0).mean() < 30
