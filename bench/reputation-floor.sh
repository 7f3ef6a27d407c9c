#!/usr/bin/env bash
# PostgreSQL's own floor for writing and indexing one ledger generation, on this machine: run after
# bench/reputation.ts has built a ledger. Usage: bash bench/reputation-floor.sh [database]. Times only; asserts nothing.
DB=${1:-majorops_bench_reputation}
G=$(psql -h 127.0.0.1 -U postgres -d $DB -Atc "select generation from reputation_ledger_state where id='ledger'")
T=reputation_ledger_g$G
echo "generation table $T, rows $(psql -h 127.0.0.1 -U postgres -d $DB -Atc "select count(*) from $T")"
psql -h 127.0.0.1 -U postgres -d $DB <<SQL
\timing on
DROP TABLE IF EXISTS floor_t;
COPY $T TO '/tmp/ledger.copy';
CREATE TABLE floor_t (LIKE $T INCLUDING DEFAULTS);
-- 1. the rows alone, as INSERT ... SELECT (no client, no parsing)
INSERT INTO floor_t SELECT * FROM $T;
TRUNCATE floor_t;
CHECKPOINT;
-- 2. COPY from a server-side file (the fastest load path)
COPY floor_t FROM '/tmp/ledger.copy';
-- 3. the generation's indexes
SET maintenance_work_mem = '256MB';
CREATE INDEX floor_user ON floor_t (user_ref, occurred_at);
CREATE INDEX floor_inc ON floor_t (incident_id);
CREATE INDEX floor_src ON floor_t (source_key) WHERE incident_id IS NULL;
ALTER TABLE floor_t ADD PRIMARY KEY (id, generation);
ANALYZE floor_t;
DROP TABLE floor_t;
SQL
rm -f /tmp/ledger.copy
