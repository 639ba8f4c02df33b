#!/usr/bin/env bash
# Shared helpers for run.sh and test.sh. Every install here is idempotent: it checks first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"; fi
}

APT_UPDATED=0
# ensure_apt PACKAGE... — installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get: install them with your package manager"
  log "installing ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then as_root apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not on PATH: install .NET SDK 10 (https://dot.net) and retry"
}

# build_console — builds the web console if it exists (src/Web), so the server serves it.
build_console() {
  if [ -f "$ROOT/src/Web/package.json" ]; then
    local web="$ROOT/src/Web"
    # A dist/ newer than every source is what a build would make again: reuse it (a restart, the README test).
    if [ -f "$web/dist/index.html" ] && [ -d "$web/node_modules" ] && [ -z "$(find "$web/src" "$web/index.html" "$web/openapi" "$web/package.json" \
        "$web/package-lock.json" "$web/vite.config.ts" "$web/tsconfig.json" -newer "$web/dist/index.html" -type f -print -quit 2>/dev/null)" ]; then
      log "the web console (src/Web/dist) is up to date"
      return 0
    fi
    command -v npm >/dev/null 2>&1 || ensure_apt nodejs npm
    log "building the web console (src/Web)"
    (cd "$ROOT/src/Web" && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build --silent)
  fi
}
