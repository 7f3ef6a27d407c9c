#!/usr/bin/env bash
# Runs every test: type-check, then unit and integration tests on SQLite, and the database
# tests on PostgreSQL too when a server answers (default postgresql://postgres@127.0.0.1:5432,
# override with MAJOROPS_TEST_POSTGRES_URL; set it to "off" to skip PostgreSQL).
# Installs Node 22 and the dependencies first when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
bash "$MAJOROPS_ROOT/scripts/install.sh"
cd "$MAJOROPS_ROOT"

pg_url="${MAJOROPS_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432}"
export BACKSTAGE_TEST_DISABLE_DOCKER=1
if [ "$pg_url" != "off" ] && node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
  c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
' "$pg_url"; then
  echo "==> PostgreSQL answers at $pg_url: database tests run on SQLite and PostgreSQL"
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$pg_url"
else
  echo "==> No PostgreSQL at $pg_url: database tests run on SQLite only"
fi

echo "==> Type-checking"
npx tsc --noEmit -p .

echo "==> Unit and integration tests"
CI=true npx backstage-cli repo test --no-watch "$@"
