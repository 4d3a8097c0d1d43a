#!/usr/bin/env bash
# The production shape on one machine, from real binaries and no Docker: PostgreSQL 15,
# the Temporal server's four services as separate processes, its Web UI, N campaign
# workers, M webhook receivers behind nginx, and (unless CALLMYCALL_BASE_URL is set) the
# CallMyCall simulator. It runs what docker-compose.yml describes, with the same server
# version, config template, dynamic config and setup scripts (deploy/temporal/); docs/DEPLOY.md
# maps each compose service to the process started here.
#
#   up                  start whatever is not running (idempotent); prints the addresses
#   down                stop what this script started (data stays; `destroy` removes it)
#   status              each process, and the store `temporal operator cluster describe` names
#   env                 the cluster's settings as KEY=VALUE lines (sourceable; holds its secrets)
#   start|stop|kill|restart NAME    one process: SIGTERM for stop, SIGKILL for kill;
#                       NAME is postgres, frontend, history, matching, internal-worker, ui,
#                       simulator, nginx, worker-<i> or receiver-<i>
#   destroy             down, then remove the cluster's folder
#
# Settings (environment; fixed at the first `up` and kept in $CLUSTER_DIR/cluster.env):
#   CLUSTER_DIR (.cluster), CLUSTER_PORT_BASE (17000), CLUSTER_WORKERS (3),
#   CLUSTER_RECEIVERS (2), CLUSTER_HISTORY_SHARDS (4), CALLMYCALL_BASE_URL (unset: the
#   simulator, with SIM_SPEED, default 10), CALLMYCALL_API_KEY, TEMPORAL_TASK_QUEUE.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${CLUSTER_DIR:-$root/.cluster}"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
pg_bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
logs="$dir/logs"
pids="$dir/pids"
settings="$dir/cluster.env"

log() { echo "cluster: $*" >&2; }
die() { log "$*"; exit 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

random_secret() { node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))"; }

# --- settings -------------------------------------------------------------------------

load_settings() {
  if [ -f "$settings" ]; then
    # shellcheck disable=SC1090
    . "$settings"
  fi
  local base="${CLUSTER_PORT_BASE:-17000}"
  # At most 31000: Temporal keeps membership ports in a smallint column (<= 32767), and
  # below 32768 the cluster stays clear of Linux's ephemeral ports.
  [[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -ge 1024 ] && [ "$base" -le 31000 ] ||
    die "CLUSTER_PORT_BASE must be a number from 1024 to 31000 (got '$base')"
  for count in "${CLUSTER_WORKERS:-3}" "${CLUSTER_RECEIVERS:-2}" "${CLUSTER_HISTORY_SHARDS:-4}"; do
    [[ "$count" =~ ^[1-9][0-9]?$ ]] || die "CLUSTER_WORKERS, CLUSTER_RECEIVERS and CLUSTER_HISTORY_SHARDS take 1-99 (got '$count')"
  done
  CLUSTER_PORT_BASE="$base"
  CLUSTER_WORKERS="${CLUSTER_WORKERS:-3}"
  CLUSTER_RECEIVERS="${CLUSTER_RECEIVERS:-2}"
  CLUSTER_HISTORY_SHARDS="${CLUSTER_HISTORY_SHARDS:-4}"
  PG_PORT="$((base + 432))"
  PG_PASSWORD="${PG_PASSWORD:-$(random_secret)}"
  # It goes into CMC_DATABASE_URL as it is.
  [[ "$PG_PASSWORD" =~ ^[A-Za-z0-9._~-]{12,}$ ]] ||
    die "PG_PASSWORD must be at least 12 URL-safe characters (letters, digits, . _ ~ -)"
  FRONTEND_PORT="$((base + 233))"
  UI_PORT="$((base + 1233))"
  SIMULATOR_PORT="$((base + 10))"
  PUBLIC_WEBHOOK_PORT="$((base + 20))"
  SIM_SPEED="${SIM_SPEED:-10}"
  CLUSTER_SIMULATOR="${CLUSTER_SIMULATOR:-$([ -z "${CALLMYCALL_BASE_URL:-}" ] && echo 1 || echo 0)}"
  CALLMYCALL_BASE_URL="${CALLMYCALL_BASE_URL:-http://127.0.0.1:$SIMULATOR_PORT}"
  if [ "$CLUSTER_SIMULATOR" = 1 ]; then CALLMYCALL_API_KEY="${CALLMYCALL_API_KEY:-sim_$(random_secret)}"; fi
  [ -n "${CALLMYCALL_API_KEY:-}" ] || die "CALLMYCALL_API_KEY is required with CALLMYCALL_BASE_URL=$CALLMYCALL_BASE_URL"
  CALLMYCALL_WEBHOOK_SECRET="${CALLMYCALL_WEBHOOK_SECRET:-whsec_$(random_secret)}"
  CMC_ROW_KEY_SECRET="${CMC_ROW_KEY_SECRET:-$(random_secret)}"
  # Every Temporal payload encrypted, as in production (docs/COMPLIANCE.md): one AES-256 key.
  CMC_CODEC_KEYS="${CMC_CODEC_KEYS:-cluster:$(node -e "console.log(require('crypto').randomBytes(32).toString('base64'))")}"
  WEBHOOK_PUBLIC_URL="${WEBHOOK_PUBLIC_URL:-http://127.0.0.1:$PUBLIC_WEBHOOK_PORT}"
  TEMPORAL_TASK_QUEUE="${TEMPORAL_TASK_QUEUE:-callmycall-campaigns}"
  CMC_REPORTS_DIR="${CMC_REPORTS_DIR:-$dir/reports}"
  TEMPORAL_ADDRESS="127.0.0.1:$FRONTEND_PORT"
  CMC_DATABASE_URL="postgres://temporal:$PG_PASSWORD@127.0.0.1:$PG_PORT/cmc"
}

save_settings() {
  # Only this file is private (it holds the secrets): the umask stays in the subshell.
  (
    umask 077
    for key in CLUSTER_PORT_BASE CLUSTER_WORKERS CLUSTER_RECEIVERS CLUSTER_HISTORY_SHARDS PG_PASSWORD \
      SIM_SPEED CLUSTER_SIMULATOR CALLMYCALL_BASE_URL CALLMYCALL_API_KEY CALLMYCALL_WEBHOOK_SECRET \
      CMC_ROW_KEY_SECRET CMC_CODEC_KEYS WEBHOOK_PUBLIC_URL TEMPORAL_TASK_QUEUE CMC_REPORTS_DIR TEMPORAL_ADDRESS CMC_DATABASE_URL; do
      printf '%s=%q\n' "$key" "${!key}"
    done >"$settings.tmp"
  )
  mv "$settings.tmp" "$settings"
}

# --- processes ------------------------------------------------------------------------

pid_of() { [ -f "$pids/$1.pid" ] && cat "$pids/$1.pid"; }

alive() {
  local pid
  pid="$(pid_of "$1")" || return 1
  kill -0 "$pid" 2>/dev/null
}

# Starts a process in its own session, output to logs/NAME.log, pid to pids/NAME.pid.
spawn() {
  local name="$1"; shift
  if alive "$name"; then return 0; fi
  (cd "$root" && exec setsid "$@" >>"$logs/$name.log" 2>&1 </dev/null) &
  echo $! >"$pids/$name.pid"
}

stop_process() {
  local name="$1" signal="${2:-TERM}" pid
  if [ "$name" = postgres ]; then
    as_postgres "$pg_bin/pg_ctl" -D "$dir/postgres" -m fast -w stop >/dev/null 2>&1 || true
    return
  fi
  pid="$(pid_of "$name")" || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pids/$name.pid"
}

wait_for_port() {
  local name="$1" port="$2" tries=0
  until node -e "require('net').connect($port,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; do
    tries=$((tries + 1))
    alive "$name" || die "$name exited; see $logs/$name.log"
    [ "$tries" -le 300 ] || die "$name not listening on $port after 60 s; see $logs/$name.log"
    sleep 0.2
  done
}

# --- the parts ------------------------------------------------------------------------

server_dir() { bash "$root/scripts/ensure-temporal-server.sh"; }
temporal_cli() { bash "$root/scripts/ensure-temporal.sh"; }

ensure_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] && return
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "nginx is missing: install Debian's nginx package"
  log "installing nginx (Debian package; its own service is not started)"
  # policy-rc.d 101: the package's postinst must not start a system nginx on :80.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created=1; fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >&2
  [ "$created" = 1 ] && rm -f "$policy"
  return 0
}

ensure_build() {
  # The workers run the compiled `cmc` with its prebuilt workflow bundle, as deployed.
  if [ ! -f "$root/dist/workflow-bundle.js" ] || [ -n "$(find "$root/src" -newer "$root/dist/workflow-bundle.js" -print -quit)" ]; then
    log "building dist/ (npm run build)"
    (cd "$root" && npm run --silent build) >&2
  fi
}

start_postgres() {
  [ -x "$pg_bin/initdb" ] || bash "$root/scripts/throwaway-postgres.sh" install >&2
  local data="$dir/postgres"
  # The server runs as the postgres user: it must pass through the cluster's folder (not list it).
  chmod o+x "$dir"
  as_postgres test -x "$dir" || die "the postgres user cannot reach $dir: put CLUSTER_DIR under a folder others may pass through"
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"; chown postgres: "$data" 2>/dev/null || true; chmod 700 "$data"
    local pwfile; pwfile="$(mktemp)"; chown postgres: "$pwfile" 2>/dev/null || true
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    (cd / && as_postgres "$pg_bin/initdb" -D "$data" -U temporal --pwfile="$pwfile" \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null)
    rm -f "$pwfile"
  fi
  if ! as_postgres "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    touch "$logs/postgres.log"; chown postgres: "$logs/postgres.log" 2>/dev/null || true
    # Durable settings (fsync on), as in production; sized for Temporal's pools plus the workers'.
    (cd / && as_postgres "$pg_bin/pg_ctl" -D "$data" -l "$logs/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null)
  fi
  PGPASSWORD="$PG_PASSWORD" "$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U temporal -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'cmc'" | grep -q 1 ||
    PGPASSWORD="$PG_PASSWORD" "$pg_bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U temporal -d postgres -qc "CREATE DATABASE cmc"
}

setup_schema() {
  local server="$1"
  SQL_HOST=127.0.0.1 SQL_PORT="$PG_PORT" SQL_USER=temporal SQL_PASSWORD="$PG_PASSWORD" \
    SCHEMA_DIR="$server/schema/postgresql/v12" SQL_TOOL="$server/bin/temporal-sql-tool" \
    sh "$root/deploy/temporal/setup-schema.sh" >>"$logs/setup-schema.log" 2>&1 ||
    die "schema setup failed; see $logs/setup-schema.log"
}

# name:service:port it is ready on (offset from CLUSTER_PORT_BASE, as docker.yaml's defaults from 7000):
# the gRPC port, but the worker service's membership port (it serves no gRPC).
TEMPORAL_SERVICES="frontend:frontend:233 history:history:234 matching:matching:235 internal-worker:worker:939"

# The environment docker.yaml (the temporalio/server image's template) reads; compose sets the same.
# Arrays, not echoed words: a value with a space must stay one argument of `env`.
temporal_env() {
  local base="$CLUSTER_PORT_BASE"
  TEMPORAL_ENV=(DB=postgres12 DB_PORT="$PG_PORT" POSTGRES_PORT="$PG_PORT" POSTGRES_SEEDS=127.0.0.1 POSTGRES_USER=temporal POSTGRES_PWD="$PG_PASSWORD" \
    NUM_HISTORY_SHARDS="$CLUSTER_HISTORY_SHARDS" BIND_ON_IP=127.0.0.1 TEMPORAL_BROADCAST_ADDRESS=127.0.0.1 \
    DYNAMIC_CONFIG_FILE_PATH="$root/deploy/temporal/dynamicconfig.yaml" LOG_LEVEL=warn \
    FRONTEND_GRPC_PORT="$((base + 233))" FRONTEND_HTTP_PORT="$((base + 243))" FRONTEND_MEMBERSHIP_PORT="$((base + 933))" \
    HISTORY_GRPC_PORT="$((base + 234))" HISTORY_MEMBERSHIP_PORT="$((base + 934))" \
    MATCHING_GRPC_PORT="$((base + 235))" MATCHING_MEMBERSHIP_PORT="$((base + 935))" \
    WORKER_GRPC_PORT="$((base + 239))" WORKER_MEMBERSHIP_PORT="$((base + 939))")
}

start_temporal_service() {
  local name="$1" server="$2" entry service port
  entry="$(tr ' ' '\n' <<<"$TEMPORAL_SERVICES" | grep "^$name:")" || die "no Temporal service $name"
  service="$(cut -d: -f2 <<<"$entry")"
  port="$((CLUSTER_PORT_BASE + $(cut -d: -f3 <<<"$entry")))"
  temporal_env
  spawn "$name" env "${TEMPORAL_ENV[@]}" "$server/bin/temporal-server" --root "$server" --config config --env docker \
    --allow-no-auth start --service "$service"
  wait_for_port "$name" "$port"
}

start_ui() {
  local server="$1"
  spawn ui env TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS" TEMPORAL_UI_PORT="$UI_PORT" TEMPORAL_CORS_ORIGINS="http://127.0.0.1:$UI_PORT" \
    "$server/bin/temporal-ui-server" --root "$server/ui" --config config --env docker start
  wait_for_port ui "$UI_PORT"
}

register() {
  local attributes
  attributes="$(cd "$root" && node --input-type=module -e \
    "const m = await import('./dist/temporal/searchAttributes.js'); console.log(m.devServerSearchAttributeArgs().filter((_, i) => i % 2).join(' '))")"
  TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS" SEARCH_ATTRIBUTES="$attributes" TEMPORAL_CLI="$(temporal_cli)" \
    sh "$root/deploy/temporal/register.sh" >>"$logs/register.log" 2>&1 || die "registration failed; see $logs/register.log"
}

# The environment of `cmc` processes: each gets only the secrets it uses (docs/DEPLOY.md).
cmc_env() {
  CMC_ENV=(TEMPORAL_ADDRESS="$TEMPORAL_ADDRESS" TEMPORAL_TASK_QUEUE="$TEMPORAL_TASK_QUEUE" \
    TEMPORAL_UI_URL="http://127.0.0.1:$UI_PORT" CALLMYCALL_BASE_URL="$CALLMYCALL_BASE_URL" LOG_LEVEL="${CMC_LOG_LEVEL:-warn}")
}

start_simulator() {
  cmc_env
  spawn simulator env "${CMC_ENV[@]}" SIM_API_KEY="$CALLMYCALL_API_KEY" CALLMYCALL_WEBHOOK_SECRET="$CALLMYCALL_WEBHOOK_SECRET" \
    SIM_SPEED="$SIM_SPEED" SIM_CREDITS="${SIM_CREDITS:-1000000}" \
    node dist/cli.js simulator --port "$SIMULATOR_PORT"
  wait_for_port simulator "$SIMULATOR_PORT"
}

# The worker's memory settings as the image sets them: the Dockerfile's ENV MALLOC_ARENA_MAX=... line,
# one KEY=VALUE a line.
image_memory_env() {
  node -e '
    const line = require("fs").readFileSync(process.argv[1], "utf8").split("\n").find((l) => l.startsWith("ENV MALLOC_ARENA_MAX="));
    if (!line) { console.error("Dockerfile: no ENV MALLOC_ARENA_MAX=... line"); process.exit(1); }
    for (const m of line.matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) console.log(`${m[1]}=${m[2] ?? m[3]}`);
  ' "$root/Dockerfile"
}

start_worker() {
  local memory
  mapfile -t memory < <(image_memory_env)
  [ "${#memory[@]}" -gt 0 ] || die "no worker memory settings in $root/Dockerfile"
  cmc_env
  spawn "$1" env "${CMC_ENV[@]}" "${memory[@]}" CALLMYCALL_API_KEY="$CALLMYCALL_API_KEY" CMC_ROW_KEY_SECRET="$CMC_ROW_KEY_SECRET" \
    CMC_CODEC_KEYS="$CMC_CODEC_KEYS" CMC_DATABASE_URL="$CMC_DATABASE_URL" WEBHOOK_PUBLIC_URL="$WEBHOOK_PUBLIC_URL" CMC_REPORTS_DIR="$CMC_REPORTS_DIR" \
    CMC_DATA_DIR="$dir/data" node dist/cli.js worker
}

receiver_port() { echo "$((CLUSTER_PORT_BASE + 20 + $1))"; }

start_receiver() {
  local port; port="$(receiver_port "${1#receiver-}")"
  cmc_env
  spawn "$1" env "${CMC_ENV[@]}" CALLMYCALL_WEBHOOK_SECRET="$CALLMYCALL_WEBHOOK_SECRET" CMC_CODEC_KEYS="$CMC_CODEC_KEYS" \
    node dist/cli.js webhooks --port "$port"
  wait_for_port "$1" "$port"
}

start_nginx() {
  ensure_nginx
  local conf="$dir/nginx/nginx.conf" servers="" i
  mkdir -p "$dir/nginx/tmp"
  for i in $(seq 1 "$CLUSTER_RECEIVERS"); do
    servers="$servers    server 127.0.0.1:$(receiver_port "$i") max_fails=1 fail_timeout=5s;"$'\n'
  done
  cat >"$conf" <<NGINX
# Written by scripts/cluster.sh: the one public URL CallMyCall posts webhooks to.
daemon off;
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/nginx/tmp/body;
  proxy_temp_path $dir/nginx/tmp/proxy;
  fastcgi_temp_path $dir/nginx/tmp/fastcgi;
  uwsgi_temp_path $dir/nginx/tmp/uwsgi;
  scgi_temp_path $dir/nginx/tmp/scgi;
  client_max_body_size 1m;
  upstream receivers {
$servers    keepalive 32;
  }
  server {
    listen 127.0.0.1:$PUBLIC_WEBHOOK_PORT;
    location / {
      proxy_pass http://receivers;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # A receiver that refuses the connection or fails is skipped; a request a receiver
      # got is not sent twice by nginx (CallMyCall retries, the receiver dedupes).
      proxy_next_upstream error timeout http_502 http_503;
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;
    }
  }
}
NGINX
  local nginx_bin; nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  "$nginx_bin" -t -q -c "$conf" -p "$dir/nginx" 2>>"$logs/nginx-error.log" || die "nginx config invalid; see $logs/nginx-error.log"
  spawn nginx "$nginx_bin" -c "$conf" -p "$dir/nginx"
  wait_for_port nginx "$PUBLIC_WEBHOOK_PORT"
}

start_named() {
  local name="$1"
  case "$name" in
    postgres) start_postgres ;;
    frontend | history | matching | internal-worker) start_temporal_service "$name" "$(server_dir)" ;;
    ui) start_ui "$(server_dir)" ;;
    simulator) start_simulator ;;
    nginx) start_nginx ;;
    worker-[0-9]*) start_worker "$name" ;;
    receiver-[0-9]*) start_receiver "$name" ;;
    *) die "unknown process '$name' (see: $0 --help)" ;;
  esac
}

all_names() {
  echo postgres frontend history matching internal-worker ui
  [ "$CLUSTER_SIMULATOR" = 1 ] && echo simulator
  for i in $(seq 1 "$CLUSTER_RECEIVERS"); do echo "receiver-$i"; done
  echo nginx
  for i in $(seq 1 "$CLUSTER_WORKERS"); do echo "worker-$i"; done
}

# --- commands -------------------------------------------------------------------------

up() {
  local server started
  started=$(date +%s)
  mkdir -p "$logs" "$pids"
  server="$(server_dir)"
  temporal_cli >/dev/null
  ensure_build
  save_settings
  start_postgres
  setup_schema "$server"
  # History first: frontend and matching find it through the membership ring.
  for name in history matching frontend internal-worker; do start_temporal_service "$name" "$server"; done
  register
  start_ui "$server"
  [ "$CLUSTER_SIMULATOR" = 1 ] && start_simulator
  for i in $(seq 1 "$CLUSTER_RECEIVERS"); do start_receiver "receiver-$i"; done
  start_nginx
  for i in $(seq 1 "$CLUSTER_WORKERS"); do start_worker "worker-$i"; done
  log "up in $(( $(date +%s) - started ))s"
  cat <<ADDRESSES
Temporal frontend   $TEMPORAL_ADDRESS   (namespace default, task queue $TEMPORAL_TASK_QUEUE)
Temporal Web UI     http://127.0.0.1:$UI_PORT
PostgreSQL 15       127.0.0.1:$PG_PORT   (databases temporal, temporal_visibility, cmc; user temporal)
Webhooks (public)   $WEBHOOK_PUBLIC_URL   -> nginx -> $CLUSTER_RECEIVERS receiver(s)
CallMyCall          $CALLMYCALL_BASE_URL$([ "$CLUSTER_SIMULATOR" = 1 ] && echo '   (the simulator)')
Workers             $CLUSTER_WORKERS x cmc worker
Logs                $logs
Run a campaign:     set -a; . <($0 env); set +a; node dist/cli.js run campaigns/appointment-confirmation --wait
ADDRESSES
}

down() {
  local name
  # Reverse order: workers and receivers before the server they talk to, PostgreSQL last.
  for name in $(ls "$pids" 2>/dev/null | sed -n 's/\.pid$//p' | grep -E '^(worker|receiver)-'); do stop_process "$name"; done
  for name in nginx simulator ui frontend internal-worker matching history; do stop_process "$name"; done
  [ -f "$dir/postgres/PG_VERSION" ] && stop_process postgres
  log "stopped"
}

status() {
  local name state
  for name in $(all_names); do
    if [ "$name" = postgres ]; then
      as_postgres "$pg_bin/pg_ctl" -D "$dir/postgres" status >/dev/null 2>&1 && state="running" || state="stopped"
    elif alive "$name"; then state="running (pid $(pid_of "$name"))"; else state="stopped"; fi
    printf '%-16s %s\n' "$name" "$state"
  done
  "$(temporal_cli)" operator cluster describe --address "$TEMPORAL_ADDRESS" -o json 2>/dev/null |
    node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{try{const c=JSON.parse(s);console.log('server           '+c.serverVersion+', persistence '+c.persistenceStore+', visibility '+c.visibilityStore+', '+c.historyShardCount+' history shards')}catch{console.log('server           not answering at $TEMPORAL_ADDRESS')}})"
}

command="${1:-}"
case "$command" in
  up | down | status | env | destroy)
    [ "$command" = up ] || [ -f "$settings" ] || die "no cluster in $dir: run '$0 up' first"
    load_settings
    ;;
  start | stop | kill | restart)
    [ -f "$settings" ] || die "no cluster in $dir: run '$0 up' first"
    [ -n "${2:-}" ] || die "usage: $0 $command NAME"
    load_settings
    ;;
  -h | --help | help) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

case "$command" in
  up) up ;;
  down) down ;;
  status) status ;;
  env) [ -f "$settings" ] || die "no cluster yet: run '$0 up'"; cat "$settings" ;;
  destroy)
    # Only a folder `up` made, and only what it put there: CLUSTER_DIR=/ must not be a disaster.
    [ -f "$settings" ] || die "$dir holds no cluster (no cluster.env): nothing removed"
    down
    rm -rf "$dir/postgres" "$dir/logs" "$dir/pids" "$dir/nginx" "$dir/data" "$dir/reports" "$settings"
    rmdir "$dir" 2>/dev/null && log "removed $dir" || log "removed the cluster's files; $dir still holds other files"
    ;;
  start) start_named "$2" ;;
  stop) stop_process "$2" TERM ;;
  kill) [ "$2" = postgres ] && die "kill postgres: use 'restart postgres' (pg_ctl restart -m fast)"; stop_process "$2" KILL ;;
  restart)
    if [ "$2" = postgres ]; then
      (cd / && as_postgres "$pg_bin/pg_ctl" -D "$dir/postgres" -l "$logs/postgres.log" -w -t 60 -m fast restart >/dev/null)
    else
      stop_process "$2" TERM; start_named "$2"
    fi
    ;;
esac
