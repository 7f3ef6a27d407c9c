#!/usr/bin/env bash
# Starts the MajorOps demo portal: frontend on http://localhost:3000, backend on :7007,
# SQLite in .data/, the example catalog and demo incidents, guest sign-in.
# Installs Node 22 and the dependencies first when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
bash "$MAJOROPS_ROOT/scripts/install.sh"
cd "$MAJOROPS_ROOT"
mkdir -p .data/sqlite
echo "==> Starting the portal: open http://localhost:3000 and choose Enter (guest)"
exec npx backstage-cli repo start "$@"
