#!/bin/sh
# Qt (PySide6 wheels) loads these system libraries. Install any that are missing with apt.
set -e
missing=""
check() { ldconfig -p 2>/dev/null | grep -q "$1" || missing="$missing $2"; }
check libGL.so.1            libgl1
check libEGL.so.1           libegl1
check libxkbcommon.so.0     libxkbcommon0
check libfontconfig.so.1    libfontconfig1
check libdbus-1.so.3        libdbus-1-3
check libglib-2.0.so.0      libglib2.0-0
check libxkbcommon-x11.so.0 libxkbcommon-x11-0
check libxcb-cursor.so.0    libxcb-cursor0
check libxcb-icccm.so.4     libxcb-icccm4
check libxcb-keysyms.so.1   libxcb-keysyms1
check libxcb-shape.so.0     libxcb-shape0
check libxcb-render-util.so.0 libxcb-render-util0
check libxcb-image.so.0     libxcb-image0
[ -z "$missing" ] && exit 0
echo "Installing system libraries Qt needs:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
