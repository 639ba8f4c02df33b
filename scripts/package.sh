#!/usr/bin/env bash
# Builds the release artifacts into artifacts/release/<version>/ (docs/installers.md "Building a release"):
#   downloads/   what the server serves (Releases:Directory): the agent for linux-x64 and win-x64, one
#                self-contained file each, the Windows one Authenticode-signed, and release.json
#                (version, SHA-256, release signatures)
#   server/      the server, linux-x64 self-contained (guruconnect-server + wwwroot)
#   SHA256SUMS
# One version, from Directory.Build.props. Signing material comes from the environment, never the repo:
#   GURUCONNECT_SIGN_PFX + GURUCONNECT_SIGN_PASSWORD(_FILE)  code-signing certificate for the .exe
#   GURUCONNECT_RELEASE_KEY                                   ECDSA P-256 private key (PEM) for the update manifest;
#                                                             its public key is compiled into the agent
# Without a certificate it stops, unless GURUCONNECT_ALLOW_UNSIGNED=1 (then release.json says "signed": false).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dotnet
cd "$ROOT"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -n1)"
out="$ROOT/artifacts/release/$version"
channel="${GURUCONNECT_CHANNEL:-stable}"
signed=false
if [ -n "${GURUCONNECT_SIGN_PFX:-}" ]; then
  ensure_apt osslsigncode
  signed=true
elif [ "${GURUCONNECT_ALLOW_UNSIGNED:-0}" != 1 ]; then
  die "no code-signing certificate: set GURUCONNECT_SIGN_PFX and GURUCONNECT_SIGN_PASSWORD (or GURUCONNECT_ALLOW_UNSIGNED=1 for a test build)"
fi
publish_props=()
if [ -n "${GURUCONNECT_RELEASE_KEY:-}" ]; then
  [ -f "$GURUCONNECT_RELEASE_KEY" ] || die "GURUCONNECT_RELEASE_KEY=$GURUCONNECT_RELEASE_KEY: no such file"
  pub="$(openssl ec -in "$GURUCONNECT_RELEASE_KEY" -pubout -outform DER 2>/dev/null | base64 -w0)"
  [ -n "$pub" ] || die "GURUCONNECT_RELEASE_KEY is not an EC private key in PEM"
  publish_props+=("-p:GuruConnectReleasePublicKey=$pub")
else
  log "GURUCONNECT_RELEASE_KEY not set: the manifest is unsigned and these agents will not auto-update"
fi
rm -rf "$out"; mkdir -p "$out/downloads" "$out/server"
log "publishing agent $version (linux-x64, win-x64)"
GURUCONNECT_PUBLISH_PROPS="${publish_props[*]:-}" "$ROOT/packaging/publish-agents.sh" "$out/downloads"
if [ "$signed" = true ]; then
  log "signing the Windows agent"
  "$ROOT/packaging/sign-windows.sh" "$out/downloads/win-x64/guruconnect-agent.exe"
fi
"$ROOT/packaging/release-manifest.sh" "$out/downloads" "$channel" "$signed"
log "publishing server $version (linux-x64)"
build_console
dotnet publish src/Server -c Release -r linux-x64 --self-contained -nologo -clp:ErrorsOnly \
  -p:DebugType=none -o "$out/server"
cp CHANGELOG.md "$out/server/CHANGELOG.md"
(cd "$out" && find downloads server -type f -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)
log "release $version in $out (Windows agent signed: $signed)"
