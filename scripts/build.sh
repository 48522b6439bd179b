#!/bin/sh
# Configures and builds into ./build (warnings are errors under CI=true).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
werror=false
[ "${CI:-}" = "true" ] && werror=true
if [ -d build ]; then
  meson configure build -Dwerror=$werror >/dev/null
else
  interop=auto
  [ "${CI:-}" = "true" ] && interop=enabled
  meson setup build -Dwerror=$werror -Dtests=enabled -Dinterop=$interop
fi
ninja -C build
