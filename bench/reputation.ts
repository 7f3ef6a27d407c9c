/*
 * Reputation benchmark: the full recompute of the ledger, the incremental
 * update after one incident resolves, and the GET-side computations (one
 * responder's view, one team's ranking), through the plugin's real
 * ReputationService on the real DatabaseReputationStore.
 *
 *   node --max-old-space-size=6144 --require @backstage/cli/config/nodeTransform.cjs bench/reputation.ts \
 *     --engine postgres --database majorops_bench_reputation [--reset]
 *
 * Generates the history first when the database has none (seeded, see
 * lib/reputationHistory.ts), then times. Figures are reported, never
 * asserted; results go to bench/results/reputation-<engine>.md.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DEFAULT_REPUTATION_CONFIG,
  DEFAULT_SEVERITY_MATRIX,
  computeReputation,
  deriveIncidentEvents,
  deriveKnowledgeContribution,
  type LedgerEvent,
} from '@majorops/plugin-majorops-common';
import { DatabaseReputationStore } from '../plugins/majorops-backend/src/reputation/DatabaseReputationStore';
import { ReputationService } from '../plugins/majorops-backend/src/reputation/ReputationService';
import type { ReputationStore } from '../plugins/majorops-backend/src/reputation/ReputationStore';
import { responderFactsOf } from '../plugins/majorops-backend/src/reputation/responderFacts';
import { DatabaseIncidentStore } from '../plugins/majorops-backend/src/database/DatabaseIncidentStore';
import { DatabasePostmortemStore } from '../plugins/majorops-backend/src/database/DatabasePostmortemStore';
import { DatabaseSurveyStore } from '../plugins/majorops-backend/src/surveys/DatabaseSurveyStore';
import { IncidentService } from '../plugins/majorops-backend/src/service/IncidentService';
import {
  COMMON_SPEC,
  commonOptions,
  connect,
  DATA_DIR,
  ensurePgDatabase,
  formatCount,
  machineSummary,
  MIGRATIONS_DIR,
  parseArgs,
  removeSqliteFiles,
  RESULTS_DIR,
  REPO_ROOT,
} from './lib/common';
import {
  emptyBatch,
  HISTORY_END_MS,
  HISTORY_TABLES,
  HistoryWriter,
  pgHistoryWriter,
  ReputationHistoryFactory,
  sqliteHistoryWriter,
} from './lib/reputationHistory';
import { createHash } from 'crypto';

const USAGE = `Usage: node --max-old-space-size=6144 --require @backstage/cli/config/nodeTransform.cjs bench/reputation.ts [options]
  --engine sqlite|postgres   (default postgres)
  --database NAME            (default majorops_bench_reputation)
  --incidents N              (default 115k on postgres, 12k on sqlite: ~1M and ~100k ledger events)
  --responders N             (default 5000 on postgres, 500 on sqlite)
  --seed S                   (default 42)
  --reset                    drop the database / delete the file and generate again
  --repetitions N            incremental updates timed, one resolved incident each (default 30)
  --view-repetitions N       timed views per responder and rankings (default 30 / 10)
  --team-size N              members of the ranked team (default 20)
  --no-second-recompute      time the full recompute once (on the empty ledger) only
  --recompute-only           time the full recompute(s) and stop (no report written)
  --skip-recompute           only the incremental update and the views, on a ledger already computed;
                             writes results/reputation-<engine>-incremental.md
  --pg-url URL               (default postgresql://postgres@127.0.0.1:5432)`;

/** Incidents at the end of the history left in monitoring, for the incremental runs to resolve. */
const OPEN_TAIL = 300;
const RUNBOOKS = 4_000;
const BATCH = 2_000;

const hr = () => Number(process.hrtime.bigint()) / 1e6;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}
function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / s.length };
}
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const loadavg = () => os.loadavg().map(l => l.toFixed(2)).join(' ');

/** Time spent per SQL shape, from knex's query events (literals and bindings collapsed). */
class QueryProfile {
  private readonly started = new Map<string, number>();
  readonly byShape = new Map<string, { count: number; ms: number }>();
  enabled = false;
  constructor(knex: Knex) {
    knex.on('query', (q: { __knexQueryUid: string }) => {
      if (this.enabled) this.started.set(q.__knexQueryUid, hr());
    });
    const done = (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
      const t0 = this.started.get(q.__knexQueryUid);
      if (t0 === undefined) return;
      this.started.delete(q.__knexQueryUid);
      const shape = q.sql
        .replace(/\s+/g, ' ')
        .replace(/\((?:\?|\$\d+)(?:, ?(?:\?|\$\d+))*\)/g, '(…)')
        .replace(/values (\(…\),? ?)+/gi, 'values (…)…');
      const entry = this.byShape.get(shape) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += hr() - t0;
      this.byShape.set(shape, entry);
    };
    knex.on('query-response', done);
    knex.on('query-error', (_e: unknown, q: { __knexQueryUid: string; sql: string }) => done(undefined, q));
  }
  reset() {
    this.byShape.clear();
    this.started.clear();
  }
  top(n: number) {
    return [...this.byShape.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, n);
  }
}

/** Wall time per store method (the service awaits them one after another, so they add up). */
function profiledStore(store: ReputationStore) {
  const calls = new Map<string, { count: number; ms: number }>();
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const t0 = hr();
        try {
          return await value.apply(target, args);
        } finally {
          const entry = calls.get(String(prop)) ?? { count: 0, ms: 0 };
          entry.count++;
          entry.ms += hr() - t0;
          calls.set(String(prop), entry);
        }
      };
    },
  });
  return { store: proxy as ReputationStore, calls };
}

const silentLogger: LoggerService = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

async function countRows(knex: Knex, tables: string[]) {
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = Number((await knex(t).count({ n: '*' }).first())?.n ?? 0);
  return out;
}

async function generate(knex: Knex, engine: string, seed: number, incidents: number, responders: number) {
  const factory = new ReputationHistoryFactory(seed, incidents, responders, Math.min(OPEN_TAIL, Math.floor(incidents / 10)));
  const writer: HistoryWriter = engine === 'postgres' ? await pgHistoryWriter(knex) : await sqliteHistoryWriter(knex);
  const t0 = hr();
  let rows = 0;
  try {
    let batch = emptyBatch();
    factory.addRunbooks(batch, RUNBOOKS);
    for (let i = 0; i < incidents; i++) {
      factory.addIncident(batch, i);
      if ((i + 1) % BATCH === 0 || i === incidents - 1) {
        await writer.write(batch);
        for (const t of HISTORY_TABLES) rows += batch.get(t)!.length;
        batch = emptyBatch();
        if ((i + 1) % (BATCH * 10) === 0) console.log(`  ${i + 1} incidents, ${rows} rows, ${((hr() - t0) / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await writer.close();
  }
  const insertSeconds = (hr() - t0) / 1000;
  let analyzeSeconds = 0;
  if (engine === 'postgres') {
    const a0 = hr();
    for (const t of [...HISTORY_TABLES.map(x => x.name), 'reputation_ledger']) await knex.raw(`VACUUM ANALYZE ${t}`);
    analyzeSeconds = (hr() - a0) / 1000;
  }
  return { rows, insertSeconds, analyzeSeconds };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    ...COMMON_SPEC,
    responders: 'number',
    reset: 'boolean',
    repetitions: 'number',
    'view-repetitions': 'number',
    'team-size': 'number',
    'no-second-recompute': 'boolean',
    'skip-recompute': 'boolean',
    'recompute-only': 'boolean',
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const engine = String(args.engine ?? 'postgres');
  const options = commonOptions({
    ...args,
    engine,
    database: args.database ?? 'majorops_bench_reputation',
    incidents: args.incidents ?? (engine === 'postgres' ? 115_000 : 12_000),
  });
  const responders = Number(args.responders ?? (engine === 'postgres' ? 5_000 : 500));
  const repetitions = Number(args.repetitions ?? 30);
  const viewRepetitions = Number(args['view-repetitions'] ?? 30);
  const teamSize = Number(args['team-size'] ?? 20);
  const metaPath = path.join(DATA_DIR, `reputation-${options.engine}-${options.database}.meta.json`);

  fs.mkdirSync(DATA_DIR, { recursive: true });
  if (options.engine === 'postgres') await ensurePgDatabase(options, Boolean(args.reset));
  else if (args.reset) removeSqliteFiles(options.database);
  const knex = connect(options);
  const loadBefore = loadavg();
  const startedAt = new Date().toISOString();
  try {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });

    // ---------------------------------------------------------------- data
    const existing = Number((await knex('incidents').count({ n: '*' }).first())?.n ?? 0);
    let generation: { rows: number; insertSeconds: number; analyzeSeconds: number; loadDuring: string };
    if (existing === 0) {
      console.log(`Generating ${formatCount(options.incidents)} incidents for ${responders} responders (seed ${options.seed}) into ${options.engine} ${options.database}`);
      const g = await generate(knex, options.engine, options.seed, options.incidents, responders);
      generation = { ...g, loadDuring: loadavg() };
      fs.writeFileSync(metaPath, JSON.stringify({ seed: options.seed, incidents: options.incidents, responders, ...generation }, null, 2));
      console.log(`  ${int(g.rows)} rows in ${g.insertSeconds.toFixed(1)} s (${int(g.rows / g.insertSeconds)} rows/s); VACUUM ANALYZE ${g.analyzeSeconds.toFixed(1)} s`);
    } else {
      const meta = fs.existsSync(metaPath) ? JSON.parse(fs.readFileSync(metaPath, 'utf8')) : undefined;
      if (!meta || meta.seed !== options.seed || meta.incidents !== options.incidents || meta.responders !== responders) {
        throw new Error(`${options.database} holds ${existing} incidents generated with other options (or unknown); pass --reset`);
      }
      generation = meta;
      console.log(`Reusing ${options.database}: ${existing} incidents (generated earlier)`);
    }

    // ------------------------------------------------------------ wiring
    // The latest moment anything the incremental update watches was written (closed incidents, finished
    // action items and post-mortem reviews lie up to weeks after the last declaration).
    const watched: Array<[string, string]> = [
      ['incidents', 'updated_at'], ['incident_roles', 'assigned_at'], ['incident_roles', 'released_at'], ['timeline_events', 'occurred_at'],
      ['incident_repeats', 'linked_at'], ['runbook_revisions', 'created_at'], ['runbook_drills', 'recorded_at'],
      ['postmortems', 'updated_at'], ['action_items', 'updated_at'],
    ];
    let latestMs = 0;
    for (const [t, c] of watched) {
      const at = (await knex(t).max({ at: c }).first())?.at;
      if (at !== null && at !== undefined) latestMs = Math.max(latestMs, new Date(Number.isFinite(Number(at)) ? Number(at) : at).getTime());
    }
    const latest = new Date(latestMs);
    // A simulated clock, handed to the services through their own `now`/`clock` options: it starts after
    // everything in the database and moves on by whole minutes, so each incremental run sees exactly what
    // changed since the last one (the runs are not 1 minute apart in real time).
    let simMs = Math.ceil(Math.max(Date.now(), latest.getTime(), HISTORY_END_MS) / 60_000) * 60_000 + 3_600_000;
    const simStart = simMs;
    const simNow = () => new Date(simMs).toISOString();
    const profile = new QueryProfile(knex);
    const { store, calls } = profiledStore(DatabaseReputationStore.create(knex));
    const incidents = DatabaseIncidentStore.create(knex);
    const postmortems = DatabasePostmortemStore.create(knex);
    const surveys = DatabaseSurveyStore.create(knex);
    const surveyCalls = { count: 0, ms: 0 };
    const timed = async <T,>(call: () => Promise<T>): Promise<T> => {
      const t0 = hr();
      try {
        return await call();
      } finally {
        surveyCalls.count++;
        surveyCalls.ms += hr() - t0;
      }
    };
    const peerFeedback = {
      aggregatesFor: (...a: Parameters<DatabaseSurveyStore['aggregatesFor']>) => timed(() => surveys.aggregatesFor(...a)),
      aggregatesForMany: (...a: Parameters<DatabaseSurveyStore['aggregatesForMany']>) =>
        timed(() => surveys.aggregatesForMany(...a)),
    };
    const config = DEFAULT_REPUTATION_CONFIG;
    const service = new ReputationService({
      store,
      incidents,
      knowledgeContributions: userRef => postmortems.knowledgeContributions(userRef),
      config,
      severityMatrix: DEFAULT_SEVERITY_MATRIX,
      peerFeedback,
      logger: silentLogger,
      now: simNow,
    });
    const incidentService = new IncidentService({
      store: incidents,
      catalog: catalogServiceMock(),
      severityMatrix: DEFAULT_SEVERITY_MATRIX,
      clock: () => new Date(simMs),
    });

    // ----------------------------------------------------- full recompute
    const recomputes: Array<{
      label: string;
      seconds: number;
      result: { incidents: number; people: number; events: number };
      calls: Array<[string, { count: number; ms: number }]>;
      survey: { count: number; ms: number };
      queries: Array<[string, { count: number; ms: number }]>;
      load: string;
    }> = [];
    const runRecompute = async (label: string) => {
      calls.clear();
      surveyCalls.count = 0;
      surveyCalls.ms = 0;
      profile.reset();
      profile.enabled = true;
      simMs += 60_000;
      console.log(`Full recompute (${label})…`);
      const t0 = hr();
      const result = await service.recomputeAll();
      const seconds = (hr() - t0) / 1000;
      profile.enabled = false;
      recomputes.push({ label, seconds, result, calls: [...calls.entries()].sort((a, b) => b[1].ms - a[1].ms), survey: { ...surveyCalls }, queries: profile.top(12), load: loadavg() });
      console.log(`  ${result.events} events, ${result.incidents} incidents, ${result.people} people in ${seconds.toFixed(1)} s = ${int(result.events / seconds)} events/s`);
      for (const [name, c] of recomputes[recomputes.length - 1].calls) console.log(`    ${name}: ${c.count} calls, ${(c.ms / 1000).toFixed(2)} s`);
    };
    const skipRecompute = Boolean(args['skip-recompute']);
    const ledgerBefore = Number((await knex('reputation_ledger').count({ n: '*' }).first())?.n ?? 0);
    if (skipRecompute && ledgerBefore === 0) throw new Error('--skip-recompute needs a ledger computed by an earlier run');
    if (!skipRecompute) {
      await runRecompute(ledgerBefore === 0 ? 'empty ledger: first run' : 'ledger already full');
      if (!args['no-second-recompute']) await runRecompute('ledger already full: every row replaced');
    }
    if (options.engine === 'postgres') await knex.raw('VACUUM ANALYZE reputation_ledger');
    if (args['recompute-only']) {
      console.log('--recompute-only: stopping before the pure part; nothing written to bench/results');
      return;
    }

    // --------------------------------------------------------- pure part
    console.log('Pure part: derive (in memory) and computeReputation for every responder…');
    let pureDeriveMs = 0;
    let pureLoadMs = 0;
    let pureEvents = 0;
    const byPerson = new Map<string, LedgerEvent[]>();
    const add = (e: LedgerEvent) => {
      let list = byPerson.get(e.userRef);
      if (!list) byPerson.set(e.userRef, (list = []));
      list.push(e);
      pureEvents++;
    };
    for (let after: string | undefined; !skipRecompute; ) {
      let l0 = hr();
      const ids: string[] = (await knex('incidents').select('id').orderBy('id').limit(BATCH).modify(q => (after ? q.where('id', '>', after) : q))).map((r: { id: string }) => r.id);
      if (!ids.length) break;
      after = ids[ids.length - 1];
      const records = await DatabaseReputationStore.create(knex).loadIncidents(ids);
      pureLoadMs += hr() - l0;
      l0 = hr();
      for (const record of records) {
        for (const facts of responderFactsOf(record)) {
          for (const event of deriveIncidentEvents(facts, config.derivation, DEFAULT_SEVERITY_MATRIX)) {
            // What the service adds to each event before writing it.
            add({ ...event, sourceKey: `incident:${record.id}:${facts.userRef}:${event.metric}` } as LedgerEvent);
          }
        }
      }
      pureDeriveMs += hr() - l0;
    }
    {
      const l0 = hr();
      const facts = skipRecompute ? [] : await DatabaseReputationStore.create(knex).loadKnowledgeFacts();
      pureLoadMs += hr() - l0;
      const d0 = hr();
      for (const fact of facts) for (const e of deriveKnowledgeContribution([fact], config.derivation)) add({ ...e, sourceKey: `knowledge:${fact.sourceKey}:${fact.userRef}` } as LedgerEvent);
      pureDeriveMs += hr() - d0;
    }
    const s0 = hr();
    let scored = 0;
    const scoreTimes: number[] = [];
    for (const [, events] of byPerson) {
      const p0 = hr();
      computeReputation(events, simNow(), config.score, []);
      scoreTimes.push(hr() - p0);
      scored += events.length;
    }
    const pureScoreMs = hr() - s0;
    const eventsPerPerson = [...byPerson.values()].map(v => v.length).sort((a, b) => a - b);
    byPerson.clear();
    console.log(`  derive ${pureEvents} events in ${(pureDeriveMs / 1000).toFixed(2)} s = ${int(pureEvents / (pureDeriveMs / 1000))} events/s; computeReputation for ${eventsPerPerson.length} people in ${(pureScoreMs / 1000).toFixed(2)} s`);

    // ------------------------------------------------------- incremental
    console.log('Incremental update after one incident resolves…');
    const open: string[] = await knex('incidents').where({ status: 'monitoring' }).orderBy('id').limit(repetitions + 1).pluck('id');
    if (open.length < repetitions + 1) throw new Error(`only ${open.length} incidents left in monitoring; pass --reset to generate again`);
    // One untimed run first: brings the watermark to the simulated clock.
    simMs += 5 * 60_000;
    await service.updateIncrementally();
    const incremental: number[] = [];
    const resolveTimes: number[] = [];
    const incrementalResults: Array<{ incidents: number; people: number; events: number }> = [];
    calls.clear();
    surveyCalls.count = 0;
    surveyCalls.ms = 0;
    profile.reset();
    for (let i = 0; i < repetitions; i++) {
      const id = open[i];
      const incident = (await incidents.getIncident(id))!;
      simMs += 2 * 60_000;
      const r0 = hr();
      await incidentService.transition(id, { to: 'resolved', version: incident.version } as never, incident.roles?.[0]?.userRef ?? 'user:default/responder-00001');
      resolveTimes.push(hr() - r0);
      simMs += 3 * 60_000;
      profile.enabled = true;
      const t0 = hr();
      incrementalResults.push(await service.updateIncrementally());
      incremental.push(hr() - t0);
      profile.enabled = false;
    }
    const incrementalCalls = [...calls.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const incrementalSurvey = { ...surveyCalls };
    const incrementalQueries = profile.top(12);
    console.log(`  p50 ${ms(stats(incremental).p50)} ms, p95 ${ms(stats(incremental).p95)} ms`);

    // ------------------------------------------------- views and ranking
    console.log('Views and ranking…');
    const ledgerCounts: Array<{ userRef: string; n: number }> = ((await knex('reputation_ledger').groupBy('user_ref').select('user_ref').count({ n: '*' })) as Array<{ user_ref: string; n: string | number }>).map(
      r => ({ userRef: r.user_ref, n: Number(r.n) }),
    );
    ledgerCounts.sort((a, b) => b.n - a.n || (a.userRef < b.userRef ? -1 : 1));
    const pickers = [
      { label: 'busiest responder', row: ledgerCounts[0] },
      { label: 'median responder', row: ledgerCounts[Math.floor(ledgerCounts.length / 2)] },
      { label: 'quietest responder', row: ledgerCounts[ledgerCounts.length - 1] },
    ];
    const views: Array<{ label: string; userRef: string; events: number; stats: ReturnType<typeof stats> }> = [];
    for (const { label, row } of pickers) {
      const samples: number[] = [];
      for (let i = 0; i < viewRepetitions + 3; i++) {
        const t0 = hr();
        await service.reputationView(row.userRef, { includeComments: false });
        if (i >= 3) samples.push(hr() - t0);
      }
      views.push({ label, userRef: row.userRef, events: row.n, stats: stats(samples) });
      console.log(`  view ${label} (${row.n} events): p50 ${ms(stats(samples).p50)} ms`);
    }
    // A team: every 250th responder of the ledger order, i.e. a spread of busy and quiet people.
    const step = Math.max(1, Math.floor(ledgerCounts.length / teamSize));
    const team = Array.from({ length: Math.min(teamSize, ledgerCounts.length) }, (_, i) => ({ userRef: ledgerCounts[i * step].userRef }));
    const teamEvents = team.reduce((s, m) => s + (ledgerCounts.find(r => r.userRef === m.userRef)?.n ?? 0), 0);
    const rankingSamples: number[] = [];
    const rankingReps = Math.max(5, Math.floor(viewRepetitions / 3));
    for (let i = 0; i < rankingReps + 1; i++) {
      const t0 = hr();
      await service.ranking('group:default/bench-team', team);
      if (i >= 1) rankingSamples.push(hr() - t0);
    }
    console.log(`  ranking of ${team.length}: p50 ${ms(stats(rankingSamples).p50)} ms`);

    // --------------------------------------------------------- data sizes
    const tableNames = [...HISTORY_TABLES.map(t => t.name), 'reputation_ledger'];
    const rowCounts = await countRows(knex, tableNames);
    let sizes: Record<string, string> = {};
    if (options.engine === 'postgres') {
      for (const t of tableNames) {
        const { rows } = await knex.raw('SELECT pg_size_pretty(pg_total_relation_size(?)) AS s', [t]);
        sizes[t] = rows[0].s;
      }
      const { rows } = await knex.raw('SELECT pg_size_pretty(pg_database_size(current_database())) AS s');
      sizes.database = rows[0].s;
    } else {
      sizes = { database: `${(fs.statSync(path.join(DATA_DIR, `${options.database}.sqlite`)).size / 2 ** 20).toFixed(0)} MiB` };
    }
    const loadAfter = loadavg();

    // ------------------------------------------------------------ report
    const sha = (file: string) => createHash('sha256').update(fs.readFileSync(path.join(REPO_ROOT, file))).digest('hex').slice(0, 12);
    const fileHashes = [
      'plugins/majorops-backend/src/reputation/ReputationService.ts',
      'plugins/majorops-backend/src/reputation/DatabaseReputationStore.ts',
    ].map(f => `\`${path.basename(f)}\` sha256 \`${sha(f)}\``);
    const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(0)} %`;
    const lines: string[] = [];
    const p = (s = '') => lines.push(s);
    p(`# Reputation benchmark, ${options.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${formatCount(options.incidents)} incidents, ${int(responders)} responders${skipRecompute ? ': incremental update and views only' : ''}`);
    p();
    p(`Written by \`bench/reputation.ts\` on ${startedAt.slice(0, 16).replace('T', ' ')} UTC. Machine: ${machineSummary()}; Node ${process.version}.`);
    p(`Load average (1/5/15 min) before: ${loadBefore}; after: ${loadAfter}. Measured against ${fileHashes.join(', ')}.`);
    p(`Goal from the issue: full recompute ≥ 100,000 events/s. **Nothing is asserted.**`);
    p();
    p('## Data');
    p();
    p(`Seed ${options.seed}; ${formatCount(options.incidents)} incidents over 3 years to ${new Date(HISTORY_END_MS).toISOString().slice(0, 10)}, responders drawn from a Zipf(0.5) over ${int(responders)} people. Generated in ${Number(generation.insertSeconds).toFixed(1)} s (${int(generation.rows)} rows), VACUUM ANALYZE ${Number(generation.analyzeSeconds).toFixed(1)} s.`);
    p();
    p('| table | rows | size |');
    p('| --- | ---: | ---: |');
    for (const t of tableNames) p(`| ${t} | ${int(rowCounts[t])} | ${sizes[t] ?? ''} |`);
    if (sizes.database) p(`| (whole database) | | ${sizes.database} |`);
    p();
    if (!skipRecompute) p(`Ledger events per person: median ${int(quantile(eventsPerPerson, 0.5))}, p95 ${int(quantile(eventsPerPerson, 0.95))}, max ${int(eventsPerPerson[eventsPerPerson.length - 1])} (${int(eventsPerPerson.length)} people with events).`);
    p();
    if (!skipRecompute) {
    p('## Full recompute (`ReputationService.recomputeAll`)');
    p();
    p('| run | events written | incidents | people | wall time | events/s | load after |');
    p('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const r of recomputes) p(`| ${r.label} | ${int(r.result.events)} | ${int(r.result.incidents)} | ${int(r.result.people)} | ${r.seconds.toFixed(1)} s | **${int(r.result.events / r.seconds)}** | ${r.load} |`);
    p();
    p('Pure part, the same work in memory (same events, no database):');
    p();
    p('| step | time | rate |');
    p('| --- | ---: | ---: |');
    p(`| responderFactsOf + deriveIncidentEvents + deriveKnowledgeContribution | ${(pureDeriveMs / 1000).toFixed(2)} s | **${int(pureEvents / (pureDeriveMs / 1000))} events/s** (${int(pureEvents)} events) |`);
    p(`| computeReputation for every person (score, 6 metrics, 6-month trend; no burnout periods) | ${(pureScoreMs / 1000).toFixed(2)} s | ${int(scored / (pureScoreMs / 1000))} events/s, ${int(eventsPerPerson.length / (pureScoreMs / 1000))} people/s; per person p50 ${ms(stats(scoreTimes).p50)} ms, p95 ${ms(stats(scoreTimes).p95)} ms, max ${ms(stats(scoreTimes).max)} ms |`);
    p(`| (loading the same records through \`loadIncidents\` / \`loadKnowledgeFacts\`, for comparison) | ${(pureLoadMs / 1000).toFixed(1)} s | |`);
    p();
    for (const r of recomputes) {
      const total = r.seconds * 1000;
      const inStore = r.calls.reduce((s, [, c]) => s + c.ms, 0) + r.survey.ms;
      p(`### Where the time goes: ${r.label}`);
      p();
      p(`Store calls ${pct(inStore, total)} of the wall time; the rest (${ms((total - inStore) / 1000)} s) is the service's JS: responderFactsOf, derive*, building the keyed events.`);
      p();
      p('| store call | calls | total | share of wall time |');
      p('| --- | ---: | ---: | ---: |');
      for (const [name, c] of r.calls) p(`| ${name} | ${int(c.count)} | ${ms(c.ms / 1000)} s | ${pct(c.ms, total)} |`);
      p(`| peerFeedback.aggregatesFor (DatabaseSurveyStore, one per person) | ${int(r.survey.count)} | ${ms(r.survey.ms / 1000)} s | ${pct(r.survey.ms, total)} |`);
      p();
      p('Heaviest SQL shapes (knex query → response, summed; concurrent queries of one `Promise.all` overlap, so these can add up to more than the wall time):');
      p();
      p('| SQL | count | total |');
      p('| --- | ---: | ---: |');
      for (const [shape, c] of r.queries) p(`| \`${shape.slice(0, 160).replace(/\|/g, '\\|')}${shape.length > 160 ? '…' : ''}\` | ${int(c.count)} | ${ms(c.ms / 1000)} s |`);
      p();
    }
    }
    p(`Watched records end at ${latest.toISOString()}; the simulated clock of the services started at ${new Date(simStart).toISOString()}.`);
    p();
    p('## Incremental update after one incident resolves');
    p();
    p(`${repetitions} times: one incident in monitoring is resolved through \`IncidentService.transition\` (the store's \`updateIncident\`: the row, its entity copies and a \`status-change\` timeline event in one transaction), the simulated clock moves on, then \`updateIncrementally()\` runs once. Recomputed per run: incidents ${[...new Set(incrementalResults.map(r => r.incidents))].join('/')}, people ${Math.min(...incrementalResults.map(r => r.people))}–${Math.max(...incrementalResults.map(r => r.people))}, events ${Math.min(...incrementalResults.map(r => r.events))}–${Math.max(...incrementalResults.map(r => r.events))}.`);
    p();
    const inc = stats(incremental);
    const res = stats(resolveTimes);
    p('| step | p50 | p95 | max | mean |');
    p('| --- | ---: | ---: | ---: | ---: |');
    p(`| **updateIncrementally()** | **${ms(inc.p50)} ms** | **${ms(inc.p95)} ms** | ${ms(inc.max)} ms | ${ms(inc.mean)} ms |`);
    p(`| (the resolve itself, IncidentService.transition) | ${ms(res.p50)} ms | ${ms(res.p95)} ms | ${ms(res.max)} ms | ${ms(res.mean)} ms |`);
    p();
    const incTotal = incremental.reduce((a, b) => a + b, 0);
    p('Where the time goes (summed over the runs):');
    p();
    p('| store call | calls | total | share |');
    p('| --- | ---: | ---: | ---: |');
    for (const [name, c] of incrementalCalls) p(`| ${name} | ${int(c.count)} | ${ms(c.ms)} ms | ${pct(c.ms, incTotal)} |`);
    p(`| peerFeedback.aggregatesFor | ${int(incrementalSurvey.count)} | ${ms(incrementalSurvey.ms)} ms | ${pct(incrementalSurvey.ms, incTotal)} |`);
    p();
    p('| SQL | count | total |');
    p('| --- | ---: | ---: |');
    for (const [shape, c] of incrementalQueries) p(`| \`${shape.slice(0, 160).replace(/\|/g, '\\|')}${shape.length > 160 ? '…' : ''}\` | ${int(c.count)} | ${ms(c.ms)} ms |`);
    p();
    p('## GET-side computations');
    p();
    p(`\`reputationView(userRef)\` (what GET reputation returns: assess = ledger events + role records + training + suspensions + peer aggregates, workload twice, computeReputation, level, badge; plus participation, knowledge counts, ledgerUpdatedAt), ${viewRepetitions} timed after 3 warm-up; \`ranking(group, members)\` for a team of ${team.length} (a spread of busy and quiet responders, ${int(teamEvents)} ledger events in all), ${rankingReps} timed after 1 warm-up.`);
    p();
    p('| call | ledger events | p50 | p95 | max |');
    p('| --- | ---: | ---: | ---: | ---: |');
    for (const v of views) p(`| view, ${v.label} | ${int(v.events)} | ${ms(v.stats.p50)} ms | ${ms(v.stats.p95)} ms | ${ms(v.stats.max)} ms |`);
    const rk = stats(rankingSamples);
    p(`| ranking, team of ${team.length} | ${int(teamEvents)} | ${ms(rk.p50)} ms | ${ms(rk.p95)} ms | ${ms(rk.max)} ms |`);
    p();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `reputation-${options.engine}${skipRecompute ? '-incremental' : ''}.md`);
    fs.writeFileSync(out, `${lines.join('\n')}\n`);
    console.log(`Wrote ${path.relative(REPO_ROOT, out)}`);
  } finally {
    await knex.destroy();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.stack ?? error.message : error);
  process.exitCode = 1;
});
