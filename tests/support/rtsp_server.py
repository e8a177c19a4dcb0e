"""A real RTSP camera for tests: GStreamer's RTSP server with synthetic video.

Run with Debian's system Python, which has GStreamer's introspection bindings:

    /usr/bin/python3 tests/support/rtsp_server.py [--port 0]

Mounts ``/cam`` (moving colour bars, 640×360 at 15 fps, Motion-JPEG over RTP) and ``/frozen``
(a still pinwheel, bit-identical frames). With ``--port 0`` it picks a free port.
When serving it prints one line, ``PORT <n>``, then runs until terminated. If the system
packages are missing it prints what to install on stderr and exits with status 3.
"""

from __future__ import annotations

import argparse
import signal
import sys

PACKAGES = (
    "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp "
    "gstreamer1.0-plugins-base gstreamer1.0-plugins-good"
)
CAPS = "video/x-raw,format=I420,width=640,height=360,framerate=15/1"
MOUNTS = {
    "/cam": f"videotestsrc is-live=true pattern=smpte horizontal-speed=4 ! {CAPS}",
    "/frozen": f"videotestsrc is-live=true pattern=pinwheel ! {CAPS}",
}
ENCODE = "jpegenc quality=85 ! rtpjpegpay name=pay0 pt=26"
MISSING = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    args = parser.parse_args()
    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtspServer
    except (ImportError, ValueError) as exc:
        print(f"GStreamer RTSP server unavailable ({exc}); install: {PACKAGES}", file=sys.stderr)
        return MISSING
    Gst.init(None)
    for element in ("videotestsrc", "jpegenc", "rtpjpegpay"):
        if Gst.ElementFactory.find(element) is None:
            print(f"GStreamer element {element} missing; install: {PACKAGES}", file=sys.stderr)
            return MISSING

    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for path, source in MOUNTS.items():
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(f"( {source} ! {ENCODE} )")
        factory.set_shared(True)
        mounts.add_factory(path, factory)
    if server.attach(None) == 0:
        print(f"cannot listen on port {args.port}", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"PORT {server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
