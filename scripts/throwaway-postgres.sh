#!/usr/bin/env bash
# A throwaway PostgreSQL 15 for tests and CI: Debian's binaries, a temp data dir owned
# by the postgres user, trust auth on 127.0.0.1 only, a free port.
#   start  starts one (or reuses the running one) and prints its URL
#   url    prints the running one's URL
#   stop   stops it and removes its data dir
#   install  installs Debian's postgresql-15 when its binaries are missing (scripts/cluster.sh uses it)
# State lives in $CMC_PG_STATE (default: <repo>/.data/throwaway-postgres.env).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${CMC_PG_STATE:-$root/.data/throwaway-postgres.env}"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_binaries() {
  if [ -x "$bin/initdb" ]; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "throwaway-postgres: $bin/initdb missing; installing postgresql-15" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  fi
  [ -x "$bin/initdb" ] || { echo "throwaway-postgres: $bin/initdb not found (Debian package postgresql-15)" >&2; exit 1; }
}

running() {
  [ -f "$state" ] || return 1
  # shellcheck disable=SC1090
  . "$state"
  as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

url() { . "$state"; echo "postgres://postgres@127.0.0.1:$PG_PORT/cmc_test"; }

case "${1:-}" in
  start)
    if running; then url; exit 0; fi
    ensure_binaries
    data="$(mktemp -d "${TMPDIR:-/tmp}/cmc-pg-XXXXXX")"
    chown postgres: "$data" 2>/dev/null || true
    port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
    (cd / && as_postgres "$bin/initdb" -D "$data" --auth=trust -U postgres --encoding=UTF8 --locale=C >/dev/null)
    (cd / && as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null)
    mkdir -p "$(dirname "$state")"
    printf 'PG_DATA=%q\nPG_PORT=%q\n' "$data" "$port" > "$state"
    (cd / && as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres cmc_test)
    url
    ;;
  url)
    running || { echo "throwaway-postgres: none running" >&2; exit 1; }
    url
    ;;
  stop)
    if [ -f "$state" ]; then
      . "$state"
      (cd / && as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1) || true
      rm -rf "$PG_DATA" "$state"
    fi
    ;;
  install)
    ensure_binaries
    ;;
  *)
    echo "usage: $0 start|url|stop|install" >&2
    exit 2
    ;;
esac
