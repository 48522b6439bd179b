#!/bin/sh
# Installs everything a fresh Debian 12 lacks to build, run and test
# gst-peerjs: Debian packages, then the interop tests' npm packages
# (pinned in tests/interop/package-lock.json).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

PACKAGES="
  meson ninja-build pkg-config gcc git indent
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libnice-dev libmsgpack-dev
  libpango1.0-dev libcairo2-dev fonts-dejavu-core
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  libgstreamer-plugins-bad1.0-dev check
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  gstreamer1.0-nice gstreamer1.0-x glib-networking
  python3-gi python3-gst-1.0 gir1.2-gst-plugins-bad-1.0
  chromium curl ca-certificates openssl
"

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $PACKAGES

command -v node >/dev/null && command -v npm >/dev/null || {
  echo "setup: node and npm are needed (Node.js 20); install them first" >&2
  exit 1
}
cd "$top/tests/interop" && npm ci --no-audit --no-fund
