#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the project needs beyond Python wheels:
# python3-venv (virtualenv), ffmpeg (test clips), GStreamer's RTSP server (a real RTSP camera in
# the tests) and Xvfb (screenshots of the console). Installs only what is missing; needs root
# (or sudo) for that, and says how otherwise.
set -euo pipefail

need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v Xvfb >/dev/null || need+=(xvfb)
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" 2>/dev/null \
  || need+=(python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp gstreamer1.0-plugins-base gstreamer1.0-plugins-good)
# Qt's offscreen and xcb platforms need these shared libraries even without a screen.
for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libdbus-1.so.3 libxcb-cursor.so.0; do
  ldconfig -p | grep -q "$lib" || need+=("$lib")
done

[ ${#need[@]} -eq 0 ] && exit 0

# Map library names to their Debian packages.
pkgs=()
for item in "${need[@]}"; do
  case "$item" in
    libEGL.so.1) pkgs+=(libegl1) ;;
    libGL.so.1) pkgs+=(libgl1) ;;
    libxkbcommon.so.0) pkgs+=(libxkbcommon0 libxkbcommon-x11-0) ;;
    libfontconfig.so.1) pkgs+=(libfontconfig1 fonts-dejavu-core) ;;
    libdbus-1.so.3) pkgs+=(libdbus-1-3) ;;
    libxcb-cursor.so.0) pkgs+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0) ;;
    *) pkgs+=("$item") ;;
  esac
done

if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
  echo "Missing system packages: ${pkgs[*]}" >&2
  echo "Install them as root: apt-get install ${pkgs[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${pkgs[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
