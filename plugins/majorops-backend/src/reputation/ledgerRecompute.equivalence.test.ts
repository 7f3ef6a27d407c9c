import type {
  EscalationTiming,
  IncidentReopen,
  IncidentRole,
  ResponderIncidentFacts,
  Severity,
  SeverityPeriod,
} from '@majorops/plugin-majorops-common';
import {
  DEFAULT_REPUTATION_CONFIG,
  DEFAULT_SEVERITY_MATRIX,
  deriveIncidentEvents,
  deriveKnowledgeContribution,
  SEVERITIES,
} from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { prng } from '../tests/prng';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseReputationStore } from './DatabaseReputationStore';
import { ReputationService } from './ReputationService';
import type { IncidentRecord, KeyedLedgerEvent } from './ReputationStore';
import { responderFactsOf } from './responderFacts';

jest.setTimeout(120_000);

// ---------------------------------------------------------------------------
// The oracle: responderFactsOf as it was before it read the timeline in one pass.

const isUser = (ref: string) => ref.startsWith('user:');
const isSeverity = (value: unknown): value is Severity => (SEVERITIES as readonly unknown[]).includes(value);
const TIMINGS: EscalationTiming[] = ['in-window', 'late', 'no-trigger'];

function referenceEscalationTiming(body: Record<string, unknown>): EscalationTiming {
  if (TIMINGS.includes(body.timing as EscalationTiming)) return body.timing as EscalationTiming;
  if (body.late === true) return 'late';
  return typeof body.trigger === 'string' && body.trigger.length > 0 ? 'in-window' : 'no-trigger';
}

function referenceResponderFactsOf(incident: IncidentRecord): ResponderIncidentFacts[] {
  const people = new Set<string>();
  incident.roles.forEach(r => isUser(r.userRef) && people.add(r.userRef));
  incident.firstEntries.forEach(e => isUser(e.actorRef) && people.add(e.actorRef));
  const declared = incident.events.find(e => e.type === 'declared');
  const severityHistory: SeverityPeriod[] = [
    { severity: isSeverity(declared?.body.severity) ? declared!.body.severity : incident.severity, from: incident.declaredAt },
    ...incident.events
      .filter(e => e.type === 'severity-change' && isSeverity(e.body.to))
      .map(e => ({ severity: e.body.to as Severity, from: e.occurredAt })),
  ];
  const reopens: IncidentReopen[] = [];
  let lastResolved: string | undefined;
  let passedMonitoring = false;
  let monitoringSinceReopen = false;
  for (const event of incident.events.filter(e => e.type === 'status-change')) {
    if (event.body.to === 'monitoring') monitoringSinceReopen = true;
    if (event.body.to === 'resolved') {
      lastResolved = event.occurredAt;
      passedMonitoring = monitoringSinceReopen;
    }
    if (event.body.from === 'resolved' && event.body.to === 'investigating') {
      reopens.push({ resolvedAt: lastResolved ?? event.occurredAt, reopenedAt: event.occurredAt });
      monitoringSinceReopen = false;
    }
  }
  if (incident.resolvedAt && lastResolved === undefined) passedMonitoring = monitoringSinceReopen;
  const hadCommunicationsLead = incident.roles.some(r => r.role === 'communications-lead');
  return [...people].sort().map(userRef => {
    const first = incident.firstEntries.find(e => e.actorRef === userRef);
    return {
      userRef,
      incidentId: incident.id,
      severity: incident.severity,
      severityHistory,
      externalCause: incident.externalCause,
      milestones: {
        declaredAt: incident.declaredAt,
        detectedAt: incident.detectedAt,
        acknowledgedAt: incident.acknowledgedAt,
        mitigatedAt: incident.mitigatedAt,
        resolvedAt: incident.resolvedAt,
      },
      roles: incident.roles
        .filter(r => r.userRef === userRef)
        .map(r => ({ role: r.role, assignedAt: r.assignedAt, ...(r.releasedAt ? { releasedAt: r.releasedAt } : {}) })),
      ...(first ? { firstTimelineEntryAt: first.at } : {}),
      hadCommunicationsLead,
      statusUpdates: incident.events
        .filter(e => e.type === 'status-update' && e.actorRef === userRef)
        .map(e => ({ postedAt: e.occurredAt, canComplete: e.body.canComplete === true })),
      escalations: incident.events
        .filter(e => e.type === 'escalation' && e.actorRef === userRef)
        .map(e => ({ at: e.occurredAt, timing: referenceEscalationTiming(e.body) })),
      reopens,
      passedMonitoring,
      repeats: incident.repeats,
    };
  });
}

// ---------------------------------------------------------------------------
// Generated history: incidents with the rows the store reads, and the records it must read back.

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const BASE = Date.UTC(2026, 2, 1, 8);
const ROLES: IncidentRole[] = ['incident-commander', 'communications-lead', 'technical-lead', 'scribe'];
const PEOPLE = [...Array.from({ length: 9 }, (_, i) => `user:default/person-${i}`), 'group:default/sre', 'system'];
const FACT_TYPES = new Set(['declared', 'status-update', 'escalation', 'severity-change', 'status-change']);

interface GeneratedIncident {
  incident: Record<string, unknown>;
  roles: Array<Record<string, unknown>>;
  timeline: Array<{ incident_id: string; type: string; occurred_at: Date; actor_ref: string; body: string }>;
  record: IncidentRecord;
}

function generatedHistory(seed: number, count: number): { incidents: GeneratedIncident[]; repeats: Array<Record<string, unknown>> } {
  const next = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)];
  const chance = (p: number) => next() < p;
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  const incidents: GeneratedIncident[] = [];
  for (let n = 0; n < count; n++) {
    const id = `inc-${String(seed).padStart(2, '0')}-${String(n).padStart(4, '0')}`;
    const declared = BASE + n * 7 * 60 * MIN + int(0, 59) * 1000 + (chance(0.3) ? int(1, 999) : 0);
    const severity = pick(SEVERITIES);
    const resolved = chance(0.8) ? declared + int(20, 600) * MIN : null;
    const incident = {
      id,
      title: `Incident ${n}`,
      severity,
      status: resolved === null ? 'investigating' : 'resolved',
      external_cause: chance(0.1),
      declared_at: new Date(declared),
      detected_at: chance(0.5) ? new Date(declared - int(0, 20) * MIN) : null,
      acknowledged_at: new Date(declared + int(1, 15) * MIN),
      mitigated_at: resolved === null ? null : new Date(resolved - 5 * MIN),
      resolved_at: resolved === null ? null : new Date(resolved),
      created_by: PEOPLE[0],
      created_at: new Date(declared),
      updated_at: new Date(resolved ?? declared),
    };
    const roles = Array.from({ length: int(0, 5) }, () => {
      const assigned = declared + int(-5, 120) * MIN;
      const released = chance(0.25) ? assigned + int(0, 300) * MIN : null;
      return { incident_id: id, role: pick(ROLES), user_ref: pick(PEOPLE), assigned_by: PEOPLE[0], assigned_at: new Date(assigned), released_at: released === null ? null : new Date(released) };
    }).sort((a, b) => a.assigned_at.getTime() - b.assigned_at.getTime());
    const timeline: GeneratedIncident['timeline'] = [];
    // Distinct times: the order the store reads back (time, then id) is then the order written.
    let at = declared;
    const event = (type: string, actor: string, body: Record<string, unknown>) => {
      at += int(1, 40) * MIN + int(0, 59) * 1000;
      timeline.push({ incident_id: id, type, occurred_at: new Date(at), actor_ref: actor, body: JSON.stringify(body) });
    };
    if (chance(0.9)) event('declared', PEOPLE[0], chance(0.8) ? { severity: pick([...SEVERITIES, 'SEV9']) } : {});
    for (let k = int(0, 12); k > 0; k--) {
      const type = pick(['status-update', 'status-update', 'escalation', 'severity-change', 'status-change', 'note', 'role-assigned', 'declared']);
      const actor = pick(PEOPLE);
      if (type === 'declared') event(type, actor, { severity: pick(SEVERITIES) });
      else if (type === 'status-update') event(type, actor, { canComplete: chance(0.7) ? true : pick([false, 'yes']) });
      else if (type === 'escalation') event(type, actor, pick([{ timing: 'late' }, { timing: 'odd' }, { late: true }, { trigger: 'x' }, { trigger: '' }, {}]));
      else if (type === 'severity-change') event(type, actor, { to: pick([...SEVERITIES, 'SEV0']) });
      else if (type === 'status-change') event(type, actor, pick([{ from: 'mitigating', to: 'monitoring' }, { from: 'monitoring', to: 'resolved' }, { from: 'resolved', to: 'investigating' }, { from: 'investigating', to: 'resolved' }]));
      else event(type, actor, { text: 'Looking at the dashboards.' });
    }
    const firsts = new Map<string, number>();
    for (const e of timeline) if (!firsts.has(e.actor_ref)) firsts.set(e.actor_ref, e.occurred_at.getTime());
    const record: IncidentRecord = {
      id,
      title: incident.title,
      severity,
      status: incident.status,
      externalCause: incident.external_cause,
      declaredAt: iso(declared)!,
      detectedAt: iso(incident.detected_at?.getTime() ?? null),
      acknowledgedAt: iso(incident.acknowledged_at.getTime()),
      mitigatedAt: iso(incident.mitigated_at?.getTime() ?? null),
      resolvedAt: iso(resolved),
      roles: roles.map(r => ({ role: r.role, userRef: r.user_ref, assignedAt: iso(r.assigned_at.getTime())!, releasedAt: iso(r.released_at?.getTime() ?? null) })),
      events: timeline
        .filter(e => FACT_TYPES.has(e.type))
        .map(e => ({ type: e.type, occurredAt: iso(e.occurred_at.getTime())!, actorRef: e.actor_ref, body: JSON.parse(e.body) })),
      firstEntries: [...firsts].map(([actorRef, ms]) => ({ actorRef, at: iso(ms)! })).sort((a, b) => (a.actorRef < b.actorRef ? -1 : 1)),
      repeats: [],
    };
    incidents.push({ incident, roles, timeline, record });
  }
  const repeats: Array<Record<string, unknown>> = [];
  for (let n = 1; n < count; n++) {
    if (!chance(0.1)) continue;
    const earlier = incidents[int(0, n - 1)];
    const later = incidents[n];
    repeats.push({ incident_id: later.record.id, earlier_incident_id: earlier.record.id, failure_mode: 'pool', linked_by: PEOPLE[0], linked_at: new Date(Date.parse(later.record.declaredAt) + DAY) });
    earlier.record.repeats.push({ incidentId: later.record.id, declaredAt: later.record.declaredAt });
  }
  return { incidents, repeats };
}

function referenceLedger(records: IncidentRecord[]): KeyedLedgerEvent[] {
  const events: KeyedLedgerEvent[] = [];
  for (const record of records) {
    for (const facts of referenceResponderFactsOf(record)) {
      for (const event of deriveIncidentEvents(facts, DEFAULT_REPUTATION_CONFIG.derivation, DEFAULT_SEVERITY_MATRIX)) {
        events.push({ ...event, sourceKey: `incident:${record.id}:${facts.userRef}:${event.metric}` });
      }
    }
  }
  return events;
}

describe('the full recompute against a reference derivation', () => {
  it.each([1, 2, 3])('reads the same facts of every person as the reference (seed %p)', seed => {
    const { incidents } = generatedHistory(seed, 400);
    let people = 0;
    for (const { record } of incidents) {
      const expected = referenceResponderFactsOf(record);
      const actual = responderFactsOf(record);
      expect(actual).toEqual(expected);
      // Same keys in the same order, so that nothing downstream can tell them apart.
      expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      people += actual.length;
    }
    expect(people).toBeGreaterThan(400);
  });

  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    });

    it('loads the records written and rebuilds exactly the ledger the reference derives from them', async () => {
      const { incidents, repeats } = generatedHistory(11, 300);
      await knex.batchInsert('incidents', incidents.map(i => i.incident), 100);
      await knex.batchInsert('incident_roles', incidents.flatMap(i => i.roles), 100);
      await knex.batchInsert('timeline_events', incidents.flatMap(i => i.timeline), 100);
      if (repeats.length > 0) await knex.batchInsert('incident_repeats', repeats, 100);
      const records = incidents.map(i => i.record).sort((a, b) => (a.id < b.id ? -1 : 1));
      // Peacetime work of more people than one batch of the recompute holds.
      const next = prng(5);
      const someone = () => `user:default/writer-${String(Math.floor(next() * 450)).padStart(3, '0')}`;
      const at = (n: number) => new Date(BASE + n * 3 * 60 * MIN);
      const runbooks = [1, 2, 3].map(n => ({ id: `rb-${n}`, entity_ref: 'component:default/checkout', title: `Runbook ${n}`, body: '', created_by: PEOPLE[0], created_at: at(0), updated_at: at(0), updated_by: PEOPLE[0], version: 1 }));
      await knex('runbooks').insert(runbooks);
      await knex.batchInsert('runbook_revisions', Array.from({ length: 600 }, (_, n) => ({ runbook_id: `rb-${(n % 3) + 1}`, revision: n + 2, title: 'Runbook', body: 'Steps', author_ref: someone(), created_at: at(n) })), 100);
      await knex.batchInsert('runbook_drills', Array.from({ length: 40 }, (_, n) => ({ runbook_id: `rb-${(n % 3) + 1}`, kind: 'drill', outcome: ['passed', 'partial', 'failed'][n % 3], performed_at: at(n), participants: n % 7 === 0 ? 'not json' : JSON.stringify([someone(), someone()]), recorded_by: someone(), recorded_at: at(n + 1) })), 100);
      await knex.batchInsert('action_items', incidents.slice(0, 120).map((i, n) => ({ id: `ai-${n}`, incident_id: i.record.id, title: `Item ${n}`, owner_ref: someone(), priority: 'P2', due_date: at(n + 20).toISOString().slice(0, 10), status: n % 5 === 0 ? 'open' : 'done', completed_at: n % 5 === 0 ? null : at(n + 20 + (n % 3) * 8), created_by: PEOPLE[0], created_at: at(n), updated_by: PEOPLE[0], updated_at: at(n + 20), version: 1 })), 100);

      const store = DatabaseReputationStore.create(knex);
      expect(await store.loadIncidents(records.map(r => r.id))).toEqual(records);

      const service = new ReputationService({
        store,
        incidents: { getParticipation: async () => ({ incidents: 0, byRole: {} }) } as any,
        knowledgeContributions: async () => ({}) as any,
        config: DEFAULT_REPUTATION_CONFIG,
        logger: { info() {}, warn() {}, error() {}, debug() {}, child() { return this; } } as any,
        now: () => '2026-12-01T00:00:00.000Z',
      });
      const result = await service.recomputeAll();
      const expected = referenceLedger(records);
      expect(expected.length).toBeGreaterThan(300);
      // Peacetime work as the incremental update reads it: per batch of people.
      const writers = [...new Set((await store.loadKnowledgeFacts()).map(f => f.userRef))].sort();
      expect(writers.length).toBeGreaterThan(250);
      const knowledge: KeyedLedgerEvent[] = [];
      for (let i = 0; i < writers.length; i += 200) {
        for (const fact of await store.loadKnowledgeFacts(writers.slice(i, i + 200))) {
          for (const event of deriveKnowledgeContribution([fact], DEFAULT_REPUTATION_CONFIG.derivation)) {
            knowledge.push({ ...event, sourceKey: `knowledge:${fact.sourceKey}:${fact.userRef}` });
          }
        }
      }
      expect(knowledge.length).toBeGreaterThan(600);
      expect(result.events).toBe(expected.length + knowledge.length);
      const byKey = (a: KeyedLedgerEvent, b: KeyedLedgerEvent) => (a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0);
      expect((await store.dumpLedger()).sort(byKey)).toEqual([...expected, ...knowledge].map(e => ({ ...e, weight: e.weight ?? 1 })).sort(byKey));
    });

    it('stores every text as written: empty, with the characters the bulk insert splits on, alone in a chunk', async () => {
      const store = DatabaseReputationStore.create(knex);
      const event = (n: number, reason: string, extra: Partial<KeyedLedgerEvent> = {}): KeyedLedgerEvent => ({
        userRef: `user:default/person-${n}`,
        metric: 'knowledgeContribution',
        value: 100 - n / 10,
        externalCause: n % 2 === 0,
        occurredAt: new Date(BASE + n * MIN).toISOString(),
        reason,
        source: 'runbook-revision',
        weight: 1 + n / 4,
        sourceKey: `knowledge:probe-${n}`,
        ...extra,
      });
      const plain = [
        event(1, ''),
        event(2, 'Revised the runbook "NULL".'),
        event(3, '\\N, {a,b} "quoted" \\ back'),
        event(4, 'x', { incidentId: 'inc-x', severity: 'SEV1', metric: 'responseSpeed', source: 'role', sourceKey: 'incident:inc-x:user:default/person-4:responseSpeed' }),
      ];
      const separators = [event(5, 'Revised the runbook "a\u001fb".'), event(6, 'Revised "\u001e".')];
      const generation = await store.beginRebuild();
      await store.appendEvents(generation, plain, '2026-12-01T00:00:00.000Z');
      await store.appendEvents(generation, separators, '2026-12-01T00:00:00.000Z');
      await store.appendEvents(generation, [event(7, 'alone')], '2026-12-01T00:00:00.000Z');
      await store.finishRebuild(generation, '2026-12-01T00:00:00.000Z');
      const written = [...plain, ...separators, event(7, 'alone')];
      expect(await store.dumpLedger()).toEqual(written.sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1)));
    });
  });
});
