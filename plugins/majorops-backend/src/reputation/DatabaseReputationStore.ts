import type {
  IncidentRole,
  LedgerEntry,
  LedgerEvent,
  LedgerSource,
  Page,
  ReputationMetric,
  Severity,
  TrainingRecordView,
} from '@majorops/plugin-majorops-common';
import { randomUUID } from 'crypto';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { decodeTimeCursor, keysetPage } from '../database/cursor';
import { DbTimestamp, isPostgres, toIso } from '../database/tables';
import {
  IncidentRecord,
  KeyedKnowledgeFact,
  KeyedLedgerEvent,
  ReputationChanges,
  ReputationStore,
  ResponderRoleRecord,
  ShadowedIncident,
  StoredSuspension,
} from './ReputationStore';
import type { ReputationSummary } from './ReputationSummaryReader';

/** Adding or ending a shadow is bookkeeping: it does not make the one who did it a participant. */
const NOT_PARTICIPATION = new Set(['shadow-assigned', 'shadow-released']);
/** Timeline types the model reads in full; for the rest only each person's first entry counts. */
const FACT_EVENT_TYPES = ['declared', 'status-update', 'escalation', 'severity-change', 'status-change'];
const FACT_EVENT_TYPE_SET = new Set(FACT_EVENT_TYPES);
const CHUNK = 500;
/** At most this many people's summary times (or that they have none) are kept in process. */
const SUMMARY_TIMES_KEPT = 50_000;
/**
 * The row of `reputation_watermarks` that every write of summaries moves
 * forward (never to a value it had): their revision, not a point in time.
 */
export const SUMMARY_REVISION = 'summaries-revision';
const LEDGER_STATE_ID = 'ledger';
/** Rows per INSERT … SELECT FROM unnest(…) on PostgreSQL. */
const PG_INSERT_ROWS = 5000;
/** The types of the columns {@link DatabaseReputationStore.insertRows} sends, in order (user_ref … source_key). */
const LEDGER_COLUMN_TYPES = ['text', 'text', 'text', 'float8', 'float8', 'text', 'boolean', 'timestamptz', 'text', 'text', 'text'];
/** Between the values of a column sent as one text (chr(31), unit separator), and for a NULL (chr(30), record separator). */
const VALUE_SEPARATOR = '\x1f';
const NULL_VALUE = '\x1e';
/** Rows per INSERT on SQLite: 13 columns stay under its limit of bound variables. */
const SQLITE_INSERT_ROWS = 400;

/**
 * The indexes of the ledger, which each generation's table gets once it is
 * written (as migration `202611240600_reputation_ledger_partitions` made them
 * on the partitioned table, so that attaching the table adopts them).
 */
const LEDGER_INDEXES = [
  { suffix: 'user_idx', definition: '(user_ref, occurred_at)' },
  { suffix: 'incident_idx', definition: '(incident_id)' },
  { suffix: 'person_source_idx', definition: '(source_key) WHERE incident_id IS NULL' },
];

/** On PostgreSQL, the table holding one generation of the ledger: written alone, then a partition of `reputation_ledger`. */
function generationTable(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 0) throw new Error(`Not a ledger generation: ${generation}`);
  return `reputation_ledger_g${generation}`;
}

interface DbLedgerRow {
  /** bigint: a string on PostgreSQL, a number on SQLite. */
  id: string | number;
  generation: number;
  user_ref: string;
  incident_id: string | null;
  metric: string;
  value: number;
  weight: number;
  severity: string | null;
  external_cause: boolean | number;
  occurred_at: DbTimestamp;
  reason: string;
  source: string;
  source_key: string;
  computed_at: DbTimestamp;
  incident_title?: string | null;
}

interface DbSuspensionRow {
  id: string;
  user_ref: string;
  reason: string;
  set_by: string;
  set_at: DbTimestamp;
  review_at: DbTimestamp;
  lifted_by: string | null;
  lifted_at: DbTimestamp | null;
  lift_note: string | null;
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Each column as one text, its values joined by {@link VALUE_SEPARATOR} and
 * NULL written as {@link NULL_VALUE}, which `string_to_array(text, chr(31),
 * chr(30))` splits back into the same values (numbers and booleans as JavaScript
 * writes them, which the server reads back exactly); undefined when a value
 * holds either character, so that nothing can be split in the wrong place.
 */
function joinColumns(columns: Array<Array<string | number | boolean | null>>): string[] | undefined {
  const out: string[] = [];
  for (const column of columns) {
    let nulls = 0;
    for (const value of column) if (value === null) nulls++;
    const joined = (nulls === 0 ? column : column.map(value => (value === null ? NULL_VALUE : value))).join(VALUE_SEPARATOR);
    // The join put in one separator between each two values and a null mark per NULL: any more came from a value.
    if (occurrences(joined, VALUE_SEPARATOR) !== column.length - 1 || occurrences(joined, NULL_VALUE) !== nulls) return undefined;
    out.push(joined);
  }
  return out;
}

function occurrences(text: string, character: string): number {
  let count = 0;
  for (let at = text.indexOf(character); at !== -1; at = text.indexOf(character, at + 1)) count++;
  return count;
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

/** A timestamp as ISO-8601 text: PostgreSQL already formatted it (see isoColumn); other engines give dates or epoch numbers. */
function isoOf(value: DbTimestamp): string;
function isoOf(value: DbTimestamp | null | undefined): string | undefined;
function isoOf(value: DbTimestamp | null | undefined): string | undefined {
  if (typeof value === 'string' && value.length === 24 && value.endsWith('Z')) return value;
  return toIso(value);
}

function toLedgerEvent(row: DbLedgerRow): LedgerEvent {
  return {
    userRef: row.user_ref,
    ...(row.incident_id ? { incidentId: row.incident_id } : {}),
    metric: row.metric as ReputationMetric,
    value: Number(row.value),
    ...(row.severity ? { severity: row.severity as Severity } : {}),
    externalCause: truthy(row.external_cause),
    occurredAt: toIso(row.occurred_at),
    reason: row.reason,
    source: row.source as LedgerSource,
    weight: Number(row.weight),
  };
}

function toSuspension(row: DbSuspensionRow): StoredSuspension {
  return {
    id: row.id,
    userRef: row.user_ref,
    reason: row.reason,
    setBy: row.set_by,
    setAt: toIso(row.set_at),
    reviewAt: toIso(row.review_at),
    ...(row.lifted_at ? { liftedAt: toIso(row.lifted_at), liftedBy: row.lifted_by ?? undefined, liftNote: row.lift_note ?? undefined } : {}),
  };
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** Knex implementation of {@link ReputationStore}, on the tables of the MajorOps migrations. */
export class DatabaseReputationStore implements ReputationStore {
  static create(db: Knex): DatabaseReputationStore {
    return new DatabaseReputationStore(db);
  }

  /**
   * The summaries' computation times (null: no summary stored) as of a
   * revision; replaced as a whole when the revision moves.
   */
  private summaryTimes: { revision: number | undefined; times: Map<string, string | null> } = { revision: undefined, times: new Map() };
  /** The last look at the summaries' revision: looks run one after the other. */
  private summarySync: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Knex) {}

  async listIncidentIds(afterId: string | undefined, limit: number): Promise<string[]> {
    const query = this.db('incidents').select('id').orderBy('id').limit(limit);
    if (afterId !== undefined) query.where('id', '>', afterId);
    return (await query).map(r => r.id);
  }

  async loadIncidents(ids: string[]): Promise<IncidentRecord[]> {
    if (ids.length === 0) return [];
    const records = new Map<string, IncidentRecord>();
    for (const part of chunks(ids, 1000)) {
      const ts = (column: string, alias: string) => this.isoColumn(column, alias);
      const [incidents, roles, timeline, repeats] = await Promise.all([
        // On PostgreSQL the ids are joined as an unnested array: a list of a thousand ids in `IN (…)` makes
        // the planner scan the whole table (about 6× slower at 115k incidents).
        this.db('incidents')
          .modify(query =>
            isPostgres(this.db) ? query.joinRaw('JOIN unnest(?::text[]) AS wanted(id) ON wanted.id = incidents.id', [part]) : query.whereIn('id', part),
          )
          .select(
            'incidents.id',
            'title',
            'severity',
            'status',
            'external_cause',
            ts('declared_at', 'declared_at'),
            ts('detected_at', 'detected_at'),
            ts('acknowledged_at', 'acknowledged_at'),
            ts('mitigated_at', 'mitigated_at'),
            ts('resolved_at', 'resolved_at'),
          ),
        this.db('incident_roles')
          .whereIn('incident_id', part)
          .select('incident_id', 'role', 'user_ref', ts('assigned_at', 'assigned_at'), ts('released_at', 'released_at'))
          .orderBy(['incident_id', 'assigned_at', 'id']),
        // The whole timeline in one read: the facts in full, and of every other entry only who wrote it when
        // (each person's first entry is the first row of theirs).
        this.db('timeline_events')
          .whereIn('incident_id', part)
          .select(
            'incident_id',
            'type',
            ts('occurred_at', 'occurred_at'),
            'actor_ref',
            this.db.raw(`CASE WHEN type IN (${FACT_EVENT_TYPES.map(() => '?').join(', ')}) THEN body END AS body`, FACT_EVENT_TYPES),
          )
          .orderBy(['incident_id', 'timeline_events.occurred_at', 'id']),
        // The later incident's declaration looked up per repeat (a join reads every incident for a few repeats).
        this.db('incident_repeats as r')
          .whereIn('r.earlier_incident_id', part)
          .select(
            'r.earlier_incident_id',
            'r.incident_id',
            this.db('incidents as i').whereRaw('i.id = r.incident_id').select(ts('i.declared_at', 'declared_at')).as('declared_at'),
          )
          .orderBy(['r.earlier_incident_id', 'r.incident_id']),
      ]);
      for (const row of incidents) {
        records.set(row.id, {
          id: row.id,
          title: row.title,
          severity: row.severity,
          status: row.status,
          externalCause: truthy(row.external_cause),
          declaredAt: isoOf(row.declared_at),
          detectedAt: isoOf(row.detected_at),
          acknowledgedAt: isoOf(row.acknowledged_at),
          mitigatedAt: isoOf(row.mitigated_at),
          resolvedAt: isoOf(row.resolved_at),
          roles: [],
          events: [],
          firstEntries: [],
          repeats: [],
        });
      }
      for (const row of roles) {
        records.get(row.incident_id)?.roles.push({
          role: row.role,
          userRef: row.user_ref,
          assignedAt: isoOf(row.assigned_at),
          releasedAt: isoOf(row.released_at),
        });
      }
      let current: IncidentRecord | undefined;
      let writers = new Set<string>();
      for (const row of timeline as Array<{ incident_id: string; type: string; occurred_at: DbTimestamp; actor_ref: string; body: string | null }>) {
        if (current?.id !== row.incident_id) {
          current = records.get(row.incident_id);
          writers = new Set();
        }
        if (!current) continue;
        const occurredAt = isoOf(row.occurred_at);
        if (!writers.has(row.actor_ref) && !NOT_PARTICIPATION.has(row.type)) {
          writers.add(row.actor_ref);
          current.firstEntries.push({ actorRef: row.actor_ref, at: occurredAt });
        }
        if (row.body !== null && FACT_EVENT_TYPE_SET.has(row.type)) {
          current.events.push({ type: row.type, occurredAt, actorRef: row.actor_ref, body: parseBody(row.body) });
        }
      }
      for (const row of repeats) {
        records.get(row.earlier_incident_id)?.repeats.push({ incidentId: row.incident_id, declaredAt: isoOf(row.declared_at) });
      }
    }
    for (const record of records.values()) record.firstEntries.sort((a, b) => (a.actorRef < b.actorRef ? -1 : a.actorRef > b.actorRef ? 1 : 0));
    return ids.filter(id => records.has(id)).map(id => records.get(id)!);
  }

  async loadKnowledgeFacts(userRefs?: string[]): Promise<KeyedKnowledgeFact[]> {
    const facts: KeyedKnowledgeFact[] = [];
    const only = <Q extends Knex.QueryBuilder>(query: Q, column: string): Q => (userRefs ? (query.whereIn(column, userRefs) as Q) : query);
    const [revisions, drills, postmortems, facilitated, items] = await Promise.all([
      only(
        this.db('runbook_revisions as v').join('runbooks as r', 'r.id', 'v.runbook_id').select('v.runbook_id', 'v.revision', 'v.author_ref', 'v.created_at', 'r.title'),
        'v.author_ref',
      ),
      this.db('runbook_drills as d')
        .join('runbooks as r', 'r.id', 'd.runbook_id')
        .select('d.id', 'd.recorded_by', 'd.participants', 'd.outcome', 'd.performed_at', 'r.title'),
      only(this.db('postmortems as p').join('incidents as i', 'i.id', 'p.incident_id').select('p.incident_id', 'p.author_ref', 'p.created_at', 'i.title'), 'p.author_ref'),
      only(
        this.db('postmortems as p')
          .join('incidents as i', 'i.id', 'p.incident_id')
          .whereNotNull('p.facilitator_ref')
          .select('p.incident_id', 'p.facilitator_ref', 'p.review_started_at', 'p.updated_at', 'i.title'),
        'p.facilitator_ref',
      ),
      only(this.db('action_items').where({ status: 'done' }).select('id', 'owner_ref', 'title', 'due_date', 'completed_at'), 'owner_ref'),
    ]);
    for (const row of revisions) {
      facts.push({
        sourceKey: `runbook-revision:${row.runbook_id}:${row.revision}`,
        userRef: row.author_ref,
        kind: 'runbook-revision',
        at: toIso(row.created_at),
        subject: row.title,
      });
    }
    const wanted = userRefs ? new Set(userRefs) : undefined;
    for (const row of drills) {
      let participants: string[] = [];
      try {
        participants = JSON.parse(row.participants);
      } catch {
        participants = [];
      }
      for (const userRef of [...new Set([row.recorded_by as string, ...participants])]) {
        if (wanted && !wanted.has(userRef)) continue;
        facts.push({
          sourceKey: `drill:${row.id}:${userRef}`,
          userRef,
          kind: 'drill',
          at: toIso(row.performed_at),
          subject: row.title,
          drillOutcome: row.outcome,
        });
      }
    }
    for (const row of postmortems) {
      facts.push({
        sourceKey: `postmortem-authored:${row.incident_id}`,
        userRef: row.author_ref,
        kind: 'postmortem-authored',
        at: toIso(row.created_at),
        subject: `${row.incident_id} (${row.title})`,
      });
    }
    for (const row of facilitated) {
      facts.push({
        sourceKey: `postmortem-facilitated:${row.incident_id}`,
        userRef: row.facilitator_ref,
        kind: 'postmortem-facilitated',
        at: toIso(row.review_started_at ?? row.updated_at),
        subject: `${row.incident_id} (${row.title})`,
      });
    }
    for (const row of items) {
      const completed = toIso(row.completed_at);
      if (!completed) continue;
      // Due by the end of the due day, UTC.
      const dueEnd = Date.parse(`${row.due_date}T00:00:00.000Z`) + 24 * 60 * 60 * 1000;
      facts.push({
        sourceKey: `action-item:${row.id}`,
        userRef: row.owner_ref,
        kind: 'action-item',
        at: completed,
        subject: row.title,
        completedOnTime: Date.parse(completed) < dueEnd,
      });
    }
    return facts.sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0));
  }

  async loadShadowedIncidents(userRefs?: string[]): Promise<ShadowedIncident[]> {
    const db = this.db;
    // The incidents to read, as a subquery: with shadows, and (for some people) where one of them held a shadowed role.
    const wanted = db('incident_shadows as s').distinct('s.incident_id');
    if (userRefs) {
      if (userRefs.length === 0) return [];
      wanted
        .join('incident_roles as h', join => join.on('h.incident_id', 's.incident_id').andOn('h.role', 's.role'))
        .whereIn('h.user_ref', userRefs);
    }
    const spans = (table: string) =>
      db(table)
        .whereIn('incident_id', wanted.clone())
        .select('incident_id', 'role', 'user_ref', 'assigned_at', 'released_at')
        .orderBy(['incident_id', 'id']);
    const [incidents, holders, shadows] = await Promise.all([
      db('incidents').whereIn('id', wanted.clone()).select('id', 'title', 'resolved_at').orderBy('id'),
      spans('incident_roles'),
      spans('incident_shadows'),
    ]);
    const byId = new Map<string, ShadowedIncident>();
    for (const row of incidents) {
      byId.set(row.id, { incidentId: row.id, title: row.title, resolvedAt: toIso(row.resolved_at), holders: [], shadows: [] });
    }
    const spanOf = (row: { role: IncidentRole; user_ref: string; assigned_at: DbTimestamp; released_at: DbTimestamp | null }) => ({
      role: row.role,
      userRef: row.user_ref,
      from: toIso(row.assigned_at),
      ...(row.released_at ? { to: toIso(row.released_at) } : {}),
    });
    for (const row of holders) byId.get(row.incident_id)?.holders.push(spanOf(row));
    for (const row of shadows) byId.get(row.incident_id)?.shadows.push(spanOf(row));
    return [...byId.values()];
  }

  async changedSince(since: Date): Promise<ReputationChanges> {
    const db = this.db;
    const [incidents, roles, events, repeats, revisions, drills, postmortems, items, mentors] = await Promise.all([
      db('incidents').where('updated_at', '>=', since).pluck('id'),
      db('incident_roles')
        .where('assigned_at', '>=', since)
        .orWhere('released_at', '>=', since)
        .distinct('incident_id')
        .pluck('incident_id'),
      db('timeline_events').where('occurred_at', '>=', since).distinct('incident_id').pluck('incident_id'),
      db('incident_repeats').where('linked_at', '>=', since).select('incident_id', 'earlier_incident_id'),
      db('runbook_revisions').where('created_at', '>=', since).distinct('author_ref').pluck('author_ref'),
      db('runbook_drills').where('recorded_at', '>=', since).select('recorded_by', 'participants'),
      db('postmortems').where('updated_at', '>=', since).select('author_ref', 'facilitator_ref'),
      db('action_items').where('updated_at', '>=', since).distinct('owner_ref').pluck('owner_ref'),
      // Mentoring: whoever held a shadowed role on an incident that changed (a shadow, a hand-over, a resolution).
      db('incident_shadows as s')
        .join('incident_roles as h', join => join.on('h.incident_id', 's.incident_id').andOn('h.role', 's.role'))
        .whereIn('s.incident_id', db('incidents').where('updated_at', '>=', since).select('id'))
        .distinct('h.user_ref')
        .pluck('h.user_ref'),
    ]);
    const incidentIds = new Set<string>([...incidents, ...roles, ...events]);
    for (const r of repeats) {
      incidentIds.add(r.incident_id);
      incidentIds.add(r.earlier_incident_id);
    }
    const users = new Set<string>([...revisions, ...items, ...mentors]);
    for (const d of drills) {
      users.add(d.recorded_by);
      try {
        for (const p of JSON.parse(d.participants) as string[]) users.add(p);
      } catch {
        // a drill without readable participants still counts for its recorder
      }
    }
    for (const p of postmortems) {
      users.add(p.author_ref);
      if (p.facilitator_ref) users.add(p.facilitator_ref);
    }
    return { incidentIds: [...incidentIds].sort(), knowledgeUserRefs: [...users].sort() };
  }

  /**
   * Selects a timestamp column as ISO-8601 text. On PostgreSQL the server
   * formats it, which spares the client parsing a date and formatting it
   * again for every row of a full recompute; elsewhere the column as it is.
   */
  private isoColumn(expression: string, alias: string): Knex.Raw | string {
    if (!isPostgres(this.db)) return this.db.raw(`${expression} as ??`, [alias]);
    return this.db.raw(`to_char(${expression} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ??`, [alias]);
  }

  /** The generation readers see, as a subquery, so that a read stays one statement. */
  private visible(db: Knex | Knex.Transaction = this.db) {
    return db('reputation_ledger_state').where({ id: LEDGER_STATE_ID }).select('generation');
  }

  private async visibleGeneration(db: Knex | Knex.Transaction = this.db): Promise<number> {
    const row = await this.visible(db).first();
    if (!row) throw new Error('reputation_ledger_state has no ledger row; run the MajorOps migrations');
    return Number(row.generation);
  }

  /**
   * Inserts ledger rows. On PostgreSQL one statement per few thousand rows,
   * each column sent as one text of its values joined by a separator and
   * split by the server (`string_to_array`), then unnested; elsewhere knex's
   * batched inserts. Splitting a text is cheaper for the server than reading
   * an array literal (in a full recompute, about twice as many rows per second
   * as the same rows sent as arrays); a chunk with a value holding one of the
   * separators, or of a single row, goes as arrays.
   */
  private async insertRows(
    db: Knex | Knex.Transaction,
    generation: number,
    events: KeyedLedgerEvent[],
    computedAt: string,
    table = 'reputation_ledger',
  ) {
    if (events.length === 0) return;
    if (isPostgres(this.db)) {
      for (const part of chunks(events, PG_INSERT_ROWS)) {
        const columns = [
          part.map(e => e.userRef),
          part.map(e => e.incidentId ?? null),
          part.map(e => e.metric),
          part.map(e => e.value),
          part.map(e => e.weight ?? 1),
          part.map(e => e.severity ?? null),
          part.map(e => e.externalCause),
          part.map(e => e.occurredAt),
          part.map(e => e.reason),
          part.map(e => e.source),
          part.map(e => e.sourceKey),
        ];
        const joined = part.length > 1 ? joinColumns(columns) : undefined;
        const values = joined
          ? `unnest(${LEDGER_COLUMN_TYPES.map(type => `string_to_array(?, chr(31), chr(30))${type === 'text' ? '' : `::${type}[]`}`).join(', ')})`
          : `unnest(${LEDGER_COLUMN_TYPES.map(type => `?::${type}[]`).join(', ')})`;
        await db.raw(
          `INSERT INTO ??
             (generation, computed_at, user_ref, incident_id, metric, value, weight, severity, external_cause, occurred_at, reason, source, source_key)
           SELECT ?::integer, ?::timestamptz, t.* FROM ${values} AS t`,
          [table, generation, computedAt, ...(joined ?? columns)] as unknown as Knex.ValueDict,
        );
      }
      return;
    }
    const at = new Date(computedAt);
    const rows = events.map(e => ({
      generation,
      user_ref: e.userRef,
      incident_id: e.incidentId ?? null,
      metric: e.metric,
      value: e.value,
      weight: e.weight ?? 1,
      severity: e.severity ?? null,
      external_cause: e.externalCause,
      occurred_at: new Date(e.occurredAt),
      reason: e.reason,
      source: e.source,
      source_key: e.sourceKey,
      computed_at: at,
    }));
    for (const part of chunks(rows, SQLITE_INSERT_ROWS)) await db(table).insert(part);
  }

  async replaceIncidentEvents(incidentIds: string[], events: KeyedLedgerEvent[], computedAt: string): Promise<void> {
    await this.db.transaction(async tx => {
      const generation = await this.visibleGeneration(tx);
      for (const part of chunks(incidentIds)) {
        await tx('reputation_ledger').where({ generation }).whereIn('incident_id', part).delete();
      }
      await this.insertRows(tx, generation, events, computedAt);
    });
  }

  async replaceUserEvents(userRefs: string[], sources: readonly string[], events: KeyedLedgerEvent[], computedAt: string): Promise<void> {
    await this.db.transaction(async tx => {
      const generation = await this.visibleGeneration(tx);
      for (const part of chunks(userRefs)) {
        await tx('reputation_ledger').where({ generation }).whereIn('user_ref', part).whereNull('incident_id').whereIn('source', [...sources]).delete();
      }
      // A key written here replaces whatever held it before (e.g. a post-mortem whose author changed).
      const keys = events.filter(e => e.incidentId === undefined).map(e => e.sourceKey);
      for (const part of chunks(keys)) {
        await tx('reputation_ledger').where({ generation }).whereNull('incident_id').whereIn('source_key', part).delete();
      }
      await this.insertRows(tx, generation, events, computedAt);
    });
  }

  /**
   * On PostgreSQL the next generation is written into a table of its own,
   * without indexes, and attached as a partition of `reputation_ledger` by
   * {@link DatabaseReputationStore.finishRebuild}. Elsewhere its rows go
   * into `reputation_ledger` beside the visible ones.
   */
  async beginRebuild(): Promise<number> {
    const visible = await this.visibleGeneration();
    const next = visible + 1;
    // Rows of a rebuild that never finished (the instance stopped half-way) are not seen by anyone.
    if (isPostgres(this.db)) await this.dropGenerationTables(generation => generation !== visible);
    await this.db('reputation_ledger').where('generation', '>', visible).delete();
    if (isPostgres(this.db)) {
      const table = generationTable(next);
      // The check lets PostgreSQL attach the table without reading it.
      await this.db.raw(`CREATE TABLE ?? (LIKE reputation_ledger INCLUDING DEFAULTS, CONSTRAINT ?? CHECK (generation = ${next}))`, [
        table,
        `${table}_generation`,
      ]);
    }
    return next;
  }

  async appendEvents(generation: number, events: KeyedLedgerEvent[], computedAt: string): Promise<void> {
    await this.insertRows(this.db, generation, events, computedAt, isPostgres(this.db) ? generationTable(generation) : 'reputation_ledger');
  }

  /**
   * Switches readers to `generation`. On PostgreSQL its table gets the
   * ledger's indexes (one sort each) and is attached as the generation's
   * partition in the same transaction as the switch; the generation it
   * replaces stays until {@link DatabaseReputationStore.dropRetiredGenerations},
   * so that a read that began before the switch still finds its rows.
   * Elsewhere the older rows are deleted at once.
   */
  async finishRebuild(generation: number, builtAt: string): Promise<void> {
    const switchTo = (db: Knex | Knex.Transaction) =>
      db('reputation_ledger_state').where({ id: LEDGER_STATE_ID }).update({ generation, built_at: new Date(builtAt) });
    if (!isPostgres(this.db)) {
      await switchTo(this.db);
      await this.db('reputation_ledger').where('generation', '<', generation).delete();
      return;
    }
    const table = generationTable(generation);
    await this.db.transaction(async tx => {
      await tx.raw(`SET LOCAL maintenance_work_mem = '256MB'`);
      for (const index of LEDGER_INDEXES) {
        await tx.raw(`CREATE INDEX ?? ON ?? ${index.definition}`, [`${table}_${index.suffix}`, table]);
      }
      await tx.raw('ALTER TABLE ?? ADD CONSTRAINT ?? PRIMARY KEY (id, generation)', [table, `${table}_pkey`]);
    });
    await this.db.raw('ANALYZE ??', [table]);
    await this.db.transaction(async tx => {
      await tx.raw(`ALTER TABLE reputation_ledger ATTACH PARTITION ?? FOR VALUES IN (${generation})`, [table]);
      await switchTo(tx);
    });
  }

  async dropRetiredGenerations(): Promise<void> {
    if (!isPostgres(this.db)) return;
    const visible = await this.visibleGeneration();
    await this.dropGenerationTables(generation => generation < visible);
    await this.db('reputation_ledger').where('generation', '<', visible).delete();
  }

  /** Drops the generation tables (attached or not) whose generation `drop` picks; PostgreSQL only. */
  private async dropGenerationTables(drop: (generation: number) => boolean): Promise<void> {
    const tables: string[] = await this.db('pg_tables')
      .whereRaw('schemaname = current_schema()')
      .whereRaw(`tablename ~ '^reputation_ledger_g[0-9]+$'`)
      .pluck('tablename');
    for (const table of tables) {
      if (drop(Number(table.slice('reputation_ledger_g'.length)))) await this.db.raw('DROP TABLE ??', [table]);
    }
  }

  async listEvents(userRef: string): Promise<LedgerEvent[]> {
    const rows: DbLedgerRow[] = await this.db('reputation_ledger')
      .where({ user_ref: userRef })
      .where('generation', this.visible())
      .orderBy(['occurred_at', 'id']);
    return rows.map(toLedgerEvent);
  }

  async listLedger(userRef: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>> {
    const query = this.db('reputation_ledger as l')
      .leftJoin('incidents as i', 'i.id', 'l.incident_id')
      .where('l.user_ref', userRef)
      .where('l.generation', this.visible())
      .select('l.*', 'i.title as incident_title')
      .orderBy([
        { column: 'l.occurred_at', order: 'desc' },
        { column: 'l.id', order: 'desc' },
      ])
      .limit(page.limit + 1);
    if (page.cursor) {
      const { at, id: idText } = decodeTimeCursor(page.cursor);
      const id = Number(idText);
      if (!Number.isSafeInteger(id)) throw new InputError('cursor is not valid; pass back the nextCursor of a previous page');
      query.where(q => q.where('l.occurred_at', '<', at).orWhere(q2 => q2.where('l.occurred_at', '=', at).andWhere('l.id', '<', id)));
    }
    const rows: DbLedgerRow[] = await query;
    return keysetPage(
      rows,
      page.limit,
      part => part.map(row => ({ id: String(row.id), ...toLedgerEvent(row), ...(row.incident_title ? { incidentTitle: row.incident_title } : {}) })),
      last => [last.occurredAt, last.id],
    );
  }

  async dumpLedger(): Promise<KeyedLedgerEvent[]> {
    const rows: DbLedgerRow[] = await this.db('reputation_ledger').where('generation', this.visible()).orderBy('source_key');
    return rows.map(row => ({ ...toLedgerEvent(row), sourceKey: row.source_key }));
  }

  async ledgerUpdatedAt(userRef: string): Promise<string | undefined> {
    const row = await this.db('reputation_ledger')
      .where({ user_ref: userRef })
      .where('generation', this.visible())
      .max({ at: 'computed_at' })
      .first();
    return row?.at === null || row?.at === undefined ? undefined : toIso(row.at as DbTimestamp);
  }

  async getWatermark(name: string): Promise<Date | undefined> {
    const row = await this.db('reputation_watermarks').where({ name }).first();
    return row ? new Date(toIso(row.value as DbTimestamp)) : undefined;
  }

  async setWatermark(name: string, value: Date): Promise<void> {
    await this.db('reputation_watermarks')
      .insert({ name, value, updated_at: new Date() })
      .onConflict('name')
      .merge(['value', 'updated_at']);
  }

  async listRoleRecords(userRef: string): Promise<ResponderRoleRecord[]> {
    const rows = await this.db('incident_roles as r')
      .join('incidents as i', 'i.id', 'r.incident_id')
      .where('r.user_ref', userRef)
      .select('r.incident_id', 'r.role', 'r.assigned_at', 'r.released_at', 'i.severity', 'i.declared_at', 'i.resolved_at')
      .orderBy(['r.assigned_at', 'r.id']);
    return rows.map(row => ({
      incidentId: row.incident_id,
      role: row.role as IncidentRole,
      severity: row.severity as Severity,
      declaredAt: toIso(row.declared_at as DbTimestamp),
      assignedAt: toIso(row.assigned_at as DbTimestamp),
      releasedAt: toIso(row.released_at as DbTimestamp | null),
      resolvedAt: toIso(row.resolved_at as DbTimestamp | null),
    }));
  }

  async getSummaries(userRefs: string[]): Promise<ReputationSummary[]> {
    const out: ReputationSummary[] = [];
    for (const part of chunks([...new Set(userRefs)])) {
      const rows = await this.db('reputation_summaries').whereIn('user_ref', part).select('summary');
      for (const row of rows) out.push(JSON.parse(row.summary) as ReputationSummary);
    }
    return out;
  }

  /**
   * When the stored summary of each of `userRefs` was computed, for those
   * with one. The times (and who has none) are kept in process as of the
   * summaries' revision ({@link SUMMARY_REVISION}, moved by every
   * `putSummaries` of any instance): each call first reads the revision and
   * drops everything kept when it moved; only people not kept are read by
   * ref. A summary stored before the call started is therefore always seen.
   */
  async getSummaryTimes(userRefs: string[]): Promise<Map<string, string>> {
    await this.syncSummaryTimes();
    const kept = this.summaryTimes;
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const ref of new Set(userRefs)) {
      const at = kept.times.get(ref);
      if (at === undefined) missing.push(ref);
      else if (at !== null) out.set(ref, at);
    }
    if (missing.length === 0) return out;
    const found = await this.readSummaryTimes(missing);
    // Kept only when the revision did not move meanwhile: what was read may predate the move.
    const keep = this.summaryTimes === kept;
    for (const ref of missing) {
      const at = found.get(ref);
      if (at !== undefined) out.set(ref, at);
      if (keep) kept.times.set(ref, at ?? null);
    }
    if (keep) while (kept.times.size > SUMMARY_TIMES_KEPT) kept.times.delete(kept.times.keys().next().value as string);
    return out;
  }

  /** The computation times of these people's stored summaries, read by ref. */
  private async readSummaryTimes(userRefs: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const parts = await Promise.all(
      chunks(userRefs).map(part =>
        this.db('reputation_summaries').whereIn('user_ref', part).select('user_ref', this.isoColumn('computed_at', 'computed_at')),
      ),
    );
    for (const rows of parts) for (const row of rows) out.set(row.user_ref, toIso(row.computed_at as DbTimestamp));
    return out;
  }

  /**
   * Reads the summaries' revision and drops the kept times when it moved;
   * one look after the other, each started after its caller.
   */
  private syncSummaryTimes(): Promise<void> {
    const run = async () => {
      const row = await this.db('reputation_watermarks').where({ name: SUMMARY_REVISION }).first('value');
      const revision = row ? Date.parse(toIso(row.value as DbTimestamp)) : 0;
      if (revision !== this.summaryTimes.revision) this.summaryTimes = { revision, times: new Map() };
    };
    const next = this.summarySync.then(run, run);
    this.summarySync = next.catch(() => undefined);
    return next;
  }

  /**
   * Stores summaries, replacing each person's earlier one: each batch in one
   * transaction that also moves the summaries' revision, so that every
   * instance keeping their times learns of it (see getSummaryTimes).
   */
  async putSummaries(summaries: ReputationSummary[]): Promise<void> {
    for (const part of chunks(summaries, 200)) {
      await this.db.transaction(async tx => {
        await tx('reputation_summaries')
          .insert(part.map(s => ({ user_ref: s.userRef, summary: JSON.stringify(s), computed_at: new Date(s.computedAt) })))
          .onConflict('user_ref')
          .merge(['summary', 'computed_at']);
        await this.moveSummaryRevision(tx);
      });
    }
  }

  /**
   * A revision later than the current one (in milliseconds, held as a
   * timestamp): the row is created if missing and then locked until the
   * transaction ends, so concurrent writers move it one after the other and
   * never to the same value.
   */
  private async moveSummaryRevision(tx: Knex.Transaction): Promise<void> {
    const epoch = new Date(0);
    await tx('reputation_watermarks').insert({ name: SUMMARY_REVISION, value: epoch, updated_at: epoch }).onConflict('name').ignore();
    const row = await tx('reputation_watermarks').where({ name: SUMMARY_REVISION }).forUpdate().first('value');
    const previous = row ? Date.parse(toIso(row.value as DbTimestamp)) : 0;
    const now = new Date();
    await tx('reputation_watermarks')
      .where({ name: SUMMARY_REVISION })
      .update({ value: new Date(Math.max(now.getTime(), previous + 1)), updated_at: now });
  }

  async listSummariesComputedBefore(before: string, limit: number): Promise<string[]> {
    return this.db('reputation_summaries')
      .where('computed_at', '<', new Date(before))
      .orderBy([{ column: 'computed_at' }, { column: 'user_ref' }])
      .limit(limit)
      .pluck('user_ref');
  }

  async withRecords(userRefs: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(userRefs)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const part = unique.slice(i, i + CHUNK);
      const rows = await Promise.all(
        ['incident_roles', 'responder_training', 'responder_suspensions'].map(table =>
          this.db(table).whereIn('user_ref', part).distinct('user_ref').pluck('user_ref'),
        ),
      );
      rows.flat().forEach(ref => found.add(ref));
    }
    return found;
  }

  async listTraining(userRef: string): Promise<TrainingRecordView[]> {
    const rows = await this.db('responder_training').where({ user_ref: userRef }).orderBy([{ column: 'completed_at', order: 'desc' }, 'id']);
    return rows.map(row => ({
      id: row.id,
      userRef: row.user_ref,
      kind: row.kind,
      issuer: row.issuer,
      completedAt: toIso(row.completed_at as DbTimestamp),
      ...(row.expires_at ? { expiresAt: toIso(row.expires_at as DbTimestamp) } : {}),
      recordedBy: row.recorded_by,
      recordedAt: toIso(row.recorded_at as DbTimestamp),
    }));
  }

  async addTraining(record: Omit<TrainingRecordView, 'id'>): Promise<TrainingRecordView> {
    const id = randomUUID();
    await this.db('responder_training').insert({
      id,
      user_ref: record.userRef,
      kind: record.kind,
      issuer: record.issuer,
      completed_at: new Date(record.completedAt),
      expires_at: record.expiresAt ? new Date(record.expiresAt) : null,
      recorded_by: record.recordedBy,
      recorded_at: new Date(record.recordedAt),
    });
    return { id, ...record };
  }

  async listSuspensions(userRef: string): Promise<StoredSuspension[]> {
    const rows: DbSuspensionRow[] = await this.db('responder_suspensions').where({ user_ref: userRef }).orderBy(['set_at', 'id']);
    return rows.map(toSuspension);
  }

  async suspend(
    suspension: Omit<StoredSuspension, 'id' | 'liftedAt' | 'liftedBy' | 'liftNote'>,
  ): Promise<StoredSuspension | undefined> {
    const id = randomUUID();
    const inserted = await this.db.transaction(async tx => {
      // Two managers suspending at once: the conditional insert lets only one through.
      const rows = await tx.raw(
        `INSERT INTO responder_suspensions (id, user_ref, reason, set_by, set_at, review_at)
         SELECT ?, ?, ?, ?, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM responder_suspensions WHERE user_ref = ? AND lifted_at IS NULL)`,
        [id, suspension.userRef, suspension.reason, suspension.setBy, new Date(suspension.setAt), new Date(suspension.reviewAt), suspension.userRef],
      );
      const count = typeof rows?.rowCount === 'number' ? rows.rowCount : Number(rows?.changes ?? 0);
      return count > 0;
    });
    if (!inserted) return undefined;
    return { id, ...suspension };
  }

  async lift(userRef: string, lift: { liftedBy: string; liftedAt: string; note: string }): Promise<StoredSuspension | undefined> {
    return this.db.transaction(async tx => {
      const active: DbSuspensionRow | undefined = await tx('responder_suspensions')
        .where({ user_ref: userRef })
        .whereNull('lifted_at')
        .orderBy('set_at', 'desc')
        .first();
      if (!active) return undefined;
      const updated = await tx('responder_suspensions')
        .where({ id: active.id })
        .whereNull('lifted_at')
        .update({ lifted_by: lift.liftedBy, lifted_at: new Date(lift.liftedAt), lift_note: lift.note });
      if (updated === 0) return undefined;
      return toSuspension({ ...active, lifted_by: lift.liftedBy, lifted_at: new Date(lift.liftedAt), lift_note: lift.note });
    });
  }
}
