/*
 * MajorOps API benchmark: the real plugin over real HTTP against the same
 * knex query on the same data.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/run.ts \
 *     --engine sqlite|postgres --database majorops_bench [--iterations 200]
 *
 * Starts the plugin with startTestBackend (mock catalog holding the 2,000
 * entities, mock httpAuth/permissions that allow the caller, the database
 * produced by bench/generate.ts), then, for a hot, warm, median and cold entity
 * (and two systems, which the router expands into their parts through the
 * catalog: the median entity's and the hot entity's), times sequentially on one keep-alive connection to 127.0.0.1:
 *
 *   GET /api/majorops/incidents?entityRef=…&limit=25           (first page)
 *   GET /api/majorops/incidents?entityRef=…&limit=25&cursor=…  (second page)
 *   GET /api/majorops/metrics?entityRef=…
 *
 * and, interleaved with every request, the same database work without HTTP on
 * the same knex client: "raw" (the query shapes the store runs now: the page's
 * ids from incident_entities ordered by its declared_at copy, one range per
 * ref merged for several refs, then the incident rows; for metrics the milestone columns of `i.id IN (…)`),
 * "raw+hydrate" (plus the two queries that load the page's entities and
 * roles) and "semi-join" (the single-query shape named in the issue: semi-join
 * on incident_entities, order by declared_at desc, id desc, limit 26).
 *
 * Timings are reported, never asserted. Results go to stdout and to
 * bench/results/<engine>-<N>.md.
 */
import { createHash } from 'crypto';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import majoropsPlugin from '@majorops/plugin-majorops-backend';
import {
  buildScopeRollups,
  rebuildAllRollups,
  rollupReadQueries,
  rollupsBuiltAt,
} from '../plugins/majorops-backend/src/database/metricRollups';
import { benchEntities, catalogEntities } from './lib/catalog';
import {
  COMMON_SPEC,
  commonOptions,
  connect,
  formatCount,
  GenerationMeta,
  machineSummary,
  metaFile,
  MIGRATIONS_DIR,
  parseArgs,
  REPO_ROOT,
  RESULTS_DIR,
} from './lib/common';

const USAGE = `Usage: node --require @backstage/cli/config/nodeTransform.cjs bench/run.ts [options]
  --engine sqlite|postgres   (default sqlite)
  --database NAME            (default majorops_bench)
  --incidents N              only checked against what the database holds
  --seed S                   only checked against the generator's metadata
  --iterations I             timed requests per case (default 200)
  --warmup W                 untimed requests per case first (default 20)
  --case-seconds S           time budget per case, warm-up included (default 60)
  --limit L                  page size (default 25)
  --no-explain               skip EXPLAIN of the queries
  --no-reference             skip timing the issue's semi-join shape
  --pg-url URL               (default postgresql://postgres@127.0.0.1:5432)`;

const METRIC_COLUMNS = [
  'i.severity',
  'i.external_cause',
  'i.impact_started_at',
  'i.detected_at',
  'i.declared_at',
  'i.acknowledged_at',
  'i.mitigated_at',
  'i.resolved_at',
];

// ---------------------------------------------------------------------------
// The raw queries, written out here: the same shapes as DatabaseIncidentStore
// runs them (copied, not imported). If the store changes its queries, change
// these too; run.ts checks that API and raw return the same page, which
// catches a change of meaning but not of shape. The store's file hash is
// printed with the results.

type Cursor = { at: Date; id: string };

function cursorWhere(
  query: Knex.QueryBuilder,
  at: string,
  id: string,
  cursor: Cursor,
) {
  // As the store writes it: the first term bounds the index range, the second cuts the ties.
  query
    .where(at, '<=', cursor.at)
    .andWhere(w => w.where(at, '<', cursor.at).orWhere(id, '<', cursor.id));
}

/** Compound-select arms the store merges at most (SQLite allows 500); past that, one range over all refs. */
const MAX_MERGED_RANGES = 200;

/** One entity's (or, past MAX_MERGED_RANGES, all refs') index range, cut to a page. */
function entityRange(
  knex: Knex,
  refs: string[],
  limit: number,
  cursor?: Cursor,
) {
  const q = knex('incident_entities as e').select(
    'e.incident_id',
    'e.declared_at',
  );
  if (refs.length === 1) q.where('e.entity_ref', refs[0]);
  else q.whereIn('e.entity_ref', refs);
  if (cursor) cursorWhere(q, 'e.declared_at', 'e.incident_id', cursor);
  return q
    .orderBy([
      { column: 'e.declared_at', order: 'desc' },
      { column: 'e.incident_id', order: 'desc' },
    ])
    .limit(limit + 1);
}

/**
 * The id query of the store's list for entity refs (listIncidentsOfEntities):
 * one ref: its index range in (declared_at, incident_id) order; several: one
 * range per ref, each cut to a page (on PostgreSQL a lateral subquery over the
 * unnested refs, on SQLite one UNION ALL arm per ref), de-duplicated and cut
 * again.
 */
function listIdQuery(
  knex: Knex,
  refs: string[],
  limit: number,
  cursor?: Cursor,
) {
  if (refs.length === 1) return entityRange(knex, refs, limit, cursor);
  if (!String(knex.client.config.client).includes('sqlite')) {
    const perRef = knex('incident_entities as e')
      .select('e.incident_id', 'e.declared_at')
      .whereRaw('e.entity_ref = r.ref');
    if (cursor) cursorWhere(perRef, 'e.declared_at', 'e.incident_id', cursor);
    perRef
      .orderBy([
        { column: 'e.declared_at', order: 'desc' },
        { column: 'e.incident_id', order: 'desc' },
      ])
      .limit(limit + 1);
    return knex
      .distinct('p.incident_id', 'p.declared_at')
      .from(knex.raw('unnest(?::text[]) as r(ref) cross join lateral ? as p', [refs, perRef]))
      .orderBy([
        { column: 'p.declared_at', order: 'desc' },
        { column: 'p.incident_id', order: 'desc' },
      ])
      .limit(limit + 1);
  }
  const arms =
    refs.length <= MAX_MERGED_RANGES
      ? refs.map((ref, n) =>
          knex
            .select('incident_id', 'declared_at')
            .from(entityRange(knex, [ref], limit, cursor).as(`r${n}`)),
        )
      : [
          knex
            .select('incident_id', 'declared_at')
            .from(entityRange(knex, refs, limit, cursor).as('r0')),
        ];
  const merged = arms.length === 1 ? arms[0] : arms[0].unionAll(arms.slice(1));
  return knex
    .distinct('incident_id', 'declared_at')
    .from(merged.as('m'))
    .orderBy([
      { column: 'declared_at', order: 'desc' },
      { column: 'incident_id', order: 'desc' },
    ])
    .limit(limit + 1);
}

/**
 * The store's list query for entity refs: the page's ids (listIdQuery), then
 * the incident rows by id (with `hydrate`, and at the same time the page's
 * entities and roles, as the store does). Returns the incident rows in page
 * order (limit + 1).
 */
async function rawListQuery(
  knex: Knex,
  refs: string[],
  limit: number,
  cursor?: Cursor,
  hydrate = false,
) {
  const idRows: Array<{ incident_id: string }> = await listIdQuery(
    knex,
    refs,
    limit,
    cursor,
  );
  const page = idRows.slice(0, limit).map(r => r.incident_id);
  const [rows]: [Array<{ id: string }>, unknown] = page.length
    ? await Promise.all([knex('incidents').whereIn('id', page), hydrate ? rawHydrate(knex, page) : undefined])
    : [[], undefined];
  const byId = new Map(rows.map(r => [r.id, r]));
  return [
    ...page.map(id => byId.get(id)!),
    ...idRows.slice(limit).map(r => ({ id: r.incident_id })),
  ];
}

/**
 * The shape named in the issue and used by the first version of the store: a
 * semi-join from incidents, ordered by incidents.declared_at. Kept as a reference.
 */
function semiJoinListQuery(
  knex: Knex,
  refs: string[],
  limit: number,
  cursor?: Cursor,
) {
  const query = knex('incidents as i')
    .select('i.*')
    .whereExists(sub =>
      sub
        .select(knex.raw('1'))
        .from('incident_entities as e')
        .whereRaw('e.incident_id = i.id')
        .whereIn('e.entity_ref', refs),
    );
  if (cursor) cursorWhere(query, 'i.declared_at', 'i.id', cursor);
  return query
    .orderBy([
      { column: 'i.declared_at', order: 'desc' },
      { column: 'i.id', order: 'desc' },
    ])
    .limit(limit + 1);
}

/** The two queries the store runs to hydrate a page: affected entities and current roles. */
async function rawHydrate(knex: Knex, ids: string[]) {
  if (!ids.length) return [[], []];
  return Promise.all([
    knex('incident_entities').whereIn('incident_id', ids).orderBy('entity_ref'),
    knex('incident_roles')
      .whereIn('incident_id', ids)
      .whereNull('released_at')
      .orderBy('id'),
  ]);
}

/**
 * The store's metrics queries (computeMetrics): the scope's rows from
 * `incident_entities` and its copies of the incident's columns (DISTINCT per
 * incident for several refs); on PostgreSQL aggregated in SQL (counts, sums,
 * percentile_cont medians, GROUPING SETS), on SQLite fetched as epoch numbers
 * and aggregated in JS.
 */
function metricsScopeQuery(knex: Knex, refs: string[], from?: string) {
  const columns = ['severity', 'external_cause', 'declared_at', 'impact_started_at', 'detected_at', 'acknowledged_at', 'mitigated_at', 'resolved_at'];
  const q = knex('incident_entities');
  if (refs.length > 1) q.distinct('incident_id', ...columns).whereIn('entity_ref', refs);
  else q.select(columns).where('entity_ref', refs[0]);
  if (from) q.where('declared_at', '>=', new Date(from));
  return q;
}

/**
 * The store's queries for metrics from rollups (metricRollups.ts, the
 * store's own query builders): the stored month and day rows of the window
 * (of the entity, or of the scope of several refs) and, in parallel, the
 * incident rows of the partial days at its ends. Returns how many incidents
 * they cover, or undefined for a scope not built.
 */
async function rawRollupQueries(knex: Knex, refs: string[], from?: string): Promise<number | undefined> {
  const { stored, raw } = rollupReadQueries(knex, refs, { from });
  const [rows, rawRows] = await Promise.all([stored, raw ?? []]);
  const periods = (rows as Array<{ period: string | null; incidents: number }>).filter(r => r.period !== null);
  if (refs.length > 1 && periods.length === rows.length) return undefined;
  return periods.reduce((sum, r) => sum + Number(r.incidents), 0) + new Set((rawRows as Array<{ incident_id: string }>).map(r => r.incident_id)).size;
}

/** Metrics over this many incidents are read from rollups by the store (DEFAULT_EXACT_METRICS_UP_TO). */
const EXACT_METRICS_UP_TO = 2000;

/**
 * All the database work of a metrics request, as the store does it: the
 * rollups first (of the entity, or of the scope of several refs), and the
 * exact aggregation when they cover no more than 2,000 incidents or the
 * scope is not built. Returns how many incidents it covered.
 */
async function rawMetrics(knex: Knex, engine: string, refs: string[], from?: string): Promise<number> {
  const total = await rawRollupQueries(knex, refs, from);
  if (total !== undefined && total > EXACT_METRICS_UP_TO) return total;
  return rawMetricsTotal(engine, await rawMetricsQuery(knex, engine, refs, from));
}

function rawMetricsQuery(knex: Knex, engine: string, refs: string[], from?: string): Knex.QueryBuilder | Knex.Raw {
  const scope = metricsScopeQuery(knex, refs, from);
  if (engine !== 'postgres') return scope;
  const ms = (c: string) => `round(date_part('epoch', ${c}) * 1000)`;
  const start = 'coalesce(impact_started_at, detected_at, declared_at)';
  const durations: Array<[string, string]> = [
    ['mttd', `${ms('detected_at')} - ${ms('impact_started_at')}`],
    ['mtta', `${ms('acknowledged_at')} - ${ms('coalesce(detected_at, declared_at)')}`],
    ['mttrRestore', `${ms('coalesce(mitigated_at, resolved_at)')} - ${ms(start)}`],
    ['mttrResolve', `${ms('resolved_at')} - ${ms(start)}`],
  ];
  const f = (n: string) => `FILTER (WHERE "${n}" >= 0)`;
  const { sql, bindings } = scope.toSQL();
  return knex.raw(
    `WITH s AS MATERIALIZED (
       SELECT external_cause AS ext, severity AS sev, date_trunc('month', declared_at AT TIME ZONE 'UTC') AS m,
              ${durations.map(([n, e]) => `${e} AS "${n}"`).join(', ')}
         FROM (${sql}) AS scope),
     d AS (
       SELECT grouping(ext) AS overall, ext,
              ${durations
                .map(([n]) => `count(*) ${f(n)} AS "${n}_count", sum("${n}") ${f(n)} AS "${n}_sum",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY "${n}") ${f(n)} AS "${n}_median"`)
                .join(', ')}
         FROM s GROUP BY GROUPING SETS ((ext), ())),
     mo AS (
       SELECT grouping(ext) AS overall, ext, to_char(m, 'YYYY-MM') AS month,
              ${['SEV1', 'SEV2', 'SEV3', 'SEV4'].map(v => `count(*) FILTER (WHERE sev = '${v}') AS "${v}"`).join(', ')},
              percentile_cont(0.5) WITHIN GROUP (ORDER BY "mttrResolve") ${f('mttrResolve')} AS median
         FROM s GROUP BY GROUPING SETS ((ext, m), (m)))
     SELECT 'durations' AS kind, row_to_json(d) AS row FROM d
     UNION ALL
     SELECT 'month' AS kind, row_to_json(mo) AS row FROM mo`,
    bindings as Knex.RawBinding[],
  );
}

/** How many incidents the raw metrics query covered (rows on SQLite, the overall months on PostgreSQL). */
function rawMetricsTotal(engine: string, result: any): number {
  if (engine !== 'postgres') return (result as unknown[]).length;
  return (result.rows as Array<{ kind: string; row: Record<string, number> }>)
    .filter(r => r.kind === 'month' && r.row.overall === 1)
    .reduce((sum, r) => sum + r.row.SEV1 + r.row.SEV2 + r.row.SEV3 + r.row.SEV4, 0);
}

/** The metrics query in the issue's semi-join shape (the first version of the store). */
function semiJoinMetricsQuery(knex: Knex, refs: string[]) {
  return knex('incidents as i')
    .select(...METRIC_COLUMNS)
    .whereExists(sub =>
      sub
        .select(knex.raw('1'))
        .from('incident_entities as e')
        .whereRaw('e.incident_id = i.id')
        .whereIn('e.entity_ref', refs),
    );
}

/** A timestamp as the driver returns it (Date on PostgreSQL, epoch ms on SQLite) as ISO-8601. */
function toIsoString(value: Date | number | string): string {
  if (value instanceof Date) return value.toISOString();
  const n = Number(value);
  return new Date(Number.isFinite(n) ? n : String(value)).toISOString();
}

// ---------------------------------------------------------------------------
// HTTP

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const AUTHORIZATION = mockCredentials.user.header('user:default/responder-001');

function httpGetOnce(
  port: number,
  pathAndQuery: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: pathAndQuery,
        method: 'GET',
        agent,
        headers: { authorization: AUTHORIZATION, accept: 'application/json' },
        timeout: 120_000,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`timeout: GET ${pathAndQuery}`)),
    );
    req.on('error', error =>
      reject(Object.assign(error, { reusedSocket: req.reusedSocket })),
    );
    req.end();
  });
}

/**
 * GET on the keep-alive connection. A kept-alive socket the server closed
 * just as it was reused fails at once with ECONNRESET; that request is sent
 * again, once, as Node's documentation recommends.
 */
async function httpGet(
  port: number,
  pathAndQuery: string,
): Promise<{ status: number; body: string }> {
  try {
    return await httpGetOnce(port, pathAndQuery);
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { reusedSocket?: boolean };
    if (e.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
      return httpGetOnce(port, pathAndQuery);
    }
    throw error;
  }
}

async function getJson(port: number, pathAndQuery: string): Promise<any> {
  const res = await httpGet(port, pathAndQuery);
  if (res.status !== 200) {
    throw new Error(
      `GET ${pathAndQuery} answered ${res.status}: ${res.body.slice(0, 500)}`,
    );
  }
  return JSON.parse(res.body);
}

// ---------------------------------------------------------------------------
// Measuring

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[
      Math.min(
        sorted.length - 1,
        Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
      )
    ];
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: at(50), p95: at(95), p99: at(99), mean };
}

type TimerName = 'api' | 'raw' | 'raw+hydrate' | 'semi-join';

interface Case {
  endpoint: 'list' | 'list, page 2' | 'list, deep page' | 'metrics' | 'metrics, 183 days';
  label: string;
  ref: string;
  /** Incidents touching the ref(s). */
  incidents: number;
  /** Run in this order in every round: the API first, then the raw queries. */
  timers: Array<[TimerName, () => Promise<unknown>]>;
}

interface Result {
  c: Case;
  stats: Partial<Record<TimerName, Stats>>;
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function measure(
  c: Case,
  opts: { iterations: number; warmup: number; budgetMs: number },
): Promise<Result> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < opts.warmup && ms(started) < opts.budgetMs / 4; i++) {
    for (const [, fn] of c.timers) await fn();
  }
  const samples = new Map<TimerName, number[]>(
    c.timers.map(([name]) => [name, []]),
  );
  // Interleaved, so that every variant sees the same cache state and the same background load.
  for (
    let i = 0;
    i < opts.iterations && (i < 5 || ms(started) < opts.budgetMs);
    i++
  ) {
    for (const [name, fn] of c.timers) {
      const t = process.hrtime.bigint();
      await fn();
      samples.get(name)!.push(ms(t));
    }
  }
  return {
    c,
    stats: Object.fromEntries(
      [...samples].map(([name, list]) => [name, stats(list)]),
    ),
  };
}

// ---------------------------------------------------------------------------

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

async function explain(
  knex: Knex,
  engine: string,
  query: Knex.QueryBuilder | Knex.Raw,
): Promise<string> {
  const { sql, bindings } = query.toSQL();
  if (engine === 'postgres') {
    const { rows } = await knex.raw(
      `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
      bindings as Knex.RawBinding[],
    );
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  }
  const rows: Array<{ id: number; parent: number; detail: string }> =
    await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as Knex.RawBinding[]);
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map(r => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${'  '.repeat(d - 1)}${r.detail}`;
    })
    .join('\n');
}

const STORE_FILE = path.join(
  REPO_ROOT,
  'plugins',
  'majorops-backend',
  'src',
  'database',
  'DatabaseIncidentStore.ts',
);

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    ...COMMON_SPEC,
    iterations: 'number',
    warmup: 'number',
    'case-seconds': 'number',
    limit: 'number',
    'no-explain': 'boolean',
    'no-reference': 'boolean',
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const options = commonOptions(args);
  const iterations = Math.max(
    5,
    Math.min(10_000, Number(args.iterations ?? 200)),
  );
  const warmup = Math.max(0, Math.min(1_000, Number(args.warmup ?? 20)));
  const budgetMs =
    Math.max(5, Math.min(1_800, Number(args['case-seconds'] ?? 60))) * 1000;
  const limit = Math.max(1, Math.min(200, Number(args.limit ?? 25)));
  const withReference = !args['no-reference'];
  const log = (message: string) => process.stderr.write(`${message}\n`);

  const meta: GenerationMeta | undefined = fs.existsSync(metaFile(options))
    ? JSON.parse(fs.readFileSync(metaFile(options), 'utf8'))
    : undefined;
  const storeHash = createHash('sha256')
    .update(fs.readFileSync(STORE_FILE))
    .digest('hex')
    .slice(0, 12);

  const knex = connect(options);
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  try {
    const hasTable = await knex.schema.hasTable('incidents');
    const [{ count }] = hasTable
      ? await knex('incidents').count({ count: '*' })
      : [{ count: 0 }];
    const total = Number(count);
    if (!total) {
      throw new Error(
        `No incidents in ${options.engine} database ${options.database}; run bench/generate.ts first`,
      );
    }
    if (args.incidents !== undefined && Number(args.incidents) !== total) {
      log(
        `Note: --incidents ${args.incidents} given, but the database holds ${total}; measuring ${total}`,
      );
    }
    if (args.seed !== undefined && meta && meta.seed !== Number(args.seed)) {
      log(
        `Note: --seed ${args.seed} given, but the data was generated with seed ${meta.seed}`,
      );
    }
    let serverVersion: string;
    if (options.engine === 'postgres') {
      const { rows } = await knex.raw('show server_version');
      serverVersion = `PostgreSQL ${rows[0].server_version}`;
    } else {
      const [row] = await knex.raw('select sqlite_version() as v');
      serverVersion = `SQLite ${row.v}`;
    }

    // Which entities to ask about: by how many incidents touch them.
    log('Counting incidents per entity…');
    const counts: Array<{ entity_ref: string; n: number }> = (
      await knex('incident_entities')
        .select('entity_ref')
        .count({ n: '*' })
        .groupBy('entity_ref')
        .orderBy([
          { column: 'n', order: 'desc' },
          { column: 'entity_ref', order: 'asc' },
        ])
    ).map((r: any) => ({ entity_ref: r.entity_ref, n: Number(r.n) }));
    const pickAt = (index: number) =>
      counts[Math.max(0, Math.min(counts.length - 1, index))];
    const samples = [
      { label: 'hot', ...pickAt(0) },
      { label: 'warm', ...pickAt(19) },
      { label: 'median', ...pickAt(Math.floor(counts.length / 2)) },
      { label: 'cold', ...pickAt(counts.length - 1) },
    ];
    // Systems: the router expands one into itself plus its parts (through the
    // catalog), so the store gets a list of 41 refs. One typical (the median
    // entity's) and the worst (the hot entity's).
    const entities = benchEntities();
    const systemOf = (ref: string) =>
      entities.find(e => e.ref === ref)?.systemRef ?? 'system:default/sys-01';
    const systems: Array<{
      label: string;
      ref: string;
      refs: string[];
      incidents: number;
    }> = [];
    for (const [label, ref] of [
      ['system', systemOf(samples[2].entity_ref)],
      ['hot system', systemOf(samples[0].entity_ref)],
    ]) {
      const refs = [
        ref,
        ...entities.filter(e => e.systemRef === ref).map(e => e.ref),
      ];
      const [{ n }] = await knex('incident_entities')
        .countDistinct({ n: 'incident_id' })
        .whereIn('entity_ref', refs);
      systems.push({
        label: `${label} (${refs.length} refs)`,
        ref,
        refs,
        incidents: Number(n),
      });
    }

    // What the in-memory catalog mock costs the system rows (the router asks it
    // for the system's parts); a real catalog answers over HTTP instead.
    const catalogMock = catalogServiceMock({ entities: catalogEntities() });
    const catalogSamples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = process.hrtime.bigint();
      await catalogMock.getEntities(
        {
          filter: { 'relations.partOf': systems[0].ref },
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials: mockCredentials.user() },
      );
      if (i >= 10) catalogSamples.push(ms(t));
    }
    const catalogLookup = stats(catalogSamples);

    // The plugin builds the rollups of existing incidents in a background task; do it here, timed, before it starts.
    let rollupBuild: { ms: number; entities: number; rows: number } | undefined;
    // The plugin would run them at start; a database generated before the latest migration needs them first.
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    if (!(await rollupsBuiltAt(knex))) {
      log('Building the metric rollups…');
      const t = process.hrtime.bigint();
      const built = await rebuildAllRollups(knex, p => log(`  ${p.entities} entities, ${p.rows} rows`));
      rollupBuild = { ms: ms(t), ...built };
      log(`Rollups built in ${rollupBuild.ms.toFixed(0)} ms`);
      if (options.engine === 'postgres') await knex.raw('VACUUM ANALYZE incident_metric_rollups');
    }

    // A system's metrics read its scope's rollups, which the plugin builds in the background after the
    // first request that needs them; build them here, timed, so that the warm-up does not race the build.
    const scopeBuilds: Array<{ label: string; ms: number; incidents: number }> = [];
    for (const system of systems) {
      const t = process.hrtime.bigint();
      const incidents = await buildScopeRollups(knex, system.refs);
      if (incidents !== undefined) scopeBuilds.push({ label: system.label, ms: ms(t), incidents });
    }

    log('Starting the plugin in a test backend…');
    const startedAt = process.hrtime.bigint();
    backend = await startTestBackend({
      features: [
        majoropsPlugin,
        mockServices.database.factory({ knex }),
        mockServices.httpAuth.factory(),
        catalogServiceMock.factory({ entities: catalogEntities() }),
      ],
    });
    const port = backend.server.port();
    // Slow cases leave the connection idle for seconds between requests; keep it
    // open rather than race Node's 5 s keep-alive timeout.
    backend.server.keepAliveTimeout = 600_000;
    log(
      `Plugin up in ${ms(startedAt).toFixed(
        0,
      )} ms, HTTP on port ${port} (requests go to 127.0.0.1)`,
    );

    const targets = [
      ...samples.map(s => ({
        label: s.label,
        ref: s.entity_ref,
        refs: [s.entity_ref],
        incidents: s.n,
      })),
      ...systems,
    ];
    const cases: Case[] = [];
    const ids = (rows: Array<{ id: string }>) =>
      rows.slice(0, limit).map(r => r.id);
    for (const t of targets) {
      const q = `entityRef=${encodeURIComponent(t.ref)}`;
      const pages: Array<{
        endpoint: Case['endpoint'];
        path: string;
        cursor?: Cursor;
      }> = [
        {
          endpoint: 'list',
          path: `/api/majorops/incidents?${q}&limit=${limit}`,
        },
      ];
      const first = await getJson(port, pages[0].path);
      if (first.nextCursor) {
        const [at, id] = JSON.parse(
          Buffer.from(first.nextCursor, 'base64url').toString('utf8'),
        );
        pages.push({
          endpoint: 'list, page 2',
          path: `/api/majorops/incidents?${q}&limit=${limit}&cursor=${encodeURIComponent(
            first.nextCursor,
          )}`,
          cursor: { at: new Date(at), id },
        });
      }
      if (t.label.startsWith('hot') && t.incidents > 4 * limit) {
        // A page from the middle of the list: the cursor of the row half-way down.
        const [mid] = await knex('incident_entities')
          .select('incident_id', 'declared_at')
          .whereIn('entity_ref', t.refs)
          .orderBy([
            { column: 'declared_at', order: 'desc' },
            { column: 'incident_id', order: 'desc' },
          ])
          .offset(Math.floor(t.incidents / 2))
          .limit(1);
        const at = toIsoString(mid.declared_at);
        const deepCursor = Buffer.from(
          JSON.stringify([at, mid.incident_id]),
          'utf8',
        ).toString('base64url');
        pages.push({
          endpoint: 'list, deep page',
          path: `/api/majorops/incidents?${q}&limit=${limit}&cursor=${encodeURIComponent(
            deepCursor,
          )}`,
          cursor: { at: new Date(at), id: mid.incident_id },
        });
      }
      for (const page of pages) {
        // Check that the API and the raw queries agree before timing anything.
        const api = await getJson(port, page.path);
        const raw = await rawListQuery(knex, t.refs, limit, page.cursor);
        const reference: Array<{ id: string }> = await semiJoinListQuery(
          knex,
          t.refs,
          limit,
          page.cursor,
        );
        const apiIds = api.items.map((i: { id: string }) => i.id).join(',');
        if (
          apiIds !== ids(raw).join(',') ||
          apiIds !== ids(reference).join(',') ||
          Boolean(api.nextCursor) !== raw.length > limit
        ) {
          throw new Error(
            `API and raw queries disagree on ${page.endpoint} of ${t.ref}`,
          );
        }
        const timers: Case['timers'] = [
          ['api', () => getJson(port, page.path)],
          ['raw', () => rawListQuery(knex, t.refs, limit, page.cursor)],
          ['raw+hydrate', () => rawListQuery(knex, t.refs, limit, page.cursor, true)],
        ];
        if (withReference)
          timers.push([
            'semi-join',
            () => semiJoinListQuery(knex, t.refs, limit, page.cursor),
          ]);
        cases.push({
          endpoint: page.endpoint,
          label: t.label,
          ref: t.ref,
          incidents: t.incidents,
          timers,
        });
      }
    }
    // The portal's Incidents tab asks for the last 183 days (IncidentMetricsCard).
    const recentFrom = new Date(Date.now() - 183 * 24 * 3600 * 1000).toISOString();
    const metricCases: Array<{ endpoint: Case['endpoint']; t: (typeof targets)[number]; from?: string }> = [
      ...targets.map(t => ({ endpoint: 'metrics' as const, t })),
      ...targets
        .filter(t => t.refs.length === 1)
        .map(t => ({ endpoint: 'metrics, 183 days' as const, t, from: recentFrom })),
    ];
    for (const { endpoint, t, from } of metricCases) {
      const path = `/api/majorops/metrics?entityRef=${encodeURIComponent(
        t.ref,
      )}${from ? `&from=${encodeURIComponent(from)}` : ''}`;
      const metrics = await getJson(port, path);
      const rawTotal = await rawMetrics(knex, options.engine, t.refs, from);
      const [{ n: inWindow }] = await knex('incident_entities')
        .countDistinct({ n: 'incident_id' })
        .whereIn('entity_ref', t.refs)
        .modify(q => (from ? q.where('declared_at', '>=', new Date(from)) : q));
      if (metrics.all.total !== rawTotal || rawTotal !== Number(inWindow)) {
        throw new Error(
          `${endpoint} of ${t.ref}: API total ${metrics.all.total}, raw total ${rawTotal}, expected ${inWindow}`,
        );
      }
      const timers: Case['timers'] = [
        ['api', () => getJson(port, path)],
        ['raw', () => rawMetrics(knex, options.engine, t.refs, from)],
      ];
      if (withReference && !from)
        timers.push(['semi-join', () => semiJoinMetricsQuery(knex, t.refs)]);
      cases.push({
        endpoint,
        label: t.label,
        ref: t.ref,
        incidents: Number(inWindow),
        timers,
      });
    }

    // The floor under every API figure: the same HTTP path without the database.
    const floors: Array<[string, Stats]> = [];
    for (const [name, route] of [
      ['GET /health (no auth, no database)', '/api/majorops/health'],
      [
        'GET /severity-matrix (auth + permission check, no database)',
        '/api/majorops/severity-matrix',
      ],
    ]) {
      for (let i = 0; i < 50; i++) await getJson(port, route);
      const floorSamples: number[] = [];
      for (let i = 0; i < 500; i++) {
        const t = process.hrtime.bigint();
        await getJson(port, route);
        floorSamples.push(ms(t));
      }
      floors.push([name, stats(floorSamples)]);
    }

    const loadBefore = os.loadavg();
    const results: Result[] = [];
    for (const c of cases) {
      const r = await measure(c, { iterations, warmup, budgetMs });
      results.push(r);
      const { api, raw } = r.stats as Record<TimerName, Stats>;
      const semi = r.stats['semi-join'];
      log(
        `  ${c.endpoint.padEnd(15)} ${c.label.padEnd(22)} n=${String(
          api.n,
        ).padStart(4)}  API p50 ${fmt(api.p50)} p95 ${fmt(
          api.p95,
        )} ms | raw p50 ${fmt(raw.p50)} p95 ${fmt(raw.p95)} ms | ×${(
          api.p50 / raw.p50
        ).toFixed(2)} / ×${(api.p95 / raw.p95).toFixed(2)}${
          semi
            ? ` | semi-join p50 ${fmt(semi.p50)} p95 ${fmt(semi.p95)} ms`
            : ''
        }`,
      );
    }
    const loadAfter = os.loadavg();

    const plans: Array<[string, string]> = [];
    if (!args['no-explain']) {
      log('EXPLAIN…');
      for (const t of targets) {
        plans.push([
          `list ids, ${t.label} (\`${t.ref}\`, ${t.incidents} incidents)`,
          await explain(knex, options.engine, listIdQuery(knex, t.refs, limit)),
        ]);
      }
      for (const t of [targets[0], targets[1], targets[4]]) {
        plans.push([
          `metrics, ${t.label} (\`${t.ref}\`)`,
          await explain(knex, options.engine, rawMetricsQuery(knex, options.engine, t.refs)),
        ]);
      }
      if (withReference) {
        plans.push([
          `reference: semi-join list, warm (\`${targets[1].ref}\`)`,
          await explain(
            knex,
            options.engine,
            semiJoinListQuery(knex, targets[1].refs, limit),
          ),
        ]);
      }
    }

    // -------------------------------------------------------------------------
    const title = `${
      options.engine === 'postgres' ? 'PostgreSQL' : 'SQLite'
    }, ${formatCount(total)} incidents`;
    const lines: string[] = [];
    lines.push(`# MajorOps API benchmark: ${title}`);
    lines.push('');
    lines.push(
      `- Measured: ${new Date().toISOString()} on ${machineSummary()}`,
    );
    lines.push(
      `- ${serverVersion}, Node ${process.version}, database \`${options.database}\`; DatabaseIncidentStore.ts sha256 \`${storeHash}\``,
    );
    lines.push(
      `- Load average (1/5/15 min) before timing: ${loadBefore
        .map(l => l.toFixed(2))
        .join(' / ')}, after: ${loadAfter
        .map(l => l.toFixed(2))
        .join(' / ')} (the machine is shared; other work inflates the figures)`,
    );
    if (meta) {
      const rows = Object.entries(meta.rows)
        .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
        .join(', ');
      lines.push(
        `- Data: seed ${meta.seed}, Zipf skew ${
          meta.skew
        }; ${rows}. Generated in ${meta.insertSeconds.toFixed(
          0,
        )} s: **${Math.round(meta.rowsPerSecond).toLocaleString(
          'en-US',
        )} rows/s** (${Math.round(meta.incidentsPerSecond).toLocaleString(
          'en-US',
        )} incidents/s)${
          meta.analyzeSeconds
            ? `, then VACUUM ANALYZE ${meta.analyzeSeconds.toFixed(0)} s`
            : ''
        }`,
      );
    }
    lines.push(
      rollupBuild
        ? `- Metric rollups (\`incident_metric_rollups\`) built by this run before the plugin started, as the plugin's task does: ${(
            rollupBuild.ms / 1000
          ).toFixed(0)} s for ${rollupBuild.rows.toLocaleString('en-US')} incident entity rows of ${rollupBuild.entities.toLocaleString(
            'en-US',
          )} entities (**${Math.round(rollupBuild.rows / (rollupBuild.ms / 1000)).toLocaleString('en-US')} rows/s**)`
        : '- Metric rollups (`incident_metric_rollups`): already built by an earlier run',
    );
    lines.push(
      scopeBuilds.length
        ? `- Scope rollups (\`incident_metric_scope_rollups\`) of the systems built by this run before the plugin started, as the plugin does after the first request: ${scopeBuilds
            .map(b => `${b.label} ${b.incidents.toLocaleString('en-US')} incidents in ${(b.ms / 1000).toFixed(1)} s`)
            .join(', ')}`
        : '- Scope rollups (`incident_metric_scope_rollups`) of the systems: already built by an earlier run',
    );
    lines.push(
      `- Per case: ${warmup} warm-up rounds, then up to ${iterations} timed rounds (budget ${
        budgetMs / 1000
      } s per case; n below), sequential, one keep-alive connection; API and raw variants interleaved in every round. Page size ${limit}.`,
    );
    lines.push('');
    lines.push(
      '| endpoint | entity | incidents | n | API p50 | API p95 | API p99 | raw p50 | raw p95 | raw p99 | API/raw p50 | API/raw p95 | API req/s | raw+hydrate p50 / p95 | semi-join p50 / p95 |',
    );
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
    const pair = (s?: Stats) => (s ? `${fmt(s.p50)} / ${fmt(s.p95)}` : '–');
    for (const r of results) {
      const { api, raw } = r.stats as Record<TimerName, Stats>;
      lines.push(
        `| ${r.c.endpoint} | ${r.c.label} \`${
          r.c.ref
        }\` | ${r.c.incidents.toLocaleString('en-US')} | ${api.n} | ${fmt(
          api.p50,
        )} | ${fmt(api.p95)} | ${fmt(api.p99)} | ${fmt(raw.p50)} | ${fmt(
          raw.p95,
        )} | ${fmt(raw.p99)} | ${(api.p50 / raw.p50).toFixed(2)}× | ${(
          api.p95 / raw.p95
        ).toFixed(2)}× | ${Math.round(1000 / api.mean)} | ${pair(
          r.stats['raw+hydrate'],
        )} | ${pair(r.stats['semi-join'])} |`,
      );
    }
    lines.push('');
    lines.push(
      `Times in ms. **raw**: the query shapes the store runs now, on the same knex client, without HTTP: for a list page the id query on \`incident_entities\` (ordered by its \`declared_at, incident_id\` copy, limit 26; for several refs one such range per ref, on PostgreSQL a lateral subquery per unnested ref and on SQLite a UNION ALL arm per ref, de-duplicated and cut again) plus the incident rows by id; for metrics the store's rollup queries, built by the store's own code (the stored month and day rows in the window, of \`incident_metric_rollups\` for one entity and of \`incident_metric_scope_rollups\` for the scope of several refs, and at the same time the rows of the partial days at the window's ends), and when they cover no more than 2,000 incidents the store's exact aggregation over the scope's rows of \`incident_entities\` (which carry copies of the incident's severity, cause and milestones): on PostgreSQL one statement with counts, sums and \`percentile_cont\` medians over GROUPING SETS, on SQLite the rows as epoch numbers (aggregated in JS by the API, not by raw). **raw+hydrate** runs the two queries that load the page's entities and roles alongside the incident rows, as the store does: all the database work of a list request. **metrics, 183 days** asks for what the portal's Incidents tab shows (\`from\` = now − 183 days). **semi-join**: the single-query shape named in the issue (\`where exists (… incident_entities …) order by i.declared_at desc, i.id desc limit 26\`), for reference. **API**: HTTP on 127.0.0.1 with mock auth and permissions, validation, the store's queries, row mapping and JSON. System rows also include the router's lookup of the system's parts, which it reuses per caller for 30 s (\`majorops.scopeCacheSeconds\`), so that about one timed round in 30 s pays for it; answered here by the in-memory catalog mock: p50 ${fmt(
        catalogLookup.p50,
      )} ms, p95 ${fmt(
        catalogLookup.p95,
      )} ms per lookup measured on its own (a real catalog answers over HTTP).`,
    );
    lines.push('');
    lines.push(
      `HTTP floor, same server and connection (500 requests each): ${floors
        .map(
          ([name, f]) => `${name} p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms`,
        )
        .join('; ')}.`,
    );
    lines.push('');
    const single = results.filter(r => !r.c.label.includes('system'));
    const worstRatio = Math.max(
      ...single.map(r => r.stats.api!.p95 / r.stats.raw!.p95),
    );
    const worstListP95 = Math.max(
      ...single
        .filter(r => !r.c.endpoint.startsWith('metrics'))
        .map(r => r.stats.api!.p95),
    );
    const worstMetricsP95 = Math.max(
      ...single
        .filter(r => r.c.endpoint.startsWith('metrics'))
        .map(r => r.stats.api!.p95),
    );
    // A list request's database work is the page's ids and rows and, at the same time, its entities and roles.
    const lists = results.filter(r => !r.c.endpoint.startsWith('metrics') && r.stats['raw+hydrate']);
    const hydratedRatio = (q: 'p50' | 'p95') => Math.max(...lists.map(r => r.stats.api![q] / r.stats['raw+hydrate']![q]));
    lines.push(
      `Lists against all of their database work (API / raw+hydrate), every list row including systems: worst p50 ${hydratedRatio(
        'p50',
      ).toFixed(2)}×, worst p95 ${hydratedRatio('p95').toFixed(2)}×.`,
    );
    lines.push('');
    lines.push(
      `Goal (reported, not asserted): API/raw ≤ 2× and p95 ≤ 20 ms on PostgreSQL at 1M. Over single entities here: worst API/raw p95 ratio ${worstRatio.toFixed(
        2,
      )}×; worst list p95 ${fmt(worstListP95)} ms; worst metrics p95 ${fmt(
        worstMetricsP95,
      )} ms.`,
    );
    if (plans.length) {
      lines.push('');
      lines.push(
        `## Query plans (${
          options.engine === 'postgres'
            ? 'EXPLAIN (ANALYZE, BUFFERS), run after the timed rounds'
            : 'EXPLAIN QUERY PLAN'
        })`,
      );
      for (const [name, plan] of plans) {
        lines.push('');
        lines.push(`### ${name}`);
        lines.push('');
        lines.push('```');
        lines.push(plan);
        lines.push('```');
      }
    }
    const markdown = `${lines.join('\n')}\n`;
    process.stdout.write(markdown);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(
      RESULTS_DIR,
      `${options.engine}-${formatCount(total)}.md`,
    );
    fs.writeFileSync(`${file}.tmp`, markdown);
    fs.renameSync(`${file}.tmp`, file);
    log(`Wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    agent.destroy();
    await backend?.stop();
    await knex.destroy();
  }
}

main().catch(error => {
  const expected =
    error instanceof Error &&
    /^(--|Unknown argument|No incidents)/.test(error.message);
  console.error(
    error instanceof Error
      ? expected
        ? error.message
        : error.stack ?? error.message
      : error,
  );
  // Explicitly: the backend's beforeExit handler would otherwise exit with 0.
  process.exit(1);
});
