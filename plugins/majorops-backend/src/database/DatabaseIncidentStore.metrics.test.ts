import { computeIncidentMetrics, type Severity } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from './DatabaseIncidentStore';
import { MetricsFilter, NewIncident } from './IncidentStore';
import { createTestDatabases } from '../tests/testDatabases';
import { prng } from '../tests/prng';

jest.setTimeout(120_000);

const A = 'component:default/checkout-api';
const B = 'resource:default/orders-db';
const C = 'component:default/search';
const D = 'component:default/unrelated';

type Milestones = NewIncident['milestones'];

function incident(
  severity: Severity,
  entities: string[],
  milestones: Milestones,
  externalCause = false,
): NewIncident {
  return {
    title: 'Incident',
    summary: '',
    severity,
    status: 'investigating',
    tags: [],
    externalCause,
    customerReported: false,
    source: 'majorops',
    entities: entities.map(entityRef => ({ entityRef })),
    roles: [],
    milestones,
    createdBy: 'user:default/alice',
    createdAt: milestones.declaredAt,
  };
}

/** ISO timestamp `minutes` after `iso` (fractions give seconds and milliseconds). */
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/**
 * Incidents chosen for the edges of the SQL path: missing milestones and
 * every fallback, negative durations, external incidents, the last and first
 * millisecond of a month and of a year, empty months, even counts (medians of
 * two middle values), millisecond precision, and incidents touching several
 * entities of one scope.
 */
function edgeCases(): NewIncident[] {
  const jan = '2026-01-10T10:00:00.000Z';
  return [
    // Every milestone known.
    incident('SEV1', [A], {
      impactStartedAt: jan,
      detectedAt: plus(jan, 4),
      declaredAt: plus(jan, 6),
      acknowledgedAt: plus(jan, 8),
      mitigatedAt: plus(jan, 20),
      resolvedAt: plus(jan, 35),
    }),
    // Only the declaration: nothing measured but the month and severity.
    incident('SEV4', [A], { declaredAt: '2026-01-31T23:59:59.999Z' }),
    // First millisecond of February; detection fallback for acknowledgement and recovery.
    incident('SEV2', [A, B], {
      detectedAt: '2026-01-31T23:50:00.000Z',
      declaredAt: '2026-02-01T00:00:00.000Z',
      acknowledgedAt: '2026-02-01T00:03:30.250Z',
      resolvedAt: '2026-02-01T02:00:00.000Z',
    }),
    // Impact after detection and acknowledgement before detection: bad data, skipped.
    incident('SEV2', [B], {
      impactStartedAt: '2026-02-10T10:30:00.000Z',
      detectedAt: '2026-02-10T10:05:00.000Z',
      declaredAt: '2026-02-10T10:06:00.000Z',
      acknowledgedAt: '2026-02-10T10:01:00.000Z',
      mitigatedAt: '2026-02-10T10:20:00.000Z',
      resolvedAt: '2026-02-10T10:40:00.000Z',
    }),
    // External incidents, one touching three entities of the scope.
    incident(
      'SEV1',
      [A, B, C],
      {
        impactStartedAt: '2026-02-15T08:00:00.000Z',
        detectedAt: '2026-02-15T08:02:00.000Z',
        declaredAt: '2026-02-15T08:03:00.000Z',
        acknowledgedAt: '2026-02-15T08:05:00.000Z',
        mitigatedAt: '2026-02-15T08:45:00.000Z',
        resolvedAt: '2026-02-15T09:00:00.000Z',
      },
      true,
    ),
    incident('SEV3', [C], { declaredAt: '2026-05-01T00:00:00.000Z', acknowledgedAt: '2026-05-01T00:00:00.001Z' }, true),
    // Mitigated, not resolved; months without incidents before it.
    incident('SEV3', [A, C], {
      impactStartedAt: '2026-05-20T12:00:00.000Z',
      declaredAt: '2026-05-20T12:10:00.000Z',
      mitigatedAt: '2026-05-20T12:25:00.000Z',
    }),
    // Last millisecond of a year, and a zero-length detection.
    incident('SEV2', [B], {
      impactStartedAt: '2025-12-31T23:59:59.999Z',
      detectedAt: '2025-12-31T23:59:59.999Z',
      declaredAt: '2025-12-31T23:59:59.999Z',
      acknowledgedAt: '2026-01-01T00:00:01.000Z',
      resolvedAt: '2026-01-01T01:00:00.000Z',
    }),
    // Not in any of the scopes below.
    incident('SEV1', [D], { declaredAt: '2026-03-03T03:03:03.003Z', resolvedAt: '2026-03-03T04:00:00.000Z' }),
  ];
}

/** Many incidents with random gaps (some negative, some missing) over two years. */
function randomIncidents(count: number, seed: number): NewIncident[] {
  const random = prng(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const start = Date.parse('2025-01-01T00:00:00.000Z');
  const maybe = (base: number, minutes: number) =>
    random() < 0.25 ? undefined : new Date(base + Math.round(minutes * 60_000 * random())).toISOString();
  return Array.from({ length: count }, () => {
    const declared = start + Math.floor(random() * 730 * 24 * 60) * 60_000 + Math.floor(random() * 60_000);
    const entities = [...new Set([pick([A, B, C, D]), ...(random() < 0.4 ? [pick([A, B, C])] : [])])];
    return incident(
      pick(['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const),
      entities,
      {
        impactStartedAt: maybe(declared - 30 * 60_000, 40),
        detectedAt: maybe(declared - 10 * 60_000, 12),
        declaredAt: new Date(declared).toISOString(),
        acknowledgedAt: maybe(declared - 2 * 60_000, 20),
        mitigatedAt: maybe(declared, 300),
        resolvedAt: maybe(declared, 900),
      },
      random() < 0.2,
    );
  });
}

const FILTERS: Array<[string, MetricsFilter]> = [
  ['all incidents', {}],
  ['one entity', { entityRefs: [A] }],
  ['a system of three entities (incidents on several counted once)', { entityRefs: [A, B, C] }],
  ['two entities', { entityRefs: [B, C] }],
  ['an entity without incidents', { entityRefs: ['component:default/nothing'] }],
  ['no entities', { entityRefs: [] }],
  ['a window on month edges [from, to)', { entityRefs: [A, B], from: '2026-01-31T23:59:59.999Z', to: '2026-02-15T08:03:00.000Z' }],
  ['only from', { from: '2026-02-01T00:00:00.000Z' }],
  ['only to, all incidents', { to: '2026-02-01T00:00:00.000Z' }],
];

describe('DatabaseIncidentStore.computeMetrics', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0]) {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    return { knex, store: DatabaseIncidentStore.create(knex) };
  }

  /** The reference: computeIncidentMetrics over the rows of `incidents` itself. */
  async function expectSameAsReference(store: DatabaseIncidentStore, filter: MetricsFilter) {
    const reference = computeIncidentMetrics(await store.listMetricRows(filter));
    // Through JSON, as the router sends it: absent and undefined fields are the same thing.
    expect(JSON.parse(JSON.stringify(await store.computeMetrics(filter)))).toEqual(
      JSON.parse(JSON.stringify(reference)),
    );
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it.each(FILTERS)('gives the figures of computeIncidentMetrics for the edge cases: %s', async (_name, filter) => {
      const { knex, store } = await createStore(databaseId);
      for (const input of edgeCases()) await store.createIncident(input);
      await expectSameAsReference(store, filter);
      await knex.destroy();
    });

    it('counts an incident touching several entities of the scope once', async () => {
      const { knex, store } = await createStore(databaseId);
      for (const input of edgeCases()) await store.createIncident(input);
      const { all, internal, external } = await store.computeMetrics({ entityRefs: [A, B, C] });
      expect([all.total, internal.total, external.total]).toEqual([8, 6, 2]);
      expect(all.bySeverity).toEqual({ SEV1: 2, SEV2: 3, SEV3: 2, SEV4: 1 });
      // 2025-12 to 2026-05, the empty months listed.
      expect(all.byMonth.map(m => [m.month, m.count])).toEqual([
        ['2025-12', 1],
        ['2026-01', 2],
        ['2026-02', 3],
        ['2026-03', 0],
        ['2026-04', 0],
        ['2026-05', 2],
      ]);
      // mtta of 1, 3, 5, 6 and 8 (the one acknowledged before detection is skipped).
      expect(all.mtta.count).toBe(5);
      expect(external.mttrResolve).toEqual({ count: 1, meanMinutes: 60, medianMinutes: 60 });
      await knex.destroy();
    });

    it('keeps the figures equal after milestones, severity, cause and declaration change', async () => {
      const { knex, store } = await createStore(databaseId);
      const created = [];
      for (const input of edgeCases()) created.push(await store.createIncident(input));
      const [first, onlyDeclared, twoEntities, , external] = created;
      const change = (id: string, version: number, changes: Parameters<DatabaseIncidentStore['updateIncident']>[2]) =>
        store.updateIncident(id, { version }, changes, [], '2026-06-01T00:00:00.000Z');
      await change(onlyDeclared.id, 1, {
        milestones: { acknowledgedAt: '2026-02-01T00:10:00.000Z', resolvedAt: '2026-02-01T05:00:00.000Z' },
        severity: 'SEV2',
      });
      // Reopened: resolution cleared; moved to another month.
      await change(twoEntities.id, 1, {
        milestones: { resolvedAt: null, declaredAt: '2026-03-01T00:00:00.000Z' },
      });
      await change(external.id, 1, { externalCause: false });
      await change(first.id, 1, { milestones: { impactStartedAt: null, mitigatedAt: '2026-01-10T10:50:00.000Z' } });
      for (const [, filter] of FILTERS) await expectSameAsReference(store, filter);
      const { all } = await store.computeMetrics({ entityRefs: [A] });
      expect(all.byMonth.find(m => m.month === '2026-03')?.count).toBe(1);
      // Paging by entity reads the same declaration copy.
      const page = await store.listIncidents({ entityRefs: [B], limit: 1 });
      expect(page.items[0].milestones.declaredAt).toBe('2026-03-01T00:00:00.000Z');
      await knex.destroy();
    });

    it('gives the figures of computeIncidentMetrics for 300 random incidents', async () => {
      const { knex, store } = await createStore(databaseId);
      for (const input of randomIncidents(300, 7)) await store.createIncident(input);
      for (const [, filter] of FILTERS) await expectSameAsReference(store, filter);
      await expectSameAsReference(store, { entityRefs: [C, D], from: '2025-06-15T12:00:00.000Z', to: '2026-06-15T12:00:00.000Z' });
      await knex.destroy();
    });
  });
});
