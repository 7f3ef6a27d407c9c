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
import { Knex } from 'knex';
import { DbTimestamp, isPostgres, toMillis } from './tables';

/*
 * The per-entity metric rollups (`incident_metric_rollups`, see the
 * migration 202611240400): kept in step with `incident_entities` by the
 * store's writes, built for existing data by a background task, and read for
 * the metrics of a single entity with many incidents.
 */

const ROLLUPS = 'incident_metric_rollups';
const STATE = 'incident_metric_rollup_state';

/**
 * Writers of one entity's rollups take this PostgreSQL advisory lock (with the
 * hash of the entity ref) for the rest of their transaction, so a rebuild and
 * an incident's update never interleave on the same rows. SQLite has one writer.
 */
const LOCK_CLASS = 0x4d4f5052;

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
  entityRef: string;
  grain: 'm' | 'd';
  period: string;
  externalCause: boolean;
}

interface DbRollupRow {
  entity_ref: string;
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

async function lockEntities(tx: Knex.Transaction, entityRefs: string[]): Promise<void> {
  if (!isPostgres(tx)) return;
  // Always in the same order, so two writers never wait on each other in a circle.
  for (const ref of [...new Set(entityRefs)].sort()) {
    await tx.raw('SELECT pg_advisory_xact_lock(?, hashtext(?))', [LOCK_CLASS, ref]);
  }
}

const whereKey = (k: RollupKey) => ({
  entity_ref: k.entityRef,
  grain: k.grain,
  period: k.period,
  external_cause: k.externalCause,
});

/**
 * Moves the rollups from what `removed` contributed to what `added` does, in
 * the caller's transaction (which has already written the rows they describe).
 * Called with the old and new rows of an incident's entities when its
 * severity, cause or milestones change, and with the new rows only when it is
 * declared.
 */
export async function applyRollupChanges(
  tx: Knex.Transaction,
  removed: RollupSource[],
  added: RollupSource[],
): Promise<void> {
  const deltas = [
    ...rollupsOf([...removed.map(s => [s, -1] as [RollupSource, -1]), ...added.map(s => [s, 1] as [RollupSource, 1])]).values(),
  ].filter(d => !isEmptyRollup(d.rollup));
  if (deltas.length === 0) return;
  const refs = [...new Set(deltas.map(d => d.entityRef))];
  await lockEntities(tx, refs);
  const existing: DbRollupRow[] = await tx(ROLLUPS)
    .whereIn('entity_ref', refs)
    .whereIn('period', [...new Set(deltas.map(d => d.period))]);
  const byKey = new Map(
    existing.map(row => [
      keyString({ entityRef: row.entity_ref, grain: row.grain, period: row.period, externalCause: Boolean(row.external_cause) }),
      row,
    ]),
  );
  for (const delta of deltas) {
    const row = byKey.get(keyString(delta));
    const merged = row ? mergeRollup(JSON.parse(row.rollup) as MetricRollup, delta.rollup) : delta.rollup;
    const incidents = rollupIncidentCount(merged);
    if (incidents <= 0) {
      // Nothing left in this period (or, before the first build, a change to an incident not counted yet).
      if (row) await tx(ROLLUPS).where(whereKey(delta)).del();
    } else if (row) {
      await tx(ROLLUPS).where(whereKey(delta)).update({ incidents, rollup: JSON.stringify(merged) });
    } else {
      await tx(ROLLUPS).insert({ ...whereKey(delta), incidents, rollup: JSON.stringify(merged) });
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
    await lockEntities(tx, [entityRef]);
    await tx(ROLLUPS).where('entity_ref', entityRef).del();
    const rows: RollupSourceRow[] = await tx('incident_entities').where('entity_ref', entityRef).select(ROLLUP_SOURCE_COLUMNS);
    const rollups = rollupsOf(rows.map(row => [rollupSourceOf(row), 1]));
    const inserts = [...rollups.values()]
      .map(r => ({ ...whereKey(r), incidents: rollupIncidentCount(r.rollup), rollup: JSON.stringify(r.rollup) }))
      .filter(r => r.incidents > 0);
    for (let i = 0; i < inserts.length; i += INSERT_CHUNK) {
      await tx(ROLLUPS).insert(inserts.slice(i, i + INSERT_CHUNK));
    }
    return rows.length;
  });
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
  const plan = planRollupWindow({
    fromMs: window.from === undefined ? undefined : Date.parse(window.from),
    toMs: window.to === undefined ? undefined : Date.parse(window.to),
  });
  const stored = db<DbRollupRow>(ROLLUPS)
    .where('entity_ref', entityRef)
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
  const raw =
    plan.raw.length === 0
      ? Promise.resolve([] as RollupSourceRow[])
      : db('incident_entities')
          .where('entity_ref', entityRef)
          .andWhere(q => {
            for (const range of plan.raw) {
              q.orWhere(r => r.where('declared_at', '>=', new Date(range.fromMs)).where('declared_at', '<', new Date(range.toMs)));
            }
          })
          .select(ROLLUP_SOURCE_COLUMNS);
  const [rows, rawRows] = await Promise.all([stored, raw]);
  const total = rows.reduce((sum, r) => sum + Number(r.incidents), 0) + rawRows.length;
  if (total <= exactUpTo) return undefined;

  const parts: RollupPart[] = rows.map(row => ({
    month: row.period.slice(0, 7),
    externalCause: Boolean(row.external_cause),
    rollup: JSON.parse(row.rollup) as MetricRollup,
  }));
  for (const { incident } of (rawRows as RollupSourceRow[]).map(rollupSourceOf)) {
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
