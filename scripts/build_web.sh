#!/usr/bin/env bash
# Builds the web page's front-end: `npm ci` (exact versions from the committed
# lockfile) and webchat/build.mjs (copies CSS and JS into the git-ignored
# webchat/static/vendor/). Skips both when the lockfile and the build script
# are unchanged since the last build.
set -euo pipefail
cd "$(dirname "$0")/../webchat"

if ! command -v npm >/dev/null; then
  echo "error: npm not found; install Node.js 20 or newer to build the web page" >&2
  exit 1
fi
key=$(cat package.json package-lock.json build.mjs | sha256sum | cut -c1-16)
stamp="static/vendor/.built-$key"
if [[ -f "$stamp" && -d node_modules ]]; then
  exit 0
fi
echo "==> building the web page (npm ci)"
npm ci --no-audit --no-fund --loglevel=error
node build.mjs
touch "$stamp"
