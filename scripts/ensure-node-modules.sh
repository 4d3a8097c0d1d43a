#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json,
# so `npm test` and `npm run demo` work on a fresh clone with nothing typed before.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
marker=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "ensure-node-modules: running npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi
