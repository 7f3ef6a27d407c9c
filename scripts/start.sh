#!/usr/bin/env bash
# Starts the MajorOps demo portal: frontend on http://localhost:3000, backend on :7007,
# SQLite in .data/, the example catalog and demo incidents, guest sign-in.
# Installs Node 22 and the dependencies first when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"

# backstage-cli resolves --config paths from each package's folder; make them absolute
# so that `./scripts/start.sh --config app-config.yaml --config app-config.postgres.yaml` works.
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--config" ] && [ $# -gt 1 ]; then
    case "$2" in
      /*) args+=("--config" "$2") ;;
      *) args+=("--config" "$(pwd)/$2") ;;
    esac
    shift 2
  else
    args+=("$1")
    shift
  fi
done

bash "$MAJOROPS_ROOT/scripts/install.sh"
cd "$MAJOROPS_ROOT"
mkdir -p .data/sqlite
echo "==> Starting the portal: open http://localhost:3000 and choose Enter (guest)"
exec npx backstage-cli repo start ${args[@]+"${args[@]}"}
