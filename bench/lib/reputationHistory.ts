/*
 * Incident history for the reputation benchmark (bench/reputation.ts): N
 * incidents over 3 years for R responders, with the records the reputation
 * model reads — roles (with handovers), status updates (CAN-complete or not),
 * escalations, severity and status changes (monitoring, reopens), notes by
 * people without a role, repeat links — plus the peacetime work it reads:
 * runbooks and their revisions, drills with participants, post-mortems
 * (author, facilitator) and action items.
 *
 * Everything comes from the seeded PRNG of lib/common.ts, so the same options
 * give the same database. Rows are written as the stores write them:
 * timestamptz on PostgreSQL, epoch milliseconds on SQLite, 0/1 booleans on
 * SQLite, JSON text for bodies and participant lists.
 */
import { Knex } from 'knex';
import { Random, ZipfSampler } from './common';

/** Last declared_at: fixed, so the data does not depend on the day it is generated. */
export const HISTORY_END_MS = Date.UTC(2026, 10, 20);
const SPAN_MS = 3 * 365 * 24 * 3600 * 1000;
const MIN = 60_000;
const DAY = 24 * 3600 * 1000;

type Kind = 'str' | 'ts' | 'bool' | 'num' | 'int';
export type Value = string | number | boolean | null;

export interface Table {
  name: string;
  columns: Array<[name: string, kind: Kind]>;
}

const table = (name: string, columns: Array<[string, Kind]>): Table => ({ name, columns });

export const INCIDENTS = table('incidents', [
  ['id', 'str'], ['title', 'str'], ['summary', 'str'], ['severity', 'str'], ['status', 'str'], ['tags', 'str'],
  ['external_cause', 'bool'], ['customer_reported', 'bool'], ['source', 'str'], ['impact_started_at', 'ts'],
  ['detected_at', 'ts'], ['declared_at', 'ts'], ['acknowledged_at', 'ts'], ['mitigated_at', 'ts'], ['resolved_at', 'ts'],
  ['closed_at', 'ts'], ['created_by', 'str'], ['created_at', 'ts'], ['updated_at', 'ts'], ['version', 'int'],
]);
export const INCIDENT_ENTITIES = table('incident_entities', [
  ['incident_id', 'str'], ['entity_ref', 'str'], ['owner_ref', 'str'], ['system_ref', 'str'], ['declared_at', 'ts'],
  ['severity', 'str'], ['external_cause', 'bool'], ['detected_at', 'ts'], ['acknowledged_at', 'ts'],
  ['mitigated_at', 'ts'], ['resolved_at', 'ts'],
]);
export const INCIDENT_ROLES = table('incident_roles', [
  ['incident_id', 'str'], ['role', 'str'], ['user_ref', 'str'], ['assigned_by', 'str'], ['assigned_at', 'ts'],
  ['released_by', 'str'], ['released_at', 'ts'],
]);
export const TIMELINE_EVENTS = table('timeline_events', [
  ['incident_id', 'str'], ['type', 'str'], ['occurred_at', 'ts'], ['actor_ref', 'str'], ['body', 'str'],
]);
export const INCIDENT_REPEATS = table('incident_repeats', [
  ['incident_id', 'str'], ['earlier_incident_id', 'str'], ['failure_mode', 'str'], ['linked_by', 'str'], ['linked_at', 'ts'],
]);
export const RUNBOOKS = table('runbooks', [
  ['id', 'str'], ['entity_ref', 'str'], ['title', 'str'], ['body', 'str'], ['created_by', 'str'], ['created_at', 'ts'],
  ['updated_at', 'ts'], ['updated_by', 'str'], ['version', 'int'],
]);
export const RUNBOOK_REVISIONS = table('runbook_revisions', [
  ['runbook_id', 'str'], ['revision', 'int'], ['title', 'str'], ['body', 'str'], ['author_ref', 'str'], ['created_at', 'ts'],
]);
export const RUNBOOK_DRILLS = table('runbook_drills', [
  ['runbook_id', 'str'], ['kind', 'str'], ['outcome', 'str'], ['performed_at', 'ts'], ['participants', 'str'],
  ['recorded_by', 'str'], ['recorded_at', 'ts'],
]);
export const POSTMORTEMS = table('postmortems', [
  ['incident_id', 'str'], ['kind', 'str'], ['status', 'str'], ['executive_summary', 'str'], ['impact', 'str'],
  ['timeline', 'str'], ['what_happened', 'str'], ['contributing_factors', 'str'], ['five_whys', 'str'],
  ['went_well', 'str'], ['went_poorly', 'str'], ['lessons_learned', 'str'], ['failure_modes', 'str'],
  ['author_ref', 'str'], ['facilitator_ref', 'str'], ['visibility', 'str'], ['created_at', 'ts'], ['updated_at', 'ts'],
  ['updated_by', 'str'], ['review_started_at', 'ts'], ['finalized_at', 'ts'], ['version', 'int'],
]);
export const ACTION_ITEMS = table('action_items', [
  ['id', 'str'], ['incident_id', 'str'], ['title', 'str'], ['owner_ref', 'str'], ['priority', 'str'], ['due_date', 'str'],
  ['status', 'str'], ['completed_at', 'ts'], ['created_by', 'str'], ['created_at', 'ts'], ['updated_by', 'str'],
  ['updated_at', 'ts'], ['version', 'int'],
]);

/** In foreign-key order. */
export const HISTORY_TABLES = [
  INCIDENTS, INCIDENT_ENTITIES, INCIDENT_ROLES, TIMELINE_EVENTS, INCIDENT_REPEATS,
  RUNBOOKS, RUNBOOK_REVISIONS, RUNBOOK_DRILLS, POSTMORTEMS, ACTION_ITEMS,
];

export type Batch = Map<Table, Value[][]>;
export const emptyBatch = (): Batch => new Map(HISTORY_TABLES.map(t => [t, []]));

export function responderRef(i: number): string {
  return `user:default/responder-${String(i + 1).padStart(5, '0')}`;
}

const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
const SEVERITY_WEIGHTS = [5, 15, 40, 40];
/** Status-update cadence (minutes) by severity, as in the default severity matrix, roughly. */
const CADENCE = { SEV1: 30, SEV2: 60, SEV3: 120, SEV4: 240 } as Record<string, number>;

/**
 * Builds the history in chronological order, one incident at a time; the
 * caller drains the batch into the database whenever it likes.
 */
export class ReputationHistoryFactory {
  private readonly random: Random;
  private readonly people: ZipfSampler;
  /** Zipf rank → responder index, shuffled by the seed. */
  private readonly rankToPerson: number[];
  private readonly recent: string[] = [];
  private readonly runbookIds: string[] = [];
  private actionItemCounter = 0;
  /** Incidents declared in the last `openTail` positions stay in monitoring (the incremental test resolves them). */
  constructor(
    seed: number,
    private readonly incidents: number,
    readonly responders: number,
    private readonly openTail: number,
    skew = 0.5,
  ) {
    this.random = new Random(seed);
    this.people = new ZipfSampler(responders, skew);
    this.rankToPerson = Array.from({ length: responders }, (_, i) => i);
    for (let i = responders - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      [this.rankToPerson[i], this.rankToPerson[j]] = [this.rankToPerson[j], this.rankToPerson[i]];
    }
  }

  /** The responder at a Zipf rank (0 = busiest). */
  personAtRank(rank: number): string {
    return responderRef(this.rankToPerson[rank]);
  }

  private person(): string {
    return this.personAtRank(this.people.sample(this.random));
  }

  private distinctPeople(n: number, exclude: Set<string>): string[] {
    const out: string[] = [];
    for (let attempts = 0; out.length < n && attempts < 50; attempts++) {
      const p = this.person();
      if (!exclude.has(p)) {
        exclude.add(p);
        out.push(p);
      }
    }
    return out;
  }

  /** Runbooks for the first entities, one revision each, before any incident. */
  addRunbooks(batch: Batch, count: number) {
    const r = this.random;
    const start = HISTORY_END_MS - SPAN_MS - 30 * DAY;
    for (let i = 0; i < count; i++) {
      const id = r.uuid();
      const author = this.person();
      const title = `Runbook ${i + 1}: recover svc-${String(i + 1).padStart(4, '0')}`;
      this.runbookIds.push(id);
      batch.get(RUNBOOKS)!.push([id, `component:default/svc-${String(i + 1).padStart(4, '0')}`, title, 'Steps…', author, start, start, author, 1]);
      batch.get(RUNBOOK_REVISIONS)!.push([id, 1, title, 'Steps…', author, start]);
    }
  }

  /** Appends incident number `index` (0-based, chronological) and the peacetime work around it. */
  addIncident(batch: Batch, index: number) {
    const r = this.random;
    const id = r.uuid();
    const slot = SPAN_MS / this.incidents;
    const declared = Math.floor((HISTORY_END_MS - SPAN_MS + index * slot + r.next() * slot) / 1000) * 1000;
    const open = index >= this.incidents - this.openTail;
    const severity = SEVERITIES[r.weighted(SEVERITY_WEIGHTS)];
    const sevRank = SEVERITIES.indexOf(severity);
    const externalCause = r.chance(0.08);
    const creator = this.person();

    const detected = declared - r.int(0, 30) * MIN;
    const acknowledged = declared + r.int(1, 20) * MIN;
    const mitigated = acknowledged + r.int(10, 240) * MIN;
    const throughMonitoring = open || r.chance(0.8);
    const resolved = open ? null : mitigated + r.int(5, 180) * MIN;
    const reopened = !open && r.chance(0.03) ? resolved! + r.int(60, 6 * 24 * 60) * MIN : null;
    const finalResolved = reopened ? reopened + r.int(30, 240) * MIN : resolved;
    const closed = finalResolved && r.chance(0.9) ? finalResolved + r.int(1, 14) * DAY : null;
    const status = open ? 'monitoring' : closed ? 'closed' : 'resolved';
    const updated = closed ?? finalResolved ?? mitigated;
    const end = finalResolved ?? mitigated + 60 * MIN;

    batch.get(INCIDENTS)!.push([
      id, `Incident ${index + 1}`, '', severity, status, '[]', externalCause, false, 'majorops', detected, detected,
      declared, acknowledged, mitigated, finalResolved, closed, creator, declared, updated, 1,
    ]);
    const entity = `component:default/svc-${String((index % 2000) + 1).padStart(4, '0')}`;
    batch.get(INCIDENT_ENTITIES)!.push([
      id, entity, `group:default/team-${String((index % 25) + 1).padStart(2, '0')}`, null, declared, severity,
      externalCause, detected, acknowledged, mitigated, finalResolved,
    ]);

    // Roles: an incident commander (20 % handed over), a communications lead
    // (more likely the worse the severity), a technical lead, sometimes a scribe.
    const taken = new Set<string>();
    const roles: Array<[role: string, user: string, assigned: number, released: number | null]> = [];
    const firstIc = this.distinctPeople(1, taken)[0] ?? creator;
    const icAssigned = declared + r.int(0, 10) * MIN;
    let ic = firstIc;
    if (r.chance(0.2)) {
      const handover = icAssigned + r.int(20, 180) * MIN;
      roles.push(['incident-commander', firstIc, icAssigned, handover]);
      ic = this.distinctPeople(1, taken)[0] ?? firstIc;
      roles.push(['incident-commander', ic, handover, null]);
    } else {
      roles.push(['incident-commander', firstIc, icAssigned, null]);
    }
    let comms: string | undefined;
    if (r.chance([0.9, 0.7, 0.4, 0.2][sevRank])) {
      comms = this.distinctPeople(1, taken)[0];
      if (comms) roles.push(['communications-lead', comms, icAssigned + r.int(1, 30) * MIN, null]);
    }
    if (r.chance([0.9, 0.7, 0.45, 0.3][sevRank])) {
      const lead = this.distinctPeople(1, taken)[0];
      if (lead) roles.push(['technical-lead', lead, icAssigned + r.int(1, 45) * MIN, null]);
    }
    if (r.chance(0.15)) {
      const scribe = this.distinctPeople(1, taken)[0];
      if (scribe) roles.push(['scribe', scribe, icAssigned + r.int(1, 30) * MIN, null]);
    }
    for (const [role, user, assigned, released] of roles) {
      batch.get(INCIDENT_ROLES)!.push([id, role, user, creator, assigned, released === null ? null : ic, released]);
    }

    const events = batch.get(TIMELINE_EVENTS)!;
    const event = (type: string, at: number, actor: string, body: Record<string, unknown>) =>
      events.push([id, type, at, actor, JSON.stringify(body)]);
    event('declared', declared, creator, { text: `Declared ${severity}`, severity });
    for (const [role, user, assigned] of roles) event('role-assigned', assigned, creator, { text: `${user} is ${role}`, role, userRef: user });
    event('status-change', acknowledged, ic, { text: 'Status declared → investigating', from: 'declared', to: 'investigating' });
    // Severity change on 10 %: one step up or down, early on.
    let currentSeverity = severity;
    if (r.chance(0.1)) {
      const to = SEVERITIES[Math.max(0, Math.min(3, sevRank + (r.chance(0.5) ? -1 : 1)))];
      if (to !== severity) {
        event('severity-change', declared + r.int(5, 60) * MIN, ic, { text: `Severity ${severity} → ${to}`, from: severity, to });
        currentSeverity = to;
      }
    }
    // Status updates by the communications lead, or the commander without one, near the cadence.
    const updater = comms ?? ic;
    const cadence = CADENCE[currentSeverity] * MIN;
    let at = declared + r.int(5, 20) * MIN;
    for (let n = 0; at < end && n < 12; n++) {
      event('status-update', at, updater, { text: 'Update', canComplete: r.chance(0.75), audience: 'internal' });
      at += cadence * (0.6 + r.next() * 0.8);
    }
    // Escalations on 25 %: mostly in a trigger's window, some late or without trigger.
    if (r.chance(0.25)) {
      const who = r.chance(0.7) ? ic : roles[r.int(0, roles.length - 1)][1];
      for (let n = 1 + (r.chance(0.2) ? 1 : 0); n > 0; n--) {
        const kind = r.weighted([60, 15, 25]);
        event('escalation', declared + r.int(2, 90) * MIN, who, {
          text: 'Escalated to the next tier',
          ...(kind === 0 ? { trigger: 'sev1-no-progress' } : kind === 1 ? { trigger: 'sev1-no-progress', late: true } : {}),
        });
      }
    }
    // 0–2 people who only wrote notes (no role): response speed from their first entry.
    for (const helper of this.distinctPeople(r.weighted([55, 30, 15]), taken)) {
      event('note', declared + r.int(1, 90) * MIN, helper, { text: 'Looking at the dashboards.' });
    }
    if (throughMonitoring) event('status-change', mitigated, ic, { text: 'Status mitigating → monitoring', from: 'mitigating', to: 'monitoring' });
    if (resolved !== null) {
      event('status-change', resolved, ic, { text: 'Status → resolved', from: throughMonitoring ? 'monitoring' : 'mitigating', to: 'resolved' });
      if (reopened !== null) {
        event('status-change', reopened, ic, { text: 'Status resolved → investigating', from: 'resolved', to: 'investigating' });
        event('status-change', finalResolved!, ic, { text: 'Status → resolved', from: 'investigating', to: 'resolved' });
      }
      if (closed !== null) event('status-change', closed, ic, { text: 'Status resolved → closed', from: 'resolved', to: 'closed' });
    }

    // Repeat of a recent incident, 2 %.
    if (this.recent.length > 0 && r.chance(0.02)) {
      const earlier = this.recent[r.int(0, this.recent.length - 1)];
      batch.get(INCIDENT_REPEATS)!.push([id, earlier, 'connection-pool', ic, declared + r.int(1, 48) * 60 * MIN]);
    }
    this.recent.push(id);
    if (this.recent.length > 500) this.recent.shift();

    // Post-mortem for SEV1/SEV2 (and 10 % of the rest) once resolved, with 1–3 action items.
    if (finalResolved !== null && (sevRank <= 1 || r.chance(0.1))) {
      const author = r.chance(0.6) ? ic : this.person();
      const facilitator = r.chance(0.6) ? this.person() : null;
      const created = finalResolved + r.int(1, 48) * 60 * MIN;
      const reviewStarted = facilitator ? created + r.int(1, 5) * DAY : null;
      const finalized = reviewStarted ? reviewStarted + r.int(1, 5) * DAY : null;
      batch.get(POSTMORTEMS)!.push([
        id, sevRank <= 1 ? 'full' : 'summary', finalized ? 'final' : facilitator ? 'review' : 'draft', 'Summary', '{}', '[]',
        'What happened', '{}', '[]', '[]', '[]', 'Lessons', '[]', author, facilitator, 'organization', created,
        finalized ?? reviewStarted ?? created, author, reviewStarted, finalized, 1,
      ]);
      for (let n = r.int(1, 3); n > 0; n--) {
        const owner = r.chance(0.5) ? (roles[r.int(0, roles.length - 1)][1]) : this.person();
        const due = created + r.int(7, 30) * DAY;
        const done = r.chance(0.8);
        const completed = done ? due + (r.chance(0.75) ? -r.int(1, 6) : r.int(1, 20)) * DAY : null;
        const itemUpdated = completed ?? created;
        batch.get(ACTION_ITEMS)!.push([
          `ai-${++this.actionItemCounter}`, id, 'Add an alert on pool saturation', owner, 'P2',
          new Date(due).toISOString().slice(0, 10), done ? 'done' : 'open', completed, author, created, owner, itemUpdated, 1,
        ]);
      }
    }

    // Peacetime work spread over the same time: runbook revisions and drills.
    if (this.runbookIds.length) {
      for (let n = r.weighted([70, 25, 5]); n > 0; n--) {
        const runbookId = this.runbookIds[r.int(0, this.runbookIds.length - 1)];
        this.revisionCounter.set(runbookId, (this.revisionCounter.get(runbookId) ?? 1) + 1);
        batch.get(RUNBOOK_REVISIONS)!.push([
          runbookId, this.revisionCounter.get(runbookId)!, 'Runbook', 'Steps, revised', this.person(), declared + r.int(1, 600) * MIN,
        ]);
      }
      if (r.chance(0.06)) {
        const recorder = this.person();
        const participants = this.distinctPeople(r.int(2, 5), new Set([recorder]));
        const performed = declared + r.int(60, 3000) * MIN;
        batch.get(RUNBOOK_DRILLS)!.push([
          this.runbookIds[r.int(0, this.runbookIds.length - 1)], r.chance(0.8) ? 'drill' : 'game-day',
          ['passed', 'partial', 'failed'][r.weighted([70, 20, 10])], performed, JSON.stringify(participants), recorder, performed + 60 * MIN,
        ]);
      }
    }
  }

  private readonly revisionCounter = new Map<string, number>();
}

// ---------------------------------------------------------------------------
// Writers (same approach as bench/generate.ts: one unnest insert per table on
// PostgreSQL, prepared inserts in one transaction on SQLite)

export interface HistoryWriter {
  write(batch: Batch): Promise<void>;
  close(): Promise<void>;
}

interface PgConnection {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}
interface SqliteConnection {
  prepare(sql: string): { run(...values: unknown[]): unknown };
  transaction<T>(fn: () => T): () => T;
  pragma(source: string): unknown;
}
interface KnexClientWithConnections {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

const PG_ARRAY_TYPE: Record<Kind, string> = { str: 'text[]', ts: 'timestamptz[]', bool: 'boolean[]', num: 'float8[]', int: 'integer[]' };

export async function pgHistoryWriter(knex: Knex): Promise<HistoryWriter> {
  const client = knex.client as unknown as KnexClientWithConnections;
  const conn = (await client.acquireConnection()) as PgConnection;
  await conn.query('SET synchronous_commit TO off');
  const sql = new Map(
    HISTORY_TABLES.map(t => [
      t,
      `INSERT INTO ${t.name} (${t.columns.map(c => c[0]).join(', ')}) SELECT * FROM unnest(${t.columns
        .map((c, i) => `$${i + 1}::${PG_ARRAY_TYPE[c[1]]}`)
        .join(', ')})`,
    ]),
  );
  return {
    async write(batch) {
      await conn.query('BEGIN');
      try {
        for (const t of HISTORY_TABLES) {
          const rows = batch.get(t)!;
          if (!rows.length) continue;
          const columns = t.columns.map(([, kind], c) =>
            rows.map(row => (kind === 'ts' && row[c] !== null ? new Date(row[c] as number).toISOString() : row[c])),
          );
          await conn.query(sql.get(t)!, columns);
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

export async function sqliteHistoryWriter(knex: Knex): Promise<HistoryWriter> {
  const client = knex.client as unknown as KnexClientWithConnections;
  const conn = (await client.acquireConnection()) as SqliteConnection;
  conn.pragma('synchronous = OFF');
  const statements = new Map(
    HISTORY_TABLES.map(t => [
      t,
      conn.prepare(`INSERT INTO ${t.name} (${t.columns.map(c => c[0]).join(', ')}) VALUES (${t.columns.map(() => '?').join(', ')})`),
    ]),
  );
  let current: Batch | undefined;
  const writeAll = conn.transaction(() => {
    for (const t of HISTORY_TABLES) {
      const statement = statements.get(t)!;
      for (const row of current!.get(t)!) statement.run(...row.map(v => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
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
