#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs beyond Python wheels:
# python3-venv (virtualenv), ffmpeg (test clips), GStreamer's RTSP server (a real RTSP camera in
# the tests), Xvfb (screenshots of the console) and fonts with Latin and Chinese glyphs. Installs only what is missing; needs root
# (or sudo) for that, and says how otherwise.
set -euo pipefail

need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v Xvfb >/dev/null || need+=(xvfb)
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" 2>/dev/null \
  || need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
# Qt's offscreen and xcb (X11) platforms need these shared libraries even without a screen:
# "soname:package" pairs, checked one by one so only what is missing is installed.
qt_libs=(
  libEGL.so.1:libegl1 libGL.so.1:libgl1 libfontconfig.so.1:libfontconfig1
  libdbus-1.so.3:libdbus-1-3 libxkbcommon.so.0:libxkbcommon0
  libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxcb-cursor.so.0:libxcb-cursor0
  libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1
  libxcb-shape.so.0:libxcb-shape0 libxcb-xinerama.so.0:libxcb-xinerama0
  libxcb-randr.so.0:libxcb-randr0 libxcb-render-util.so.0:libxcb-render-util0
  libxcb-image.so.0:libxcb-image0 libxcb-xkb.so.1:libxcb-xkb1
)
known_libs=$(ldconfig -p)  # read once: grep -q on a pipe would trip pipefail with SIGPIPE
for pair in "${qt_libs[@]}"; do
  grep -qF "${pair%%:*} " <<<"$known_libs" || need+=("${pair#*:}")
done
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# A font with Chinese glyphs, for the console's zh wording (language = "zh").
compgen -G "/usr/share/fonts/*/wqy/*" >/dev/null || compgen -G "/usr/share/fonts/*/noto-cjk/*" >/dev/null \
  || need+=(fonts-wqy-microhei)

[ ${#need[@]} -eq 0 ] && exit 0

pkgs=("${need[@]}")

if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Missing system packages: ${pkgs[*]}" >&2
  echo "Install them as root: apt-get install ${pkgs[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
