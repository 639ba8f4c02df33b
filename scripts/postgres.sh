#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests (no Docker here; docs/architecture.md "Stack") and prints
# its admin connection string. Idempotent: reuses a cluster that is already running.
#   scripts/postgres.sh start   -> prints the connection string
#   scripts/postgres.sh stop
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
PGPORT="${GURUCONNECT_PG_PORT:-55432}"
PGBASE="${GURUCONNECT_PG_DIR:-/tmp/guruconnect-pg}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"

run_pg() {  # initdb/pg_ctl refuse to run as root: use the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$PGBIN" ]; then ensure_apt postgresql; PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"; fi
    mkdir -p "$PGBASE"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGBASE"
    if [ ! -f "$PGBASE/data/PG_VERSION" ]; then
      log "initialising a test PostgreSQL cluster in $PGBASE"
      run_pg "$PGBIN/initdb" -D "$PGBASE/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! run_pg "$PGBIN/pg_ctl" -D "$PGBASE/data" status >/dev/null 2>&1; then
      log "starting test PostgreSQL on 127.0.0.1:$PGPORT"
      run_pg "$PGBIN/pg_ctl" -D "$PGBASE/data" -l "$PGBASE/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGBASE -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
        || { cat "$PGBASE/log" >&2; die "PostgreSQL did not start (log above)"; }
    fi
    echo "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
    ;;
  stop)
    [ -n "$PGBIN" ] && [ -f "$PGBASE/data/PG_VERSION" ] && run_pg "$PGBIN/pg_ctl" -D "$PGBASE/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  *) die "usage: $0 start|stop" ;;
esac
