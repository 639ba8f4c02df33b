#!/usr/bin/env bash
# publish-agents.sh OUT_DIR [PLATFORM...] — publishes the agent as one self-contained file per platform
# (default: linux-x64 win-x64) into the layout the server serves (docs/installers.md "Downloads folder"):
#   OUT_DIR/linux-x64/guruconnect-agent   OUT_DIR/win-x64/guruconnect-agent.exe
# The version comes from Directory.Build.props (the one place it lives). Nothing here signs: that is
# sign-windows.sh, so a dev run stays unsigned and says so (OUT_DIR/release.json "signed": false).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: publish-agents.sh OUT_DIR [PLATFORM...]}"; shift
platforms=("$@"); [ ${#platforms[@]} -gt 0 ] || platforms=(linux-x64 win-x64)
mkdir -p "$out"
for rid in "${platforms[@]}"; do
  case "$rid" in linux-x64) name=guruconnect-agent ;; win-x64) name=guruconnect-agent.exe ;; *) echo "unknown platform $rid" >&2; exit 2 ;; esac
  staging="$(mktemp -d)"
  # The build is as old as the sources it read: a file edited during the publish leaves it stale.
  started="$(date +%s)"
  # One file, no runtime needed on the target; compressed so a download is about half the size.
  dotnet publish "$ROOT/src/Agent" -c Release -r "$rid" --self-contained -nologo -clp:ErrorsOnly \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
    -p:DebugType=none ${GURUCONNECT_PUBLISH_PROPS:-} -o "$staging" >&2
  mkdir -p "$out/$rid"
  mv -f "$staging/$name" "$out/$rid/$name.tmp" && mv -f "$out/$rid/$name.tmp" "$out/$rid/$name"
  touch -d "@$started" "$out/$rid/$name"
  rm -rf "$staging"
done
