#!/bin/sh
# GuruConnect agent installer for site {{SITE_CODE}} (enrollment key {{FINGERPRINT_LABEL}}), server {{SERVER}}.
# Run as root on any systemd Linux (x86_64): sh {{FILE_NAME}}
# It puts the agent in /opt/guruconnect, the site config in /etc/guruconnect/agent.json (0600) and enables
# and starts guruconnect-agent.service, which enrolls this machine. Running it again is harmless: the
# machine keeps its one row on the server (docs/installers.md "sh").
# GURUCONNECT_ROOT=/some/dir installs under that folder instead of / (for tests and images); systemd is
# then left alone and the command that starts the agent is printed.
set -eu
ROOT="${GURUCONNECT_ROOT:-}"
PAYLOAD_SIZE={{PAYLOAD_SIZE}}
PAYLOAD_SHA256={{PAYLOAD_SHA256}}
umask 077

fail() { echo "guruconnect installer: $*" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || fail "this installer is for x86_64 Linux; this machine is $(uname -m)"
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then fail "run it as root: sudo sh $0"; fi

opt="$ROOT/opt/guruconnect"; etc="$ROOT/etc/guruconnect"; state="$ROOT/var/lib/guruconnect"
mkdir -p "$opt" "$etc" "$state"
chmod 0755 "$opt"; chmod 0700 "$etc" "$state"

# The agent is appended to this script after the line __GURUCONNECT_AGENT__, byte for byte.
skip=$(awk '/^__GURUCONNECT_AGENT__$/ { print NR; exit }' "$0")
[ -n "$skip" ] || fail "this file is damaged (no agent inside it): download it again"
tail -n +"$((skip + 1))" "$0" > "$opt/guruconnect-agent.new"
actual=$(sha256sum "$opt/guruconnect-agent.new" | cut -d' ' -f1)
if [ "$(wc -c < "$opt/guruconnect-agent.new" | tr -d ' ')" != "$PAYLOAD_SIZE" ] || [ "$actual" != "$PAYLOAD_SHA256" ]; then
  rm -f "$opt/guruconnect-agent.new"; fail "the agent inside this file does not match its SHA-256: download it again"
fi
chmod 0755 "$opt/guruconnect-agent.new"
mv -f "$opt/guruconnect-agent.new" "$opt/guruconnect-agent"

cat > "$etc/agent.json.new" <<'GURUCONNECT_CONFIG'
{{CONFIG_JSON}}
GURUCONNECT_CONFIG
chmod 0600 "$etc/agent.json.new"
mv -f "$etc/agent.json.new" "$etc/agent.json"

if [ -n "$ROOT" ]; then
  echo "Installed under $ROOT. Start the agent with:"
  echo "  GURUCONNECT_AGENT_CONFIG=$etc/agent.json GURUCONNECT_AGENT_STATE=$state $opt/guruconnect-agent run"
  exit 0
fi

cat > /etc/systemd/system/guruconnect-agent.service.new <<'GURUCONNECT_UNIT'
{{UNIT}}
GURUCONNECT_UNIT
mv -f /etc/systemd/system/guruconnect-agent.service.new /etc/systemd/system/guruconnect-agent.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable guruconnect-agent.service >/dev/null 2>&1
  systemctl restart guruconnect-agent.service
  echo "GuruConnect agent installed and started for site {{SITE_CODE}}: systemctl status guruconnect-agent; $opt/guruconnect-agent status"
else
  echo "GuruConnect agent installed. systemd is not running here: start it with $opt/guruconnect-agent run"
fi
exit 0
__GURUCONNECT_AGENT__
