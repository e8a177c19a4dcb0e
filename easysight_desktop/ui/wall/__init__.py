"""The live view wall: camera tiles decoded on their own threads, painted at the screen's pace."""

from easysight_desktop.ui.wall.wall import LiveWall

__all__ = ["LiveWall"]
