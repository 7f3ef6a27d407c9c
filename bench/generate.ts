/*
 * Data generator for the MajorOps benchmark.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/generate.ts \
 *     --engine sqlite|postgres --incidents N --database majorops_bench --seed 42 [--reset]
 *
 * Runs the plugin's migrations, then bulk-inserts N incidents spread over the
 * 2,000 entities of bench/lib/catalog.ts with a Zipf skew (a few hot entities
 * with many incidents, a long tail), 1–3 affected entities, 1–4 role rows and
 * ~6 timeline events per incident. Everything is drawn from a seeded PRNG, so
 * the same options give the same database. Memory stays bounded: one batch of
 * --batch incidents (default 2,000, ≈ 23k rows) is built, written in one
 * transaction and dropped.
 *
 * Rows are written the way the store writes them: timestamps as timestamptz on
 * PostgreSQL and as epoch milliseconds on SQLite (what knex binds for a Date),
 * booleans as 0/1 on SQLite, tags and timeline bodies as JSON text.
 */
import fs from 'fs';
import os from 'os';
import { Knex } from 'knex';
import {
  benchEntities,
  ENTITY_COUNT,
  userRef,
  USER_COUNT,
} from './lib/catalog';
import {
  COMMON_SPEC,
  commonOptions,
  CommonOptions,
  connect,
  DATA_DIR,
  ensurePgDatabase,
  formatCount,
  GenerationMeta,
  machineSummary,
  metaFile,
  MIGRATIONS_DIR,
  parseArgs,
  Random,
  removeSqliteFiles,
  ZipfSampler,
} from './lib/common';

const USAGE = `Usage: node --require @backstage/cli/config/nodeTransform.cjs bench/generate.ts [options]
  --engine sqlite|postgres   (default sqlite)
  --incidents N              (default 100000 on sqlite, 1000000 on postgres; 100k and 1M work too)
  --database NAME            (default majorops_bench; SQLite: bench/.data/NAME.sqlite)
  --seed S                   (default 42)
  --skew S                   Zipf exponent of incidents per entity (default 1.0)
  --batch B                  incidents per insert transaction (default 2000)
  --reset                    drop the database / delete the file first
  --pg-url URL               (default postgresql://postgres@127.0.0.1:5432)`;

/** Latest declared_at; fixed so that the data does not depend on the day it is generated. */
const END_MS = Date.UTC(2026, 10, 1);
const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;
const MIN = 60_000;
const DAY = 24 * 3600 * 1000;

type Kind = 'str' | 'ts' | 'bool' | 'num' | 'int';
type Value = string | number | boolean | null;

interface Table {
  name: string;
  columns: Array<[name: string, kind: Kind]>;
}

const INCIDENTS: Table = {
  name: 'incidents',
  columns: [
    ['id', 'str'],
    ['title', 'str'],
    ['summary', 'str'],
    ['severity', 'str'],
    ['status', 'str'],
    ['incident_type', 'str'],
    ['tags', 'str'],
    ['external_cause', 'bool'],
    ['customer_reported', 'bool'],
    ['source', 'str'],
    ['external_id', 'str'],
    ['external_url', 'str'],
    ['impact_started_at', 'ts'],
    ['detected_at', 'ts'],
    ['declared_at', 'ts'],
    ['acknowledged_at', 'ts'],
    ['mitigated_at', 'ts'],
    ['resolved_at', 'ts'],
    ['closed_at', 'ts'],
    ['created_by', 'str'],
    ['created_at', 'ts'],
    ['updated_at', 'ts'],
    ['version', 'int'],
    ['impact_scope', 'num'],
    ['baseline_impact', 'num'],
    ['paying_customer', 'bool'],
    ['data_integrity_concern', 'bool'],
    ['root_cause_identified_at', 'ts'],
    ['root_cause_escalated_at', 'ts'],
  ],
};

const INCIDENT_ENTITIES: Table = {
  name: 'incident_entities',
  columns: [
    ['incident_id', 'str'],
    ['entity_ref', 'str'],
    ['owner_ref', 'str'],
    ['system_ref', 'str'],
    ['declared_at', 'ts'],
    // Copies of the incident's columns that the metrics read (migration 202611231300).
    ['severity', 'str'],
    ['external_cause', 'bool'],
    ['impact_started_at', 'ts'],
    ['detected_at', 'ts'],
    ['acknowledged_at', 'ts'],
    ['mitigated_at', 'ts'],
    ['resolved_at', 'ts'],
  ],
};

const INCIDENT_ROLES: Table = {
  name: 'incident_roles',
  columns: [
    ['incident_id', 'str'],
    ['role', 'str'],
    ['user_ref', 'str'],
    ['assigned_by', 'str'],
    ['assigned_at', 'ts'],
    ['released_by', 'str'],
    ['released_at', 'ts'],
  ],
};

const TIMELINE_EVENTS: Table = {
  name: 'timeline_events',
  columns: [
    ['incident_id', 'str'],
    ['type', 'str'],
    ['occurred_at', 'ts'],
    ['actor_ref', 'str'],
    ['body', 'str'],
  ],
};

const TABLES = [INCIDENTS, INCIDENT_ENTITIES, INCIDENT_ROLES, TIMELINE_EVENTS];

const OPEN_STATUSES = [
  'declared',
  'investigating',
  'identified',
  'mitigating',
  'monitoring',
];
const STATUS_RANK: Record<string, number> = {
  declared: 0,
  investigating: 1,
  identified: 2,
  mitigating: 3,
  monitoring: 4,
  resolved: 5,
  closed: 6,
};
const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const SEVERITY_WEIGHTS = [5, 15, 40, 40];
const TYPES = [
  'deployment',
  'capacity',
  'dependency',
  'configuration',
  'security',
  null,
];
const TAGS = [
  'customer-facing',
  'payments',
  'database',
  'network',
  'latency',
  'data',
  'security',
  'deploy',
];
const SYMPTOMS = [
  'Elevated 5xx rate',
  'Latency above SLO',
  'Connection pool exhausted',
  'Queue backlog growing',
  'Certificate expired',
  'Disk full',
  'Bad config rolled out',
  'Dependency timeouts',
  'Stale reads',
  'Memory leak after deploy',
];
const OTHER_ROLES = [
  'communications-lead',
  'technical-lead',
  'scribe',
  'operations-chief',
];

/** One batch of rows, per table, each row in the table's column order. */
type Batch = Map<Table, Value[][]>;

class IncidentFactory {
  private readonly random: Random;
  private readonly zipf: ZipfSampler;
  private readonly entities = benchEntities();
  /** Zipf rank → entity index, shuffled by the seed so hot entities are not simply the first names. */
  private readonly rankToEntity: number[];
  private externalCounter = 0;

  constructor(seed: number, skew: number) {
    this.random = new Random(seed);
    this.zipf = new ZipfSampler(ENTITY_COUNT, skew);
    this.rankToEntity = Array.from({ length: ENTITY_COUNT }, (_, i) => i);
    for (let i = this.rankToEntity.length - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      [this.rankToEntity[i], this.rankToEntity[j]] = [
        this.rankToEntity[j],
        this.rankToEntity[i],
      ];
    }
  }

  hottest(count: number): Array<{ ref: string; share: number }> {
    return this.rankToEntity.slice(0, count).map((e, rank) => ({
      ref: this.entities[e].ref,
      share: this.zipf.share(rank),
    }));
  }

  /** Appends one incident and its child rows to the batch. */
  add(batch: Batch) {
    const r = this.random;
    const id = r.uuid();
    const declared = END_MS - Math.floor((r.next() * SPAN_MS) / 1000) * 1000;
    const age = END_MS - declared;
    let status: string;
    if (age < DAY) status = r.pick(OPEN_STATUSES);
    else if (age < 7 * DAY) status = 'resolved';
    else status = r.chance(0.9) ? 'closed' : 'resolved';
    const rank = STATUS_RANK[status];
    const severity = SEVERITIES[r.weighted(SEVERITY_WEIGHTS)];

    const impact = r.chance(0.9) ? declared - r.int(1, 90) * MIN : null;
    const detected = r.chance(0.95)
      ? (impact ?? declared - 30 * MIN) + r.int(0, 30) * MIN
      : null;
    const acknowledged = rank >= 1 ? declared + r.int(1, 20) * MIN : null;
    const rootCause =
      rank >= 2 ? (acknowledged ?? declared) + r.int(5, 120) * MIN : null;
    const mitigated =
      rank >= 4 ? (rootCause ?? declared) + r.int(5, 240) * MIN : null;
    const resolved =
      rank >= 5 ? (mitigated ?? declared) + r.int(5, 240) * MIN : null;
    const closed =
      rank >= 6 ? (resolved ?? declared) + r.int(1, 14) * DAY : null;
    const updated =
      closed ?? resolved ?? mitigated ?? rootCause ?? acknowledged ?? declared;

    // 1–3 distinct affected entities, drawn from the skewed distribution.
    const entityCount = 1 + r.weighted([55, 30, 15]);
    const picked = new Set<number>();
    for (
      let attempts = 0;
      picked.size < entityCount && attempts < 20;
      attempts++
    ) {
      picked.add(this.rankToEntity[this.zipf.sample(r)]);
    }
    const affected = [...picked].map(i => this.entities[i]);
    const creator = userRef(r.int(0, USER_COUNT - 1));
    const external = r.chance(0.08);
    const impactScope = r.chance(0.7) ? Math.round(r.next() * 1000) / 10 : null;
    const tags = Array.from({ length: r.int(0, 2) }, () => r.pick(TAGS));

    // Drawn in the order the row below used to draw them, so a seed gives the same data as before.
    const title = `${r.pick(SYMPTOMS)} on ${affected[0].name}`;
    const incidentType = r.pick(TYPES);
    const externalCause = r.chance(0.08);
    batch
      .get(INCIDENTS)!
      .push([
        id,
        title,
        `Generated incident ${id.slice(0, 8)} affecting ${affected
          .map(a => a.name)
          .join(', ')}.`,
        severity,
        status,
        incidentType,
        JSON.stringify([...new Set(tags)]),
        externalCause,
        r.chance(0.2),
        external ? 'pagerduty' : 'majorops',
        external
          ? `PD${String(++this.externalCounter).padStart(8, '0')}`
          : null,
        external
          ? `https://pagerduty.example.com/incidents/PD${String(
              this.externalCounter,
            ).padStart(8, '0')}`
          : null,
        impact,
        detected,
        declared,
        acknowledged,
        mitigated,
        resolved,
        closed,
        creator,
        declared,
        updated,
        1,
        impactScope,
        impactScope,
        r.chance(0.15),
        r.chance(0.03),
        rootCause,
        null,
      ]);
    for (const e of affected) {
      batch
        .get(INCIDENT_ENTITIES)!
        .push([
          id,
          e.ref,
          e.ownerRef,
          e.systemRef,
          declared,
          severity,
          externalCause,
          impact,
          detected,
          acknowledged,
          mitigated,
          resolved,
        ]);
    }

    // 1–4 role rows: an incident commander, sometimes a handover (released row), other roles.
    const roleRows = 1 + r.weighted([30, 35, 25, 10]);
    const roles: Value[][] = [];
    const assignedAt = declared + r.int(0, 5) * MIN;
    let firstIc = userRef(r.int(0, USER_COUNT - 1));
    if (roleRows >= 2 && r.chance(0.2)) {
      const handover = assignedAt + r.int(30, 240) * MIN;
      roles.push([
        'incident-commander',
        firstIc,
        creator,
        assignedAt,
        firstIc,
        handover,
      ]);
      firstIc = userRef(r.int(0, USER_COUNT - 1));
      roles.push([
        'incident-commander',
        firstIc,
        creator,
        handover,
        null,
        null,
      ]);
    } else {
      roles.push([
        'incident-commander',
        firstIc,
        creator,
        assignedAt,
        null,
        null,
      ]);
    }
    const others = [...OTHER_ROLES];
    while (roles.length < roleRows) {
      const role = others.splice(r.int(0, others.length - 1), 1)[0];
      roles.push([
        role,
        userRef(r.int(0, USER_COUNT - 1)),
        firstIc,
        assignedAt + r.int(1, 30) * MIN,
        null,
        null,
      ]);
    }
    for (const role of roles) batch.get(INCIDENT_ROLES)!.push([id, ...role]);

    // ~6 timeline events: declared, one per role assignment, status changes, sometimes a note.
    const events = batch.get(TIMELINE_EVENTS)!;
    events.push([
      id,
      'declared',
      declared,
      creator,
      JSON.stringify({ text: `Declared ${severity}`, severity }),
    ]);
    for (const role of roles) {
      events.push([
        id,
        'role-assigned',
        role[3],
        role[2],
        JSON.stringify({
          text: `${role[1]} is ${role[0]}`,
          role: role[0],
          userRef: role[1],
        }),
      ]);
    }
    const steps: Array<[string, number | null]> = [
      ['monitoring', mitigated],
      ['resolved', resolved],
      ['closed', closed],
    ];
    for (const [to, at] of steps) {
      if (at === null) continue;
      events.push([
        id,
        'status-change',
        at,
        firstIc,
        JSON.stringify({ text: `Status changed to ${to}`, to }),
      ]);
    }
    if (r.chance(0.5)) {
      events.push([
        id,
        'note',
        (acknowledged ?? declared) + r.int(1, 30) * MIN,
        firstIc,
        JSON.stringify({
          text: 'Rolled back the last deploy; error rate dropping.',
        }),
      ]);
    }
  }
}

interface Writer {
  write(batch: Batch): Promise<void>;
  close(): Promise<void>;
}

/** Minimal shapes of the raw driver connections knex hands out. */
interface PgConnection {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}
interface SqliteStatement {
  run(...values: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): () => T;
  pragma(source: string): unknown;
}
interface KnexClientWithConnections {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

const PG_ARRAY_TYPE: Record<Kind, string> = {
  str: 'text[]',
  ts: 'timestamptz[]',
  bool: 'boolean[]',
  num: 'float8[]',
  int: 'integer[]',
};

/**
 * PostgreSQL: one `INSERT … SELECT * FROM unnest($1::text[], …)` per table and
 * batch, i.e. a multi-row insert with one parameter per column, in one
 * transaction per batch, with synchronous_commit off for this session only.
 */
async function pgWriter(knex: Knex): Promise<Writer> {
  const client = knex.client as unknown as KnexClientWithConnections;
  const conn = (await client.acquireConnection()) as PgConnection;
  await conn.query('SET synchronous_commit TO off');
  const sql = new Map(
    TABLES.map(t => [
      t,
      `INSERT INTO ${t.name} (${t.columns
        .map(c => c[0])
        .join(', ')}) SELECT * FROM unnest(${t.columns
        .map((c, i) => `$${i + 1}::${PG_ARRAY_TYPE[c[1]]}`)
        .join(', ')})`,
    ]),
  );
  return {
    async write(batch) {
      await conn.query('BEGIN');
      try {
        for (const table of TABLES) {
          const rows = batch.get(table)!;
          if (!rows.length) continue;
          const columns = table.columns.map(([, kind], c) =>
            rows.map(row => {
              const v = row[c];
              return kind === 'ts' && v !== null
                ? new Date(v as number).toISOString()
                : v;
            }),
          );
          await conn.query(sql.get(table)!, columns);
        }
        await conn.query('COMMIT');
      } catch (e) {
        await conn.query('ROLLBACK');
        throw e;
      }
    },
    async close() {
      await conn.query('SET synchronous_commit TO DEFAULT');
      await client.releaseConnection(conn);
    },
  };
}

/**
 * SQLite: prepared single-row inserts inside one transaction per batch on the
 * better-sqlite3 connection that knex opened (the fastest way to write SQLite
 * from Node); synchronous=OFF for this connection while generating.
 */
async function sqliteWriter(knex: Knex): Promise<Writer> {
  const client = knex.client as unknown as KnexClientWithConnections;
  const conn = (await client.acquireConnection()) as SqliteConnection;
  conn.pragma('synchronous = OFF');
  const statements = new Map(
    TABLES.map(t => [
      t,
      conn.prepare(
        `INSERT INTO ${t.name} (${t.columns
          .map(c => c[0])
          .join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`,
      ),
    ]),
  );
  let current: Batch | undefined;
  const writeAll = conn.transaction(() => {
    for (const table of TABLES) {
      const statement = statements.get(table)!;
      for (const row of current!.get(table)!) {
        statement.run(
          ...row.map(v => (typeof v === 'boolean' ? (v ? 1 : 0) : v)),
        );
      }
    }
  });
  return {
    async write(batch) {
      current = batch;
      writeAll();
      current = undefined;
    },
    async close() {
      conn.pragma('synchronous = FULL');
      await client.releaseConnection(conn);
    },
  };
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    ...COMMON_SPEC,
    skew: 'number',
    batch: 'number',
    reset: 'boolean',
  });
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const options: CommonOptions = commonOptions(args);
  const skew = Number(args.skew ?? 1.0);
  const batchSize = Math.max(1, Math.min(20_000, Number(args.batch ?? 2_000)));
  const reset = Boolean(args.reset);

  fs.mkdirSync(DATA_DIR, { recursive: true });
  if (options.engine === 'postgres') {
    await ensurePgDatabase(options, reset);
  } else if (reset) {
    removeSqliteFiles(options.database);
  }
  const knex = connect(options);
  try {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    const [{ count }] = await knex('incidents').count({ count: '*' });
    if (Number(count) > 0) {
      throw new Error(
        `${options.engine} database ${options.database} already holds ${count} incidents; pass --reset to start over`,
      );
    }
    // The figures of an earlier generation no longer describe this database.
    fs.rmSync(metaFile(options), { force: true });

    const where =
      options.engine === 'postgres'
        ? `${options.pgUrl}/${options.database}`
        : `bench/.data/${options.database}.sqlite`;
    console.log(
      `Generating ${formatCount(options.incidents)} incidents into ${
        options.engine
      } ${where} (seed ${options.seed}, skew ${skew}, batch ${batchSize})`,
    );
    const factory = new IncidentFactory(options.seed, skew);
    console.log(
      `Hottest entities (expected share of entity rows): ${factory
        .hottest(3)
        .map(h => `${h.ref} ${(h.share * 100).toFixed(1)}%`)
        .join(', ')}`,
    );

    const writer =
      options.engine === 'postgres'
        ? await pgWriter(knex)
        : await sqliteWriter(knex);
    const rows: Record<string, number> = Object.fromEntries(
      TABLES.map(t => [t.name, 0]),
    );
    const started = process.hrtime.bigint();
    const progressEvery = Math.max(
      batchSize,
      Math.ceil(options.incidents / 20 / batchSize) * batchSize,
    );
    let nextProgress = progressEvery;
    try {
      for (let done = 0; done < options.incidents; ) {
        const size = Math.min(batchSize, options.incidents - done);
        const batch: Batch = new Map(TABLES.map(t => [t, []]));
        for (let i = 0; i < size; i++) factory.add(batch);
        await writer.write(batch);
        for (const t of TABLES) rows[t.name] += batch.get(t)!.length;
        done += size;
        if (done >= nextProgress || done === options.incidents) {
          nextProgress += progressEvery;
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const total = Object.values(rows).reduce((a, b) => a + b, 0);
          console.log(
            `  ${String(done).padStart(9)} incidents, ${String(total).padStart(
              10,
            )} rows, ${seconds.toFixed(1)} s, ${Math.round(
              total / seconds,
            )} rows/s, rss ${Math.round(
              process.memoryUsage().rss / 2 ** 20,
            )} MiB`,
          );
        }
      }
    } finally {
      await writer.close();
    }
    const insertSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const totalRows = Object.values(rows).reduce((a, b) => a + b, 0);

    // PostgreSQL: what autovacuum would do shortly after a bulk load, done now so
    // that the planner has statistics and the visibility map is set.
    let analyzeSeconds = 0;
    if (options.engine === 'postgres') {
      const t0 = process.hrtime.bigint();
      for (const t of TABLES) await knex.raw(`VACUUM ANALYZE ${t.name}`);
      analyzeSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    }

    const meta: GenerationMeta = {
      engine: options.engine,
      database: options.database,
      incidents: options.incidents,
      seed: options.seed,
      skew,
      rows,
      insertSeconds,
      analyzeSeconds,
      rowsPerSecond: totalRows / insertSeconds,
      incidentsPerSecond: options.incidents / insertSeconds,
      generatedAt: new Date().toISOString(),
      machine: machineSummary(),
      node: process.version,
    };
    fs.writeFileSync(metaFile(options), `${JSON.stringify(meta, null, 2)}\n`);
    console.log(
      `Done: ${totalRows} rows (${TABLES.map(
        t => `${t.name} ${rows[t.name]}`,
      ).join(', ')}) in ${insertSeconds.toFixed(1)} s = ${Math.round(
        meta.rowsPerSecond,
      )} rows/s, ${Math.round(meta.incidentsPerSecond)} incidents/s${
        analyzeSeconds ? `; VACUUM ANALYZE ${analyzeSeconds.toFixed(1)} s` : ''
      }`,
    );
    console.log(
      `Machine: ${machineSummary()}; load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await knex.destroy();
  }
}

main().catch(error => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
