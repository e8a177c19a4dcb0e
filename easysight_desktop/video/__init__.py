"""Live-view decoding for the console's wall, without Qt.

One :class:`~easysight_desktop.video.decoder.TileDecoder` thread per wall tile opens its stream
with short time limits, decodes, and keeps only the newest frame, already scaled to the tile and
laid out for painting. On the wall those threads run in decoder processes
(:mod:`~easysight_desktop.video.pool`, :mod:`~easysight_desktop.video.host`) and hand frames to
the GUI through shared memory (:mod:`~easysight_desktop.video.frame_slot`): the GUI takes the
newest frame when the screen refreshes and never waits. :mod:`~easysight_desktop.video.reach`
answers "can this camera be reached?" cheaply, for cameras that are not on the wall.
"""
