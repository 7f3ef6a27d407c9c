/*
 * Assignment suggestions benchmark: GET /incidents/:id/suggestions through the
 * real plugin over real HTTP, at 5k catalog users and 200k incidents.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/suggestions.ts \
 *     [--engine postgres] [--database majorops_bench_suggestions] [--users 5000] \
 *     [--incidents 200000] [--iterations 200] [--warmup N] [--seed 42] [--reuse] [--breakdown 100]
 *     [--profile-timed out.cpuprofile] [--profile-heap out.heapprofile]
 *
 * With --reuse, data already in the database with the same incident count
 * is kept (it was written by this script with the same seed and sizes).
 *
 * Writes its own data (the database is dropped and recreated) with a seeded
 * PRNG: the 2,000 entities, 50 systems and 25 groups of lib/catalog.ts, N users
 * spread over the groups (memberOf), incidents over the 3 years up to
 * 2026-11-01 touching 1–2 entities drawn from a Zipf distribution, of 8 types,
 * with an incident commander (70 % from the owning team) and often an
 * operations chief; the last 20 are open. Then starts the plugin with
 * startTestBackend (mock catalog with all entities and users, mock
 * httpAuth/permissions allowing the caller), and times sequentially, on one
 * keep-alive connection, suggestions for the open incidents and a sample of
 * recent ones (hot and cold entities alike).
 *
 * Reputation is read through the plugin's own `ReputationSummaryReader`
 * (the reputation service): stored per-person summaries, computed and stored
 * on first sight for anyone without one (in production the ledger task keeps
 * them). The first request pays for its candidates and is reported as
 * "cold"; then one untimed pass over all targets (or --warmup N requests)
 * stores the summaries of everyone the timed requests will ask for, so that
 * the warm figures are those of a filled summary table.
 *
 * With --breakdown N, the script then calls `SuggestionService.forIncident`
 * in-process N times over the same targets, with the same store and
 * in-memory catalog but a stand-in summary reader (a map lookup, with
 * levels, scores and workload derived from the ref: what a stored summary
 * table costs at most), and reports the phases: target, entities + open
 * incidents, history (with the owning teams' members read at the same time),
 * people by ref + reputation, and the engine. Timings are
 * reported, never asserted. Results go to stdout and bench/results/suggestions-<engine>.md.
 *
 * With --profile-timed FILE, a V8 CPU profile of the timed requests only (not
 * the data generation or the warm-up) is written to FILE, for DevTools; with
 * --profile-heap FILE, a sampled profile of what they allocate (collected
 * since or not), also for DevTools.
 */
import fs from 'fs';
import http from 'http';
import { Session } from 'inspector/promises';
import os from 'os';
import path from 'path';
import { PerformanceObserver } from 'perf_hooks';
import { Knex } from 'knex';
import { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import majoropsPlugin from '@majorops/plugin-majorops-backend';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { DEFAULT_ASSIGNMENT_CONFIG } from '@majorops/plugin-majorops-common';
import { DatabaseSuggestionStore } from '../plugins/majorops-backend/src/suggestions/DatabaseSuggestionStore';
import { SuggestionService } from '../plugins/majorops-backend/src/suggestions/SuggestionService';
import type { ReputationSummary } from '../plugins/majorops-backend/src/reputation/ReputationSummaryReader';
import { benchEntities, catalogEntities } from './lib/catalog';
import {
  commonOptions,
  connect,
  ensurePgDatabase,
  formatCount,
  machineSummary,
  MIGRATIONS_DIR,
  parseArgs,
  Random,
  removeSqliteFiles,
  RESULTS_DIR,
  ZipfSampler,
} from './lib/common';

const SPEC = {
  engine: 'string',
  database: 'string',
  incidents: 'number',
  users: 'number',
  iterations: 'number',
  warmup: 'number',
  breakdown: 'number',
  seed: 'number',
  'pg-url': 'string',
  reuse: 'boolean',
  'profile-timed': 'string',
  'profile-heap': 'string',
} as const;

const TYPES = ['database', 'network', 'deployment', 'capacity', 'dependency', 'security', 'configuration', 'storage'];
const GROUPS = 25;
const END = Date.parse('2026-11-01T00:00:00.000Z');
const SPAN = 3 * 365 * 24 * 3600_000;
const OPEN = 20;
const BATCH = 1000;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const groupRef = (g: number) => `group:default/team-${pad(g + 1, 2)}`;
const userRef = (i: number) => `user:default/person-${pad(i + 1, 5)}`;

function log(message: string) {
  // eslint-disable-next-line no-console
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

/** Users of each group, and the catalog User entities. */
function users(count: number): { members: string[][]; entities: Entity[] } {
  const members: string[][] = Array.from({ length: GROUPS }, () => []);
  const entities: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const g = i % GROUPS;
    members[g].push(userRef(i));
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: `person-${pad(i + 1, 5)}`, namespace: 'default' },
      spec: { profile: { displayName: `Person ${i + 1}` }, memberOf: [`team-${pad(g + 1, 2)}`] },
      relations: [{ type: 'memberOf', targetRef: groupRef(g) }],
    });
  }
  return { members, entities };
}

async function generate(knex: Knex, options: { incidents: number; users: number; seed: number }, members: string[][]) {
  await knex.migrate.latest({ directory: MIGRATIONS_DIR });
  const random = new Random(options.seed);
  const entities = benchEntities();
  const zipf = new ZipfSampler(entities.length, 1.0);
  const startedAt = Date.now();
  let incidentRows: any[] = [];
  let entityRows: any[] = [];
  let roleRows: any[] = [];
  const flush = async () => {
    await knex.batchInsert('incidents', incidentRows, BATCH);
    await knex.batchInsert('incident_entities', entityRows, BATCH);
    await knex.batchInsert('incident_roles', roleRows, BATCH);
    incidentRows = [];
    entityRows = [];
    roleRows = [];
  };
  for (let n = 0; n < options.incidents; n++) {
    const open = n >= options.incidents - OPEN;
    // Oldest first; the open ones in the last day.
    const declared = open ? END - random.int(1, 23 * 60) * 60_000 : END - SPAN + Math.floor((n / options.incidents) * (SPAN - 86400_000));
    const severity = ['SEV1', 'SEV2', 'SEV3', 'SEV4'][random.weighted([5, 15, 40, 40])];
    const id = random.uuid();
    const first = entities[zipf.sample(random)];
    const touched = random.chance(0.3) ? [first, entities[zipf.sample(random)]] : [first];
    const unique = [...new Map(touched.map(e => [e.ref, e])).values()];
    const resolved = open ? null : new Date(declared + random.int(20, 600) * 60_000);
    const at = new Date(declared);
    incidentRows.push({
      id,
      title: `Incident ${n + 1}`,
      summary: '',
      severity,
      status: open ? 'investigating' : 'closed',
      incident_type: TYPES[random.int(0, TYPES.length - 1)],
      tags: '[]',
      source: 'majorops',
      declared_at: at,
      resolved_at: resolved,
      created_by: 'user:default/person-00001',
      created_at: at,
      updated_at: at,
      version: 1,
    });
    for (const e of unique) {
      entityRows.push({
        incident_id: id,
        entity_ref: e.ref,
        owner_ref: e.ownerRef,
        system_ref: e.systemRef,
        declared_at: at,
        severity,
        resolved_at: resolved,
      });
    }
    const owning = Number(first.ownerRef.slice(-2)) - 1;
    const pick = () => {
      const team = random.chance(0.7) ? members[owning] : members[random.int(0, GROUPS - 1)];
      // A few people in each team command most of its incidents.
      return team[Math.min(team.length - 1, Math.floor(Math.pow(random.int(0, 999) / 1000, 3) * team.length))];
    };
    const commander = pick();
    roleRows.push({ incident_id: id, role: 'incident-commander', user_ref: commander, assigned_by: commander, assigned_at: at });
    if (severity === 'SEV1' || severity === 'SEV2' || random.chance(0.3)) {
      const chief = pick();
      if (chief !== commander) roleRows.push({ incident_id: id, role: 'operations-chief', user_ref: chief, assigned_by: commander, assigned_at: at });
    }
    if (incidentRows.length >= 5000) await flush();
  }
  await flush();
  if (knex.client.config.client === 'pg') await knex.raw('VACUUM ANALYZE');
  return (Date.now() - startedAt) / 1000;
}

/**
 * Training records, so that people have levels and the engine has commanders
 * to rank (without them every summary says level 0 and everyone is excluded):
 * basic training for 7 people in 10, incident-command training for 2 in 10,
 * completed a year before the history ends, no expiry. Written once, when
 * the table is empty; the stored summaries are dropped then, so that the
 * warm-up computes them again with the levels. Returns the records written.
 */
async function ensureTraining(knex: Knex, userCount: number): Promise<number> {
  const present = Number((await knex('responder_training').count({ n: '*' }).first())?.n ?? 0);
  if (present > 0) return 0;
  const completed = new Date(END - 365 * 24 * 3600_000);
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < userCount; i++) {
    const kinds = i % 10 < 2 ? ['basic-training', 'incident-command'] : i % 10 < 7 ? ['basic-training'] : [];
    for (const kind of kinds) {
      rows.push({
        id: `bench-training-${i}-${kind}`,
        user_ref: userRef(i),
        kind,
        issuer: 'Bench Academy',
        completed_at: completed,
        expires_at: null,
        recorded_by: userRef(0),
        recorded_at: completed,
      });
    }
  }
  await knex.batchInsert('responder_training', rows, BATCH);
  await knex('reputation_summaries').delete();
  return rows.length;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const AUTHORIZATION = mockCredentials.user.header('user:default/person-00001');

function get(port: number, pathAndQuery: string): Promise<{ status: number; body: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      { host: '127.0.0.1', port, path: pathAndQuery, method: 'GET', agent, headers: { authorization: AUTHORIZATION, accept: 'application/json' } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: Number(process.hrtime.bigint() - started) / 1e6 }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2), SPEC);
  const options = commonOptions({
    engine: 'postgres',
    database: 'majorops_bench_suggestions',
    incidents: 200_000,
    ...args,
  });
  const userCount = Number(args.users ?? 5000);
  const iterations = Number(args.iterations ?? 200);
  const warmupArg = args.warmup === undefined ? undefined : Number(args.warmup);
  const breakdownIterations = Number(args.breakdown ?? 0);
  const loadBefore = os.loadavg();
  const { members, entities: userEntities } = users(userCount);
  let knex: Knex | undefined;
  let generateSeconds: number | undefined;
  if (args.reuse) {
    if (options.engine === 'postgres') await ensurePgDatabase(options, false);
    knex = connect(options);
    const present = (await knex.schema.hasTable('incidents')) ? Number((await knex('incidents').count({ n: '*' }).first())?.n) : 0;
    if (present === options.incidents) log(`Reusing the ${formatCount(present)} incidents already in ${options.database}`);
    else {
      await knex.destroy();
      knex = undefined;
    }
  }
  if (!knex) {
    if (options.engine === 'postgres') await ensurePgDatabase(options, true);
    else removeSqliteFiles(options.database);
    knex = connect(options);
    log(`Generating ${formatCount(options.incidents)} incidents, ${formatCount(userCount)} users on ${options.engine}…`);
    generateSeconds = await generate(knex, { incidents: options.incidents, users: userCount, seed: options.seed }, members);
  }
  const trainingWritten = await ensureTraining(knex, userCount);
  if (trainingWritten > 0) log(`Recorded ${formatCount(trainingWritten)} training records; stored summaries dropped`);
  const counts: Record<string, number> = {};
  for (const table of ['incidents', 'incident_entities', 'incident_roles', 'responder_training']) {
    counts[table] = Number((await knex(table).count({ n: '*' }).first())?.n);
  }
  log(`${generateSeconds === undefined ? 'Reused' : `Generated in ${generateSeconds.toFixed(0)} s`}: ${JSON.stringify(counts)}`);

  const backend = await startTestBackend({
    features: [
      majoropsPlugin,
      mockServices.database.factory({ knex }),
      mockServices.httpAuth.factory(),
      mockServices.rootConfig.factory({ data: {} }),
      catalogServiceMock.factory({ entities: [...catalogEntities(), ...userEntities] }),
    ],
  });
  const port = backend.server.port();
  backend.server.keepAliveTimeout = 600_000;

  const open: string[] = await knex('incidents').whereNull('resolved_at').orderBy('id').pluck('id');
  const recent: string[] = await knex('incidents').whereNotNull('resolved_at').orderBy('declared_at', 'desc').limit(200).pluck('id');
  const targets = [...open, ...recent];

  const cold = await get(port, `/api/majorops/incidents/${targets[0]}/suggestions`);
  if (cold.status !== 200) throw new Error(`Cold request failed: ${cold.status} ${cold.body.slice(0, 300)}`);
  const coldBody = JSON.parse(cold.body);
  log(`Cold (first request): ${cold.ms.toFixed(0)} ms`);
  const warmup = warmupArg ?? targets.length;
  const warmupStarted = Date.now();
  for (let i = 0; i < warmup; i++) await get(port, `/api/majorops/incidents/${targets[i % targets.length]}/suggestions`);
  const warmupSeconds = (Date.now() - warmupStarted) / 1000;
  log(`Warm-up: ${warmup} untimed requests in ${warmupSeconds.toFixed(0)} s`);

  const profileFile = args['profile-timed'] === undefined ? undefined : String(args['profile-timed']);
  const profiler = profileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const heapFile = args['profile-heap'] === undefined ? undefined : String(args['profile-heap']);
  const heapProfiler = heapFile ? new Session() : undefined;
  if (heapProfiler) {
    heapProfiler.connect();
    await heapProfiler.post('HeapProfiler.enable');
    // Every allocation sampled, including those collected since: what the timed requests allocate.
    await heapProfiler.post('HeapProfiler.startSampling', {
      samplingInterval: 32768,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    } as any);
  }
  // CPU time of this process (the plugin and the client) and garbage collection over the timed requests:
  // less sensitive than wall time to other work on a shared machine.
  let gcMs = 0;
  let gcCount = 0;
  const gcObserver = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      gcCount++;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpuBefore = process.cpuUsage();
  const timings: number[] = [];
  let bytes = 0;
  let historyHint = 0;
  let listed = 0;
  let summarised = 0;
  for (let i = 0; i < iterations; i++) {
    const res = await get(port, `/api/majorops/incidents/${targets[i % targets.length]}/suggestions`);
    if (res.status !== 200) throw new Error(`Request failed: ${res.status} ${res.body.slice(0, 300)}`);
    timings.push(res.ms);
    bytes += res.body.length;
    const body = JSON.parse(res.body);
    historyHint += body.incidentCommander.length;
    listed += body.excluded.length;
    summarised += (body.excludedSummary ?? []).reduce((n: number, s: { count: number }) => n + s.count, 0);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / iterations;
  await new Promise(resolve => setImmediate(resolve));
  gcObserver.disconnect();
  if (heapProfiler && heapFile) {
    const { profile } = await heapProfiler.post('HeapProfiler.stopSampling');
    fs.writeFileSync(heapFile, JSON.stringify(profile));
    heapProfiler.disconnect();
    log(`Wrote the allocation profile of the timed requests to ${heapFile}`);
  }
  if (profiler && profileFile) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(profileFile, JSON.stringify(profile));
    profiler.disconnect();
    log(`Wrote the CPU profile of the timed requests to ${profileFile}`);
  }
  timings.sort((a, b) => a - b);
  const p50 = percentile(timings, 50);
  const p95 = percentile(timings, 95);
  const max = timings[timings.length - 1];
  log(`Warm: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms over ${iterations} requests`);
  log(`CPU ${cpuMsPerRequest.toFixed(1)} ms per request (this process); garbage collection ${gcCount} pauses, ${(gcMs / iterations).toFixed(1)} ms per request`);
  const loadAfterHttp = os.loadavg();
  await backend.stop();

  const breakdown = breakdownIterations > 0 ? await phases(knex, userEntities, targets, breakdownIterations) : undefined;
  const loadAfter = os.loadavg();
  const load = (l: number[]) => l.map(n => n.toFixed(2)).join(' / ');

  const md = `# Suggestions benchmark (${options.engine})

\`node --require @backstage/cli/config/nodeTransform.cjs bench/suggestions.ts --engine ${options.engine} --users ${userCount} --incidents ${options.incidents} --iterations ${iterations} --seed ${options.seed}\`

- Machine: ${machineSummary()}, Node ${process.version}
- Data (seed ${options.seed}): ${formatCount(userCount)} catalog users in ${GROUPS} teams, 2,000 entities / 50 systems,
  training records so that people have levels (basic training for 7 in 10 people, incident-command training for 2 in 10),
  ${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(', ')}; ${generateSeconds === undefined ? 'reused from an earlier run (`--reuse`)' : `generated in ${generateSeconds.toFixed(0)} s`}.
- Endpoint: \`GET /api/majorops/incidents/:id/suggestions\`, sequential, one keep-alive connection, ${iterations} timed requests
  over ${targets.length} incidents (${open.length} open, ${recent.length} most recent resolved), after the cold one and ${warmup} untimed
  (${warmupSeconds.toFixed(0)} s: they compute and store the reputation summaries of everyone the timed requests ask for).
- Reputation through the plugin's \`ReputationSummaryReader\` (the reputation service's stored per-person summaries).
- Load average (1 / 5 / 15 min; the machine has ${os.cpus().length} cores and is shared with other work): ${load(loadBefore)} before,
  ${load(loadAfterHttp)} after the HTTP run${breakdown ? `, ${load(loadAfter)} after the breakdown` : ''}.

| | ms |
|---|---|
| cold (first request) | ${cold.ms.toFixed(0)} |
| warm p50 | ${p50.toFixed(1)} |
| warm p95 | ${p95.toFixed(1)} |
| warm max | ${max.toFixed(1)} |
| CPU of this process per timed request | ${cpuMsPerRequest.toFixed(1)} |
| garbage collection per timed request (${gcCount} pauses in all) | ${(gcMs / iterations).toFixed(1)} |

Goal: p95 ≤ 50 ms on PostgreSQL — ${p95 <= 50 ? 'met' : '**not met**'}.
Average response ${(bytes / iterations / 1024).toFixed(0)} KiB; ${(historyHint / iterations).toFixed(1)} commanders suggested on average;
on average ${(listed / iterations).toFixed(0)} slot entries listed in \`excluded\` and ${(summarised / iterations).toFixed(0)} counted in \`excludedSummary\`
(the cold response: ${coldBody.excluded.length} listed, ${(coldBody.excludedSummary ?? []).reduce((n: number, s: { count: number }) => n + s.count, 0)} counted).
${breakdown ?? ''}`;
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `suggestions-${options.engine}.md`);
  fs.writeFileSync(file, md);
  log(`Wrote ${file}`);
  await knex.destroy();
  agent.destroy();
}

/**
 * A stand-in for the stored summary table: a map lookup, with a level,
 * score, badge and workload derived from the person's number (levels 0–5
 * evenly, so that the ranking and eligibility paths run as with real data).
 */
function standInSummaries(refs: string[]): Map<string, ReputationSummary> {
  const out = new Map<string, ReputationSummary>();
  for (const ref of refs) {
    const n = Number(ref.slice(-5));
    if (!Number.isFinite(n)) continue;
    out.set(ref, {
      userRef: ref,
      computedAt: '2026-11-01T00:00:00.000Z',
      score: (n * 37) % 1000,
      level: { level: (n % 6) as 0 | 1 | 2 | 3 | 4 | 5, name: `Level ${n % 6}`, suspended: n % 97 === 0 },
      badge: { holds: n % 50 === 0 },
      workload: { weeks: [], flaggedPeriods: [], totals: { incidentHoursPerWeek: n % 7 } } as any,
    });
  }
  return out;
}

/** In-process phases of `forIncident` with the stand-in reader; Markdown. */
async function phases(knex: Knex, userEntities: Entity[], targets: string[], iterations: number): Promise<string> {
  const store = DatabaseSuggestionStore.create(knex);
  const catalog = new InMemoryCatalogClient({ entities: [...catalogEntities(), ...userEntities] });
  const reputation = { summariesOf: async (refs: string[]) => standInSummaries(refs) };
  const spans: Record<string, number[]> = {};
  const time = <T extends object>(obj: T, label: string, method: keyof T & string) => {
    const original = (obj[method] as any).bind(obj);
    (obj as any)[method] = async (...a: unknown[]) => {
      const started = process.hrtime.bigint();
      try {
        return await original(...a);
      } finally {
        (spans[label] ??= []).push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    };
  };
  time(store, 'store.getIncident (target)', 'getIncident');
  time(store, 'store.listOpenIncidents', 'listOpenIncidents');
  time(store, 'store.listHistory (with the owning teams\' members read at the same time)', 'listHistory');
  time(catalog, 'catalog.getEntities (members of the owning teams)', 'getEntities');
  time(catalog, 'catalog.getEntitiesByRefs (entities, systems, engaged people)', 'getEntitiesByRefs');
  const service = new SuggestionService({
    store,
    catalog: catalog as any,
    reputation,
    assignRole: async () => {
      throw new Error('not in the benchmark');
    },
    config: DEFAULT_ASSIGNMENT_CONFIG,
    now: () => '2026-11-01T00:00:00.000Z',
  });
  const credentials = mockCredentials.user('user:default/person-00001');
  const totals: number[] = [];
  let commanders = 0;
  for (let i = 0; i < iterations + 10; i++) {
    if (i === 10) for (const key of Object.keys(spans)) spans[key] = [];
    const started = process.hrtime.bigint();
    const result = await service.forIncident(targets[i % targets.length], { credentials });
    if (i >= 10) {
      totals.push(Number(process.hrtime.bigint() - started) / 1e6);
      commanders += result.incidentCommander.length;
    }
  }
  const row = (label: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `| ${label} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} |`;
  };
  log(`Breakdown: total p50 ${percentile([...totals].sort((a, b) => a - b), 50).toFixed(1)} ms over ${iterations}`);
  return `
## In-process breakdown (stand-in summary reader)

\`SuggestionService.forIncident\` called ${iterations} times in-process over the same targets (after 10 untimed), same store
and in-memory catalog, with a map lookup instead of the reputation service (levels 0–5 spread evenly, so the ranking runs:
${(commanders / iterations).toFixed(1)} commanders suggested on average). No HTTP, auth or JSON. Phases overlap (the members
are read while the history loads), so they do not add up; the rest of the total is the engine and the glue.

| phase | calls | p50 ms | p95 ms |
|---|---|---|---|
${row('**total**', totals)}
${Object.entries(spans).map(([label, values]) => row(label, values)).join('\n')}
`;
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
