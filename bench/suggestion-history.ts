/*
 * The history of a suggestion (`DatabaseSuggestionStore.listHistory`), selected
 * in process by the history index or by the database, on the data that
 * bench/suggestions.ts writes (run that first; this script only reads).
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/suggestion-history.ts \
 *     [--database majorops_bench_suggestions] [--incidents 200000] [--rounds 3]
 *
 * For the 220 most recent resolved incidents, the filter the suggestion
 * service builds (the incident's entity, its system and its type, 365 days,
 * 2,000 incidents). Two stores on the same knex client, one with the index
 * and one without, each warmed over every filter first (their kept records
 * loaded); then the two are called one after the other for each filter, in
 * `--rounds` rounds, so they see the same background load. Every pair of
 * answers is compared (ids, order, first repeat links). Also reports the
 * first load of the index and the heap it takes. Timings are reported, never
 * asserted; results go to stdout and bench/results/suggestion-history-postgres.md.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { DatabaseSuggestionStore } from '../plugins/majorops-backend/src/suggestions/DatabaseSuggestionStore';
import type { HistoryFilter } from '../plugins/majorops-backend/src/suggestions/SuggestionStore';
import { commonOptions, connect, machineSummary, parseArgs, RESULTS_DIR } from './lib/common';

const SPEC = { database: 'string', incidents: 'number', rounds: 'number', seed: 'number', engine: 'string', 'pg-url': 'string' } as const;
const SINCE = '2025-11-01T00:00:00.000Z';
const LIMIT = 2000;

function log(message: string) {
  // eslint-disable-next-line no-console
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { p50: at(50), p95: at(95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

function heapMb(): number {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with node --expose-gc: the heap figures need a collection first');
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

async function main() {
  const args = parseArgs(process.argv.slice(2), SPEC);
  const options = commonOptions({ engine: 'postgres', database: 'majorops_bench_suggestions', incidents: 200_000, ...args });
  const rounds = Number(args.rounds ?? 3);
  const knex = connect(options);
  const indexed = DatabaseSuggestionStore.create(knex);
  const byDatabase = DatabaseSuggestionStore.create(knex, { indexHistory: false });
  const rows: Array<{ id: string; incident_type: string | null; entity_ref: string; system_ref: string | null }> = await knex('incidents as i')
    .join('incident_entities as e', 'e.incident_id', 'i.id')
    .whereNotNull('i.resolved_at')
    .orderBy([{ column: 'i.declared_at', order: 'desc' }, 'e.entity_ref'])
    .limit(220)
    .select('i.id', 'i.incident_type', 'e.entity_ref', 'e.system_ref');
  if (rows.length === 0) throw new Error(`No incidents in ${options.database}: run bench/suggestions.ts first`);
  const filters: HistoryFilter[] = rows.map(row => ({
    entityRefs: [row.entity_ref],
    systemRefs: row.system_ref ? [row.system_ref] : [],
    ...(row.incident_type ? { incidentType: row.incident_type } : {}),
    since: SINCE,
    limit: LIMIT,
  }));

  const before = heapMb();
  await byDatabase.listHistory(filters[0]);
  const withRecords = heapMb();
  const started = process.hrtime.bigint();
  await indexed.listHistory(filters[0]);
  const firstMs = Number(process.hrtime.bigint() - started) / 1e6;
  const withIndex = heapMb();
  const indexMb = withIndex - withRecords - (withRecords - before);
  log(`First history with the index: ${firstMs.toFixed(0)} ms (its load and the records); ${indexed.indexedIncidents} incidents indexed, ~${indexMb.toFixed(1)} MB`);

  for (const filter of filters) {
    await indexed.listHistory(filter);
    await byDatabase.listHistory(filter);
  }
  const times = { index: [] as number[], database: [] as number[] };
  let differ = 0;
  let returned = 0;
  for (let round = 0; round < rounds; round++) {
    for (const filter of filters) {
      let t = process.hrtime.bigint();
      const a = await indexed.listHistory(filter);
      times.index.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      const b = await byDatabase.listHistory(filter);
      times.database.push(Number(process.hrtime.bigint() - t) / 1e6);
      returned += a.length;
      if (a.length !== b.length || a.some((x, i) => x.id !== b[i].id || x.repeatLinkedAt !== b[i].repeatLinkedAt)) differ++;
    }
  }
  const index = stats(times.index);
  const database = stats(times.database);
  const calls = filters.length * rounds;
  log(`Index: p50 ${index.p50.toFixed(2)}, p95 ${index.p95.toFixed(2)} ms; database: p50 ${database.p50.toFixed(2)}, p95 ${database.p95.toFixed(2)} ms; ${differ} of ${calls} answers differ`);
  const load = os.loadavg().map(n => n.toFixed(2)).join(' / ');
  const markdown = `# Suggestion history: the index against the database (${options.engine})

\`node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/suggestion-history.ts --rounds ${rounds}\`

- Machine: ${machineSummary()}
- Data: bench/suggestions.ts (${options.database}); ${filters.length} filters as the suggestion service builds them (entity, system, type;
  since ${SINCE.slice(0, 10)}; at most ${LIMIT}), ${(returned / calls).toFixed(0)} incidents returned on average.
- ${calls} calls each, the two stores one after the other per filter; load average after: ${load}.

| | p50 ms | p95 ms | mean ms |
|---|---:|---:|---:|
| history index | ${index.p50.toFixed(2)} | ${index.p95.toFixed(2)} | ${index.mean.toFixed(2)} |
| database selection | ${database.p50.toFixed(2)} | ${database.p95.toFixed(2)} | ${database.mean.toFixed(2)} |

Answers that differ (ids, order, first repeat links): **${differ} of ${calls}**.
First history with the index: ${firstMs.toFixed(0)} ms (the load of ${indexed.indexedIncidents} incidents, and 2,000 records);
the index takes ~${indexMb.toFixed(1)} MB of heap.
`;
  fs.writeFileSync(path.join(RESULTS_DIR, `suggestion-history-${options.engine}.md`), markdown);
  await knex.destroy();
  if (differ > 0) process.exitCode = 1;
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
