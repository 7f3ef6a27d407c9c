/*
 * Shared by bench/generate.ts and bench/run.ts: command-line options, the
 * seeded PRNG, and the knex connection to the benchmark database.
 *
 * Nothing here touches anything but 127.0.0.1 (PostgreSQL) or a file under
 * bench/.data/ (SQLite).
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory, { Knex } from 'knex';

export const BENCH_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(BENCH_DIR, '..');
export const DATA_DIR = path.join(BENCH_DIR, '.data');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
/** The plugin's own migrations, run by the generator exactly as the plugin runs them. */
export const MIGRATIONS_DIR = path.join(
  REPO_ROOT,
  'plugins',
  'majorops-backend',
  'migrations',
);

export type Engine = 'sqlite' | 'postgres';

export interface CommonOptions {
  engine: Engine;
  database: string;
  seed: number;
  /** Requested incident count (generate: how many to write; run: used only for the default). */
  incidents: number;
  /** Server URL without a database name; only 127.0.0.1/localhost is accepted. */
  pgUrl: string;
}

/**
 * Parses `--name value` and `--flag` style arguments. Unknown options are
 * refused so that a typo never silently runs the default.
 */
export function parseArgs(
  argv: string[],
  spec: Record<string, 'string' | 'number' | 'boolean'>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !(match[1] in spec)) {
      throw new Error(
        `Unknown argument ${arg}; known: ${Object.keys(spec)
          .map(k => `--${k}`)
          .join(' ')}`,
      );
    }
    const [, name, inline] = match;
    const type = spec[name];
    if (type === 'boolean') {
      out[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (type === 'number') {
      const n = Number(
        value.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'),
      );
      if (!Number.isFinite(n))
        throw new Error(`--${name} must be a number, got ${value}`);
      out[name] = n;
    } else {
      out[name] = value;
    }
  }
  return out;
}

export const COMMON_SPEC = {
  engine: 'string',
  incidents: 'number',
  database: 'string',
  seed: 'number',
  'pg-url': 'string',
} as const;

export function commonOptions(
  args: Record<string, string | number | boolean>,
): CommonOptions {
  const engine = (args.engine ?? 'sqlite') as string;
  if (engine !== 'sqlite' && engine !== 'postgres') {
    throw new Error(`--engine must be sqlite or postgres, got ${engine}`);
  }
  const database = String(args.database ?? 'majorops_bench');
  // The name is interpolated into CREATE/DROP DATABASE and a file name.
  if (
    !/^[a-z_][a-z0-9_]{0,62}$/.test(database) ||
    ['postgres', 'template0', 'template1'].includes(database)
  ) {
    throw new Error(
      `--database must match [a-z_][a-z0-9_]* and not be a system database, got ${database}`,
    );
  }
  const pgUrl = String(
    args['pg-url'] ?? 'postgresql://postgres@127.0.0.1:5432',
  );
  const host = new URL(pgUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(
      `--pg-url must point at this machine (127.0.0.1), got ${host}`,
    );
  }
  const incidents = Number(
    args.incidents ?? (engine === 'postgres' ? 1_000_000 : 100_000),
  );
  if (!Number.isInteger(incidents) || incidents < 1 || incidents > 50_000_000) {
    throw new Error('--incidents must be a whole number between 1 and 50M');
  }
  const seed = Number(args.seed ?? 42);
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  return { engine, database, seed, incidents, pgUrl };
}

// ---------------------------------------------------------------------------
// Deterministic randomness

/** mulberry32: a tiny 32-bit PRNG; same seed, same sequence, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) return i;
    }
    return weights.length - 1;
  }
  /** A version-4 shaped UUID from the PRNG (deterministic, unlike crypto.randomUUID). */
  uuid(): string {
    const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
    const a = hex(this.next() * 2 ** 32);
    const b = hex(this.next() * 2 ** 32);
    const c = hex(this.next() * 2 ** 32);
    const d = hex(this.next() * 2 ** 32);
    const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(
      1,
      4,
    )}-${c.slice(4)}${d}`;
  }
}

/**
 * Draws ranks 0..n-1 with probability proportional to 1/(rank+1)^s (Zipf):
 * rank 0 is the hottest entity, the last ranks the long tail.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;
  constructor(n: number, s: number) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 / Math.pow(k + 1, s);
      this.cumulative[k] = sum;
    }
  }
  /** Share of all draws that lands on `rank`. */
  share(rank: number): number {
    const c = this.cumulative;
    return (c[rank] - (rank ? c[rank - 1] : 0)) / c[c.length - 1];
  }
  sample(random: Random): number {
    const c = this.cumulative;
    const u = random.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

// ---------------------------------------------------------------------------
// Database

export function sqliteFile(database: string): string {
  return path.join(DATA_DIR, `${database}.sqlite`);
}

export function metaFile(
  options: Pick<CommonOptions, 'engine' | 'database'>,
): string {
  return path.join(DATA_DIR, `${options.engine}-${options.database}.meta.json`);
}

/** Creates the PostgreSQL database when it does not exist yet. */
export async function ensurePgDatabase(
  options: CommonOptions,
  drop = false,
): Promise<void> {
  const admin = knexFactory({
    client: 'pg',
    connection: `${options.pgUrl}/postgres`,
    pool: { min: 0, max: 1 },
  });
  try {
    if (drop) {
      await admin.raw(`DROP DATABASE IF EXISTS ${options.database}`);
    }
    const { rows } = await admin.raw(
      'SELECT 1 FROM pg_database WHERE datname = ?',
      [options.database],
    );
    if (rows.length === 0) {
      await admin.raw(`CREATE DATABASE ${options.database}`);
    }
  } finally {
    await admin.destroy();
  }
}

/**
 * A knex client shaped like the one Backstage hands a plugin for this engine
 * (pg with knex's default pool; better-sqlite3 on one file, one connection).
 */
export function connect(options: CommonOptions): Knex {
  if (options.engine === 'postgres') {
    return knexFactory({
      client: 'pg',
      connection: `${options.pgUrl}/${options.database}`,
      pool: { min: 0, max: 10 },
    });
  }
  fs.mkdirSync(DATA_DIR, { recursive: true });
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: sqliteFile(options.database) },
    useNullAsDefault: true,
  });
}

export function removeSqliteFiles(database: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    fs.rmSync(sqliteFile(database) + suffix, { force: true });
  }
}

export interface GenerationMeta {
  engine: Engine;
  database: string;
  incidents: number;
  seed: number;
  skew: number;
  rows: Record<string, number>;
  insertSeconds: number;
  /** VACUUM ANALYZE on PostgreSQL; 0 on SQLite (nothing is run). */
  analyzeSeconds: number;
  rowsPerSecond: number;
  incidentsPerSecond: number;
  generatedAt: string;
  machine: string;
  node: string;
}

export function machineSummary(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${
    cpus[0]?.model?.trim() ?? 'unknown CPU'
  }, ${Math.round(
    os.totalmem() / 2 ** 30,
  )} GiB RAM, ${os.platform()} ${os.release()}`;
}

export function formatCount(n: number): string {
  if (n >= 1_000_000 && n % 1_000_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1_000 && n % 1_000 === 0) return `${n / 1_000}k`;
  return String(n);
}
