#!/usr/bin/env bash
# sign-windows.sh FILE... — Authenticode-signs Windows files in place with osslsigncode and verifies them.
# The certificate is given, never stored in the repository:
#   GURUCONNECT_SIGN_PFX=/secure/codesign.pfx   GURUCONNECT_SIGN_PASSWORD=…   (or GURUCONNECT_SIGN_PASSWORD_FILE)
#   GURUCONNECT_SIGN_TIMESTAMP_URL=http://timestamp.example  (optional RFC 3161 timestamp server)
set -euo pipefail
pfx="${GURUCONNECT_SIGN_PFX:?set GURUCONNECT_SIGN_PFX to the code-signing PFX}"
[ -f "$pfx" ] || { echo "GURUCONNECT_SIGN_PFX=$pfx: no such file" >&2; exit 1; }
command -v osslsigncode >/dev/null || { echo "osslsigncode is missing (apt-get install osslsigncode)" >&2; exit 1; }
passfile="$(mktemp)"; trap 'rm -f "$passfile"' EXIT; chmod 600 "$passfile"
# The password goes through a 0600 file, not the command line (which every user can read in ps).
if [ -n "${GURUCONNECT_SIGN_PASSWORD_FILE:-}" ]; then cat "$GURUCONNECT_SIGN_PASSWORD_FILE" >"$passfile"
else printf '%s' "${GURUCONNECT_SIGN_PASSWORD:-}" >"$passfile"; fi
timestamp=(); [ -n "${GURUCONNECT_SIGN_TIMESTAMP_URL:-}" ] && timestamp=(-ts "$GURUCONNECT_SIGN_TIMESTAMP_URL")
for file in "$@"; do
  osslsigncode sign -pkcs12 "$pfx" -readpass "$passfile" -n "GuruConnect Agent" -i "https://guruconnect.dev" \
    -h sha256 "${timestamp[@]}" -in "$file" -out "$file.signed" >/dev/null
  mv -f "$file.signed" "$file"
  echo "signed $file" >&2
done
