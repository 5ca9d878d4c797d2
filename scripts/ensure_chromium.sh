#!/usr/bin/env bash
# Makes sure the system's headless Chromium (Debian package) is there for the
# browser tests. Installs it with apt-get when running as root; otherwise
# fails with a clear message. Never downloads a browser any other way.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  exit 0
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  echo "==> Chromium not found at $chromium: installing the Debian package"
  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }
  [[ -x "$chromium" ]] && exit 0
fi
echo "error: Chromium not found at $chromium; the browser tests need it." >&2
echo "       Install it (as root: apt-get install -y chromium) or set CHROMIUM_PATH." >&2
exit 1
