import {
  mockCredentials,
  mockServices
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type { Incident, Page } from '@majorops/plugin-majorops-common';
import path from 'path';
import request from 'supertest';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { majorOpsIncidentSourcesExtensionPoint } from '@majorops/plugin-majorops-node';
import { rollupsBuiltAt } from './database/metricRollups';
import { startMajorOpsBackend, entity } from './tests/testBackend';
import { createTestDatabases } from './tests/testDatabases';

const pagerDutyModule = createBackendModule({
  pluginId: 'majorops',
  moduleId: 'test-pagerduty',
  register(env) {
    env.registerInit({
      deps: { sources: majorOpsIncidentSourcesExtensionPoint },
      async init({ sources }) {
        sources.addIncidentSource({
          id: 'pagerduty',
          title: 'PagerDuty',
          entityAnnotation: 'majorops.dev/pagerduty-service-id',
        });
      },
    });
  },
});

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const entities: Entity[] = [
  entity('Component', 'checkout-api', 'group:default/payments', 'system:default/checkout'),
  entity('Resource', 'orders-db', 'group:default/payments', 'system:default/checkout'),
  entity('Component', 'search-service', 'group:default/storefront'),
  entity('System', 'checkout', 'group:default/payments'),
  entity('Group', 'payments'),
  entity('User', 'grace'),
  entity('User', 'liam'),
];

const demoConfig = {
  majorops: {
    demoData: { enabled: true, path: path.resolve(__dirname, 'tests/fixtures/demo.yaml') },
  },
};

describe('majorops backend plugin', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start(extra: { deny?: boolean; modules?: any[] } = {}) {
      const knex = await databases.init(databaseId);
      return startMajorOpsBackend({
        knex,
        entities,
        config: demoConfig,
        deny: extra.deny,
        features: [
          ...(extra.modules ?? []),
          // Runs the owner-snapshot job at start, so owners come from the catalog.
          mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        ],
      });
    }

    it('answers 401 without credentials on every route but health', async () => {
      const server = await start();
      for (const route of [
        '/api/majorops/incidents',
        '/api/majorops/incidents/x',
        '/api/majorops/severity-matrix',
        '/api/majorops/incident-sources',
        '/api/majorops/runbooks?entityRef=component:default/checkout-api',
        `/api/majorops/responders/${encodeURIComponent('user:default/grace')}/reputation`,
      ]) {
        const res = await request(server).get(route);
        expect({ route, status: res.status }).toEqual({ route, status: 401 });
      }
      const health = await request(server).get('/api/majorops/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
    });

    it('lists the incidents of an entity for a signed-in user, newest first', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/majorops/incidents')
        .query({ entityRef: 'component:default/checkout-api' })
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(res.status).toBe(200);
      const page = res.body as Page<Incident>;
      expect(page.items.map(i => i.title)).toEqual([
        'Orders database connection pool exhausted',
        'Checkout API returning 5xx after config deploy',
      ]);
      expect(page.items[1]).toMatchObject({
        severity: 'SEV2',
        status: 'closed',
        source: 'demo',
        roles: expect.arrayContaining([
          expect.objectContaining({ role: 'incident-commander', userRef: 'user:default/grace' }),
        ]),
      });
      // Owners were filled in from the catalog by the scheduled snapshot job.
      expect(page.items[1].entities).toEqual([
        {
          entityRef: 'component:default/checkout-api',
          ownerRef: 'group:default/payments',
          systemRef: 'system:default/checkout',
        },
      ]);
    });

    it("shows an incident with today's owner from the catalog beside the owner recorded at declaration", async () => {
      const server = await start();
      const auth = mockCredentials.user.header('user:default/grace');
      const list = await request(server).get('/api/majorops/incidents?severity=SEV1').set('Authorization', auth);
      const id = list.body.items[0].id;
      const res = await request(server).get(`/api/majorops/incidents/${id}`).set('Authorization', auth);
      expect(res.status).toBe(200);
      expect(res.body.entities).toEqual([
        {
          entityRef: 'component:default/checkout-api',
          ownerRef: 'group:default/payments',
          systemRef: 'system:default/checkout',
          currentOwnerRef: 'group:default/payments',
        },
        {
          entityRef: 'resource:default/orders-db',
          ownerRef: 'group:default/payments',
          systemRef: 'system:default/checkout',
          currentOwnerRef: 'group:default/payments',
        },
      ]);
    });

    it('filters by status, pages, and aggregates systems and groups from the catalog', async () => {
      const server = await start();
      const auth = mockCredentials.user.header('user:default/grace');
      const open = await request(server).get('/api/majorops/incidents?status=open').set('Authorization', auth);
      expect(open.body.items.map((i: Incident) => i.status)).toEqual(['investigating']);

      const first = await request(server).get('/api/majorops/incidents?limit=2').set('Authorization', auth);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await request(server)
        .get('/api/majorops/incidents')
        .query({ limit: 2, cursor: first.body.nextCursor })
        .set('Authorization', auth);
      expect(second.body.items.map((i: Incident) => i.title)).toEqual(['Search results stale']);
      expect(second.body.nextCursor).toBeUndefined();

      const system = await request(server)
        .get('/api/majorops/incidents?entityRef=system:default/checkout')
        .set('Authorization', auth);
      expect(system.body.items).toHaveLength(2);

      const group = await request(server)
        .get('/api/majorops/incidents?groupRef=group:default/payments')
        .set('Authorization', auth);
      expect(group.body.items.map((i: Incident) => i.severity)).toEqual(['SEV1', 'SEV2']);
    });

    it('refuses bad queries with a 400 that says what was wrong', async () => {
      const server = await start();
      const auth = mockCredentials.user.header('user:default/grace');
      const cases: Array<[string, RegExp]> = [
        ['severity=SEV9', /unknown severity "SEV9"/],
        ['status=sleeping', /unknown status "sleeping"/],
        ['entityRef=checkout-api', /not an entity ref of the form kind:namespace\/name|entity ref/],
        ['limit=0', /limit must be at least 1/],
        ['limit=1000', /limit must be at most 200/],
        ['cursor=abc', /cursor is not valid/],
        ['groupRef=component:default/x', /is not a group entity ref/],
        ['colour=blue', /unknown field colour/],
      ];
      for (const [query, message] of cases) {
        const res = await request(server).get(`/api/majorops/incidents?${query}`).set('Authorization', auth);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      const missing = await request(server).get('/api/majorops/incidents/nope').set('Authorization', auth);
      expect(missing.status).toBe(404);
    });

    it('answers 403 when the permission policy denies reading incidents', async () => {
      const server = await start({ deny: true });
      const res = await request(server)
        .get('/api/majorops/incidents')
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(res.status).toBe(403);
    });

    it('shows a responder their own participation, and 404s users unknown to the catalog', async () => {
      const server = await start();
      const me = await request(server)
        .get(`/api/majorops/responders/${encodeURIComponent('user:default/grace')}/reputation`)
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(me.status).toBe(200);
      expect(me.body.participation).toMatchObject({
        userRef: 'user:default/grace',
        incidents: 2,
        rolesHeld: { 'incident-commander': 2 },
      });
      const ghost = await request(server)
        .get(`/api/majorops/responders/${encodeURIComponent('user:default/ghost')}/reputation`)
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(ghost.status).toBe(404);
    });

    it("needs majorops.reputation.read for someone else's reputation", async () => {
      const server = await start({ deny: true });
      const other = await request(server)
        .get(`/api/majorops/responders/${encodeURIComponent('user:default/liam')}/reputation`)
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(other.status).toBe(403);
      const own = await request(server)
        .get(`/api/majorops/responders/${encodeURIComponent('user:default/grace')}/reputation`)
        .set('Authorization', mockCredentials.user.header('user:default/grace'));
      expect(own.status).toBe(200);
    });

    it('lists incident sources contributed by backend modules', async () => {
      const server = await start({ modules: [pagerDutyModule] });
      const res = await request(server)
        .get('/api/majorops/incident-sources')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        { id: 'majorops', title: 'Declared in MajorOps' },
        { id: 'pagerduty', title: 'PagerDuty', entityAnnotation: 'majorops.dev/pagerduty-service-id' },
      ]);
    });

    it('builds the metric rollups of the stored incidents at start and answers metrics from them', async () => {
      const knex = await databases.init(databaseId);
      const server = await startMajorOpsBackend({
        knex,
        entities,
        // Every single-entity metric from the rollups, however few the incidents.
        config: { majorops: { ...demoConfig.majorops, metrics: { exactUpTo: 0 } } },
        features: [mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true })],
      });
      expect(await rollupsBuiltAt(knex)).toBeInstanceOf(Date);
      const ref = 'component:default/checkout-api';
      const [{ n }] = await knex('incident_entities').where('entity_ref', ref).count({ n: '*' });
      expect(Number(n)).toBeGreaterThan(0);
      const [{ m }] = await knex('incident_metric_rollups').where({ entity_ref: ref, grain: 'm' }).sum({ m: 'incidents' });
      expect(Number(m)).toBe(Number(n));
      const res = await request(server)
        .get('/api/majorops/metrics')
        .query({ entityRef: ref })
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.all.total).toBe(Number(n));
    });

    it('refuses to start with a majorops.metrics.exactUpTo that is not a whole number of 0 or more', async () => {
      const knex = await databases.init(databaseId);
      await expect(
        startMajorOpsBackend({ knex, entities, config: { majorops: { metrics: { exactUpTo: -1 } } } }),
      ).rejects.toThrow('majorops.metrics.exactUpTo must be a whole number of 0 or more, got -1');
    });

    it('serves the severity matrix of the seed', async () => {
      const server = await start();
      const res = await request(server)
        .get('/api/majorops/severity-matrix')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.SEV1).toMatchObject({ responseTimeMinutes: 5, updateCadenceMinutes: 15 });
      expect(res.body.SEV4.updateCadenceMinutes).toBe(1440);
    });
  });
});
