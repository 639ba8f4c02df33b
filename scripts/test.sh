#!/usr/bin/env bash
# Runs every test: installs what the tests need (PostgreSQL, wine64), starts a throwaway
# PostgreSQL so each server integration test runs against both SQLite and PostgreSQL, publishes the
# Windows agent (win-x64, self-contained) for the wine smoke tests, runs the whole solution's tests,
# and prints one summary line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_dotnet
ensure_apt postgresql wine64
ensure_apt xclip  # the wine streaming test's clipboard half (tests/EndToEnd.Tests/WindowsStreamingUnderWineTests.cs)
# Screen streaming: the X11 tests run the agent's capture and input against a real Xvfb (Xlib, MIT-SHM,
# XDamage, XFixes, XRandR, XTest, MIT-SCREEN-SAVER for idle time); xclip is the other X client of the clipboard tests;
# libturbojpeg0 is the agent's JPEG codec for photo/video tiles.
ensure_apt xvfb x11-xserver-utils libx11-6 libxext6 libxdamage1 libxfixes3 libxrandr2 libxtst6 xclip libxss1 libturbojpeg0
# --- web console (src/Web) -------------------------------------------------------------------
# Debian's Chromium drives the console's browser tests (tests/Console.Tests: Playwright with
# /usr/bin/chromium; a downloaded browser is never used). build_console runs `npm ci` and the
# production build the server serves; tests/Console.Tests runs Vitest and the Playwright suite
# and reports each as an xunit result, so they count in the summary line and fail the run.
ensure_apt chromium
export GURUCONNECT_REQUIRE_CHROMIUM=1   # installed just above, so a missing browser is a failure, not a skip
build_console
# --- end web console ---------------------------------------------------------------------------
cd "$ROOT"
command -v node >/dev/null 2>&1 || ensure_apt nodejs npm
log "installing the TypeScript protocol round-trip test's packages"
(cd tests/Protocol.Tests/typescript && npm ci --no-audit --no-fund --loglevel=error)

if [ -z "${GURUCONNECT_TEST_POSTGRES:-}" ]; then
  if GURUCONNECT_TEST_POSTGRES="$("$ROOT/scripts/postgres.sh" start)"; then
    export GURUCONNECT_TEST_POSTGRES
    trap '"$ROOT/scripts/postgres.sh" stop' EXIT
  else
    log "PostgreSQL could not be started: its tests will be reported as skipped"
  fi
fi

results="$ROOT/artifacts/test-results"
rm -rf "$results"
log "building"
dotnet build GuruConnect.slnx -c Release -nologo -clp:ErrorsOnly
log "publishing the Windows agent (win-x64, self-contained) for the wine64 tests"
dotnet publish src/Agent -c Release -r win-x64 --self-contained -o artifacts/publish/agent-win-x64 -nologo -clp:ErrorsOnly
# --- installers and downloads (tests/Server.Tests/Releases, tests/EndToEnd.Tests/Installers*) ---------------
# wixl/msitools build and unpack MSIs, osslsigncode signs and verifies them, lintian checks the .deb; the
# single-file agents the server hands out are published once and again only when their sources change.
ensure_apt wixl msitools osslsigncode lintian
"$ROOT/packaging/prepare-downloads.sh" "$ROOT/artifacts/test-downloads"
"$ROOT/scripts/prepare-test-updater.sh"
# --- end installers -----------------------------------------------------------------------------------------
wine=$(command -v /usr/lib/wine/wine64 /usr/bin/wine64 2>/dev/null | head -n1 || true)
if [ -n "$wine" ] && [ ! -f artifacts/wineprefix/system.reg ]; then
  # A cold prefix costs tens of seconds on first use; pay it here, not inside a test's timeout.
  log "preparing the wine prefix (artifacts/wineprefix)"
  WINEPREFIX="$ROOT/artifacts/wineprefix" WINEDEBUG=-all timeout 300 "$wine" wineboot --init >/dev/null 2>&1 || true
  WINEPREFIX="$ROOT/artifacts/wineprefix" timeout 120 "$(dirname "$wine")/wineserver" -w || true
fi
log "running tests"
set +e
dotnet test GuruConnect.slnx -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" \
  | grep -vE '^\s*$|^\s+Passed ' 
status=${PIPESTATUS[0]}
set -e
python3 "$ROOT/scripts/summarize-trx.py" "$results" | tee "$ROOT/artifacts/test-summary.txt" || true
exit "$status"
