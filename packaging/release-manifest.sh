#!/usr/bin/env bash
# release-manifest.sh DIR CHANNEL SIGNED — writes DIR/release.json for the agents in DIR/<platform>/:
# version (Directory.Build.props), channel, whether the Windows files are Authenticode-signed, and per
# platform the file, its SHA-256 and — when GURUCONNECT_RELEASE_KEY names an ECDSA P-256 private key
# (PEM, kept outside the repository) — the release signature the agent's updater verifies
# (docs/installers.md "Release manifest": base64 DER ECDSA-SHA256 over
# "guruconnect-release-v1\n{version}\n{platform}\n{sha256}\n").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: release-manifest.sh DIR CHANNEL SIGNED}"; channel="${2:-stable}"; signed="${3:-false}"
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n1)"
entries=()
for rid in linux-x64 win-x64; do
  case "$rid" in linux-x64) name=guruconnect-agent ;; win-x64) name=guruconnect-agent.exe ;; esac
  [ -f "$dir/$rid/$name" ] || continue
  sha="$(sha256sum "$dir/$rid/$name" | cut -d' ' -f1)"
  sig=null
  if [ -n "${GURUCONNECT_RELEASE_KEY:-}" ]; then
    sig="\"$(printf 'guruconnect-release-v1\n%s\n%s\n%s\n' "$version" "$rid" "$sha" \
      | openssl dgst -sha256 -sign "$GURUCONNECT_RELEASE_KEY" | base64 -w0)\""
  fi
  entries+=("\"$rid\": {\"file\": \"$rid/$name\", \"sha256\": \"$sha\", \"signature\": $sig}")
done
{
  printf '{\n  "version": "%s",\n  "channel": "%s",\n  "signed": %s,\n  "platforms": {\n' "$version" "$channel" "$signed"
  for i in "${!entries[@]}"; do printf '    %s%s\n' "${entries[$i]}" "$([ "$i" -lt $((${#entries[@]} - 1)) ] && echo ,)"; done
  printf '  }\n}\n'
} >"$dir/release.json.tmp"
mv -f "$dir/release.json.tmp" "$dir/release.json"
