#!/usr/bin/env bash
# Runs GuruConnect: the server on http://127.0.0.1:8080 with the embedded SQLite default (./data),
# the console at /, the API at /api. First start creates user "admin" with GURUCONNECT_ADMIN_PASSWORD,
# or prints a generated password once.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dotnet
build_console
cd "$ROOT"
# The agent builds the server hands out (downloads, site installers, /support), refreshed when stale.
"$ROOT/packaging/prepare-downloads.sh" "${Releases__Directory:-${GURUCONNECT_DATA_DIR:-$ROOT/data}/downloads}"
urls="${GURUCONNECT_URLS:-http://127.0.0.1:8080}"
log "starting GuruConnect on $urls (data in ${GURUCONNECT_DATA_DIR:-./data}; API docs at $urls/api/docs)"
exec dotnet run --project src/Server -c Release -- --urls "$urls" "$@"
