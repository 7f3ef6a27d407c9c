#!/usr/bin/env bash
# Installs the workspace dependencies when they are missing or older than the lockfile.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$MAJOROPS_ROOT"

stamp=node_modules/.majorops-install-stamp
want="$(node --version) $(sha1sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installing dependencies with npm ci (Node $(node --version))"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
