#!/usr/bin/env bash
# Records five 1080p desktop sequences on a private Xvfb with real X clients (xterm, xdotool, feh,
# xclock) and runs bench/Codec on them against raw, zlib, JPEG-everywhere (libturbojpeg) and ffmpeg
# x264 / VP9 (docs/performance.md §1). Prints the table. `--synthetic` runs the in-memory sequences;
# `--frames DIR` keeps the recordings in DIR and reuses them on the next run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dotnet
ensure_apt libturbojpeg0 ffmpeg xvfb x11-utils xterm less xdotool feh x11-apps fonts-dejavu-core
cd "$ROOT"
dotnet build -c Release bench/Codec >/dev/null
if [[ "${1:-}" == "--synthetic" ]]; then
  exec dotnet run -c Release --no-build --project bench/Codec
fi
display=":$((70 + RANDOM % 20))"
Xvfb "$display" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null' EXIT
for _ in $(seq 50); do DISPLAY="$display" xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
dotnet run -c Release --no-build --project bench/Codec -- --display "$display" "$@"
