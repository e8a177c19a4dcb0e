"""The built-in checks. Each module registers one check on import; list new ones here.

The imports are explicit (not discovered) so that frozen builds such as PyInstaller keep them.
"""

from worker_node.analysis.checks import (
    blue_screen,
    brightness,
    clarity,
    color_cast,
    contrast,
    flower_screen,
    focus_blur,
    freeze,
    lens_dirty,
    mosaic,
    noise,
    occlusion,
    scene_change,
    shake,
    signal_loss,
    snow,
    stripe,
)

__all__ = [
    "blue_screen",
    "brightness",
    "clarity",
    "color_cast",
    "contrast",
    "flower_screen",
    "focus_blur",
    "freeze",
    "lens_dirty",
    "mosaic",
    "noise",
    "occlusion",
    "scene_change",
    "shake",
    "signal_loss",
    "snow",
    "stripe",
]
