import {
  addToRollup,
  aggregatesFromRollups,
  emptyMetricRollup,
  isEmptyRollup,
  mergeRollup,
  metricsFromAggregate,
  planRollupWindow,
  rollupIncidentCount,
  rollupPeriodsOf,
  type MetricIncidentMillis,
  type MetricRollup,
  type MetricsReport,
  type RollupPart,
  type Severity,
} from '@majorops/plugin-majorops-common';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { DbTimestamp, isPostgres, toMillis } from './tables';

/*
 * The per-entity metric rollups (`incident_metric_rollups`, see the
 * migration 202611240400): kept in step with `incident_entities` by the
 * store's writes, built for existing data by a background task, and read for
 * the metrics of a single entity with many incidents.
 *
 * The per-scope rollups (`incident_metric_scope_rollups`, migration
 * 202611250100) do the same for a set of entities read together (a system
 * and its parts, what a group owns), with each incident counted once however
 * many of the scope's entities it touches. A scope is built on demand, then
 * kept in step by the same writes.
 */

const ROLLUPS = 'incident_metric_rollups';
const STATE = 'incident_metric_rollup_state';
const SCOPES = 'incident_metric_scopes';
const SCOPE_MEMBERS = 'incident_metric_scope_members';
const SCOPE_ROLLUPS = 'incident_metric_scope_rollups';

/** Where a kind of rollup is stored: per entity, or per scope. */
interface RollupTable {
  table: string;
  keyColumn: 'entity_ref' | 'scope_key';
  lockClass: number;
}

/**
 * Writers of one entity's rollups take this PostgreSQL advisory lock (with the
 * hash of the entity ref) for the rest of their transaction, so a rebuild and
 * an incident's update never interleave on the same rows. SQLite has one writer.
 */
const LOCK_CLASS = 0x4d4f5052;
/** The same for a scope's rollups, taken after every entity lock of the transaction. */
const SCOPE_LOCK_CLASS = 0x4d4f5053;

const ENTITY_ROLLUPS: RollupTable = { table: ROLLUPS, keyColumn: 'entity_ref', lockClass: LOCK_CLASS };
const SCOPE_ROLLUP_TABLE: RollupTable = { table: SCOPE_ROLLUPS, keyColumn: 'scope_key', lockClass: SCOPE_LOCK_CLASS };

/** An affected entity of an incident, with what its metrics are computed from. */
export interface RollupSource {
  entityRef: string;
  incident: MetricIncidentMillis;
}

/** The columns of `incident_entities` a rollup reads. */
export const ROLLUP_SOURCE_COLUMNS = [
  'entity_ref',
  'severity',
  'external_cause',
  'declared_at',
  'impact_started_at',
  'detected_at',
  'acknowledged_at',
  'mitigated_at',
  'resolved_at',
] as const;

export type RollupSourceRow = {
  entity_ref: string;
  severity: string | null;
  external_cause: boolean | number;
  declared_at: DbTimestamp;
  impact_started_at: DbTimestamp | null;
  detected_at: DbTimestamp | null;
  acknowledged_at: DbTimestamp | null;
  mitigated_at: DbTimestamp | null;
  resolved_at: DbTimestamp | null;
};

/** The metric columns of an incident row (or of its entity rows' copies) as epoch milliseconds. */
export function metricIncidentOf(row: Omit<RollupSourceRow, 'entity_ref'>): MetricIncidentMillis {
  return {
    severity: row.severity as Severity,
    externalCause: Boolean(row.external_cause),
    impactStartedAt: toMillis(row.impact_started_at),
    detectedAt: toMillis(row.detected_at),
    declaredAt: toMillis(row.declared_at)!,
    acknowledgedAt: toMillis(row.acknowledged_at),
    mitigatedAt: toMillis(row.mitigated_at),
    resolvedAt: toMillis(row.resolved_at),
  };
}

export function rollupSourceOf(row: RollupSourceRow): RollupSource {
  return { entityRef: row.entity_ref, incident: metricIncidentOf(row) };
}

interface RollupKey {
  /** The entity ref, or the scope key. */
  entityRef: string;
  grain: 'm' | 'd';
  period: string;
  externalCause: boolean;
}

interface DbRollupRow {
  entity_ref?: string;
  scope_key?: string;
  grain: 'm' | 'd';
  period: string;
  external_cause: boolean | number;
  incidents: number;
  rollup: string;
}

const keyString = (k: RollupKey) => `${k.entityRef}\u0000${k.grain}\u0000${k.period}\u0000${k.externalCause ? 1 : 0}`;

/** The rollups of some sources, by key: each source in its month and in its day. */
function rollupsOf(sources: Array<[RollupSource, 1 | -1]>): Map<string, RollupKey & { rollup: MetricRollup }> {
  const rollups = new Map<string, RollupKey & { rollup: MetricRollup }>();
  for (const [{ entityRef, incident }, sign] of sources) {
    const { month, day } = rollupPeriodsOf(incident.declaredAt);
    for (const [grain, period] of [
      ['m', month],
      ['d', day],
    ] as const) {
      const key: RollupKey = { entityRef, grain, period, externalCause: incident.externalCause };
      const id = keyString(key);
      let entry = rollups.get(id);
      if (!entry) {
        entry = { ...key, rollup: emptyMetricRollup() };
        rollups.set(id, entry);
      }
      addToRollup(entry.rollup, incident, sign);
    }
  }
  return rollups;
}

/**
 * Takes the advisory locks of some entities' or scopes' rollups. Every
 * transaction takes its entity locks first, then its scope locks, each in
 * sorted order, so two writers never wait on each other in a circle.
 */
async function lockRollups(tx: Knex.Transaction, where: RollupTable, keys: string[]): Promise<void> {
  if (!isPostgres(tx)) return;
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;
  // One round trip; the inner ORDER BY fixes the order the locks are taken in.
  await tx.raw(
    'SELECT count(pg_advisory_xact_lock(?, hashtext(k))) FROM (SELECT unnest(?::text[]) AS k ORDER BY 1) AS keys',
    [where.lockClass, sorted],
  );
}

const whereKey = (where: RollupTable, k: RollupKey) => ({
  [where.keyColumn]: k.entityRef,
  grain: k.grain,
  period: k.period,
  external_cause: k.externalCause,
});

/**
 * Moves the rollups from what `removed` contributed to what `added` does, in
 * the caller's transaction (which has already written the rows they describe):
 * the rollups of each entity, and those of every built scope holding one of
 * the entities, where the incident counts once. Called for one incident: with
 * the old and new rows of its entities when its severity, cause or milestones
 * change, and with the new rows only when it is declared.
 */
export async function applyRollupChanges(
  tx: Knex.Transaction,
  removed: RollupSource[],
  added: RollupSource[],
): Promise<void> {
  const deltas = nonEmpty(rollupsOf([...signed(removed, -1), ...signed(added, 1)]));
  // Nothing moves for the entities, so nothing moves for their scopes either.
  if (deltas.length === 0) return;
  const refs = [...new Set([...removed, ...added].map(s => s.entityRef))];
  await lockRollups(tx, ENTITY_ROLLUPS, refs);
  await mergeDeltas(tx, ENTITY_ROLLUPS, deltas);

  // Read after the entity locks: a scope being built holds them until it commits.
  const scopeKeys: string[] = (await tx(SCOPE_MEMBERS).whereIn('entity_ref', refs).distinct('scope_key')).map(
    (r: { scope_key: string }) => r.scope_key,
  );
  if (scopeKeys.length === 0) return;
  await lockRollups(tx, SCOPE_ROLLUP_TABLE, scopeKeys);
  // A scope dropped while this transaction waited for its lock is left alone.
  const live: string[] = (await tx(SCOPES).whereIn('scope_key', scopeKeys).select('scope_key')).map(
    (r: { scope_key: string }) => r.scope_key,
  );
  if (live.length === 0) return;
  // The rows of one incident carry the same copies: any one of them stands for the incident, once per scope.
  const [before, after] = [removed[0]?.incident, added[0]?.incident];
  const scopeDeltas = nonEmpty(
    rollupsOf(
      live.flatMap(key => [
        ...(before ? [[{ entityRef: key, incident: before }, -1] as [RollupSource, -1]] : []),
        ...(after ? [[{ entityRef: key, incident: after }, 1] as [RollupSource, 1]] : []),
      ]),
    ),
  );
  await mergeDeltas(tx, SCOPE_ROLLUP_TABLE, scopeDeltas);
}

const signed = <S extends 1 | -1>(sources: RollupSource[], sign: S) => sources.map(s => [s, sign] as [RollupSource, S]);

const nonEmpty = (rollups: Map<string, RollupKey & { rollup: MetricRollup }>) =>
  [...rollups.values()].filter(d => !isEmptyRollup(d.rollup));

/** Adds deltas to the stored rows (under the caller's locks), deleting rows left with no incident. */
async function mergeDeltas(
  tx: Knex.Transaction,
  where: RollupTable,
  deltas: Array<RollupKey & { rollup: MetricRollup }>,
): Promise<void> {
  if (deltas.length === 0) return;
  const existing: DbRollupRow[] = await tx(where.table)
    .whereIn(where.keyColumn, [...new Set(deltas.map(d => d.entityRef))])
    .whereIn('period', [...new Set(deltas.map(d => d.period))]);
  const byKey = new Map(
    existing.map(row => [
      keyString({
        entityRef: row[where.keyColumn]!,
        grain: row.grain,
        period: row.period,
        externalCause: Boolean(row.external_cause),
      }),
      row,
    ]),
  );
  for (const delta of deltas) {
    const row = byKey.get(keyString(delta));
    const merged = row ? mergeRollup(JSON.parse(row.rollup) as MetricRollup, delta.rollup) : delta.rollup;
    const incidents = rollupIncidentCount(merged);
    if (incidents <= 0) {
      // Nothing left in this period (or, before the first build, a change to an incident not counted yet).
      if (row) await tx(where.table).where(whereKey(where, delta)).del();
    } else if (row) {
      await tx(where.table).where(whereKey(where, delta)).update({ incidents, rollup: JSON.stringify(merged) });
    } else {
      await tx(where.table).insert({ ...whereKey(where, delta), incidents, rollup: JSON.stringify(merged) });
    }
  }
}

/** Rows per insert statement when rebuilding (6 values each, well under SQLite's bound-variable limit). */
const INSERT_CHUNK = 500;

/**
 * Rebuilds one entity's rollups from its `incident_entities` rows, in one
 * transaction under the entity's lock: what it writes replaces everything
 * stored for the entity. Returns the number of incident rows read.
 */
export async function rebuildEntityRollups(db: Knex, entityRef: string): Promise<number> {
  return db.transaction(async tx => {
    await lockRollups(tx, ENTITY_ROLLUPS, [entityRef]);
    await tx(ROLLUPS).where('entity_ref', entityRef).del();
    const rows: RollupSourceRow[] = await tx('incident_entities').where('entity_ref', entityRef).select(ROLLUP_SOURCE_COLUMNS);
    await insertRollups(tx, ENTITY_ROLLUPS, rollupsOf(rows.map(row => [rollupSourceOf(row), 1])));
    return rows.length;
  });
}

async function insertRollups(
  tx: Knex.Transaction,
  where: RollupTable,
  rollups: Map<string, RollupKey & { rollup: MetricRollup }>,
): Promise<void> {
  const inserts = [...rollups.values()]
    .map(r => ({ ...whereKey(where, r), incidents: rollupIncidentCount(r.rollup), rollup: JSON.stringify(r.rollup) }))
    .filter(r => r.incidents > 0);
  for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
    await tx(where.table).insert(inserts.slice(i, i + INSERT_CHUNK));
  }
}

/** When the rollups were last built from the incidents; undefined when never (reads then use the incidents). */
export async function rollupsBuiltAt(db: Knex): Promise<Date | undefined> {
  const row = await db(STATE).where({ id: 'rollups' }).first('built_at');
  return row?.built_at ? new Date(toMillis(row.built_at)!) : undefined;
}

/**
 * Builds every entity's rollups from the incidents, one entity per
 * transaction, then records the time. Writes that happen meanwhile keep the
 * rollups of the entities already done in step; those not done yet are
 * rebuilt after them.
 */
export async function rebuildAllRollups(
  db: Knex,
  onProgress?: (done: { entities: number; rows: number }) => void,
): Promise<{ entities: number; rows: number }> {
  const refs: string[] = (await db('incident_entities').distinct('entity_ref').orderBy('entity_ref')).map(
    (r: { entity_ref: string }) => r.entity_ref,
  );
  const progress = { entities: 0, rows: 0 };
  for (const ref of refs) {
    progress.rows += await rebuildEntityRollups(db, ref);
    progress.entities++;
    if (onProgress && progress.entities % 100 === 0) onProgress({ ...progress });
  }
  await db(STATE).where({ id: 'rollups' }).update({ built_at: new Date() });
  return progress;
}

/**
 * The metrics of the incidents touching one entity, declared in [from, to),
 * from its rollups: whole months and whole days from the stored rows, the
 * partial days at the ends from the incidents. Returns undefined when the
 * window holds no more than `exactUpTo` incidents, so that the caller
 * computes small scopes exactly (the rollups' medians are within 1 %).
 */
export async function metricsFromRollups(
  db: Knex,
  entityRef: string,
  window: { from?: string; to?: string },
  exactUpTo: number,
): Promise<MetricsReport | undefined> {
  const read = await metricsFromStored(db, [entityRef], window, exactUpTo);
  return read === NOT_BUILT ? undefined : read;
}

/** What reading a scope's rollups returns when the scope has none. */
const NOT_BUILT = Symbol('not built');

/** The key of the scope of some entities: a hash of their sorted, distinct refs. */
export function scopeKeyOf(entityRefs: string[]): string {
  return createHash('sha256')
    .update([...new Set(entityRefs)].sort().join('\n'))
    .digest('hex');
}

/** Scopes not read for this long are dropped by the rollup task (their upkeep costs every write). */
export const SCOPE_UNREAD_DAYS = 14;

/**
 * The metrics of the incidents touching any of several entities (each counted
 * once), from the rollups of their scope, like {@link metricsFromRollups}.
 * `built` is false when the scope has no rollups yet (see
 * {@link buildScopeRollups}); `report` is undefined then, or when the window
 * holds no more than `exactUpTo` incidents.
 */
export async function metricsFromScopeRollups(
  db: Knex,
  entityRefs: string[],
  window: { from?: string; to?: string },
  exactUpTo: number,
): Promise<{ built: boolean; report?: MetricsReport }> {
  const read = await metricsFromStored(db, entityRefs, window, exactUpTo);
  return read === NOT_BUILT ? { built: false } : { built: true, report: read };
}

/** Records that a scope (by its {@link scopeKeyOf} key) was read, which keeps it from being dropped as unused. */
export async function touchScope(db: Knex, scopeKey: string): Promise<void> {
  await db(SCOPES).where('scope_key', scopeKey).update({ last_read_at: new Date() });
}

/**
 * The queries that read metrics from rollups, for one entity (`scope` false)
 * or for the scope of several: the stored month and day rows of the window
 * (for a scope, with the scope's own row in the same statement, one snapshot,
 * so that a scope built or dropped meanwhile is seen whole or not at all; it
 * comes back with no period), and the entities' incident rows of the partial
 * days at the window's ends. Exported for the benchmark's raw figures.
 */
export function rollupReadQueries(
  db: Knex,
  entityRefs: string[],
  window: { from?: string; to?: string },
): { stored: Knex.QueryBuilder; raw?: Knex.QueryBuilder } {
  const scope = entityRefs.length > 1;
  const where = scope ? SCOPE_ROLLUP_TABLE : ENTITY_ROLLUPS;
  const key = scope ? scopeKeyOf(entityRefs) : entityRefs[0];
  const plan = planRollupWindow({
    fromMs: window.from === undefined ? undefined : Date.parse(window.from),
    toMs: window.to === undefined ? undefined : Date.parse(window.to),
  });
  const stored = db<DbRollupRow>(where.table)
    .where(where.keyColumn, key)
    .andWhere(q => {
      if (plan.allMonths || plan.months) {
        q.orWhere(m => {
          m.where('grain', 'm');
          if (plan.months?.first) m.where('period', '>=', plan.months.first);
          if (plan.months?.last) m.where('period', '<=', plan.months.last);
        });
      }
      for (const days of plan.days) {
        q.orWhere(d => d.where('grain', 'd').whereBetween('period', [days.first, days.last]));
      }
      // An empty plan (cannot happen for a valid window) must read nothing rather than everything.
      if (!plan.allMonths && !plan.months && plan.days.length === 0) q.whereRaw('1 = 0');
    })
    .select('period', 'external_cause', 'incidents', 'rollup');
  if (scope) {
    stored.unionAll(
      db(SCOPES)
        .where('scope_key', key)
        .select(db.raw('NULL as period'), db.raw('NULL as external_cause'), db.raw('NULL as incidents'), db.raw('NULL as rollup')),
    );
  }
  const raw =
    plan.raw.length === 0
      ? undefined
      : db('incident_entities')
          .whereIn('entity_ref', entityRefs)
          .andWhere(q => {
            for (const range of plan.raw) {
              q.orWhere(r => r.where('declared_at', '>=', new Date(range.fromMs)).where('declared_at', '<', new Date(range.toMs)));
            }
          })
          .select('incident_id', ...ROLLUP_SOURCE_COLUMNS);
  return { stored, raw };
}

async function metricsFromStored(
  db: Knex,
  entityRefs: string[],
  window: { from?: string; to?: string },
  exactUpTo: number,
): Promise<MetricsReport | undefined | typeof NOT_BUILT> {
  const queries = rollupReadQueries(db, entityRefs, window);
  const [storedRows, rawRows]: [DbRollupRow[], Array<RollupSourceRow & { incident_id: string }>] = await Promise.all([
    queries.stored,
    queries.raw ?? [],
  ]);
  const rows = storedRows.filter(row => row.period !== null);
  if (entityRefs.length > 1 && rows.length === storedRows.length) return NOT_BUILT;
  // An incident touching several of the entities counts once.
  const seen = new Set<string>();
  const rawIncidents = rawRows.filter(row => {
    if (seen.has(row.incident_id)) return false;
    seen.add(row.incident_id);
    return true;
  });
  const total = rows.reduce((sum, r) => sum + Number(r.incidents), 0) + rawIncidents.length;
  if (total <= exactUpTo) return undefined;

  const parts: RollupPart[] = rows.map(row => ({
    month: row.period.slice(0, 7),
    externalCause: Boolean(row.external_cause),
    rollup: JSON.parse(row.rollup) as MetricRollup,
  }));
  for (const row of rawIncidents) {
    const incident = metricIncidentOf(row);
    parts.push({
      month: rollupPeriodsOf(incident.declaredAt).month,
      externalCause: incident.externalCause,
      rollup: addToRollup(emptyMetricRollup(), incident),
    });
  }
  const aggregates = aggregatesFromRollups(parts);
  return {
    internal: metricsFromAggregate(aggregates.internal),
    external: metricsFromAggregate(aggregates.external),
    all: metricsFromAggregate(aggregates.all),
  };
}

/**
 * Builds the rollups of the scope of some entities from their incidents, in
 * one transaction holding the entities' locks (so no write to them is missed
 * or counted twice) and then the scope's. Does nothing when the scope is
 * already built. Returns the number of incidents read, or undefined when
 * nothing was built.
 */
export async function buildScopeRollups(db: Knex, entityRefs: string[]): Promise<number | undefined> {
  const refs = [...new Set(entityRefs)].sort();
  const key = scopeKeyOf(refs);
  return db.transaction(async tx => {
    await lockRollups(tx, ENTITY_ROLLUPS, refs);
    await lockRollups(tx, SCOPE_ROLLUP_TABLE, [key]);
    if (await tx(SCOPES).where('scope_key', key).first('scope_key')) return undefined;
    await tx(SCOPE_ROLLUPS).where('scope_key', key).del();
    await tx(SCOPE_MEMBERS).where('scope_key', key).del();
    for (let i = 0; i < refs.length; i += INSERT_CHUNK) {
      await tx(SCOPE_MEMBERS).insert(refs.slice(i, i + INSERT_CHUNK).map(ref => ({ scope_key: key, entity_ref: ref })));
    }
    const rows: Array<RollupSourceRow & { incident_id: string }> = await tx('incident_entities')
      .whereIn('entity_ref', tx(SCOPE_MEMBERS).select('entity_ref').where('scope_key', key))
      .select('incident_id', ...ROLLUP_SOURCE_COLUMNS);
    const seen = new Set<string>();
    const sources: Array<[RollupSource, 1]> = [];
    for (const row of rows) {
      if (seen.has(row.incident_id)) continue;
      seen.add(row.incident_id);
      sources.push([{ entityRef: key, incident: metricIncidentOf(row) }, 1]);
    }
    await insertRollups(tx, SCOPE_ROLLUP_TABLE, rollupsOf(sources));
    const now = new Date();
    await tx(SCOPES).insert({ scope_key: key, member_count: refs.length, built_at: now, last_read_at: now });
    return seen.size;
  });
}

/** Drops the scopes not read since `before`, with their rollups. Returns how many. */
export async function dropUnreadScopes(db: Knex, before: Date): Promise<number> {
  const keys: string[] = (await db(SCOPES).where('last_read_at', '<', before).select('scope_key')).map(
    (r: { scope_key: string }) => r.scope_key,
  );
  let dropped = 0;
  for (const key of keys) {
    dropped += await db.transaction(async tx => {
      await lockRollups(tx, SCOPE_ROLLUP_TABLE, [key]);
      // Read again under the lock: it may have been read since.
      const gone = await tx(SCOPES).where('scope_key', key).where('last_read_at', '<', before).del();
      if (!gone) return 0;
      await tx(SCOPE_MEMBERS).where('scope_key', key).del();
      await tx(SCOPE_ROLLUPS).where('scope_key', key).del();
      return 1;
    });
  }
  return dropped;
}
