#!/usr/bin/env bash
# Runs bench/Codec with what it compares against installed: libturbojpeg (the JPEG column, by
# P/Invoke) and ffmpeg (x264 / VP9, reported as not wired in until it is). Prints the table.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dotnet
ensure_apt libturbojpeg0 ffmpeg
cd "$ROOT"
exec dotnet run -c Release --project bench/Codec -- "$@"
