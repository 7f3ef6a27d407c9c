#!/usr/bin/env bash
# After changing dependencies: install, then drop the optional platform builds the registry
# does not carry, so that `npm ci` (used by CI and the start/test scripts) accepts the lock.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
cd "$MAJOROPS_ROOT"
npm install --no-audit --no-fund "$@"
node scripts/prune-lockfile.js
