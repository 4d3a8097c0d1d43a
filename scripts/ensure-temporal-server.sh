#!/usr/bin/env bash
# Finds or builds the production Temporal server (the cluster of scripts/cluster.sh) and
# prints its folder on stdout. Progress goes to stderr. The folder holds:
#   bin/temporal-server       go.temporal.io/server/cmd/server
#   bin/temporal-sql-tool     go.temporal.io/server/cmd/tools/sql (creates and migrates the databases)
#   bin/temporal-ui-server    github.com/temporalio/ui-server/v2/cmd/server (the Web UI)
#   config/docker.yaml        the server's own config template, the one the temporalio/server image runs
#   schema/postgresql/v12/    the server's SQL schema (temporal, visibility)
#   ui/config/docker.yaml     the UI server's config template, the one the temporalio/ui image runs
#
# The versions are those the Temporal CLI of scripts/ensure-temporal.sh embeds (CLI v1.5.1:
# server v1.29.1, UI server v2.42.1), and docker-compose.yml pins the same images.
# Order: the per-user cache, then a build with the Go toolchain into the cache; either way
# the folder is copied to .tools/temporal-server-<version>.
set -euo pipefail

SERVER_VERSION="v1.29.1"
UI_SERVER_VERSION="v2.42.1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
name="temporal-server-$SERVER_VERSION-ui-$UI_SERVER_VERSION"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/callmycall-campaigns/$name"
tools_dir="$root/.tools/$name"

log() { echo "ensure-temporal-server: $*" >&2; }

complete() {
  [ -x "$1/bin/temporal-server" ] && [ -x "$1/bin/temporal-sql-tool" ] && [ -x "$1/bin/temporal-ui-server" ] &&
    [ -f "$1/config/docker.yaml" ] && [ -d "$1/schema/postgresql/v12/temporal/versioned" ] && [ -f "$1/ui/config/docker.yaml" ]
}

if complete "$tools_dir"; then echo "$tools_dir"; exit 0; fi

install_into_tools() {
  mkdir -p "$root/.tools"
  rm -rf "$tools_dir.tmp.$$"
  cp -a "$cache_dir" "$tools_dir.tmp.$$"
  rm -rf "$tools_dir"
  mv "$tools_dir.tmp.$$" "$tools_dir"
  echo "$tools_dir"
}

if complete "$cache_dir"; then
  log "using the cached Temporal server $SERVER_VERSION from $cache_dir"
  install_into_tools; exit 0
fi

command -v go >/dev/null 2>&1 || {
  log "no Go toolchain: install Go >= 1.25, or run the production stack with docker compose (docs/DEPLOY.md)"
  exit 1
}

log "building Temporal server $SERVER_VERSION and UI server $UI_SERVER_VERSION with $(go version) (first time only, about 5 minutes)..."
mkdir -p "$(dirname "$cache_dir")"
build_dir="$(mktemp -d "$cache_dir.build.XXXXXX")"
trap 'rm -rf "$build_dir"' EXIT
start=$(date +%s)
# The two `server` mains would overwrite each other in one GOBIN: build each into its own.
GOBIN="$build_dir/gobin-server" GOFLAGS="${GOFLAGS:--trimpath}" \
  go install "go.temporal.io/server/cmd/server@$SERVER_VERSION" "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" >&2
GOBIN="$build_dir/gobin-ui" GOFLAGS="${GOFLAGS:--trimpath}" \
  go install "github.com/temporalio/ui-server/v2/cmd/server@$UI_SERVER_VERSION" >&2
server_module="$(go mod download -json "go.temporal.io/server@$SERVER_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
ui_module="$(go mod download -json "github.com/temporalio/ui-server/v2@$UI_SERVER_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"

out="$build_dir/out"
mkdir -p "$out/bin" "$out/config" "$out/schema/postgresql" "$out/ui/config"
mv "$build_dir/gobin-server/server" "$out/bin/temporal-server"
mv "$build_dir/gobin-server/sql" "$out/bin/temporal-sql-tool"
mv "$build_dir/gobin-ui/server" "$out/bin/temporal-ui-server"
cp "$server_module/config/docker.yaml" "$out/config/docker.yaml"
cp -r "$server_module/schema/postgresql/v12" "$out/schema/postgresql/v12"
cp "$ui_module/config/docker.yaml" "$out/ui/config/docker.yaml"
chmod -R u+w "$out" # module files are read-only
# Move into place in one step: two concurrent first runs never see a half-filled folder.
rm -rf "$cache_dir"
mv "$out" "$cache_dir"
log "built in $(( $(date +%s) - start ))s"
install_into_tools
