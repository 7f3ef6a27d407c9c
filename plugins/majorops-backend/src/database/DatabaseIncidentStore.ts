import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  computeIncidentMetricsFromMillis,
  hypothesisStatusAt,
  INCIDENT_ROLE_TITLES,
  METRIC_DURATIONS,
  metricsFromAggregate,
  SEVERITIES,
  type MetricDuration,
  type MetricsAggregate,
  type MetricsReport,
  type AffectedEntity,
  type Hypothesis,
  type Incident,
  type IncidentRole,
  type IncidentSource,
  type IncidentStatus,
  type Page,
  type ResponderParticipation,
  type RoleAssignment,
  type Severity,
  type TimelineEvent,
  type TimelineEventType,
} from '@majorops/plugin-majorops-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { decodeTimeCursor, keysetPage } from './cursor';
import { ScopeBuilds } from './ScopeBuilds';
import {
  applyRollupChanges,
  metricIncidentOf,
  metricsFromRollups,
  metricsFromScopeRollups,
  ROLLUP_SOURCE_COLUMNS,
  rollupsBuiltAt,
  rollupSourceOf,
  RollupSourceRow,
} from './metricRollups';
import {
  Expectation,
  IncidentChanges,
  IncidentInternals,
  IncidentListFilter,
  IncidentStore,
  MetricRow,
  MetricsFilter,
  NewIncident,
  NewTimelineEvent,
} from './IncidentStore';
import {
  DbHypothesisRow,
  DbIncidentEntityRow,
  DbIncidentRoleRow,
  DbIncidentRow,
  DbIncidentShadowRow,
  DbTimelineEventRow,
  isPostgres,
  toDate,
  toIso,
} from './tables';

const migrationsDir = resolvePackagePath(
  '@majorops/plugin-majorops-backend',
  'migrations',
);

/** Runs the plugin's migrations unless the operator asked to skip them. */
export async function applyMigrations(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

export const MIGRATIONS_DIRECTORY = migrationsDir;

const MILESTONE_COLUMNS = {
  impactStartedAt: 'impact_started_at',
  detectedAt: 'detected_at',
  declaredAt: 'declared_at',
  acknowledgedAt: 'acknowledged_at',
  mitigatedAt: 'mitigated_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
} as const;

/**
 * Columns of `incidents` that `incident_entities` carries a copy of: the
 * declaration time for paging by entity, and what the metrics read.
 */
const ENTITY_COPY_COLUMNS = new Set([
  'severity',
  'external_cause',
  'impact_started_at',
  'detected_at',
  'declared_at',
  'acknowledged_at',
  'mitigated_at',
  'resolved_at',
]);

/** Entities listed together are merged from per-entity pages up to this many entities. */
const MAX_MERGED_RANGES = 200;

/**
 * Single-entity metrics over more incidents than this are read from the
 * metric rollups (medians within 1 %); up to this many, from the incidents
 * (exact medians).
 */
export const DEFAULT_EXACT_METRICS_UP_TO = 2000;

export interface IncidentStoreOptions {
  /** See {@link DEFAULT_EXACT_METRICS_UP_TO}. */
  exactMetricsUpTo?: number;
  /** Told of a failed background build of a scope's metric rollups (the reads stay exact meanwhile). */
  onBackgroundError?: (error: Error) => void;
}

const OPEN: IncidentStatus[] = ['declared', 'investigating', 'identified', 'mitigating', 'monitoring'];

/** IncidentStore on knex, for SQLite and PostgreSQL. */
export class DatabaseIncidentStore implements IncidentStore {
  /** Takes a client on which {@link applyMigrations} has run. */
  static create(db: Knex, options: IncidentStoreOptions = {}): DatabaseIncidentStore {
    return new DatabaseIncidentStore(
      db,
      options.exactMetricsUpTo ?? DEFAULT_EXACT_METRICS_UP_TO,
      options.onBackgroundError ?? (() => {}),
    );
  }

  /** Set once the metric rollups have been built; they are never unbuilt. */
  private rollupsReady = false;

  private readonly scopeBuilds: ScopeBuilds;

  private constructor(
    private readonly db: Knex,
    private readonly exactMetricsUpTo: number,
    onBackgroundError: (error: Error) => void,
  ) {
    this.scopeBuilds = new ScopeBuilds(db, onBackgroundError);
  }

  async createIncident(input: NewIncident): Promise<Incident> {
    const id = randomUUID();
    const declaredAt = new Date(input.milestones.declaredAt);
    const createdAt = new Date(input.createdAt);
    await this.db.transaction(async tx => {
      await tx<DbIncidentRow>('incidents').insert({
        id,
        title: input.title,
        summary: input.summary,
        severity: input.severity,
        status: input.status,
        incident_type: input.incidentType ?? null,
        tags: JSON.stringify(input.tags),
        external_cause: input.externalCause,
        customer_reported: input.customerReported,
        paying_customer: input.payingCustomer ?? false,
        data_integrity_concern: input.dataIntegrityConcern ?? false,
        impact_scope: input.impactScope ?? null,
        baseline_impact: input.impactScope ?? null,
        source: input.source,
        external_id: input.externalId ?? null,
        external_url: input.externalUrl ?? null,
        impact_started_at: toDate(input.milestones.impactStartedAt),
        detected_at: toDate(input.milestones.detectedAt),
        declared_at: declaredAt,
        acknowledged_at: toDate(input.milestones.acknowledgedAt),
        mitigated_at: toDate(input.milestones.mitigatedAt),
        resolved_at: toDate(input.milestones.resolvedAt),
        closed_at: toDate(input.milestones.closedAt),
        root_cause_identified_at: toDate(input.rootCauseIdentifiedAt),
        created_by: input.createdBy,
        created_at: createdAt,
        updated_at: createdAt,
        version: 1,
      } as any);
      if (input.entities.length) {
        const entityRows = input.entities.map(e => ({
          incident_id: id,
          entity_ref: e.entityRef,
          owner_ref: e.ownerRef ?? null,
          system_ref: e.systemRef ?? null,
          declared_at: declaredAt,
          severity: input.severity,
          external_cause: input.externalCause,
          impact_started_at: toDate(input.milestones.impactStartedAt),
          detected_at: toDate(input.milestones.detectedAt),
          acknowledged_at: toDate(input.milestones.acknowledgedAt),
          mitigated_at: toDate(input.milestones.mitigatedAt),
          resolved_at: toDate(input.milestones.resolvedAt),
        }));
        await tx<DbIncidentEntityRow>('incident_entities').insert(entityRows);
        // The rows just written carry every column the rollups read.
        await applyRollupChanges(tx, [], entityRows.map(rollupSourceOf));
      }
      // Held roles and shadows are rows of the same shape in their own tables.
      for (const [table, spans] of [
        ['incident_roles', input.roles],
        ['incident_shadows', input.shadows ?? []],
      ] as const) {
        if (spans.length === 0) continue;
        await tx(table).insert(
          spans.map(r => ({
            incident_id: id,
            role: r.role,
            user_ref: r.userRef,
            assigned_by: r.assignedBy,
            assigned_at: new Date(r.assignedAt),
            released_by: r.releasedBy ?? null,
            released_at: toDate(r.releasedAt),
          })),
        );
      }
      await this.insertEvents(tx, id, input.timeline ?? []);
    });
    return (await this.getIncident(id))!;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    return this.getIncidentWith(this.db, id);
  }

  async getInternals(id: string): Promise<IncidentInternals | undefined> {
    const row = await this.db<DbIncidentRow>('incidents').where({ id }).first('baseline_impact');
    if (!row) return undefined;
    return { baselineImpact: row.baseline_impact ?? undefined };
  }

  async listIncidents(filter: IncidentListFilter): Promise<Page<Incident>> {
    if (filter.entityRefs && filter.entityRefs.length === 0) {
      return { items: [] };
    }
    if (filter.entityRefs) {
      return this.listIncidentsOfEntities(filter, filter.entityRefs);
    }
    const query = this.db<DbIncidentRow>('incidents as i').select('i.*');
    if (filter.statuses?.length) query.whereIn('i.status', filter.statuses);
    if (filter.severities?.length) query.whereIn('i.severity', filter.severities);
    if (filter.cursor) {
      const { at, id } = decodeTimeCursor(filter.cursor);
      // "key <= at AND (key < at OR id < last)": the first term bounds the index scan.
      query
        .where('i.declared_at', '<=', at)
        .andWhere(w => w.where('i.declared_at', '<', at).orWhere('i.id', '<', id));
    }
    const rows: DbIncidentRow[] = await query
      .orderBy([
        { column: 'i.declared_at', order: 'desc' },
        { column: 'i.id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    return keysetPage(
      rows,
      filter.limit,
      pageRows => this.hydrate(this.db, pageRows),
      last => [last.milestones.declaredAt, last.id],
    );
  }

  /**
   * Incidents touching some entities, driven from `incident_entities` and its
   * (entity_ref, declared_at, incident_id) index, so that an entity with three
   * incidents costs three index entries, not a scan of every incident.
   */
  private async listIncidentsOfEntities(
    filter: IncidentListFilter,
    entityRefs: string[],
  ): Promise<Page<Incident>> {
    // One index range per entity, each cut to a page; the pages are merged and
    // cut again. Cost grows with the number of entities and the page size,
    // never with how many incidents they have.
    const cursor = filter.cursor ? decodeTimeCursor(filter.cursor) : undefined;
    const pageOf = (scope: (q: Knex.QueryBuilder) => void) => {
      const q = this.db('incident_entities as e').select('e.incident_id', 'e.declared_at');
      scope(q);
      if (filter.statuses?.length || filter.severities?.length) {
        q.join('incidents as i', 'i.id', 'e.incident_id');
        if (filter.statuses?.length) q.whereIn('i.status', filter.statuses);
        if (filter.severities?.length) q.whereIn('i.severity', filter.severities);
      }
      if (cursor) {
        q.where('e.declared_at', '<=', cursor.at).andWhere(w =>
          w.where('e.declared_at', '<', cursor.at).orWhere('e.incident_id', '<', cursor.id),
        );
      }
      return q
        .orderBy([
          { column: 'e.declared_at', order: 'desc' },
          { column: 'e.incident_id', order: 'desc' },
        ])
        .limit(filter.limit + 1);
    };
    let idRows: Array<{ incident_id: string }>;
    if (entityRefs.length === 1) {
      idRows = await pageOf(q => q.where('e.entity_ref', entityRefs[0]));
    } else if (isPostgres(this.db)) {
      // One statement whatever the number of refs: each ref's page read along its index range by a
      // lateral subquery. (A UNION ALL of one arm per ref took longer to plan than to run: 41 refs,
      // 5-7 ms against ~1.5 ms.)
      const perRef = pageOf(q => q.whereRaw('e.entity_ref = r.ref'));
      idRows = await this.db
        .distinct('p.incident_id', 'p.declared_at')
        .from(this.db.raw('unnest(?::text[]) as r(ref) cross join lateral ? as p', [entityRefs, perRef]))
        .orderBy([
          { column: 'p.declared_at', order: 'desc' },
          { column: 'p.incident_id', order: 'desc' },
        ])
        .limit(filter.limit + 1);
    } else {
      // SQLite allows at most 500 terms in a compound select; past that, one range over all refs.
      const arms =
        entityRefs.length <= MAX_MERGED_RANGES
          ? entityRefs.map((ref, n) =>
              this.db.select('incident_id', 'declared_at').from(pageOf(q => q.where('e.entity_ref', ref)).as(`r${n}`)),
            )
          : [this.db.select('incident_id', 'declared_at').from(pageOf(q => q.whereIn('e.entity_ref', entityRefs)).as('r0'))];
      const merged = arms.length === 1 ? arms[0] : arms[0].unionAll(arms.slice(1));
      // declared_at is copied onto every entity row, so an incident's pair is the same in every range.
      idRows = await this.db
        .distinct('incident_id', 'declared_at')
        .from(merged.as('m'))
        .orderBy([
          { column: 'declared_at', order: 'desc' },
          { column: 'incident_id', order: 'desc' },
        ])
        .limit(filter.limit + 1);
    }
    return keysetPage(
      idRows,
      filter.limit,
      async pageIds => {
        // The incident rows and their entities and roles at once: three queries on the page's ids, in parallel.
        const ids = pageIds.map(r => r.incident_id);
        const [rows, related] = await Promise.all([
          this.db<DbIncidentRow>('incidents').whereIn('id', ids),
          this.relatedRows(this.db, ids),
        ]);
        const byId = new Map(rows.map(r => [r.id, r]));
        return this.hydrate(
          this.db,
          ids.map(id => byId.get(id)).filter((r): r is DbIncidentRow => !!r),
          related,
        );
      },
      last => [last.milestones.declaredAt, last.id],
    );
  }

  async countIncidents(): Promise<number> {
    const [{ count }] = await this.db('incidents').count({ count: '*' });
    return Number(count);
  }

  async updateIncident(
    id: string,
    expect: Expectation,
    changes: IncidentChanges,
    events: NewTimelineEvent[],
    at: string,
  ): Promise<Incident> {
    return this.db.transaction(async tx => {
      const row = this.changesToRow(changes);
      await this.bumpVersion(tx, id, expect, row, at);
      // The entity rows carry copies of what metrics and paging read; keep them equal.
      const copies = Object.fromEntries(
        Object.entries(row).filter(([column]) => ENTITY_COPY_COLUMNS.has(column)),
      );
      if (Object.keys(copies).length) {
        // Every copied column is one the metric rollups read: move them from the old rows to the new.
        const sources = () =>
          tx('incident_entities').where({ incident_id: id }).select(ROLLUP_SOURCE_COLUMNS) as Promise<RollupSourceRow[]>;
        const before = await sources();
        await tx('incident_entities').where({ incident_id: id }).update(copies);
        await applyRollupChanges(tx, before.map(rollupSourceOf), (await sources()).map(rollupSourceOf));
      }
      await this.insertEvents(tx, id, events);
      return (await this.getIncidentWith(tx, id))!;
    });
  }

  async assignRole(
    id: string,
    expect: Expectation,
    assignment: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident> {
    return this.db.transaction(async tx => {
      await this.bumpVersion(tx, id, expect, {}, assignment.at);
      // The incident row is locked now; the holder read here is the one replaced.
      await this.expectHolder(tx, id, assignment.role, expect);
      await tx('incident_roles')
        .where({ incident_id: id, role: assignment.role })
        .whereNull('released_at')
        .update({ released_at: new Date(assignment.at), released_by: assignment.actorRef });
      await tx('incident_roles').insert({
        incident_id: id,
        role: assignment.role,
        user_ref: assignment.userRef,
        assigned_by: assignment.actorRef,
        assigned_at: new Date(assignment.at),
      });
      // Whoever shadowed the role and now holds it shadows no more.
      await tx('incident_shadows')
        .where({ incident_id: id, role: assignment.role, user_ref: assignment.userRef })
        .whereNull('released_at')
        .update({ released_at: new Date(assignment.at), released_by: assignment.actorRef });
      await this.insertEvents(tx, id, [event]);
      return (await this.getIncidentWith(tx, id))!;
    });
  }

  async releaseRole(
    id: string,
    expect: Expectation,
    release: { role: IncidentRole; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident> {
    return this.db.transaction(async tx => {
      await this.bumpVersion(tx, id, expect, {}, release.at);
      await this.expectHolder(tx, id, release.role, expect);
      const released = await tx('incident_roles')
        .where({ incident_id: id, role: release.role })
        .whereNull('released_at')
        .update({ released_at: new Date(release.at), released_by: release.actorRef });
      if (released === 0) {
        throw new NotFoundError(`Nobody holds the ${release.role} role on incident ${id}`);
      }
      await this.insertEvents(tx, id, [event]);
      return (await this.getIncidentWith(tx, id))!;
    });
  }

  async addShadow(
    id: string,
    expect: Expectation,
    shadow: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident> {
    return this.db.transaction(async tx => {
      // The version bump locks the incident row, so the checks below see every committed shadow.
      await this.bumpVersion(tx, id, expect, {}, shadow.at);
      await this.expectHolder(tx, id, shadow.role, expect);
      const already = await tx('incident_shadows')
        .where({ incident_id: id, role: shadow.role, user_ref: shadow.userRef })
        .whereNull('released_at')
        .first('id');
      if (already) {
        throw new ConflictError(`${shadow.userRef} already shadows the ${INCIDENT_ROLE_TITLES[shadow.role]} on this incident`);
      }
      await tx('incident_shadows').insert({
        incident_id: id,
        role: shadow.role,
        user_ref: shadow.userRef,
        assigned_by: shadow.actorRef,
        assigned_at: new Date(shadow.at),
      });
      await this.insertEvents(tx, id, [event]);
      return (await this.getIncidentWith(tx, id))!;
    });
  }

  async releaseShadow(
    id: string,
    expect: Expectation,
    release: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident> {
    return this.db.transaction(async tx => {
      await this.bumpVersion(tx, id, expect, {}, release.at);
      const released = await tx('incident_shadows')
        .where({ incident_id: id, role: release.role, user_ref: release.userRef })
        .whereNull('released_at')
        .update({ released_at: new Date(release.at), released_by: release.actorRef });
      if (released === 0) {
        throw new NotFoundError(`${release.userRef} does not shadow the ${INCIDENT_ROLE_TITLES[release.role]} on incident ${id}`);
      }
      await this.insertEvents(tx, id, [event]);
      return (await this.getIncidentWith(tx, id))!;
    });
  }

  async appendTimeline(id: string, events: NewTimelineEvent[]): Promise<TimelineEvent[]> {
    return this.db.transaction(async tx => {
      const exists = await tx('incidents').where({ id }).first('id');
      if (!exists) throw new NotFoundError(`No incident with id ${id}`);
      return this.insertEvents(tx, id, events);
    });
  }

  async listTimeline(
    id: string,
    options: { limit: number; cursor?: string; types?: TimelineEventType[] },
  ): Promise<Page<TimelineEvent>> {
    const query = this.db<DbTimelineEventRow>('timeline_events').where('incident_id', id);
    if (options.types?.length) query.whereIn('type', options.types);
    if (options.cursor) {
      const { at: atDate, id: lastId } = decodeTimeCursor(options.cursor);
      const lastNumber = toSerialId(lastId);
      if (lastNumber === undefined) {
        throw new InputError('cursor is not valid; pass back the nextCursor of a previous page');
      }
      query
        .where('occurred_at', '>=', atDate)
        .andWhere(w => w.where('occurred_at', '>', atDate).orWhere('id', '>', lastNumber));
    }
    const rows = await query
      .orderBy([
        { column: 'occurred_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit + 1);
    return keysetPage(rows, options.limit, page => page.map(rowToEvent), last => [last.occurredAt, last.id]);
  }

  async addHypothesis(
    id: string,
    hypothesis: { statement: string; openedBy: string; openedAt: string; timeboxEndsAt: string },
    event: NewTimelineEvent,
  ): Promise<Hypothesis> {
    return this.db.transaction(async tx => {
      const exists = await tx('incidents').where({ id }).first('id');
      if (!exists) throw new NotFoundError(`No incident with id ${id}`);
      const [inserted] = await tx<DbHypothesisRow>('hypotheses')
        .insert({
          incident_id: id,
          statement: hypothesis.statement,
          opened_by: hypothesis.openedBy,
          opened_at: new Date(hypothesis.openedAt),
          timebox_ends_at: new Date(hypothesis.timeboxEndsAt),
          status: 'open',
        } as any)
        .returning('id');
      const hypothesisId = String(typeof inserted === 'object' ? inserted.id : inserted);
      await this.insertEvents(tx, id, [
        { ...event, body: { ...event.body, hypothesisId } },
      ]);
      const row = await tx<DbHypothesisRow>('hypotheses').where({ id: Number(hypothesisId) }).first();
      return rowToHypothesis(row!, hypothesis.openedAt);
    });
  }

  async resolveHypothesis(
    id: string,
    hypothesisId: string,
    resolution: { status: 'confirmed' | 'refuted'; resolvedBy: string; resolvedAt: string },
    event: NewTimelineEvent,
  ): Promise<Hypothesis | undefined> {
    const numericId = toSerialId(hypothesisId);
    if (numericId === undefined) return undefined;
    return this.db.transaction(async tx => {
      const updated = await tx<DbHypothesisRow>('hypotheses')
        .where({ id: numericId, incident_id: id, status: 'open' })
        .update({
          status: resolution.status,
          resolved_by: resolution.resolvedBy,
          resolved_at: new Date(resolution.resolvedAt),
        } as any);
      if (updated === 0) return undefined;
      await this.insertEvents(tx, id, [{ ...event, body: { ...event.body, hypothesisId } }]);
      const row = await tx<DbHypothesisRow>('hypotheses').where({ id: numericId }).first();
      return rowToHypothesis(row!, resolution.resolvedAt);
    });
  }

  async listHypotheses(id: string, now: string): Promise<Hypothesis[]> {
    const rows = await this.db<DbHypothesisRow>('hypotheses')
      .where({ incident_id: id })
      .orderBy('id', 'asc');
    return rows.map(row => rowToHypothesis(row, now));
  }

  async listRootCauseEscalationCandidates(limit: number): Promise<Incident[]> {
    const rows = await this.db<DbIncidentRow>('incidents')
      .whereIn('status', OPEN)
      .whereIn('severity', ['SEV1', 'SEV2'])
      .whereNull('root_cause_identified_at')
      .whereNull('root_cause_escalated_at')
      .orderBy('declared_at', 'asc')
      .limit(limit);
    return this.hydrate(this.db, rows);
  }

  async listMetricRows(filter: { entityRefs?: string[]; from?: string; to?: string }): Promise<MetricRow[]> {
    if (filter.entityRefs && filter.entityRefs.length === 0) return [];
    const query = this.db<DbIncidentRow>('incidents as i').select(
      'i.severity',
      'i.external_cause',
      'i.impact_started_at',
      'i.detected_at',
      'i.declared_at',
      'i.acknowledged_at',
      'i.mitigated_at',
      'i.resolved_at',
    );
    if (filter.entityRefs) {
      // Driven from the entities' index rows, then primary-key lookups.
      const ids = this.db('incident_entities as e').select('e.incident_id').whereIn('e.entity_ref', filter.entityRefs);
      if (filter.from) ids.where('e.declared_at', '>=', new Date(filter.from));
      if (filter.to) ids.where('e.declared_at', '<', new Date(filter.to));
      query.whereIn('i.id', ids);
    }
    if (filter.from) query.where('i.declared_at', '>=', new Date(filter.from));
    if (filter.to) query.where('i.declared_at', '<', new Date(filter.to));
    const rows: DbIncidentRow[] = await query;
    return rows.map(r => ({
      severity: r.severity as Severity,
      externalCause: Boolean(r.external_cause),
      impactStartedAt: toIso(r.impact_started_at),
      detectedAt: toIso(r.detected_at),
      declaredAt: toIso(r.declared_at),
      acknowledgedAt: toIso(r.acknowledged_at),
      mitigatedAt: toIso(r.mitigated_at),
      resolvedAt: toIso(r.resolved_at),
    }));
  }

  async computeMetrics(filter: MetricsFilter): Promise<MetricsReport> {
    if (filter.entityRefs && filter.entityRefs.length === 0) {
      return computeIncidentMetricsFromMillis([]);
    }
    if (filter.entityRefs?.length === 1 && (await this.metricRollupsBuilt())) {
      const report = await metricsFromRollups(this.db, filter.entityRefs[0], filter, this.exactMetricsUpTo);
      if (report) return report;
    }
    if (filter.entityRefs && filter.entityRefs.length > 1) {
      const refs = filter.entityRefs;
      const scoped = await metricsFromScopeRollups(this.db, refs, filter, this.exactMetricsUpTo);
      if (scoped.built) await this.scopeBuilds.touched(refs);
      if (scoped.report) return scoped.report;
      const report = await this.exactMetrics(filter);
      // A scope this large is worth its rollups: built in the background, read from the next request on.
      if (!scoped.built && report.all.total > this.exactMetricsUpTo) this.scopeBuilds.request(refs);
      return report;
    }
    return this.exactMetrics(filter);
  }

  /**
   * Waits for the scope rollups requested so far to be built (or to fail).
   * The store builds them in the background; tests and benchmarks wait here.
   */
  async scopeBuildsSettled(): Promise<void> {
    await this.scopeBuilds.settled();
  }

  private async exactMetrics(filter: MetricsFilter): Promise<MetricsReport> {
    const scope = this.metricsScope(filter);
    if (isPostgres(this.db)) return this.aggregateOnPostgres(scope);
    // SQLite: no ordered-set aggregates; the scope's rows as epoch numbers, aggregated in JS.
    const rows: MetricColumns[] = await scope;
    return computeIncidentMetricsFromMillis(rows.map(metricIncidentOf));
  }

  private async metricRollupsBuilt(): Promise<boolean> {
    if (!this.rollupsReady) this.rollupsReady = (await rollupsBuiltAt(this.db)) !== undefined;
    return this.rollupsReady;
  }

  /**
   * One row per incident in scope with the columns the metrics read. For
   * entities the rows come from `incident_entities` and its copies, through
   * `incident_entities_metrics_idx`: one index range per scope, no lookup into
   * `incidents`. An incident touching several of the entities is kept once.
   */
  private metricsScope(filter: MetricsFilter): Knex.QueryBuilder {
    const columns = ['severity', 'external_cause', 'declared_at', ...MILESTONE_COPY_COLUMNS];
    const refs = filter.entityRefs;
    const query = refs ? this.db('incident_entities') : this.db('incidents');
    if (refs && refs.length > 1) query.distinct('incident_id', ...columns);
    else query.select(columns);
    if (refs?.length === 1) query.where('entity_ref', refs[0]);
    else if (refs) query.whereIn('entity_ref', refs);
    if (filter.from) query.where('declared_at', '>=', new Date(filter.from));
    if (filter.to) query.where('declared_at', '<', new Date(filter.to));
    return query;
  }

  /**
   * Counts, sums and exact medians (percentile_cont) in one statement:
   * durations per internal/external and overall, and per month the counts by
   * severity and the median time to resolve. At most a few hundred rows come
   * back, whatever the number of incidents.
   */
  private async aggregateOnPostgres(scope: Knex.QueryBuilder): Promise<MetricsReport> {
    const ms = (column: string) => `round(date_part('epoch', ${column}) * 1000)`;
    const start = 'coalesce(impact_started_at, detected_at, declared_at)';
    const durations: Record<MetricDuration, string> = {
      mttd: `${ms('detected_at')} - ${ms('impact_started_at')}`,
      mtta: `${ms('acknowledged_at')} - ${ms('coalesce(detected_at, declared_at)')}`,
      mttrRestore: `${ms('coalesce(mitigated_at, resolved_at)')} - ${ms(start)}`,
      mttrResolve: `${ms('resolved_at')} - ${ms(start)}`,
    };
    const measured = (name: MetricDuration) => `FILTER (WHERE "${name}" >= 0)`;
    const scopeSql = scope.toSQL();
    const sql = `
      WITH s AS MATERIALIZED (
        SELECT external_cause AS ext, severity AS sev,
               date_trunc('month', declared_at AT TIME ZONE 'UTC') AS m,
               ${METRIC_DURATIONS.map(name => `${durations[name]} AS "${name}"`).join(',\n               ')}
          FROM (${scopeSql.sql}) AS scope
      ),
      d AS (
        SELECT grouping(ext) AS overall, ext,
               ${METRIC_DURATIONS.map(
                 name => `count(*) ${measured(name)} AS "${name}_count",
               sum("${name}") ${measured(name)} AS "${name}_sum",
               percentile_cont(0.5) WITHIN GROUP (ORDER BY "${name}") ${measured(name)} AS "${name}_median"`,
               ).join(',\n               ')}
          FROM s GROUP BY GROUPING SETS ((ext), ())
      ),
      mo AS (
        SELECT grouping(ext) AS overall, ext, to_char(m, 'YYYY-MM') AS month,
               ${SEVERITIES.map(sev => `count(*) FILTER (WHERE sev = '${sev}') AS "${sev}"`).join(', ')},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY "mttrResolve") ${measured('mttrResolve')} AS median
          FROM s GROUP BY GROUPING SETS ((ext, m), (m))
      )
      SELECT 'durations' AS kind, row_to_json(d) AS row FROM d
      UNION ALL
      SELECT 'month' AS kind, row_to_json(mo) AS row FROM mo`;
    const { rows } = await this.db.raw(sql, scopeSql.bindings as Knex.Value[]);
    const views = { internal: emptyAggregate(), external: emptyAggregate(), all: emptyAggregate() };
    const viewOf = (row: { overall: number; ext: boolean }) =>
      row.overall ? views.all : row.ext ? views.external : views.internal;
    for (const { kind, row } of rows as Array<{ kind: string; row: Record<string, any> }>) {
      const view = viewOf(row as { overall: number; ext: boolean });
      if (kind === 'durations') {
        for (const name of METRIC_DURATIONS) {
          const count = Number(row[`${name}_count`]);
          view.durations[name] = count
            ? { count, sumMs: Number(row[`${name}_sum`]), medianMs: Number(row[`${name}_median`]) }
            : { count: 0, sumMs: 0 };
        }
      } else {
        view.months.push({
          month: row.month,
          bySeverity: Object.fromEntries(SEVERITIES.map(sev => [sev, Number(row[sev])])) as Record<Severity, number>,
          mttrResolveMedianMs: row.median === null ? undefined : Number(row.median),
        });
      }
    }
    return {
      internal: metricsFromAggregate(views.internal),
      external: metricsFromAggregate(views.external),
      all: metricsFromAggregate(views.all),
    };
  }

  async getParticipation(userRef: string): Promise<ResponderParticipation> {
    const rows = await this.db('incident_roles as r')
      .join('incidents as i', 'i.id', 'r.incident_id')
      .where('r.user_ref', userRef)
      .select('r.incident_id', 'r.role', 'i.declared_at');
    const incidents = new Set<string>();
    const rolesHeld: Partial<Record<IncidentRole, number>> = {};
    let last: number | undefined;
    for (const row of rows) {
      incidents.add(row.incident_id);
      const role = row.role as IncidentRole;
      rolesHeld[role] = (rolesHeld[role] ?? 0) + 1;
      const at = Date.parse(toIso(row.declared_at));
      if (last === undefined || at > last) last = at;
    }
    return {
      userRef,
      incidents: incidents.size,
      rolesHeld,
      lastIncidentAt: last === undefined ? undefined : new Date(last).toISOString(),
    };
  }

  async listEntityRefsWithoutOwner(limit: number): Promise<string[]> {
    const rows = await this.db<DbIncidentEntityRow>('incident_entities')
      .distinct('entity_ref')
      .whereNull('owner_ref')
      .orderBy('entity_ref')
      .limit(limit);
    return rows.map(r => r.entity_ref);
  }

  async setOwnerSnapshot(entityRef: string, ownerRef: string, systemRef?: string): Promise<number> {
    return this.db<DbIncidentEntityRow>('incident_entities')
      .where({ entity_ref: entityRef })
      .whereNull('owner_ref')
      .update({ owner_ref: ownerRef, system_ref: systemRef ?? null });
  }

  /**
   * Compare-and-set on the incident row: applies `row` and increments the
   * version only if the row still matches what the caller read.
   */
  private async bumpVersion(
    tx: Knex.Transaction,
    id: string,
    expect: Expectation,
    row: Partial<DbIncidentRow>,
    at: string,
  ) {
    const query = tx<DbIncidentRow>('incidents').where({ id });
    if (expect.version !== undefined) query.andWhere('version', expect.version);
    if (expect.status !== undefined) query.andWhere('status', expect.status);
    if (expect.rootCauseNotEscalated) query.whereNull('root_cause_escalated_at');
    const updated = await query.update({
      ...row,
      updated_at: new Date(at),
      version: tx.raw('version + 1'),
    } as any);
    if (updated === 1) return;
    const current = await tx<DbIncidentRow>('incidents').where({ id }).first('version', 'status');
    if (!current) throw new NotFoundError(`No incident with id ${id}`);
    if (expect.version !== undefined && current.version !== expect.version) {
      throw new ConflictError(
        `Incident ${id} was changed by someone else: you sent version ${expect.version}, it is now at version ${current.version}. Reload it and apply your change again.`,
      );
    }
    throw new ConflictError(
      `Incident ${id} is now ${current.status} (version ${current.version}); your change was based on an older state. Reload it and try again.`,
    );
  }

  /** Refuses the write when the role is no longer held by whom the caller read (`roleHolder`). */
  private async expectHolder(
    tx: Knex.Transaction,
    id: string,
    role: IncidentRole,
    expect: Expectation,
  ) {
    if (expect.roleHolder === undefined) return;
    const row = await tx<DbIncidentRoleRow>('incident_roles')
      .where({ incident_id: id, role })
      .whereNull('released_at')
      .first('user_ref');
    const holder = row?.user_ref ?? null;
    if (holder !== expect.roleHolder) {
      throw new ConflictError(
        `The ${INCIDENT_ROLE_TITLES[role]} role changed meanwhile: it is now ${
          holder ? `held by ${holder}` : 'unassigned'
        }, not ${expect.roleHolder ?? 'unassigned'} as you read it. Reload the incident and try again.`,
      );
    }
  }

  private changesToRow(changes: IncidentChanges): Partial<DbIncidentRow> {
    const row: Record<string, unknown> = {};
    const set = (column: string, value: unknown) => {
      if (value !== undefined) row[column] = value;
    };
    set('title', changes.title);
    set('summary', changes.summary);
    set('severity', changes.severity);
    set('status', changes.status);
    set('incident_type', changes.incidentType);
    set('tags', changes.tags && JSON.stringify(changes.tags));
    set('external_cause', changes.externalCause);
    set('customer_reported', changes.customerReported);
    set('paying_customer', changes.payingCustomer);
    set('data_integrity_concern', changes.dataIntegrityConcern);
    set('impact_scope', changes.impactScope);
    set('baseline_impact', changes.baselineImpact);
    if (changes.rootCauseIdentifiedAt !== undefined) {
      row.root_cause_identified_at = toDate(changes.rootCauseIdentifiedAt);
    }
    if (changes.rootCauseEscalatedAt !== undefined) {
      row.root_cause_escalated_at = toDate(changes.rootCauseEscalatedAt);
    }
    for (const [key, value] of Object.entries(changes.milestones ?? {})) {
      if (value === undefined) continue;
      row[MILESTONE_COLUMNS[key as keyof typeof MILESTONE_COLUMNS]] = toDate(value);
    }
    return row as Partial<DbIncidentRow>;
  }

  private async insertEvents(
    tx: Knex | Knex.Transaction,
    incidentId: string,
    events: NewTimelineEvent[],
  ): Promise<TimelineEvent[]> {
    const out: TimelineEvent[] = [];
    for (const event of events) {
      const [inserted] = await tx<DbTimelineEventRow>('timeline_events')
        .insert({
          incident_id: incidentId,
          type: event.type,
          occurred_at: new Date(event.occurredAt),
          actor_ref: event.actorRef,
          body: JSON.stringify(event.body),
        } as any)
        .returning('id');
      const id = typeof inserted === 'object' ? inserted.id : inserted;
      out.push({
        id: String(id),
        incidentId,
        type: event.type,
        occurredAt: new Date(event.occurredAt).toISOString(),
        actorRef: event.actorRef,
        body: event.body,
      });
    }
    return out;
  }

  /** One incident with its current shadows (which lists leave out). */
  private async getIncidentWith(db: Knex | Knex.Transaction, id: string): Promise<Incident | undefined> {
    const [row, shadowRows] = await Promise.all([
      db<DbIncidentRow>('incidents').where({ id }).first(),
      db<DbIncidentShadowRow>('incident_shadows').where({ incident_id: id }).whereNull('released_at').orderBy('id'),
    ]);
    if (!row) return undefined;
    const [incident] = await this.hydrate(db, [row]);
    incident.shadows = shadowRows.map(r => ({
      role: r.role as IncidentRole,
      userRef: r.user_ref,
      assignedBy: r.assigned_by,
      assignedAt: toIso(r.assigned_at)!,
    }));
    return incident;
  }

  /** The affected entities and current role holders of some incidents, in two queries. */
  private async relatedRows(
    db: Knex | Knex.Transaction,
    ids: string[],
  ): Promise<[DbIncidentEntityRow[], DbIncidentRoleRow[]]> {
    if (ids.length === 0) return [[], []];
    return Promise.all([
      db<DbIncidentEntityRow>('incident_entities').whereIn('incident_id', ids).orderBy('entity_ref'),
      db<DbIncidentRoleRow>('incident_roles').whereIn('incident_id', ids).whereNull('released_at').orderBy('id'),
    ]);
  }

  /** Incidents from their rows, with entities and current roles (read here unless `related` is given). */
  private async hydrate(
    db: Knex | Knex.Transaction,
    rows: DbIncidentRow[],
    related?: [DbIncidentEntityRow[], DbIncidentRoleRow[]],
  ): Promise<Incident[]> {
    if (rows.length === 0) return [];
    const [entityRows, roleRows] =
      related ?? (await this.relatedRows(db, rows.map(r => r.id)));
    const entitiesById = new Map<string, AffectedEntity[]>();
    for (const e of entityRows) {
      const list = entitiesById.get(e.incident_id) ?? [];
      list.push({
        entityRef: e.entity_ref,
        ownerRef: e.owner_ref ?? undefined,
        systemRef: e.system_ref ?? undefined,
      });
      entitiesById.set(e.incident_id, list);
    }
    const rolesById = new Map<string, RoleAssignment[]>();
    for (const r of roleRows) {
      const list = rolesById.get(r.incident_id) ?? [];
      list.push({
        role: r.role as IncidentRole,
        userRef: r.user_ref,
        assignedBy: r.assigned_by,
        assignedAt: toIso(r.assigned_at),
      });
      rolesById.set(r.incident_id, list);
    }
    return rows.map(row => ({
      id: row.id,
      title: row.title,
      summary: row.summary,
      severity: row.severity as Severity,
      status: row.status as IncidentStatus,
      incidentType: row.incident_type ?? undefined,
      tags: JSON.parse(row.tags),
      externalCause: Boolean(row.external_cause),
      customerReported: Boolean(row.customer_reported),
      payingCustomer: Boolean(row.paying_customer),
      dataIntegrityConcern: Boolean(row.data_integrity_concern),
      impactScope: row.impact_scope ?? undefined,
      rootCauseIdentifiedAt: toIso(row.root_cause_identified_at),
      rootCauseEscalatedAt: toIso(row.root_cause_escalated_at),
      source: row.source as IncidentSource,
      externalId: row.external_id ?? undefined,
      externalUrl: row.external_url ?? undefined,
      entities: entitiesById.get(row.id) ?? [],
      roles: rolesById.get(row.id) ?? [],
      milestones: {
        impactStartedAt: toIso(row.impact_started_at),
        detectedAt: toIso(row.detected_at),
        declaredAt: toIso(row.declared_at),
        acknowledgedAt: toIso(row.acknowledged_at),
        mitigatedAt: toIso(row.mitigated_at),
        resolvedAt: toIso(row.resolved_at),
        closedAt: toIso(row.closed_at),
      },
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
      version: row.version,
    }));
  }
}

function rowToEvent(row: DbTimelineEventRow): TimelineEvent {
  return {
    id: String(row.id),
    incidentId: row.incident_id,
    type: row.type as TimelineEventType,
    occurredAt: toIso(row.occurred_at),
    actorRef: row.actor_ref,
    body: JSON.parse(row.body),
  };
}

function rowToHypothesis(row: DbHypothesisRow, now: string): Hypothesis {
  const timeboxEndsAt = toIso(row.timebox_ends_at);
  return {
    id: String(row.id),
    incidentId: row.incident_id,
    statement: row.statement,
    openedBy: row.opened_by,
    openedAt: toIso(row.opened_at),
    timeboxEndsAt,
    status: hypothesisStatusAt(row.status, timeboxEndsAt, now),
    resolvedBy: row.resolved_by ?? undefined,
    resolvedAt: toIso(row.resolved_at),
  };
}

type MetricColumns = Pick<
  DbIncidentRow,
  'severity' | 'external_cause' | 'impact_started_at' | 'detected_at' | 'declared_at' | 'acknowledged_at' | 'mitigated_at' | 'resolved_at'
>;

const MILESTONE_COPY_COLUMNS = ['impact_started_at', 'detected_at', 'acknowledged_at', 'mitigated_at', 'resolved_at'];

function emptyAggregate(): MetricsAggregate {
  return {
    durations: Object.fromEntries(METRIC_DURATIONS.map(name => [name, { count: 0, sumMs: 0 }])) as MetricsAggregate['durations'],
    months: [],
  };
}

/** PostgreSQL `increments()` columns are 32-bit; anything else cannot be one of their ids. */
const MAX_SERIAL = 2_147_483_647;

/** An id of a serial column from its string form, or undefined when it cannot be one. */
function toSerialId(value: string): number | undefined {
  if (!/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= MAX_SERIAL ? n : undefined;
}
