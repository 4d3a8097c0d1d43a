#!/usr/bin/env bash
# The report's browser test (test/integration/reportBrowser.test.ts) drives Debian's
# Chromium. Installs it with apt-get when it is missing and this user may (root, or
# passwordless sudo); otherwise says so, and that test file is skipped.
# Set CMC_SKIP_CHROMIUM_INSTALL=1 to never install.
set -euo pipefail
for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then exit 0; fi
done
if [[ "${CMC_SKIP_CHROMIUM_INSTALL:-0}" == 1 ]]; then
  echo "chromium: not installed (CMC_SKIP_CHROMIUM_INSTALL=1): the browser test is skipped" >&2
  exit 0
fi
if [[ "$(id -u)" == 0 ]]; then apt=(apt-get)
elif sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
else
  echo "chromium: not installed and apt-get needs root: the browser test is skipped (apt-get install chromium)" >&2
  exit 0
fi
echo "chromium: installing Debian's chromium for the browser test" >&2
export DEBIAN_FRONTEND=noninteractive
if ! "${apt[@]}" install -y --no-install-recommends chromium >/dev/null 2>&1; then
  "${apt[@]}" update >/dev/null 2>&1 || true
  "${apt[@]}" install -y --no-install-recommends chromium >/dev/null 2>&1 ||
    echo "chromium: apt-get could not install it: the browser test is skipped" >&2
fi
