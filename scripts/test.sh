#!/usr/bin/env bash
# `npm test`: installs what is missing (npm packages, the Temporal CLI, Chromium for
# the report's browser test when apt-get may), then runs the
# type checker, the linter and every test project (unit, contract, integration on a
# real Temporal dev server).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/ensure-node-modules.sh
TEMPORAL_CLI="$(bash scripts/ensure-temporal.sh)"
export TEMPORAL_CLI
bash scripts/ensure-chromium.sh
echo "test: Temporal CLI $("$TEMPORAL_CLI" --version)" >&2
echo "test: typecheck" >&2
npx tsc --noEmit -p .
echo "test: lint" >&2
npx biome check .
echo "test: vitest" >&2
npx vitest run "$@"
