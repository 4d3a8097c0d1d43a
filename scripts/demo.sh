#!/usr/bin/env bash
# `npm run demo`: installs what is missing, then runs the demo on the embedded local stack.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/ensure-node-modules.sh
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI
exec npx tsx src/cli.ts demo "$@"
