import { computeIncidentMetrics, type IncidentMetrics, type MetricsReport, type Severity } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from './DatabaseIncidentStore';
import { MetricsFilter, NewIncident } from './IncidentStore';
import { buildScopeRollups, dropUnreadScopes, rebuildAllRollups, rollupsBuiltAt, scopeKeyOf } from './metricRollups';
import { createTestDatabases } from '../tests/testDatabases';
import { prng } from '../tests/prng';

jest.setTimeout(180_000);

const A = 'component:default/checkout-api';
const B = 'resource:default/orders-db';
const C = 'component:default/search';
const MIN = 60_000;

function randomIncidents(count: number, seed: number): NewIncident[] {
  const random = prng(seed);
  const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const start = Date.parse('2025-10-01T00:00:00.000Z');
  const maybe = (base: number, minutes: number) =>
    random() < 0.2 ? undefined : new Date(base + Math.round(minutes * MIN * random())).toISOString();
  return Array.from({ length: count }, () => {
    const declared = start + Math.floor(random() * 240 * 24 * 60) * MIN + Math.floor(random() * MIN);
    const entities = [...new Set([pick([A, A, B, C]), ...(random() < 0.4 ? [pick([A, B, C])] : [])])];
    return {
      title: 'Incident',
      summary: '',
      severity: pick(['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const),
      status: 'investigating',
      tags: [],
      externalCause: random() < 0.2,
      customerReported: false,
      source: 'majorops',
      entities: entities.map(entityRef => ({ entityRef })),
      roles: [],
      milestones: {
        impactStartedAt: maybe(declared - 30 * MIN, 40),
        detectedAt: maybe(declared - 10 * MIN, 12),
        declaredAt: new Date(declared).toISOString(),
        acknowledgedAt: maybe(declared, 20),
        mitigatedAt: maybe(declared, 300),
        resolvedAt: maybe(declared, 900),
      },
      createdBy: 'user:default/alice',
      createdAt: new Date(declared).toISOString(),
    } as NewIncident;
  });
}

/** Counts and means as the exact figures; medians within 1 %, plus 0.1 minute for rounding to tenths. */
function expectClose(actual: MetricsReport, expected: MetricsReport) {
  for (const view of ['internal', 'external', 'all'] as const) {
    const a: IncidentMetrics = actual[view];
    const e: IncidentMetrics = expected[view];
    expect(a.total).toBe(e.total);
    expect(a.bySeverity).toEqual(e.bySeverity);
    expect(a.byMonth.map(m => [m.month, m.count, m.bySeverity])).toEqual(e.byMonth.map(m => [m.month, m.count, m.bySeverity]));
    for (const name of ['mttd', 'mtta', 'mttrRestore', 'mttrResolve'] as const) {
      expect([name, a[name].count, a[name].meanMinutes]).toEqual([name, e[name].count, e[name].meanMinutes]);
      const exact = e[name].medianMinutes;
      if (exact === undefined) expect(a[name].medianMinutes).toBeUndefined();
      else expect(Math.abs(a[name].medianMinutes! - exact)).toBeLessThanOrEqual(exact * 0.01 + 0.1 + 1e-9);
    }
  }
}

/** The stored rollups, parsed, by key: to compare what writes kept with what a rebuild gives. */
async function storedRollups(knex: Knex) {
  const rows = await knex('incident_metric_rollups').select();
  return Object.fromEntries(
    rows.map(r => [
      `${r.entity_ref} ${r.grain} ${r.period} ${Boolean(r.external_cause)}`,
      { incidents: Number(r.incidents), rollup: JSON.parse(r.rollup) },
    ]),
  );
}

/** The stored scope rollups, parsed, by key. */
async function storedScopeRollups(knex: Knex) {
  const rows = await knex('incident_metric_scope_rollups').select();
  return Object.fromEntries(
    rows.map(r => [
      `${r.scope_key} ${r.grain} ${r.period} ${Boolean(r.external_cause)}`,
      { incidents: Number(r.incidents), rollup: JSON.parse(r.rollup) },
    ]),
  );
}

/** What the scopes' rollups hold now, against what building every scope again from the incidents gives. */
async function scopeRollupsAgainstRebuild(knex: Knex, scopes: string[][]) {
  const kept = await storedScopeRollups(knex);
  await dropUnreadScopes(knex, new Date(Date.now() + 60_000));
  for (const refs of scopes) await buildScopeRollups(knex, refs);
  return { kept, rebuilt: await storedScopeRollups(knex) };
}

describe('metric rollups', () => {
  const databases = createTestDatabases();

  async function createStore(databaseId: Parameters<typeof databases.init>[0], exactMetricsUpTo = 0) {
    const knex: Knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
    return { knex, store: DatabaseIncidentStore.create(knex, { exactMetricsUpTo }) };
  }

  async function reference(store: DatabaseIncidentStore, filter: MetricsFilter) {
    return computeIncidentMetrics(await store.listMetricRows(filter));
  }

  const WINDOWS: Array<[string, Omit<MetricsFilter, 'entityRefs'>]> = [
    ['no window', {}],
    ['from mid-day (the portal asks for the last 183 days like this)', { from: '2026-01-14T10:17:00.000Z' }],
    ['to mid-day', { to: '2026-03-10T05:00:00.000Z' }],
    ['whole months', { from: '2025-11-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' }],
    ['inside one month', { from: '2026-02-03T22:00:00.000Z', to: '2026-02-20T01:30:00.000Z' }],
    ['inside one day', { from: '2026-02-03T01:00:00.000Z', to: '2026-02-03T23:00:00.000Z' }],
    ['across a year end', { from: '2025-12-30T12:00:00.000Z', to: '2026-01-02T12:00:00.000Z' }],
  ];

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('reads the incidents until the rollups are built, then the rollups, with the same counts and means', async () => {
      const { knex, store } = await createStore(databaseId);
      for (const input of randomIncidents(120, 1)) await store.createIncident(input);
      // As after the migration on a database that already held incidents: no rollups, never built.
      await knex('incident_metric_rollups').del();
      expect(await rollupsBuiltAt(knex)).toBeUndefined();
      const expected = await reference(store, { entityRefs: [A] });
      expect(JSON.parse(JSON.stringify(await store.computeMetrics({ entityRefs: [A] })))).toEqual(
        JSON.parse(JSON.stringify(expected)),
      );

      const built = await rebuildAllRollups(knex);
      expect(built.entities).toBe(3);
      expect(await rollupsBuiltAt(knex)).toBeInstanceOf(Date);
      expect((await knex('incident_metric_rollups').count({ n: '*' }))[0].n).not.toEqual(0);
      expectClose(await store.computeMetrics({ entityRefs: [A] }), expected);
      await knex.destroy();
    });

    it.each(WINDOWS)('one entity, %s: close to the exact figures', async (_, window) => {
      const { knex, store } = await createStore(databaseId);
      await rebuildAllRollups(knex);
      for (const input of randomIncidents(400, 2)) await store.createIncident(input);
      for (const entityRef of [A, B]) {
        const filter = { entityRefs: [entityRef], ...window };
        expectClose(await store.computeMetrics(filter), await reference(store, filter));
      }
      await knex.destroy();
    });

    it('gives exact medians up to the configured number of incidents', async () => {
      const { knex, store } = await createStore(databaseId, 10_000);
      await rebuildAllRollups(knex);
      for (const input of randomIncidents(150, 3)) await store.createIncident(input);
      const filter = { entityRefs: [A] };
      expect(JSON.parse(JSON.stringify(await store.computeMetrics(filter)))).toEqual(
        JSON.parse(JSON.stringify(await reference(store, filter))),
      );
      await knex.destroy();
    });

    it('keeps the rollups equal to a rebuild through declarations and changes', async () => {
      const { knex, store } = await createStore(databaseId);
      await rebuildAllRollups(knex);
      const random = prng(4);
      const created = [];
      for (const input of randomIncidents(150, 4)) created.push(await store.createIncident(input));
      for (const incident of created.filter(() => random() < 0.5)) {
        const declared = Date.parse(incident.milestones.declaredAt);
        await store.updateIncident(
          incident.id,
          { version: incident.version },
          {
            severity: (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as Severity[])[Math.floor(random() * 4)],
            externalCause: random() < 0.5,
            milestones: {
              // Moved to another day (often another month), resolved or reopened.
              declaredAt: new Date(declared + Math.floor((random() - 0.5) * 40 * 24 * 60) * MIN).toISOString(),
              resolvedAt: random() < 0.3 ? null : new Date(declared + Math.floor(random() * 600) * MIN).toISOString(),
            },
          },
          [],
          '2026-07-01T00:00:00.000Z',
        );
      }
      const kept = await storedRollups(knex);
      await rebuildAllRollups(knex);
      expect(kept).toEqual(await storedRollups(knex));
      await knex.destroy();
    });

    it('stays equal to a rebuild when incidents of one entity are declared and changed at the same time, during a rebuild', async () => {
      const { knex, store } = await createStore(databaseId);
      const inputs = randomIncidents(80, 5);
      for (const input of inputs.slice(0, 40)) await store.createIncident(input);
      // A rebuild running while 40 more are declared and 20 changed, all at once.
      const first = await Promise.all(
        inputs.slice(40, 60).map(input => store.createIncident(input)),
      );
      await Promise.all([
        rebuildAllRollups(knex),
        ...inputs.slice(60).map(input => store.createIncident(input)),
        ...first.map(incident =>
          store.updateIncident(
            incident.id,
            { version: incident.version },
            { milestones: { resolvedAt: new Date(Date.parse(incident.milestones.declaredAt) + 42 * MIN).toISOString() } },
            [],
            '2026-07-01T00:00:00.000Z',
          ),
        ),
      ]);
      const kept = await storedRollups(knex);
      await rebuildAllRollups(knex);
      expect(kept).toEqual(await storedRollups(knex));
      expectClose(await store.computeMetrics({ entityRefs: [A] }), await reference(store, { entityRefs: [A] }));
      await knex.destroy();
    });

    it('several entities: exact until their scope is built in the background, then its rollups, each incident once', async () => {
      const { knex, store } = await createStore(databaseId);
      for (const input of randomIncidents(400, 6)) await store.createIncident(input);
      const refs = [B, A];
      const exact = await reference(store, { entityRefs: refs });
      // An incident touching both entities is one incident of the scope.
      expect(exact.all.total).toBeLessThan((await reference(store, { entityRefs: [A] })).all.total + (await reference(store, { entityRefs: [B] })).all.total);
      expect(JSON.parse(JSON.stringify(await store.computeMetrics({ entityRefs: refs })))).toEqual(JSON.parse(JSON.stringify(exact)));

      await store.scopeBuildsSettled();
      const [scope] = await knex('incident_metric_scopes').select();
      expect(scope).toMatchObject({ scope_key: scopeKeyOf([A, B]), member_count: 2 });
      expect((await knex('incident_metric_scope_members').orderBy('entity_ref')).map(m => m.entity_ref)).toEqual([A, B]);
      for (const [, window] of WINDOWS) {
        const filter = { entityRefs: [A, B], ...window };
        expectClose(await store.computeMetrics(filter), await reference(store, filter));
      }

      // Proof that whole months now come from the rollups: a row written behind the store's back is not seen.
      const onlyC = await knex('incident_entities')
        .where('entity_ref', C)
        .whereNotIn('incident_id', knex('incident_entities').whereIn('entity_ref', [A, B]).select('incident_id'))
        .first();
      await knex('incident_entities').insert({ ...onlyC, entity_ref: A });
      const window = { from: '2025-10-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };
      const seen = await store.computeMetrics({ entityRefs: [A, B], ...window });
      const truth = await reference(store, { entityRefs: [A, B], ...window });
      expect(seen.all.total).toBe(truth.all.total - 1);
      await knex.destroy();
    });

    it('keeps scope rollups equal to a rebuild through declarations and changes made while scopes are built', async () => {
      const { knex, store } = await createStore(databaseId);
      const inputs = randomIncidents(160, 7);
      for (const input of inputs.slice(0, 60)) await store.createIncident(input);
      await buildScopeRollups(knex, [A, B]);
      const first = await Promise.all(inputs.slice(60, 90).map(input => store.createIncident(input)));
      await Promise.all([
        buildScopeRollups(knex, [A, B, C]),
        buildScopeRollups(knex, [B, C]),
        ...inputs.slice(90).map(input => store.createIncident(input)),
        ...first.map(incident =>
          store.updateIncident(
            incident.id,
            { version: incident.version },
            {
              severity: 'SEV1',
              externalCause: !incident.externalCause,
              milestones: { resolvedAt: new Date(Date.parse(incident.milestones.declaredAt) + 42 * MIN).toISOString() },
            },
            [],
            '2026-07-01T00:00:00.000Z',
          ),
        ),
      ]);
      expect(Number((await knex('incident_metric_scopes').count({ n: '*' }))[0].n)).toBe(3);
      const { kept, rebuilt } = await scopeRollupsAgainstRebuild(knex, [[A, B], [A, B, C], [B, C]]);
      expect(Object.keys(kept).length).toBeGreaterThan(0);
      expect(kept).toEqual(rebuilt);
      await knex.destroy();
    });

    it('builds nothing for a scope within the exact limit; a changed membership is another scope; unread scopes are dropped', async () => {
      const { knex, store } = await createStore(databaseId, 10_000);
      for (const input of randomIncidents(60, 8)) await store.createIncident(input);
      await store.computeMetrics({ entityRefs: [A, B] });
      await store.scopeBuildsSettled();
      expect(await knex('incident_metric_scopes').select()).toEqual([]);

      expect(await buildScopeRollups(knex, [A, B])).toBeGreaterThan(0);
      expect(await buildScopeRollups(knex, [B, A])).toBeUndefined();
      expect(await buildScopeRollups(knex, [A, C])).toBeGreaterThan(0);
      expect(await dropUnreadScopes(knex, new Date(Date.now() - 60_000))).toBe(0);
      await knex('incident_metric_scopes').where('scope_key', scopeKeyOf([A, C])).update({ last_read_at: new Date('2026-01-01T00:00:00.000Z') });
      expect(await dropUnreadScopes(knex, new Date(Date.now() - 60_000))).toBe(1);
      expect((await knex('incident_metric_scope_members').distinct('scope_key')).map(r => r.scope_key)).toEqual([scopeKeyOf([A, B])]);
      expect((await knex('incident_metric_scope_rollups').distinct('scope_key')).map(r => r.scope_key)).toEqual([scopeKeyOf([A, B])]);
      await knex.destroy();
    });
  });
});
