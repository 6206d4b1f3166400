#!/bin/sh
# The packaging tests check the desktop entry and the AppStream metainfo with the validators the
# Linux desktops and software centres use: desktop-file-validate (desktop-file-utils) and
# appstreamcli (appstream). Install them with apt if either is missing; say nothing when both
# are there.
set -e
have() { command -v "$1" >/dev/null 2>&1; }
if have desktop-file-validate && have appstreamcli; then
    exit 0
fi
packages="desktop-file-utils appstream"
echo "Installing the desktop validators the packaging tests run: $packages"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
install() { $SUDO apt-get install -y -qq --no-install-recommends $packages >"$log" 2>&1; }
# Read the package lists first only when apt does not know the packages (a fresh image has no
# lists); lists that are there but stale show as a failed download: read them and try again.
if ! apt-cache show $packages >/dev/null 2>&1; then
    $SUDO apt-get update -qq
fi
if ! install; then
    $SUDO apt-get update -qq
    install || { cat "$log" >&2; exit 1; }
fi
