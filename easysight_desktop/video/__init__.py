"""Live-view decoding for the console's wall, without Qt.

One :class:`~easysight_desktop.video.decoder.TileDecoder` thread per wall tile opens its stream
with short time limits, decodes, and keeps only the newest frame, already scaled to the tile and
laid out for painting; the GUI takes that frame when the screen refreshes and never waits.
:mod:`~easysight_desktop.video.reach` answers "can this camera be reached?" cheaply, for cameras
that are not on the wall.
"""
