#!/usr/bin/env bash
# prepare-test-updater.sh — the linux-x64 single-file agent built with a throwaway test release key, for
# tests/EndToEnd.Tests/UpdaterEndToEndTests (docs/agent.md "Updates"). Publishes into
# artifacts/test-updater/publish only when missing or older than the agent's sources, so a second call
# costs one `find`. scripts/test.sh calls it before the tests run; the test calls it again (a no-op then)
# so that running that test alone also works. The key is generated once and never leaves artifacts/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="$ROOT/artifacts/test-updater"
key="$folder/release-key.pem"
agent="$folder/publish/guruconnect-agent"
mkdir -p "$folder"
if [ ! -f "$key" ]; then
  openssl ecparam -name prime256v1 -genkey -noout -out "$key"
  rm -f "$agent"
fi
if [ -f "$agent" ] && [ -z "$(find "$ROOT/src/Agent" "$ROOT/src/Protocol" "$ROOT/proto" "$ROOT/Directory.Build.props" \
    "$ROOT/Directory.Packages.props" -newer "$agent" -type f -print -quit 2>/dev/null)" ]; then
  exit 0
fi
printf '\033[1;34m==>\033[0m publishing the test-key agent for the updater test into %s\n' "$folder/publish" >&2
# The SubjectPublicKeyInfo (DER, base64) is what the agent embeds as its release public key.
public_key="$(openssl ec -in "$key" -pubout -outform DER 2>/dev/null | base64 -w0)"
# Its own obj/ and bin/ (ArtifactsPath): other builds and tests use the normal outputs meanwhile.
dotnet publish "$ROOT/src/Agent" -c Release -r linux-x64 --self-contained -nologo -clp:ErrorsOnly \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none \
  "-p:GuruConnectReleasePublicKey=$public_key" "-p:ArtifactsPath=$folder/build" -o "$folder/publish"
touch "$agent"
