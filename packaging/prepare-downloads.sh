#!/usr/bin/env bash
# prepare-downloads.sh DIR — for a development run: makes sure DIR (the server's downloads folder) holds
# linux-x64 and win-x64 agent builds no older than their sources, publishing only what is missing or
# stale, so a fresh start costs one `find`. These builds are NOT code-signed and release.json says so;
# release builds come from scripts/package.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: prepare-downloads.sh DIR}"
stale=()
for rid in linux-x64 win-x64; do
  case "$rid" in linux-x64) name=guruconnect-agent ;; win-x64) name=guruconnect-agent.exe ;; esac
  file="$dir/$rid/$name"
  if [ ! -f "$file" ] || [ -n "$(find "$ROOT/src/Agent" "$ROOT/src/Protocol" "$ROOT/proto" "$ROOT/Directory.Build.props" \
      "$ROOT/Directory.Packages.props" -newer "$file" -type f -print -quit 2>/dev/null)" ]; then
    stale+=("$rid")
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  printf '\033[1;34m==>\033[0m publishing the agent for %s into %s (development build, not code-signed; takes a minute or two)\n' "${stale[*]}" "$dir" >&2
  "$ROOT/packaging/publish-agents.sh" "$dir" "${stale[@]}"
fi
if [ ${#stale[@]} -gt 0 ] || [ ! -f "$dir/release.json" ]; then
  "$ROOT/packaging/release-manifest.sh" "$dir" stable false
fi
