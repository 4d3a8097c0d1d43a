#!/usr/bin/env bash
# Finds or builds the Temporal CLI (`temporal server start-dev` is our local and test
# server) and prints its absolute path on stdout. Progress goes to stderr.
#
# Order: $TEMPORAL_CLI, `temporal` on PATH, .tools/bin/temporal, the per-user cache,
# then a build with the Go toolchain into the cache (copied to .tools/bin).
#
# Pinned to v1.5.1: releases from v1.6.0 on carry `replace` directives in go.mod,
# which `go install pkg@version` refuses (checked with v1.9.1); v1.5.1 has none.
set -euo pipefail

TEMPORAL_CLI_VERSION="v1.5.1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$root/.tools/bin"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/callmycall-campaigns/temporal-cli-$TEMPORAL_CLI_VERSION"

log() { echo "ensure-temporal: $*" >&2; }

works() { [ -x "$1" ] && "$1" --version >/dev/null 2>&1; }

if [ -n "${TEMPORAL_CLI:-}" ]; then
  if works "$TEMPORAL_CLI"; then echo "$TEMPORAL_CLI"; exit 0; fi
  log "TEMPORAL_CLI=$TEMPORAL_CLI is not a working Temporal CLI"; exit 1
fi

if on_path="$(command -v temporal 2>/dev/null)" && works "$on_path"; then
  echo "$on_path"; exit 0
fi

if works "$tools_bin/temporal"; then echo "$tools_bin/temporal"; exit 0; fi

install_into_tools() {
  mkdir -p "$tools_bin"
  cp "$cache_dir/temporal" "$tools_bin/temporal.tmp.$$"
  mv "$tools_bin/temporal.tmp.$$" "$tools_bin/temporal"
  echo "$tools_bin/temporal"
}

if works "$cache_dir/temporal"; then
  log "using cached Temporal CLI $TEMPORAL_CLI_VERSION from $cache_dir"
  install_into_tools; exit 0
fi

if command -v go >/dev/null 2>&1; then
  log "building Temporal CLI $TEMPORAL_CLI_VERSION with $(go version) (first time only, a few minutes)..."
  mkdir -p "$cache_dir"
  build_dir="$(mktemp -d "$cache_dir/build.XXXXXX")"
  start=$(date +%s)
  # Build into a private folder, then move: two concurrent first runs never see a half-written binary.
  if GOBIN="$build_dir" GOFLAGS="${GOFLAGS:--trimpath}" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2; then
    mv "$build_dir/temporal" "$cache_dir/temporal"
    rmdir "$build_dir" 2>/dev/null || true
    log "built in $(( $(date +%s) - start ))s"
    install_into_tools; exit 0
  fi
  rm -rf "$build_dir"
  log "go install failed"
fi

cat >&2 <<'MSG'
ensure-temporal: no Temporal CLI found, and it could not be built.
Get the CLI one of these ways, then run the command again:
  - Homebrew:                brew install temporal
  - the official installer:  curl -sSf https://temporal.download/cli.sh | sh   (then add ~/.temporalio/bin to PATH)
  - Go >= 1.25:              this script builds it for you (go install github.com/temporalio/cli/cmd/temporal@v1.5.1)
  - Docker:                  docker compose up   (runs the production-like stack instead)
Or point TEMPORAL_CLI at an existing binary.
MSG
exit 1
