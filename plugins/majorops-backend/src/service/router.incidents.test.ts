import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import type {
  CadenceReport,
  Hypothesis,
  Incident,
  MetricsReport,
  TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { Server } from 'http';
import { Knex } from 'knex';
import path from 'path';
import request from 'supertest';
import { rowCounts, startMajorOpsBackend } from '../tests/testBackend';
import { createTestDatabases } from '../tests/testDatabases';

jest.setTimeout(180_000);

const API = '/api/majorops';
const MINUTE = 60_000;
const GRACE = 'user:default/grace';
const LIAM = 'user:default/liam';
const MAYA = 'user:default/maya';
const NOAH = 'user:default/noah';
const CHECKOUT = 'component:default/checkout-api';
const ORDERS_DB = 'resource:default/orders-db';
const SEARCH = 'component:default/search-service';

const as = (userRef: string) => mockCredentials.user.header(userRef);
const minutesFrom = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * MINUTE).toISOString();
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * MINUTE).toISOString();

function entity(
  kind: string,
  name: string,
  links: { owner?: string; system?: string; memberOf?: string } = {},
): Entity {
  const relations: Array<{ type: string; targetRef: string }> = [];
  if (links.owner) relations.push({ type: 'ownedBy', targetRef: links.owner });
  if (links.system) relations.push({ type: 'partOf', targetRef: links.system });
  if (links.memberOf) relations.push({ type: 'memberOf', targetRef: links.memberOf });
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      ...(links.owner ? { owner: links.owner } : {}),
      ...(links.system ? { system: links.system } : {}),
    },
    relations,
  };
}

const entities: Entity[] = [
  entity('User', 'grace', { memberOf: 'group:default/payments' }),
  entity('User', 'liam', { memberOf: 'group:default/payments' }),
  entity('User', 'maya', { memberOf: 'group:default/storefront' }),
  entity('User', 'noah', { memberOf: 'group:default/storefront' }),
  entity('Group', 'payments'),
  entity('Group', 'storefront'),
  entity('System', 'checkout', { owner: 'group:default/payments' }),
  entity('Component', 'checkout-api', { owner: 'group:default/payments', system: 'system:default/checkout' }),
  entity('Resource', 'orders-db', { owner: 'group:default/payments', system: 'system:default/checkout' }),
  entity('Component', 'search-service', { owner: 'group:default/storefront' }),
];

const demoConfig = {
  majorops: {
    demoData: { enabled: true, path: path.resolve(__dirname, '../tests/fixtures/demo.yaml') },
  },
};

/** Row counts of every table a write could touch. */
const counts = (knex: Knex) =>
  rowCounts(knex, ['incidents', 'incident_entities', 'incident_roles', 'incident_shadows', 'timeline_events', 'hypotheses']);

describe('majorops incident command API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function start(options: { deny?: boolean; config?: object } = {}) {
      const knex = await databases.init(databaseId);
      const server = await startMajorOpsBackend({ knex, entities, ...options });
      return { server, knex };
    }

    async function declare(server: Server, body: Record<string, unknown> = {}, actor = GRACE) {
      const res = await request(server)
        .post(`${API}/incidents`)
        .set('Authorization', as(actor))
        .send({ title: 'Checkout 5xx', severity: 'SEV2', entityRefs: [CHECKOUT], ...body });
      expect(res.status).toBe(201);
      return res.body as Incident;
    }

    /**
     * The incident as stored. `GET /incidents/:id` adds each entity's current
     * owner from the catalog (checked in plugin.test.ts); it is dropped here so
     * that "nothing changed" comparisons see only what MajorOps stores.
     */
    async function get(server: Server, id: string) {
      const res = await request(server).get(`${API}/incidents/${id}`).set('Authorization', as(GRACE));
      expect(res.status).toBe(200);
      const incident = res.body as Incident;
      return {
        ...incident,
        entities: incident.entities.map(({ currentOwnerRef: _live, ...stored }) => stored),
      } as Incident;
    }

    async function timelineOf(server: Server, id: string, query: Record<string, string | number> = {}) {
      const res = await request(server)
        .get(`${API}/incidents/${id}/timeline`)
        .query({ limit: 500, ...query })
        .set('Authorization', as(GRACE));
      expect(res.status).toBe(200);
      return res.body.items as TimelineEvent[];
    }

    function transition(server: Server, id: string, body: object, actor = GRACE) {
      return request(server).post(`${API}/incidents/${id}/transitions`).set('Authorization', as(actor)).send(body);
    }

    function patch(server: Server, id: string, body: object, actor = GRACE) {
      return request(server).patch(`${API}/incidents/${id}`).set('Authorization', as(actor)).send(body);
    }

    describe('declaring', () => {
      it('snapshots owners from the catalog and makes the declarer incident commander', async () => {
        const { server } = await start();
        const before = new Date().toISOString();
        const incident = await declare(server, {
          title: '  Checkout 5xx after deploy  ',
          severity: 'SEV2',
          entityRefs: ['Component:default/checkout-api', ORDERS_DB, SEARCH, CHECKOUT],
          tags: ['Deploy', 'deploy', 'config'],
          incidentType: 'deployment',
        });
        const after = new Date().toISOString();

        expect(incident).toMatchObject({
          title: 'Checkout 5xx after deploy',
          severity: 'SEV2',
          status: 'declared',
          source: 'majorops',
          incidentType: 'deployment',
          tags: ['deploy', 'config'],
          createdBy: GRACE,
          version: 1,
          externalCause: false,
          customerReported: false,
        });
        // Refs normalised and de-duplicated; owner and system come from the catalog relations.
        expect(incident.entities).toEqual([
          { entityRef: CHECKOUT, ownerRef: 'group:default/payments', systemRef: 'system:default/checkout' },
          { entityRef: SEARCH, ownerRef: 'group:default/storefront' },
          { entityRef: ORDERS_DB, ownerRef: 'group:default/payments', systemRef: 'system:default/checkout' },
        ]);
        expect(incident.roles).toEqual([
          {
            role: 'incident-commander',
            userRef: GRACE,
            assignedBy: GRACE,
            assignedAt: incident.milestones.declaredAt,
          },
        ]);
        const { declaredAt, detectedAt } = incident.milestones;
        expect(declaredAt >= before && declaredAt <= after).toBe(true);
        expect(detectedAt).toBe(declaredAt);
        expect(incident.milestones.acknowledgedAt).toBeUndefined();
        expect(await get(server, incident.id)).toEqual(incident);

        const timeline = await timelineOf(server, incident.id);
        expect(timeline.map(e => [e.type, e.actorRef])).toEqual([
          ['declared', GRACE],
          ['role-assigned', GRACE],
        ]);
        expect(timeline[0].body).toMatchObject({
          severity: 'SEV2',
          entityRefs: [CHECKOUT, ORDERS_DB, SEARCH],
        });
        expect(timeline[1].body).toMatchObject({ role: 'incident-commander', userRef: GRACE });

        // The incident is listed for the entity and for the group owning it.
        const byGroup = await request(server)
          .get(`${API}/incidents?groupRef=group:default/storefront`)
          .set('Authorization', as(GRACE));
        expect(byGroup.body.items.map((i: Incident) => i.id)).toEqual([incident.id]);
      });

      it('gives command to commanderRef when the declarer names someone', async () => {
        const { server } = await start();
        const incident = await declare(server, { commanderRef: 'User:default/Liam' }, MAYA);
        expect(incident.createdBy).toBe(MAYA);
        expect(incident.roles).toEqual([
          expect.objectContaining({ role: 'incident-commander', userRef: LIAM, assignedBy: MAYA }),
        ]);
        const [, assigned] = await timelineOf(server, incident.id);
        expect(assigned).toMatchObject({
          type: 'role-assigned',
          actorRef: MAYA,
          body: { role: 'incident-commander', userRef: LIAM },
        });
      });

      it('takes the actor from the credentials: createdBy in the body is refused and nothing is written', async () => {
        const { server, knex } = await start();
        const before = await counts(knex);
        const res = await request(server)
          .post(`${API}/incidents`)
          .set('Authorization', as(LIAM))
          .send({ title: 'x', severity: 'SEV3', entityRefs: [CHECKOUT], createdBy: GRACE });
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
        expect(res.body.error.message).toMatch(/unknown field createdBy/);
        expect(await counts(knex)).toEqual(before);

        const mine = await declare(server, { severity: 'SEV3' }, LIAM);
        expect(mine.createdBy).toBe(LIAM);
        expect((await timelineOf(server, mine.id)).every(e => e.actorRef === LIAM)).toBe(true);
      });

      it('raises a customer report from a paying account on SEV3 to SEV2, with the reason on the timeline', async () => {
        const { server } = await start();
        const incident = await declare(server, {
          severity: 'SEV3',
          customerReported: true,
          payingCustomer: true,
        });
        expect(incident.severity).toBe('SEV2');
        expect(incident).toMatchObject({ customerReported: true, payingCustomer: true });
        const timeline = await timelineOf(server, incident.id);
        expect(timeline[0]).toMatchObject({ type: 'declared', body: { severity: 'SEV3' } });
        const upgrades = timeline.filter(e => e.type === 'severity-change');
        expect(upgrades).toHaveLength(1);
        expect(upgrades[0]).toMatchObject({
          actorRef: 'majorops',
          occurredAt: incident.milestones.declaredAt,
          body: { from: 'SEV3', to: 'SEV2', trigger: 'paying-customer' },
        });
        expect(upgrades[0].body.reason).toMatch(/paying account/);
        expect(upgrades[0].body.text).toMatch(/SEV3 → SEV2/);

        // Reported by a customer who does not pay: no floor.
        const free = await declare(server, { severity: 'SEV3', customerReported: true });
        expect(free.severity).toBe('SEV3');
        expect((await timelineOf(server, free.id)).some(e => e.type === 'severity-change')).toBe(false);
      });

      it('makes any data integrity concern SEV1, applying the triggers in order', async () => {
        const { server } = await start();
        const low = await declare(server, { severity: 'SEV4', dataIntegrityConcern: true });
        expect(low.severity).toBe('SEV1');
        const [upgrade] = (await timelineOf(server, low.id)).filter(e => e.type === 'severity-change');
        expect(upgrade).toMatchObject({
          actorRef: 'majorops',
          body: { from: 'SEV4', to: 'SEV1', trigger: 'data-integrity' },
        });
        expect(upgrade.body.reason).toMatch(/data integrity/);

        const both = await declare(server, {
          severity: 'SEV3',
          customerReported: true,
          payingCustomer: true,
          dataIntegrityConcern: true,
        });
        expect(both.severity).toBe('SEV1');
        const steps = (await timelineOf(server, both.id)).filter(e => e.type === 'severity-change');
        expect(steps.map(e => [e.body.from, e.body.to, e.body.trigger])).toEqual([
          ['SEV3', 'SEV2', 'paying-customer'],
          ['SEV2', 'SEV1', 'data-integrity'],
        ]);
      });

      it('refuses bad declarations with a 400 that says what was wrong, and writes nothing', async () => {
        const { server, knex } = await start();
        const valid = { title: 'Checkout 5xx', severity: 'SEV2', entityRefs: [CHECKOUT] };
        const cases: Array<[string, unknown, RegExp]> = [
          ['unknown severity', { ...valid, severity: 'SEV5' }, /severity must be one of SEV1, SEV2, SEV3, SEV4/],
          ['malformed entity ref', { ...valid, entityRefs: ['checkout-api'] }, /"checkout-api" is not an entity ref/],
          ['entity not in the catalog', { ...valid, entityRefs: [CHECKOUT, 'component:default/ghost'] }, /Not in the catalog: component:default\/ghost$/],
          ['no entity', { ...valid, entityRefs: [] }, /name at least one affected entity/],
          ['title too long', { ...valid, title: 'x'.repeat(201) }, /title is longer than 200 characters/],
          ['blank title', { ...valid, title: '   ' }, /title is required/],
          ['missing title', { severity: 'SEV2', entityRefs: [CHECKOUT] }, /title/],
          ['missing severity', { title: 't', entityRefs: [CHECKOUT] }, /severity must be one of/],
          ['missing entityRefs', { title: 't', severity: 'SEV2' }, /entityRefs/],
          ['commander is a group', { ...valid, commanderRef: 'group:default/payments' }, /is not a user entity ref/],
          ['commander not in the catalog', { ...valid, commanderRef: 'user:default/ghost' }, /user:default\/ghost is not a user in the catalog/],
          ['detection in the future', { ...valid, detectedAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, /detectedAt \(.*\) lies in the future/],
          ['impact start in the future', { ...valid, impactStartedAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, /impactStartedAt \(.*\) lies in the future/],
          ['impact started after detection', { ...valid, impactStartedAt: minutesAgo(5), detectedAt: minutesAgo(10) }, /detectedAt cannot be before impactStartedAt/],
          ['impact started after the declaration it defaults detection to', { ...valid, impactStartedAt: new Date(Date.now() + MINUTE).toISOString() }, /impactStartedAt \(.*\) cannot be after detectedAt/],
          ['timestamp without a zone', { ...valid, detectedAt: '2026-11-23T10:00:00' }, /not a valid ISO-8601 timestamp with a time zone/],
          ['negative impact', { ...valid, impactScope: -1 }, /impactScope cannot be negative/],
          ['flag of the wrong type', { ...valid, payingCustomer: 'yes' }, /payingCustomer/],
          ['actor in the body', { ...valid, actorRef: GRACE }, /unknown field actorRef/],
        ];
        const before = await counts(knex);
        for (const [what, body, message] of cases) {
          const res = await request(server).post(`${API}/incidents`).set('Authorization', as(GRACE)).send(body as object);
          expect({ what, status: res.status }).toEqual({ what, status: 400 });
          expect({ what, message: res.body.error.message }).toEqual({ what, message: expect.stringMatching(message) });
        }
        const malformed = await request(server)
          .post(`${API}/incidents`)
          .set('Authorization', as(GRACE))
          .set('Content-Type', 'application/json')
          .send('{"title": ');
        expect(malformed.status).toBe(400);
        expect(await counts(knex)).toEqual(before);
        expect(before.incidents).toBe(0);
      });
    });

    describe('changing an incident', () => {
      it('applies a change at the current version, bumps the version and records what changed', async () => {
        const { server } = await start();
        const incident = await declare(server);
        const res = await patch(server, incident.id, {
          version: 1,
          title: 'Checkout and orders 5xx',
          tags: ['DB', 'db'],
          externalCause: true,
        }, LIAM);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          title: 'Checkout and orders 5xx',
          tags: ['db'],
          externalCause: true,
          version: 2,
          severity: 'SEV2',
        });
        expect(await get(server, incident.id)).toEqual(res.body);
        const changes = await timelineOf(server, incident.id, { type: 'field-change' });
        expect(changes).toHaveLength(1);
        expect(changes[0]).toMatchObject({
          actorRef: LIAM,
          body: { fields: ['title', 'tags', 'externalCause'] },
        });

        // A person's severity change carries their reason.
        const severity = await patch(server, incident.id, { version: 2, severity: 'SEV1', severityReason: 'all payments failing' });
        expect(severity.status).toBe(200);
        expect(severity.body).toMatchObject({ severity: 'SEV1', version: 3 });
        const [change] = await timelineOf(server, incident.id, { type: 'severity-change' });
        expect(change).toMatchObject({
          actorRef: GRACE,
          body: { from: 'SEV2', to: 'SEV1', reason: 'all payments failing' },
        });
      });

      it('refuses a stale version with a 409 that names the current version', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        expect((await patch(server, incident.id, { version: 1, title: 'First' })).status).toBe(200);
        const before = await counts(knex);

        const stale = await patch(server, incident.id, { version: 1, title: 'Second' }, LIAM);
        expect(stale.status).toBe(409);
        expect(stale.body.error.message).toMatch(/you sent version 1, it is now at version 2/);
        // Even a change that would alter nothing is refused at a stale version.
        const noop = await patch(server, incident.id, { version: 1, title: 'First' });
        expect(noop.status).toBe(409);
        expect(noop.body.error.message).toMatch(/it is now at version 2/);
        const future = await patch(server, incident.id, { version: 7, title: 'Third' });
        expect(future.status).toBe(409);

        expect(await get(server, incident.id)).toMatchObject({ title: 'First', version: 2 });
        expect(await counts(knex)).toEqual(before);
      });

      it('lets exactly one of two concurrent changes at the same version win, and keeps its change', async () => {
        const { server } = await start();
        const incident = await declare(server);
        for (let round = 0; round < 3; round++) {
          const version = round + 1;
          const responses = await Promise.all(
            ['Alpha', 'Bravo', 'Charlie'].map((title, i) =>
              patch(server, incident.id, { version, title: `${title} ${round}` }, [GRACE, LIAM, MAYA][i]),
            ),
          );
          expect(responses.map(r => r.status).sort()).toEqual([200, 409, 409]);
          const winner = responses.find(r => r.status === 200)!;
          for (const loser of responses.filter(r => r.status === 409)) {
            expect(loser.body.error.message).toMatch(new RegExp(`you sent version ${version}, it is now at version ${version + 1}`));
          }
          const stored = await get(server, incident.id);
          expect(stored.title).toBe(winner.body.title);
          expect(stored.version).toBe(version + 1);
        }
        // Only the winners' changes reached the timeline.
        const changes = await timelineOf(server, incident.id, { type: 'field-change' });
        expect(changes).toHaveLength(3);
      });

      it('moves up one level when the impact scope doubles, with the reason on the timeline', async () => {
        const { server } = await start();
        const incident = await declare(server, { severity: 'SEV3', impactScope: 10 });
        const grown = await patch(server, incident.id, { version: 1, impactScope: 15 });
        expect(grown.body).toMatchObject({ severity: 'SEV3', impactScope: 15, version: 2 });

        const doubled = await patch(server, incident.id, { version: 2, impactScope: 20 });
        expect(doubled.status).toBe(200);
        expect(doubled.body).toMatchObject({ severity: 'SEV2', impactScope: 20, version: 3 });
        const upgrades = await timelineOf(server, incident.id, { type: 'severity-change' });
        expect(upgrades).toHaveLength(1);
        expect(upgrades[0]).toMatchObject({
          actorRef: 'majorops',
          body: { from: 'SEV3', to: 'SEV2', trigger: 'impact-doubled' },
        });
        expect(upgrades[0].body.reason).toMatch(/from 10 to 20/);

        // Doubling is measured from the impact when the severity was last set (20 now).
        const again = await patch(server, incident.id, { version: 3, impactScope: 30 });
        expect(again.body.severity).toBe('SEV2');
        const twice = await patch(server, incident.id, { version: 4, impactScope: 40 });
        expect(twice.body.severity).toBe('SEV1');
        expect(await timelineOf(server, incident.id, { type: 'severity-change' })).toHaveLength(2);
      });

      it('refuses lowering the severity below what the triggers demand, unless the flag is cleared in the same change', async () => {
        const { server } = await start();
        const incident = await declare(server, { severity: 'SEV3', customerReported: true, payingCustomer: true });
        expect(incident.severity).toBe('SEV2');
        const refused = await patch(server, incident.id, { version: 1, severity: 'SEV3' });
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toMatch(/SEV3 is below what the escalation triggers require/);
        expect(await get(server, incident.id)).toMatchObject({ severity: 'SEV2', version: 1 });

        const allowed = await patch(server, incident.id, {
          version: 1,
          severity: 'SEV3',
          payingCustomer: false,
          severityReason: 'the reporter is on a free plan',
        });
        expect(allowed.status).toBe(200);
        expect(allowed.body).toMatchObject({ severity: 'SEV3', payingCustomer: false, version: 2 });
      });

      it('measures doubling from the first impact reported after a declaration without one', async () => {
        const { server } = await start();
        const incident = await declare(server, { severity: 'SEV3' });
        const first = await patch(server, incident.id, { version: 1, impactScope: 10 });
        expect(first.body).toMatchObject({ severity: 'SEV3', impactScope: 10 });
        const doubled = await patch(server, incident.id, { version: 2, impactScope: 25 });
        expect(doubled.body.severity).toBe('SEV2');
        const [upgrade] = await timelineOf(server, incident.id, { type: 'severity-change' });
        expect(upgrade.body).toMatchObject({ trigger: 'impact-doubled', from: 'SEV3', to: 'SEV2' });
        expect(upgrade.body.reason).toMatch(/from 10 to 25/);
      });

      it('refuses bad changes with a 400 and leaves the incident as it was', async () => {
        const { server, knex } = await start();
        const incident = await declare(server, { impactStartedAt: minutesAgo(30), detectedAt: minutesAgo(20) });
        const before = await counts(knex);
        const cases: Array<[string, object, RegExp]> = [
          ['no version', { title: 'x' }, /version is required/],
          ['nothing to change', { version: 1 }, /nothing to change/],
          ['only a reason', { version: 1, severityReason: 'because' }, /nothing to change/],
          ['status is not a field', { version: 1, status: 'resolved' }, /unknown field status/],
          ['blank title', { version: 1, title: ' ' }, /title is required/],
          ['unknown severity', { version: 1, severity: 'P1' }, /severity must be one of/],
          ['detection in the future', { version: 1, detectedAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, /detectedAt .* lies in the future/],
          ['impact after stored detection', { version: 1, impactStartedAt: minutesAgo(10) }, /detectedAt cannot be before impactStartedAt/],
          ['version not a number', { version: 'one', title: 'x' }, /version/],
        ];
        for (const [what, body, message] of cases) {
          const res = await patch(server, incident.id, body);
          expect({ what, status: res.status }).toEqual({ what, status: 400 });
          expect({ what, message: res.body.error.message }).toEqual({ what, message: expect.stringMatching(message) });
        }
        expect(await get(server, incident.id)).toEqual(incident);
        expect(await counts(knex)).toEqual(before);
        expect((await patch(server, 'no-such-incident', { version: 1, title: 'x' })).status).toBe(404);
      });
    });

    describe('lifecycle transitions', () => {
      it('records the milestones each status implies', async () => {
        const { server } = await start();
        const incident = await declare(server);

        const investigating = await transition(server, incident.id, { to: 'investigating', note: 'on it' }, LIAM);
        expect(investigating.status).toBe(200);
        const ack = investigating.body.milestones.acknowledgedAt;
        expect(ack >= incident.milestones.declaredAt).toBe(true);
        expect(investigating.body).toMatchObject({ status: 'investigating', version: 2 });
        expect(investigating.body.rootCauseIdentifiedAt).toBeUndefined();

        const identified = await transition(server, incident.id, { to: 'identified', version: 2 });
        expect(identified.status).toBe(200);
        expect(identified.body.rootCauseIdentifiedAt).toEqual(expect.any(String));
        expect(identified.body.milestones.acknowledgedAt).toBe(ack);
        expect(identified.body.milestones.mitigatedAt).toBeUndefined();

        const mitigating = await transition(server, incident.id, { to: 'mitigating' });
        expect(mitigating.body.milestones.mitigatedAt).toBeUndefined();
        const monitoring = await transition(server, incident.id, { to: 'monitoring' });
        const mitigatedAt = monitoring.body.milestones.mitigatedAt;
        expect(mitigatedAt).toEqual(expect.any(String));

        const resolved = await transition(server, incident.id, { to: 'resolved' });
        expect(resolved.body.milestones.resolvedAt).toEqual(expect.any(String));
        expect(resolved.body.milestones.mitigatedAt).toBe(mitigatedAt);

        // Reopened: no longer resolved.
        const reopened = await transition(server, incident.id, { to: 'investigating', note: 'errors are back' });
        expect(reopened.status).toBe(200);
        expect(reopened.body.status).toBe('investigating');
        expect(reopened.body.milestones.resolvedAt).toBeUndefined();
        expect((await get(server, incident.id)).milestones.resolvedAt).toBeUndefined();
        expect(reopened.body.rootCauseIdentifiedAt).toBe(identified.body.rootCauseIdentifiedAt);

        await transition(server, incident.id, { to: 'resolved' });
        const closed = await transition(server, incident.id, { to: 'closed' });
        expect(closed.body).toMatchObject({ status: 'closed', version: 9 });
        expect(closed.body.milestones.closedAt).toEqual(expect.any(String));

        const changes = await timelineOf(server, incident.id, { type: 'status-change' });
        expect(changes.map(e => [e.body.from, e.body.to])).toEqual([
          ['declared', 'investigating'],
          ['investigating', 'identified'],
          ['identified', 'mitigating'],
          ['mitigating', 'monitoring'],
          ['monitoring', 'resolved'],
          ['resolved', 'investigating'],
          ['investigating', 'resolved'],
          ['resolved', 'closed'],
        ]);
        expect(changes[0]).toMatchObject({ actorRef: LIAM, body: { note: 'on it' } });
        expect(changes[0].body.text).toBe('Status declared → investigating: on it');
      });

      it('sets acknowledgement, mitigation and resolution when resolving straight from declared', async () => {
        const { server } = await start();
        const incident = await declare(server);
        const res = await transition(server, incident.id, { to: 'resolved', note: 'false alarm' });
        expect(res.status).toBe(200);
        const m = res.body.milestones;
        expect(m.acknowledgedAt).toEqual(expect.any(String));
        expect(m.mitigatedAt).toEqual(m.resolvedAt);
        expect(m.resolvedAt).toEqual(expect.any(String));
      });

      it('refuses invalid transitions with a 409 listing what is allowed, and changes nothing', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        await transition(server, incident.id, { to: 'investigating' });
        const before = await counts(knex);

        const same = await transition(server, incident.id, { to: 'investigating' });
        expect(same.status).toBe(409);
        expect(same.body.error.message).toBe(
          'The incident is already investigating; allowed next: identified, mitigating, monitoring, resolved.',
        );
        const skip = await transition(server, incident.id, { to: 'closed' });
        expect(skip.status).toBe(409);
        expect(skip.body.error.message).toMatch(
          /Cannot move from investigating to closed; allowed next: identified, mitigating, monitoring, resolved/,
        );
        const unknown = await transition(server, incident.id, { to: 'sleeping' });
        expect(unknown.status).toBe(400);
        expect(unknown.body.error.message).toMatch(/status must be one of declared, investigating/);
        const stale = await transition(server, incident.id, { to: 'identified', version: 1 });
        expect(stale.status).toBe(409);
        expect(stale.body.error.message).toMatch(/it is now at version 2/);
        expect(await counts(knex)).toEqual(before);
        expect((await get(server, incident.id)).status).toBe('investigating');

        await transition(server, incident.id, { to: 'resolved' });
        await transition(server, incident.id, { to: 'closed' });
        const afterClose = await counts(knex);
        for (const to of ['declared', 'investigating', 'resolved', 'closed']) {
          const res = await transition(server, incident.id, { to });
          expect({ to, status: res.status }).toEqual({ to, status: 409 });
          expect(res.body.error.message).toMatch(/allowed next: none, a closed incident is final/);
        }
        expect(await counts(knex)).toEqual(afterClose);
        expect((await transition(server, 'no-such-incident', { to: 'investigating' })).status).toBe(404);
      });

      it('lets one of two concurrent transitions from the same status win', async () => {
        const { server } = await start();
        const incident = await declare(server);
        await transition(server, incident.id, { to: 'investigating' });

        // The same move twice at once: whichever runs second finds it done or the status changed.
        const same = await Promise.all([
          transition(server, incident.id, { to: 'identified' }, GRACE),
          transition(server, incident.id, { to: 'identified' }, LIAM),
        ]);
        expect(same.map(r => r.status).sort()).toEqual([200, 409]);
        expect((await get(server, incident.id)).version).toBe(3);

        // Two moves that exclude each other (closing, reopening): exactly one happens.
        await transition(server, incident.id, { to: 'resolved' });
        const rival = await Promise.all([
          transition(server, incident.id, { to: 'closed' }, GRACE),
          transition(server, incident.id, { to: 'investigating', note: 'not fixed' }, LIAM),
        ]);
        expect(rival.map(r => r.status).sort()).toEqual([200, 409]);
        const winner = rival.find(r => r.status === 200)!;
        const loser = rival.find(r => r.status === 409)!;
        expect(loser.body.error.message).toMatch(/based on an older state|allowed next/);
        const stored = await get(server, incident.id);
        expect(stored.status).toBe(winner.body.status);
        expect(stored.version).toBe(5);
        expect(Boolean(stored.milestones.closedAt)).toBe(winner.body.status === 'closed');
        const changes = await timelineOf(server, incident.id, { type: 'status-change' });
        expect(changes.map(e => e.body.to)).toEqual(['investigating', 'identified', 'resolved', winner.body.status]);
      });
    });

    describe('roles', () => {
      it('assigns a catalog user, hands over and releases, keeping the history', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const url = `${API}/incidents/${incident.id}/roles/technical-lead`;

        const assigned = await request(server).put(url).set('Authorization', as(GRACE)).send({ userRef: LIAM });
        expect(assigned.status).toBe(200);
        expect(assigned.body.version).toBe(2);
        expect(assigned.body.roles).toEqual([
          expect.objectContaining({ role: 'incident-commander', userRef: GRACE }),
          expect.objectContaining({ role: 'technical-lead', userRef: LIAM, assignedBy: GRACE }),
        ]);

        const handover = await request(server)
          .put(url)
          .set('Authorization', as(GRACE))
          .send({ userRef: MAYA, version: 2 });
        expect(handover.status).toBe(200);
        expect(handover.body.roles.filter((r: any) => r.role === 'technical-lead')).toEqual([
          expect.objectContaining({ userRef: MAYA }),
        ]);
        const events = await timelineOf(server, incident.id, { type: 'role-assigned' });
        expect(events.map(e => e.body.text)).toEqual([
          `${GRACE} is Incident Commander`,
          `${LIAM} is Technical Lead`,
          `Technical Lead handed over from ${LIAM} to ${MAYA}`,
        ]);
        expect(events[2].body).toMatchObject({ previousUserRef: LIAM, userRef: MAYA, role: 'technical-lead' });
        const rows = await knex('incident_roles').where({ incident_id: incident.id, role: 'technical-lead' }).orderBy('id');
        expect(rows.map(r => [r.user_ref, r.released_by, r.released_at === null])).toEqual([
          [LIAM, GRACE, false],
          [MAYA, null, true],
        ]);

        // Assigning the current holder again changes nothing.
        const same = await request(server).put(url).set('Authorization', as(GRACE)).send({ userRef: MAYA });
        expect(same.status).toBe(200);
        expect(same.body.version).toBe(3);

        const released = await request(server).delete(url).set('Authorization', as(GRACE));
        expect(released.status).toBe(200);
        expect(released.body.roles.map((r: any) => r.role)).toEqual(['incident-commander']);
        expect(released.body.version).toBe(4);
        const [release] = await timelineOf(server, incident.id, { type: 'role-released' });
        expect(release).toMatchObject({
          actorRef: GRACE,
          body: { role: 'technical-lead', userRef: MAYA, text: `${MAYA} released from Technical Lead` },
        });
        const mayaRow = await knex('incident_roles').where({ incident_id: incident.id, user_ref: MAYA }).first();
        expect(mayaRow.released_by).toBe(GRACE);
        expect(mayaRow.released_at).not.toBeNull();

        const again = await request(server).delete(url).set('Authorization', as(GRACE));
        expect(again.status).toBe(404);
        expect(again.body.error.message).toMatch(/Nobody holds the Technical Lead role/);
      });

      it('refuses roles for anyone who is not a catalog user, and unknown roles', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const before = await counts(knex);
        const cases: Array<[string, object, RegExp]> = [
          ['technical-lead', { userRef: 'group:default/payments' }, /is not a user entity ref/],
          ['technical-lead', { userRef: 'user:default/ghost' }, /user:default\/ghost is not a user in the catalog/],
          ['technical-lead', { userRef: 'liam' }, /not an entity ref|not a user entity ref/],
          ['technical-lead', {}, /userRef/],
          ['technical-lead', { userRef: LIAM, assignedBy: MAYA }, /unknown field assignedBy/],
          ['chief-of-fun', { userRef: LIAM }, /role must be one of incident-commander, communications-lead/],
        ];
        for (const [role, body, message] of cases) {
          const res = await request(server)
            .put(`${API}/incidents/${incident.id}/roles/${role}`)
            .set('Authorization', as(GRACE))
            .send(body);
          expect({ role, body, status: res.status }).toEqual({ role, body, status: 400 });
          expect(res.body.error.message).toMatch(message);
        }
        const unknownRole = await request(server)
          .delete(`${API}/incidents/${incident.id}/roles/chief-of-fun`)
          .set('Authorization', as(GRACE));
        expect(unknownRole.status).toBe(400);
        expect(await counts(knex)).toEqual(before);
        expect(await get(server, incident.id)).toEqual(incident);
      });

      it('lets only the incident commander release people, and records the release', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const url = `${API}/incidents/${incident.id}/roles/scribe`;
        await request(server).put(url).set('Authorization', as(GRACE)).send({ userRef: NOAH });
        const before = await counts(knex);

        const byScribe = await request(server).delete(url).set('Authorization', as(NOAH));
        expect(byScribe.status).toBe(403);
        expect(byScribe.body.error.message).toMatch(/Only the incident commander \(user:default\/grace\) can release the Scribe/);
        expect(await counts(knex)).toEqual(before);
        expect((await get(server, incident.id)).roles.map(r => r.role)).toEqual(['incident-commander', 'scribe']);

        // Command handed over: now liam releases, grace no longer can.
        await request(server)
          .put(`${API}/incidents/${incident.id}/roles/incident-commander`)
          .set('Authorization', as(GRACE))
          .send({ userRef: LIAM });
        expect((await request(server).delete(url).set('Authorization', as(GRACE))).status).toBe(403);
        const byCommander = await request(server).delete(url).set('Authorization', as(LIAM));
        expect(byCommander.status).toBe(200);
        const [release] = await timelineOf(server, incident.id, { type: 'role-released' });
        expect(release).toMatchObject({ actorRef: LIAM, body: { role: 'scribe', userRef: NOAH } });
      });

      it('keeps role history truthful under concurrent assignments: every handover names the real predecessor', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const url = `${API}/incidents/${incident.id}/roles/communications-lead`;
        const rounds = [
          [LIAM, MAYA],
          [NOAH, LIAM],
          [MAYA, NOAH],
        ];
        for (const users of rounds) {
          const responses = await Promise.all(
            users.map(userRef => request(server).put(url).set('Authorization', as(GRACE)).send({ userRef })),
          );
          // Run one after the other, the second is a handover; interleaved, it is refused.
          for (const res of responses) {
            expect([200, 409]).toContain(res.status);
            if (res.status === 409) {
              expect(res.body.error.message).toMatch(/Communications Lead role changed meanwhile|changed by someone else|older state/);
            }
          }
          expect(responses.some(r => r.status === 200)).toBe(true);
        }
        const rows = await knex('incident_roles')
          .where({ incident_id: incident.id, role: 'communications-lead' })
          .orderBy('id');
        // One holder at a time, and everyone before was released.
        expect(rows.filter(r => r.released_at === null)).toHaveLength(1);
        expect(rows.slice(0, -1).every(r => r.released_at !== null && r.released_by === GRACE)).toBe(true);
        const events = (await timelineOf(server, incident.id, { type: 'role-assigned' })).filter(
          e => e.body.role === 'communications-lead',
        );
        expect(events.map(e => e.body.userRef)).toEqual(rows.map(r => r.user_ref));
        expect(events.map(e => e.body.previousUserRef ?? null)).toEqual([
          null,
          ...rows.slice(0, -1).map(r => r.user_ref),
        ]);
        const stored = await get(server, incident.id);
        expect(stored.roles.find(r => r.role === 'communications-lead')?.userRef).toBe(rows[rows.length - 1].user_ref);
      });

      it('takes no new roles on a closed incident and refuses a stale version', async () => {
        const { server } = await start();
        const incident = await declare(server);
        const stale = await request(server)
          .put(`${API}/incidents/${incident.id}/roles/scribe`)
          .set('Authorization', as(GRACE))
          .send({ userRef: NOAH, version: 5 });
        expect(stale.status).toBe(409);
        expect(stale.body.error.message).toMatch(/you sent version 5, it is now at version 1/);
        await transition(server, incident.id, { to: 'resolved' });
        await transition(server, incident.id, { to: 'closed' });
        const closed = await request(server)
          .put(`${API}/incidents/${incident.id}/roles/scribe`)
          .set('Authorization', as(GRACE))
          .send({ userRef: NOAH });
        expect(closed.status).toBe(409);
        expect(closed.body.error.message).toMatch(/closed incident takes no new role/);
      });
    });

    describe('shadows', () => {
      const shadowUrl = (id: string, role: string, userRef: string) =>
        `${API}/incidents/${id}/roles/${role}/shadows/${encodeURIComponent(userRef)}`;

      it('adds a shadow to a held role, shows it on the incident and the timeline, and ends it', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const url = shadowUrl(incident.id, 'incident-commander', NOAH);

        const added = await request(server).put(url).set('Authorization', as(GRACE)).send({ version: 1 });
        expect(added.status).toBe(200);
        expect(added.body.version).toBe(2);
        expect(added.body.roles).toEqual([expect.objectContaining({ role: 'incident-commander', userRef: GRACE })]);
        expect(added.body.shadows).toEqual([
          { role: 'incident-commander', userRef: NOAH, assignedBy: GRACE, assignedAt: expect.any(String) },
        ]);
        expect((await get(server, incident.id)).shadows).toEqual(added.body.shadows);

        // Adding the same shadow again changes nothing, not even the version.
        const again = await request(server).put(url).set('Authorization', as(GRACE));
        expect(again.status).toBe(200);
        expect(again.body.version).toBe(2);
        expect(await knex('incident_shadows').where({ incident_id: incident.id })).toHaveLength(1);

        const ended = await request(server).delete(url).query({ version: 2 }).set('Authorization', as(LIAM));
        expect(ended.status).toBe(200);
        expect(ended.body.shadows).toEqual([]);
        expect(ended.body.version).toBe(3);
        const [row] = await knex('incident_shadows').where({ incident_id: incident.id });
        expect([row.user_ref, row.assigned_by, row.released_by, row.released_at === null]).toEqual([NOAH, GRACE, LIAM, false]);

        const events = [...(await timelineOf(server, incident.id))].filter(e => e.type.startsWith('shadow-'));
        expect(events.map(e => [e.type, e.actorRef, e.body.text])).toEqual([
          ['shadow-assigned', GRACE, `${NOAH} shadows ${GRACE} as Incident Commander`],
          ['shadow-released', LIAM, `${NOAH} stopped shadowing the Incident Commander`],
        ]);

        const gone = await request(server).delete(url).set('Authorization', as(GRACE));
        expect(gone.status).toBe(404);
        expect(gone.body.error.message).toMatch(/user:default\/noah does not shadow the Incident Commander/);
      });

      it('ends the shadow of whoever takes the role they shadowed', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        await request(server).put(shadowUrl(incident.id, 'incident-commander', LIAM)).set('Authorization', as(GRACE)).expect(200);
        const taken = await request(server)
          .put(`${API}/incidents/${incident.id}/roles/incident-commander`)
          .set('Authorization', as(GRACE))
          .send({ userRef: LIAM });
        expect(taken.status).toBe(200);
        expect(taken.body.shadows).toEqual([]);
        const [row] = await knex('incident_shadows').where({ incident_id: incident.id });
        expect(row.released_at).not.toBeNull();
      });

      it('refuses shadows that make no sense with a 4xx that says why, and writes nothing', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const before = await counts(knex);
        const cases: Array<[string, string, object, number, RegExp]> = [
          ['technical-lead', NOAH, {}, 409, /Nobody holds the Technical Lead role on this incident; assign it before adding a shadow/],
          ['incident-commander', GRACE, {}, 400, /user:default\/grace holds the Incident Commander role; a holder cannot shadow their own role/],
          ['incident-commander', 'user:default/ghost', {}, 400, /user:default\/ghost is not a user in the catalog/],
          ['incident-commander', 'group:default/payments', {}, 400, /is not a user entity ref/],
          ['chief-of-fun', NOAH, {}, 400, /role must be one of/],
          ['incident-commander', NOAH, { userRef: MAYA }, 400, /unknown field userRef|Unrecognized key/],
          ['incident-commander', NOAH, { version: 7 }, 409, /you sent version 7, it is now at version 1/],
        ];
        for (const [role, userRef, body, status, message] of cases) {
          const res = await request(server).put(shadowUrl(incident.id, role, userRef)).set('Authorization', as(GRACE)).send(body);
          expect({ role, userRef, body, status: res.status }).toEqual({ role, userRef, body, status });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await counts(knex)).toEqual(before);
        expect(await get(server, incident.id)).toEqual(incident);

        await transition(server, incident.id, { to: 'resolved' });
        const resolved = await request(server).put(shadowUrl(incident.id, 'incident-commander', NOAH)).set('Authorization', as(GRACE));
        expect(resolved.status).toBe(409);
        expect(resolved.body.error.message).toMatch(/Shadows join an incident in progress; this one is resolved/);
      });

      it('lets one of two concurrent adds of the same shadow win', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const url = shadowUrl(incident.id, 'incident-commander', MAYA);
        const responses = await Promise.all([1, 2, 3].map(() => request(server).put(url).set('Authorization', as(GRACE))));
        for (const res of responses) {
          expect([200, 409]).toContain(res.status);
          if (res.status === 409) expect(res.body.error.message).toMatch(/already shadows the Incident Commander/);
        }
        expect(await knex('incident_shadows').where({ incident_id: incident.id, released_at: null })).toHaveLength(1);
        expect((await timelineOf(server, incident.id, { type: 'shadow-assigned' })).length).toBe(1);
      });
    });

    describe('timeline', () => {
      it('records notes, actions and decisions by the signed-in user, in the order things happened', async () => {
        const { server, knex } = await start();
        const incident = await declare(server, { impactStartedAt: minutesAgo(60), detectedAt: minutesAgo(30) });
        const post = (body: object, actor = LIAM) =>
          request(server).post(`${API}/incidents/${incident.id}/timeline`).set('Authorization', as(actor)).send(body);

        const note = await post({ type: 'note', text: 'Error rate 40% since 09:58' });
        expect(note.status).toBe(201);
        expect(note.body).toMatchObject({
          type: 'note',
          actorRef: LIAM,
          incidentId: incident.id,
          body: { text: 'Error rate 40% since 09:58' },
        });
        const action = await post({ type: 'action', text: 'Rolled back config' }, MAYA);
        expect(action.body).toMatchObject({ type: 'action', actorRef: MAYA });
        // A scribe catching up: it happened before the declaration.
        const backdated = minutesAgo(45);
        const decision = await post({ type: 'decision', text: 'Page the DBA', occurredAt: backdated });
        expect(decision.status).toBe(201);
        expect(decision.body.occurredAt).toBe(backdated);

        const before = await counts(knex);
        const bad: Array<[object, RegExp]> = [
          [{ type: 'note', text: 'later', occurredAt: new Date(Date.now() + 60 * MINUTE).toISOString() }, /occurredAt .* lies in the future/],
          [{ type: 'note', text: 'too early', occurredAt: minutesAgo(90) }, /before the incident began/],
          [{ type: 'status-update', text: 'sneaky' }, /type must be one of note, action, decision/],
          [{ type: 'note', text: '   ' }, /text is required/],
          [{ type: 'note', text: 'as someone else', actorRef: GRACE }, /unknown field actorRef/],
        ];
        for (const [body, message] of bad) {
          const res = await post(body);
          expect({ body, status: res.status }).toEqual({ body, status: 400 });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await counts(knex)).toEqual(before);

        const timeline = await timelineOf(server, incident.id);
        expect(timeline.map(e => e.type)).toEqual(['decision', 'declared', 'role-assigned', 'note', 'action']);
        const times = timeline.map(e => e.occurredAt);
        expect([...times].sort()).toEqual(times);

        const manual = await timelineOf(server, incident.id, { type: 'note,decision' });
        expect(manual.map(e => e.body.text)).toEqual(['Page the DBA', 'Error rate 40% since 09:58']);
        const unknownType = await request(server)
          .get(`${API}/incidents/${incident.id}/timeline?type=gossip`)
          .set('Authorization', as(GRACE));
        expect(unknownType.status).toBe(400);
        expect(unknownType.body.error.message).toMatch(/unknown timeline type gossip/);
        const nowhere = await request(server)
          .post(`${API}/incidents/nope/timeline`)
          .set('Authorization', as(LIAM))
          .send({ type: 'note', text: 'x' });
        expect(nowhere.status).toBe(404);
        const missing = await request(server).get(`${API}/incidents/nope/timeline`).set('Authorization', as(GRACE));
        expect(missing.status).toBe(404);
      });

      it('pages through the timeline with a cursor without repeating or skipping', async () => {
        const { server } = await start();
        const incident = await declare(server, { impactStartedAt: minutesAgo(60) });
        for (let i = 0; i < 7; i++) {
          const res = await request(server)
            .post(`${API}/incidents/${incident.id}/timeline`)
            .set('Authorization', as(GRACE))
            // Some entries share a timestamp, some are backdated between others.
            .send({ type: 'note', text: `n${i}`, occurredAt: minutesAgo(50 - Math.floor(i / 2) * 10) });
          expect(res.status).toBe(201);
        }
        const all = await timelineOf(server, incident.id);
        expect(all).toHaveLength(9);

        const seen: TimelineEvent[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const res = await request(server)
            .get(`${API}/incidents/${incident.id}/timeline`)
            .query({ limit: 2, ...(cursor ? { cursor } : {}) })
            .set('Authorization', as(GRACE));
          expect(res.status).toBe(200);
          expect(res.body.items.length).toBeLessThanOrEqual(2);
          seen.push(...res.body.items);
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        expect(pages).toBe(5);
        expect(seen).toEqual(all);

        const notes = await request(server)
          .get(`${API}/incidents/${incident.id}/timeline`)
          .query({ limit: 3, type: 'note' })
          .set('Authorization', as(GRACE));
        expect(notes.body.items.map((e: TimelineEvent) => e.body.text)).toEqual(['n0', 'n1', 'n2']);
        const nextNotes = await request(server)
          .get(`${API}/incidents/${incident.id}/timeline`)
          .query({ limit: 3, type: 'note', cursor: notes.body.nextCursor })
          .set('Authorization', as(GRACE));
        expect(nextNotes.body.items.map((e: TimelineEvent) => e.body.text)).toEqual(['n3', 'n4', 'n5']);

        const forged = [
          'garbage',
          Buffer.from(JSON.stringify(['yesterday', '1'])).toString('base64url'),
          Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'abc'])).toString('base64url'),
          Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', '99999999999'])).toString('base64url'),
        ];
        for (const cursorValue of forged) {
          const res = await request(server)
            .get(`${API}/incidents/${incident.id}/timeline`)
            .query({ cursor: cursorValue })
            .set('Authorization', as(GRACE));
          expect({ cursorValue, status: res.status }).toEqual({ cursorValue, status: 400 });
          expect(res.body.error.message).toMatch(/cursor is not valid/);
        }
      });
    });

    describe('status updates and cadence', () => {
      it('renders a CAN update per audience and says whether it is complete', async () => {
        const { server } = await start();
        const incident = await declare(server, { severity: 'SEV1', entityRefs: [CHECKOUT, ORDERS_DB] });
        const post = (body: object) =>
          request(server).post(`${API}/incidents/${incident.id}/status-updates`).set('Authorization', as(LIAM)).send(body);
        const can = { conditions: 'Checkout fails for 40% of users', actions: 'Rolling back the config', needs: 'Approval to fail over' };

        const engineering = await post({ audience: 'engineering', ...can });
        expect(engineering.status).toBe(201);
        expect(engineering.body).toMatchObject({
          type: 'status-update',
          actorRef: LIAM,
          body: {
            audience: 'engineering',
            subject: '[SEV1 UPDATE] checkout-api, orders-db — declared',
            canComplete: true,
            ...can,
          },
        });
        expect(engineering.body.body.text).toMatch(/Current understanding: Checkout fails for 40% of users/);
        expect(engineering.body.body.text).toMatch(/Next update: in 15 minutes/);

        const executives = await post({ audience: 'executives', conditions: can.conditions, actions: can.actions });
        expect(executives.status).toBe(201);
        expect(executives.body.body).toMatchObject({
          subject: '[SEV1] Checkout 5xx — declared',
          needs: '',
          canComplete: false,
        });
        expect(executives.body.body.text).toMatch(/Decisions or help needed: none/);

        await transition(server, incident.id, { to: 'resolved' });
        const customers = await post({ audience: 'customers', ...can });
        expect(customers.body.body.subject).toBe('checkout-api, orders-db: resolved');
        expect(customers.body.body.text).not.toMatch(/Approval to fail over/);

        const updates = await timelineOf(server, incident.id, { type: 'status-update' });
        expect(updates.map(e => e.body.audience)).toEqual(['engineering', 'executives', 'customers']);
      });

      it('requires conditions and actions and a known audience, and refuses updates on a closed incident', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const post = (body: object) =>
          request(server).post(`${API}/incidents/${incident.id}/status-updates`).set('Authorization', as(GRACE)).send(body);
        const before = await counts(knex);
        const cases: Array<[object, RegExp]> = [
          [{ audience: 'engineering', actions: 'a' }, /conditions/],
          [{ audience: 'engineering', conditions: 'c', actions: '  ' }, /actions is required/],
          [{ audience: 'press', conditions: 'c', actions: 'a' }, /audience must be one of engineering, executives, customers/],
          [{ conditions: 'c', actions: 'a' }, /audience must be one of/],
          [{ audience: 'engineering', conditions: 'c', actions: 'a', sentBy: GRACE }, /unknown field sentBy/],
        ];
        for (const [body, message] of cases) {
          const res = await post(body);
          expect({ body, status: res.status }).toEqual({ body, status: 400 });
          expect(res.body.error.message).toMatch(message);
        }
        expect(await counts(knex)).toEqual(before);

        await transition(server, incident.id, { to: 'resolved' });
        await transition(server, incident.id, { to: 'closed' });
        const closedBefore = await counts(knex);
        const closed = await post({ audience: 'engineering', conditions: 'c', actions: 'a' });
        expect(closed.status).toBe(409);
        expect(closed.body.error.message).toMatch(/closed/);
        expect(await counts(knex)).toEqual(closedBefore);
      });

      it('shows the cadence on the incident: due 15 minutes after a SEV1 declaration, then after each update', async () => {
        const { server } = await start();
        const incident = await declare(server, { severity: 'SEV1' });
        const insights = async () => {
          const res = await request(server).get(`${API}/incidents/${incident.id}/insights`).set('Authorization', as(MAYA));
          expect(res.status).toBe(200);
          return res.body as { cadence: CadenceReport; severityLevel: any; rootCause: any; hypotheses: Hypothesis[] };
        };
        const first = await insights();
        expect(first.severityLevel).toMatchObject({ severity: 'SEV1', updateCadenceMinutes: 15 });
        expect(first.cadence).toMatchObject({
          nextDueAt: minutesFrom(incident.milestones.declaredAt, 15),
          overdue: false,
          windows: [],
          missedWindows: 0,
        });
        expect(first.rootCause).toMatchObject({
          applies: true,
          overdue: false,
          dueAt: minutesFrom(incident.milestones.declaredAt, 30),
        });

        const update = await request(server)
          .post(`${API}/incidents/${incident.id}/status-updates`)
          .set('Authorization', as(GRACE))
          .send({ audience: 'executives', conditions: 'down', actions: 'rolling back' });
        const postedAt = update.body.occurredAt;
        const second = await insights();
        expect(second.cadence.nextDueAt).toBe(minutesFrom(postedAt, 15));
        expect(second.cadence.windows).toEqual([
          { from: incident.milestones.declaredAt, dueAt: minutesFrom(incident.milestones.declaredAt, 15), metAt: postedAt },
        ]);
        expect(second.cadence).toMatchObject({ missedWindows: 0, onTimeShare: 1 });

        const resolved = await transition(server, incident.id, { to: 'resolved' });
        expect(resolved.status).toBe(200);
        const third = await insights();
        expect(third.cadence.nextDueAt).toBeUndefined();
        expect(third.rootCause).toEqual({ applies: false });
        expect((await request(server).get(`${API}/incidents/nope/insights`).set('Authorization', as(GRACE))).status).toBe(404);
      });
    });

    describe('hypotheses', () => {
      it('opens a timeboxed hypothesis, confirms it once, and 404s unknown ones', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const other = await declare(server, { title: 'Other' });
        const opened = await request(server)
          .post(`${API}/incidents/${incident.id}/hypotheses`)
          .set('Authorization', as(LIAM))
          .send({ statement: 'The connection pool is too small' });
        expect(opened.status).toBe(201);
        const hypothesis = opened.body as Hypothesis;
        expect(hypothesis).toMatchObject({
          incidentId: incident.id,
          statement: 'The connection pool is too small',
          openedBy: LIAM,
          status: 'open',
          timeboxEndsAt: minutesFrom(hypothesis.openedAt, 15),
        });
        const [openedEvent] = await timelineOf(server, incident.id, { type: 'hypothesis-opened' });
        expect(openedEvent).toMatchObject({
          actorRef: LIAM,
          body: { hypothesisId: hypothesis.id, timeboxEndsAt: hypothesis.timeboxEndsAt },
        });
        expect(openedEvent.body.text).toMatch(/15 min timebox/);

        const url = `${API}/incidents/${incident.id}/hypotheses/${hypothesis.id}`;
        const invalid = await request(server).patch(url).set('Authorization', as(GRACE)).send({ status: 'maybe' });
        expect(invalid.status).toBe(400);
        expect(invalid.body.error.message).toMatch(/status must be confirmed or refuted/);

        const confirmed = await request(server)
          .patch(url)
          .set('Authorization', as(GRACE))
          .send({ status: 'confirmed', note: 'pool at 100%' });
        expect(confirmed.status).toBe(200);
        expect(confirmed.body).toMatchObject({ id: hypothesis.id, status: 'confirmed', resolvedBy: GRACE });
        expect(confirmed.body.resolvedAt).toEqual(expect.any(String));

        const before = await counts(knex);
        const twice = await request(server).patch(url).set('Authorization', as(GRACE)).send({ status: 'refuted' });
        expect(twice.status).toBe(409);
        expect(twice.body.error.message).toMatch(/already confirmed/);
        for (const id of ['999999', 'abc', '99999999999', '-1', '1.5']) {
          const res = await request(server)
            .patch(`${API}/incidents/${incident.id}/hypotheses/${id}`)
            .set('Authorization', as(GRACE))
            .send({ status: 'refuted' });
          expect({ id, status: res.status }).toEqual({ id, status: 404 });
        }
        // A hypothesis belongs to its incident.
        const elsewhere = await request(server)
          .patch(`${API}/incidents/${other.id}/hypotheses/${hypothesis.id}`)
          .set('Authorization', as(GRACE))
          .send({ status: 'refuted' });
        expect(elsewhere.status).toBe(404);
        expect(await counts(knex)).toEqual(before);

        const resolvedEvents = await timelineOf(server, incident.id, { type: 'hypothesis-resolved' });
        expect(resolvedEvents).toEqual([
          expect.objectContaining({ actorRef: GRACE, body: expect.objectContaining({ status: 'confirmed', hypothesisId: hypothesis.id }) }),
        ]);
        const insights = await request(server).get(`${API}/incidents/${incident.id}/insights`).set('Authorization', as(GRACE));
        expect(insights.body.hypotheses).toEqual([confirmed.body]);
      });

      it('opens no hypothesis on a resolved incident or without a statement', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        const open = (body: object) =>
          request(server).post(`${API}/incidents/${incident.id}/hypotheses`).set('Authorization', as(GRACE)).send(body);
        expect((await open({ statement: ' ' })).status).toBe(400);
        expect((await open({})).status).toBe(400);
        await transition(server, incident.id, { to: 'resolved' });
        const before = await counts(knex);
        const late = await open({ statement: 'DNS' });
        expect(late.status).toBe(409);
        expect(late.body.error.message).toMatch(/resolved; reopen it/);
        expect(await counts(knex)).toEqual(before);
        expect((await request(server).post(`${API}/incidents/nope/hypotheses`).set('Authorization', as(GRACE)).send({ statement: 'x' })).status).toBe(404);
      });
    });

    describe('access control', () => {
      const writes: Array<[string, string, object]> = [
        ['post', '/incidents', { title: 't', severity: 'SEV2', entityRefs: [CHECKOUT] }],
        ['patch', '/incidents/ID', { version: 1, title: 'x' }],
        ['post', '/incidents/ID/transitions', { to: 'investigating' }],
        ['put', '/incidents/ID/roles/scribe', { userRef: LIAM }],
        ['delete', '/incidents/ID/roles/incident-commander', {}],
        ['put', `/incidents/ID/roles/incident-commander/shadows/${encodeURIComponent(NOAH)}`, {}],
        ['delete', `/incidents/ID/roles/incident-commander/shadows/${encodeURIComponent(NOAH)}`, {}],
        ['post', '/incidents/ID/timeline', { type: 'note', text: 'x' }],
        ['post', '/incidents/ID/status-updates', { audience: 'engineering', conditions: 'c', actions: 'a' }],
        ['post', '/incidents/ID/hypotheses', { statement: 's' }],
        ['patch', '/incidents/ID/hypotheses/1', { status: 'confirmed' }],
      ];
      const reads = [
        '/incidents/ID',
        '/incidents/ID/timeline',
        '/incidents/ID/insights',
        `/metrics?entityRef=${CHECKOUT}`,
      ];

      function call(server: Server, method: string, route: string, body: object, id: string) {
        const url = `${API}${route.replace('ID', id)}`;
        const req = (request(server) as any)[method](url);
        return method === 'get' || method === 'delete' ? req : req.send(body);
      }

      it('answers 401 without credentials on every route, and writes nothing', async () => {
        const { server, knex } = await start();
        const incident = await declare(server);
        await request(server)
          .post(`${API}/incidents/${incident.id}/hypotheses`)
          .set('Authorization', as(GRACE))
          .send({ statement: 's' });
        const before = await counts(knex);
        for (const [method, route, body] of writes) {
          const res = await call(server, method, route, body, incident.id);
          expect({ method, route, status: res.status }).toEqual({ method, route, status: 401 });
        }
        for (const route of reads) {
          const res = await call(server, 'get', route, {}, incident.id);
          expect({ route, status: res.status }).toEqual({ route, status: 401 });
        }
        expect(await counts(knex)).toEqual(before);
        expect(await get(server, incident.id)).toEqual(incident);
      });

      it('answers 403 when the permission policy denies, and writes nothing', async () => {
        const { server, knex } = await start({ deny: true });
        for (const [method, route, body] of writes) {
          const res = await call(server, method, route, body, 'some-id').set('Authorization', as(GRACE));
          expect({ method, route, status: res.status }).toEqual({ method, route, status: 403 });
          expect(res.body.error.name).toBe('NotAllowedError');
        }
        for (const route of reads) {
          const res = await call(server, 'get', route, {}, 'some-id').set('Authorization', as(GRACE));
          expect({ route, status: res.status }).toEqual({ route, status: 403 });
        }
        expect(Object.values(await counts(knex)).every(n => n === 0)).toBe(true);
      });
    });

    describe('metrics', () => {
      async function metrics(server: Server, query: Record<string, string>) {
        const res = await request(server).get(`${API}/metrics`).query(query).set('Authorization', as(GRACE));
        expect(res.status).toBe(200);
        return res.body as MetricsReport & { scope: Record<string, string> };
      }

      it('computes MTTD, MTTA and MTTR of an entity from the stored incidents', async () => {
        const { server } = await start({ config: demoConfig });
        // Demo incidents on checkout-api: detected after 3 and 2 min, acknowledged 4 and 3 min
        // after detection; the closed one restored after 21 min and resolved after 28.
        const checkout = await metrics(server, { entityRef: CHECKOUT });
        expect(checkout.scope).toEqual({ entityRef: CHECKOUT });
        expect(checkout.internal).toMatchObject({
          total: 2,
          mttd: { count: 2, meanMinutes: 2.5, medianMinutes: 2.5 },
          mtta: { count: 2, meanMinutes: 3.5, medianMinutes: 3.5 },
          mttrRestore: { count: 1, meanMinutes: 21, medianMinutes: 21 },
          mttrResolve: { count: 1, meanMinutes: 28, medianMinutes: 28 },
          bySeverity: { SEV1: 1, SEV2: 1, SEV3: 0, SEV4: 0 },
        });
        expect(checkout.external).toMatchObject({ total: 0, mttd: { count: 0 } });

        // The third-party outage on search-service never enters the team's own figures.
        const search = await metrics(server, { entityRef: SEARCH });
        expect(search.internal).toMatchObject({ total: 0, mttd: { count: 0 } });
        expect(search.external).toMatchObject({
          total: 1,
          mttd: { count: 1, meanMinutes: 60 },
          mtta: { count: 1, meanMinutes: 240 },
          mttrResolve: { count: 1, meanMinutes: 2000 },
          bySeverity: { SEV4: 1 },
        });

        // A system covers its parts; a group the entities it owns; `from` cuts by declaration.
        expect((await metrics(server, { entityRef: 'system:default/checkout' })).all.total).toBe(2);
        expect((await metrics(server, { groupRef: 'group:default/storefront' })).all.total).toBe(1);
        expect((await metrics(server, {})).all.total).toBe(3);
        const recent = await metrics(server, { from: new Date(Date.now() - 20 * 24 * 60 * MINUTE).toISOString() });
        expect(recent.all.total).toBe(2);
        expect(recent.all.bySeverity).toMatchObject({ SEV1: 1, SEV2: 1, SEV4: 0 });

        const bad = await request(server)
          .get(`${API}/metrics`)
          .query({ entityRef: CHECKOUT, groupRef: 'group:default/payments' })
          .set('Authorization', as(GRACE));
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/either entityRef or groupRef/);
      });

      it('measures incidents declared and worked through the API', async () => {
        const { server } = await start();
        const a = await declare(server, {
          entityRefs: [SEARCH],
          impactStartedAt: minutesAgo(40),
          detectedAt: minutesAgo(30),
        });
        const b = await declare(server, {
          entityRefs: [SEARCH],
          severity: 'SEV1',
          impactStartedAt: minutesAgo(20),
          detectedAt: minutesAgo(16),
        });
        const ackA = (await transition(server, a.id, { to: 'investigating' })).body as Incident;
        const resolvedA = (await transition(server, a.id, { to: 'resolved' })).body as Incident;
        const minutes = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / MINUTE;
        const round1 = (n: number) => Math.round(n * 10) / 10;

        const report = await metrics(server, { entityRef: SEARCH });
        expect(report.all.total).toBe(2);
        expect(report.all.bySeverity).toEqual({ SEV1: 1, SEV2: 1, SEV3: 0, SEV4: 0 });
        // Detection: 10 and 4 minutes after impact began.
        expect(report.all.mttd).toEqual({ count: 2, meanMinutes: 7, medianMinutes: 7 });
        // Only a was acknowledged and resolved.
        const mtta = minutes(a.milestones.detectedAt!, ackA.milestones.acknowledgedAt!);
        expect(report.all.mtta).toEqual({ count: 1, meanMinutes: round1(mtta), medianMinutes: round1(mtta) });
        const mttr = minutes(a.milestones.impactStartedAt!, resolvedA.milestones.resolvedAt!);
        expect(report.all.mttrResolve).toEqual({ count: 1, meanMinutes: round1(mttr), medianMinutes: round1(mttr) });
        expect(report.all.mttrRestore).toEqual(report.all.mttrResolve);
        expect(b.milestones.acknowledgedAt).toBeUndefined();
      });
    });
  });
});
