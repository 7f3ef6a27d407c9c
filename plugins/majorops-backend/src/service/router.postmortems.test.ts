import { mockCredentials } from '@backstage/backend-test-utils';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult, isPermission } from '@backstage/plugin-permission-common';
import { postmortemReadPermission } from '@majorops/plugin-majorops-common';
import { createPostmortemConditionalDecision, postmortemConditions } from '@majorops/plugin-majorops-node';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { shapeProblems } from '../tests/openapiShape';
import { rowCounts, startMajorOpsBackend, entity } from '../tests/testBackend';
import { createTestDatabases } from '../tests/testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const API = '/api/majorops';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ADA = 'user:default/ada';
const BO = 'user:default/bo';
const CY = 'user:default/cy';
const PAYMENTS = 'group:default/payments';
const SRE = 'group:default/sre';
const CHECKOUT = 'component:default/checkout-api';
const SEARCH = 'component:default/search-service';

/** Ownership claims per user, as a sign-in resolver would give them. */
const CLAIMS: Record<string, string[]> = {
  [ADA]: [ADA, SRE],
  [BO]: [BO, PAYMENTS],
  [CY]: [CY, SRE],
};

const as = (userRef: string) => mockCredentials.user.header(userRef);

const entities: Entity[] = [
  entity('User', 'ada'),
  entity('User', 'bo'),
  entity('User', 'cy'),
  entity('Group', 'payments'),
  entity('Group', 'sre'),
  entity('Component', 'checkout-api', PAYMENTS),
  entity('Component', 'search-service', SRE),
];

/**
 * A permission service with the portal's policy for post-mortems: everything
 * is allowed, and post-mortems are readable when published, restricted to one
 * of the caller's groups, or written by them.
 */
const conditionalPermissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[]) {
      return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
    },
    async authorizeConditional(requests: any[], options: any) {
      const principal = options.credentials.principal;
      const claims = principal?.type === 'user' ? CLAIMS[principal.userEntityRef] ?? [] : [];
      return requests.map(r =>
        isPermission(r.permission, postmortemReadPermission)
          ? createPostmortemConditionalDecision(postmortemReadPermission, {
              anyOf: [
                postmortemConditions.isOrganizationWide(),
                postmortemConditions.isVisibleToGroup({ claims }),
                postmortemConditions.isAuthor({ claims }),
              ],
            })
          : { result: AuthorizeResult.ALLOW },
      );
    },
  }),
});

const WRITE_TABLES = ['postmortems', 'postmortem_groups', 'action_items', 'incident_repeats', 'incident_runbooks'];

/** Every section of the full template filled in. */
const COMPLETE = {
  executiveSummary: 'Checkout failed for 18 minutes after a config deploy.',
  impact: { usersAffected: '12% of EU checkouts', revenueImpact: 'about 40k EUR', sloBudgetConsumedPercent: 35, supportTickets: 14 },
  whatHappened: 'A connection-pool setting was shipped as 0.',
  contributingFactors: {
    immediate: 'pool size 0 in the deployed config',
    underlying: 'config values are not validated',
    systemic: 'config changes skip the canary',
  },
  fiveWhys: ['The pool was empty', 'The config said 0', 'Nothing validated it'],
  wentWell: ['Rollback took 3 minutes'],
  wentPoorly: ['Detection took 9 minutes'],
  lessonsLearned: 'Validate config like code.',
  failureModes: ['Config Deploy'],
};

describe('majorops post-mortems API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      server = await startMajorOpsBackend({ knex, entities, features: [conditionalPermissions] });
    });

    /** Declares an incident; `resolvedHoursAgo` resolves it that long ago. */
    async function incident(options: {
      severity?: string;
      entityRefs?: string[];
      tags?: string[];
      resolvedHoursAgo?: number;
      declaredDaysAgo?: number;
      title?: string;
    } = {}) {
      const res = await request(server)
        .post(`${API}/incidents`)
        .set('Authorization', as(ADA))
        .send({
          title: options.title ?? 'Checkout errors',
          severity: options.severity ?? 'SEV2',
          entityRefs: options.entityRefs ?? [CHECKOUT],
          tags: options.tags ?? [],
        });
      expect(res.status).toBe(201);
      const id: string = res.body.id;
      if (options.declaredDaysAgo !== undefined) {
        const at = new Date(Date.now() - options.declaredDaysAgo * DAY);
        await knex('incidents').where({ id }).update({ declared_at: at });
        await knex('incident_entities').where({ incident_id: id }).update({ declared_at: at });
      }
      if (options.resolvedHoursAgo !== undefined) {
        await knex('incidents')
          .where({ id })
          .update({ status: 'resolved', resolved_at: new Date(Date.now() - options.resolvedHoursAgo * HOUR) });
      }
      return id;
    }

    const put = (id: string, body: object, actor = ADA) =>
      request(server).put(`${API}/incidents/${id}/postmortem`).set('Authorization', as(actor)).send(body);
    const get = (path: string, actor = ADA) => request(server).get(`${API}${path}`).set('Authorization', as(actor));
    const addItem = (id: string, body: object, actor = ADA) =>
      request(server).post(`${API}/incidents/${id}/action-items`).set('Authorization', as(actor)).send(body);

    it('starts a post-mortem from the incident, with the template kind, the generated timeline and the deadline', async () => {
      const id = await incident({ severity: 'SEV2', resolvedHoursAgo: 10 });
      const res = await put(id, {});
      expect(res.status).toBe(201);
      expect(shapeProblems('Postmortem', res.body)).toEqual([]);
      expect(res.body).toMatchObject({
        incidentId: id,
        kind: 'full',
        status: 'draft',
        authorRef: ADA,
        updatedBy: ADA,
        visibility: 'organization',
        version: 1,
        requirement: { kind: 'full', required: true },
        deadline: { state: 'due', hours: 37 },
      });
      const resolvedAt = (await request(server).get(`${API}/incidents/${id}`).set('Authorization', as(ADA))).body
        .milestones.resolvedAt;
      expect(res.body.deadline.dueAt).toBe(new Date(Date.parse(resolvedAt) + 48 * HOUR).toISOString());
      // The timeline comes from the incident's own events, each row keeping its source.
      const events = (await get(`/incidents/${id}/timeline`)).body.items;
      expect(res.body.timeline.length).toBeGreaterThan(0);
      expect(res.body.timeline[0]).toEqual({ at: events[0].occurredAt, text: events[0].body.text, sourceEventId: events[0].id });
      expect(res.body.missingSections.map((m: { field: string }) => m.field)).toEqual(
        expect.arrayContaining(['executiveSummary', 'contributingFactors.immediate', 'lessonsLearned', 'actionItems']),
      );

      const read = await get(`/incidents/${id}/postmortem`, CY);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(res.body);

      // A second "create" does not replace the first.
      const again = await put(id, { executiveSummary: 'mine now' }, BO);
      expect(again.status).toBe(409);
      expect((await get(`/incidents/${id}/postmortem`)).body).toMatchObject({ authorRef: ADA, executiveSummary: '', version: 1 });
    });

    it('asks only for a summary on SEV3, and a full one when a SEV3 repeats an earlier failure', async () => {
      const earlier = await incident({ severity: 'SEV3', declaredDaysAgo: 10, resolvedHoursAgo: 200 });
      const id = await incident({ severity: 'SEV3', resolvedHoursAgo: 1 });
      const summary = await put(earlier, {});
      expect(summary.body).toMatchObject({ kind: 'summary', requirement: { required: false }, deadline: { state: 'not-required' } });
      expect(summary.body.missingSections.map((m: { field: string }) => m.field)).toEqual([
        'executiveSummary',
        'contributingFactors.immediate',
      ]);
      const toReview = await put(earlier, {
        version: 1,
        status: 'review',
        executiveSummary: 'Search was slow for 5 minutes.',
        contributingFactors: { immediate: 'a cold cache' },
      });
      expect(toReview.status).toBe(200);

      const link = await request(server)
        .post(`${API}/incidents/${id}/repeats`)
        .set('Authorization', as(ADA))
        .send({ earlierIncidentId: earlier, failureMode: 'cold-cache' });
      expect(link.status).toBe(201);
      expect((await put(id, {})).body).toMatchObject({ kind: 'full', requirement: { required: true }, deadline: { state: 'due' } });
    });

    it('replaces with the version read, refuses a stale one with the current version, and loses no update', async () => {
      const id = await incident({ resolvedHoursAgo: 1 });
      await put(id, {});
      const saved = await put(id, { version: 1, executiveSummary: 'first', facilitatorRef: BO }, CY);
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ version: 2, executiveSummary: 'first', facilitatorRef: BO, updatedBy: CY, authorRef: ADA });

      const stale = await put(id, { version: 1, executiveSummary: 'overwrites first' });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toMatch(/version 1.*version 2/);
      expect((await get(`/incidents/${id}/postmortem`)).body.executiveSummary).toBe('first');

      // Two saves of the same version at once: one wins, the other is told.
      const [a, b] = await Promise.all([
        put(id, { version: 2, executiveSummary: 'from a' }),
        put(id, { version: 2, executiveSummary: 'from b' }, BO),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? 'from a' : 'from b';
      expect((await get(`/incidents/${id}/postmortem`)).body).toMatchObject({ version: 3, executiveSummary: winner });
    });

    it('moves draft → review → final only with every section and an action item, and needs a reopen to edit a final one', async () => {
      const id = await incident({ resolvedHoursAgo: 5 });
      await put(id, {});

      const skip = await put(id, { version: 1, status: 'final', ...COMPLETE });
      expect(skip.status).toBe(409);
      expect(skip.body.error.message).toMatch(/draft post-mortem cannot become final/);

      const before = await rowCounts(knex, WRITE_TABLES);
      const incomplete = await put(id, { version: 1, status: 'review', ...COMPLETE });
      expect(incomplete.status).toBe(400);
      expect(incomplete.body.error.message).toMatch(/At least one action item/);
      expect(await rowCounts(knex, WRITE_TABLES)).toEqual(before);
      expect((await get(`/incidents/${id}/postmortem`)).body).toMatchObject({ status: 'draft', version: 1 });

      expect((await addItem(id, { title: 'Validate pool size', ownerRef: PAYMENTS, priority: 'P1', dueDate: '2030-01-31' })).status).toBe(201);
      const review = await put(id, { version: 1, status: 'review', ...COMPLETE });
      expect(review.status).toBe(200);
      expect(review.body).toMatchObject({ status: 'review', failureModes: ['config-deploy'], missingSections: [] });
      expect(review.body.reviewStartedAt).toBeDefined();

      const final = await put(id, { version: 2, status: 'final', ...COMPLETE });
      expect(final.status).toBe(200);
      expect(final.body).toMatchObject({ status: 'final', deadline: { state: 'met' } });
      expect(final.body.finalizedAt).toBeDefined();

      const edit = await put(id, { version: 3, status: 'final', ...COMPLETE, lessonsLearned: 'changed after the fact' });
      expect(edit.status).toBe(409);
      expect(edit.body.error.message).toMatch(/final; reopen it/);

      const reopened = await put(id, { version: 3, status: 'review', ...COMPLETE, lessonsLearned: 'corrected' });
      expect(reopened.status).toBe(200);
      expect(reopened.body).toMatchObject({ status: 'review', lessonsLearned: 'corrected' });
      expect(reopened.body.finalizedAt).toBeUndefined();

      const emptied = await put(id, { version: 4, status: 'review', ...COMPLETE, lessonsLearned: '' });
      expect(emptied.status).toBe(400);
    });

    it('flags a post-mortem past its deadline as overdue on the incident and in the entity list', async () => {
      const late = await incident({ title: 'Late one', resolvedHoursAgo: 60 });
      const missing = await incident({ title: 'No post-mortem', severity: 'SEV1', resolvedHoursAgo: 49 });
      const minor = await incident({ title: 'Minor', severity: 'SEV4', resolvedHoursAgo: 100 });
      const fresh = await incident({ title: 'Fresh', resolvedHoursAgo: 2 });
      await put(late, {});
      // 60 h after resolution, 12 h and a little past the deadline: a started hour counts.
      expect((await get(`/incidents/${late}/postmortem`)).body.deadline).toMatchObject({ state: 'overdue', hours: 13 });

      const res = await get(`/postmortems/overdue?entityRef=${CHECKOUT}`);
      expect(res.status).toBe(200);
      for (const item of res.body.items) expect(shapeProblems('OverduePostmortem', item)).toEqual([]);
      expect(res.body.items.map((o: { incidentId: string }) => o.incidentId)).toEqual([late, missing]);
      expect(res.body.items[0]).toMatchObject({ incidentTitle: 'Late one', postmortemStatus: 'draft', deadline: { state: 'overdue' } });
      expect(res.body.items[1].postmortemStatus).toBeUndefined();
      expect(res.body.items.map((o: { incidentId: string }) => o.incidentId)).not.toContain(minor);
      expect(res.body.items.map((o: { incidentId: string }) => o.incidentId)).not.toContain(fresh);
      expect((await get(`/postmortems/overdue?entityRef=${SEARCH}`)).body.items).toEqual([]);
    });

    it('keeps a restricted post-mortem, its title and its action items from people outside its groups', async () => {
      const id = await incident({ title: 'Card data exposure', resolvedHoursAgo: 72, entityRefs: [CHECKOUT] });
      const created = await put(id, { visibility: 'restricted', visibleToGroups: [PAYMENTS], executiveSummary: 'secret' });
      expect(created.status).toBe(201);
      expect(created.body.visibleToGroups).toEqual([PAYMENTS]);
      await addItem(id, { title: 'Rotate the leaked key', ownerRef: BO, priority: 'P1', dueDate: '2020-01-01' });
      const open = await incident({ title: 'Published one', resolvedHoursAgo: 1, entityRefs: [CHECKOUT] });
      await put(open, { executiveSummary: 'for everyone' });
      await addItem(open, { title: 'Add a canary', ownerRef: BO, priority: 'P2', dueDate: '2020-01-02' });

      // In the group, or the author: readable.
      expect((await get(`/incidents/${id}/postmortem`, BO)).body.executiveSummary).toBe('secret');
      expect((await get(`/incidents/${id}/postmortem`, ADA)).status).toBe(200);
      // Outside: the same 404 as for an incident without a post-mortem.
      const hidden = await get(`/incidents/${id}/postmortem`, CY);
      const none = await get(`/incidents/${await incident({})}/postmortem`, CY);
      expect(hidden.status).toBe(404);
      expect(none.status).toBe(404);
      expect(hidden.body.error.message.replace(id, 'X')).toBe(none.body.error.message.replace(/[0-9a-f-]{36}/, 'X'));

      const listed = (actor: string) =>
        get(`/postmortems?entityRef=${CHECKOUT}`, actor).then(r => r.body.items.map((p: { incidentTitle: string }) => p.incidentTitle));
      expect(await listed(BO)).toEqual(expect.arrayContaining(['Card data exposure', 'Published one']));
      expect(await listed(CY)).toEqual(['Published one']);
      const cyList = await get(`/postmortems?entityRef=${CHECKOUT}`, CY);
      expect(JSON.stringify(cyList.body)).not.toContain('Card data exposure');
      for (const item of cyList.body.items) expect(shapeProblems('PostmortemSummary', item)).toEqual([]);

      // The overdue list still names the incident (incidents are not restricted) but not the post-mortem's status.
      const overdue = (actor: string) => get(`/postmortems/overdue?entityRef=${CHECKOUT}`, actor).then(r => r.body.items);
      expect((await overdue(BO)).find((o: { incidentId: string }) => o.incidentId === id)).toMatchObject({ postmortemStatus: 'draft' });
      expect((await overdue(CY)).find((o: { incidentId: string }) => o.incidentId === id).postmortemStatus).toBeUndefined();

      // Action items go with their post-mortem.
      expect((await get(`/incidents/${id}/action-items`, CY)).status).toBe(404);
      expect((await addItem(id, { title: 'x', ownerRef: CY, priority: 'P3', dueDate: '2030-01-01' }, CY)).status).toBe(404);
      const items = (actor: string) =>
        get(`/action-items?entityRef=${CHECKOUT}&state=overdue`, actor).then(r => r.body.items.map((a: { title: string }) => a.title));
      expect(await items(BO)).toEqual(['Rotate the leaked key', 'Add a canary']);
      expect(await items(CY)).toEqual(['Add a canary']);
      expect((await get(`/action-items?ownerRef=${BO}`, CY)).body.items.map((a: { title: string }) => a.title)).toEqual(['Add a canary']);
    });

    it('refuses bad post-mortems with a 400 that names the field, and writes nothing', async () => {
      const id = await incident({ resolvedHoursAgo: 1 });
      const before = await rowCounts(knex, WRITE_TABLES);
      const cases: Array<[object, RegExp]> = [
        [{ authorRef: BO }, /unknown field authorRef/],
        [{ status: 'published' }, /status must be one of draft, review, final/],
        [{ visibility: 'restricted' }, /visibleToGroups: a restricted post-mortem must name at least one group/],
        [{ visibleToGroups: [PAYMENTS] }, /only applies to a restricted post-mortem/],
        [{ visibility: 'restricted', visibleToGroups: [ADA] }, /is not a group entity ref/],
        [{ executiveSummary: 'x'.repeat(20_001) }, /executiveSummary is longer than 20000 characters/],
        [{ impact: { supportTickets: -1 } }, /supportTickets cannot be negative/],
        [{ fiveWhys: 'because' }, /fiveWhys must be an array of strings/],
        [{ timeline: [{ at: 'yesterday', text: 'x' }] }, /not a valid ISO-8601 timestamp/],
        [{ facilitatorRef: PAYMENTS }, /is not a user entity ref/],
      ];
      for (const [body, message] of cases) {
        const res = await put(id, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      expect(await rowCounts(knex, WRITE_TABLES)).toEqual(before);
      expect((await put('no-such-incident', {})).status).toBe(404);
      expect(await rowCounts(knex, WRITE_TABLES)).toEqual(before);
    });

    it('tracks action items to completion, with their state, and refuses stale or bad changes', async () => {
      const id = await incident({ resolvedHoursAgo: 1 });
      const created = await addItem(id, {
        title: 'Canary config changes',
        ownerRef: PAYMENTS,
        priority: 'P1',
        dueDate: '2999-12-31',
        trackerUrl: 'https://tracker.example/OPS-1',
      });
      expect(created.status).toBe(201);
      expect(shapeProblems('ActionItem', created.body)).toEqual([]);
      expect(created.body).toMatchObject({
        status: 'not-started',
        state: 'open',
        createdBy: ADA,
        dueAt: '2999-12-31T23:59:59.999Z',
        incidentTitle: 'Checkout errors',
        version: 1,
      });
      const itemId = created.body.id;
      const patch = (body: object, actor = ADA) =>
        request(server).patch(`${API}/incidents/${id}/action-items/${itemId}`).set('Authorization', as(actor)).send(body);

      const done = await patch({ version: 1, status: 'done' }, BO);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'done', state: 'done-on-time', updatedBy: BO, version: 2 });
      expect(Date.parse(done.body.completedAt)).toBeGreaterThan(Date.now() - 60_000);

      const stale = await patch({ version: 1, status: 'cancelled' });
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toMatch(/version 1, it is now at version 2/);

      const reopened = await patch({ version: 2, status: 'in-progress' });
      expect(reopened.body.completedAt).toBeUndefined();

      const before = await rowCounts(knex, WRITE_TABLES);
      for (const [body, message] of [
        [{ title: 'x', ownerRef: PAYMENTS, priority: 'P1', dueDate: '2026-02-30' }, /not a real calendar date/],
        [{ title: 'x', ownerRef: CHECKOUT, priority: 'P1', dueDate: '2026-02-01' }, /must be a user or a group/],
        [{ title: 'x', ownerRef: BO, priority: 'P0', dueDate: '2026-02-01' }, /priority must be one of P1, P2, P3/],
        [{ title: 'x', ownerRef: BO, priority: 'P1', dueDate: '2026-02-01', trackerUrl: 'javascript:alert(1)' }, /http\(s\) URL/],
        [{ ownerRef: BO, priority: 'P1', dueDate: '2026-02-01' }, /title/],
      ] as Array<[object, RegExp]>) {
        const res = await addItem(id, body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      expect((await patch({ version: 3 })).status).toBe(400);
      expect((await patch({ version: 3, status: 'finished' })).status).toBe(400);
      expect(await rowCounts(knex, WRITE_TABLES)).toEqual(before);
      const wrongIncident = await request(server)
        .patch(`${API}/incidents/${await incident({})}/action-items/${itemId}`)
        .set('Authorization', as(ADA))
        .send({ version: 3, status: 'done' });
      expect(wrongIncident.status).toBe(404);

      // A team's items: the ones it owns.
      const team = await get(`/action-items?groupRef=${PAYMENTS}&state=open`);
      expect(team.body.items.map((a: { id: string }) => a.id)).toEqual([itemId]);
      expect((await get(`/action-items?groupRef=${SRE}`)).body.items).toEqual([]);
      expect((await get('/action-items?state=late')).status).toBe(400);
    });

    it('suggests earlier incidents with the same failure mode, links them, and calls out open action items', async () => {
      const first = await incident({ title: 'Pool exhausted', tags: ['config deploy'], declaredDaysAgo: 30, resolvedHoursAgo: 700 });
      const elsewhere = await incident({ title: 'Search pool', tags: ['config-deploy'], entityRefs: [SEARCH], declaredDaysAgo: 20 });
      const unrelated = await incident({ title: 'Disk full', tags: ['disk'], declaredDaysAgo: 10 });
      const now = await incident({ title: 'Pool exhausted again', tags: ['config-deploy'] });
      await addItem(first, { title: 'Validate pool size', ownerRef: PAYMENTS, priority: 'P1', dueDate: '2999-01-01' });

      const view = await get(`/incidents/${now}/repeats`);
      expect(view.status).toBe(200);
      expect(view.body.links).toEqual([]);
      expect(view.body.candidates).toEqual([
        expect.objectContaining({ incidentId: first, title: 'Pool exhausted', sharedFailureModes: ['config-deploy'], sharedEntityRefs: [CHECKOUT] }),
      ]);
      expect(view.body.candidates.map((c: { incidentId: string }) => c.incidentId)).not.toContain(elsewhere);
      expect(view.body.candidates.map((c: { incidentId: string }) => c.incidentId)).not.toContain(unrelated);

      const link = (earlierIncidentId: string, failureMode = 'config-deploy') =>
        request(server).post(`${API}/incidents/${now}/repeats`).set('Authorization', as(BO)).send({ earlierIncidentId, failureMode });
      const linked = await link(first);
      expect(linked.status).toBe(201);
      expect(shapeProblems('Repeats', linked.body)).toEqual([]);
      expect(linked.body.candidates).toEqual([]);
      expect(linked.body.links).toEqual([
        expect.objectContaining({
          earlierIncidentId: first,
          failureMode: 'config-deploy',
          linkedBy: BO,
          earlierActionItems: { total: 1, done: 0, open: 1 },
          callout: expect.stringMatching(/recurred while 1 of 1 action items from "Pool exhausted" are still open/),
        }),
      ]);
      expect((await link(first)).status).toBe(409);
      expect((await link(now)).status).toBe(400);
      const later = await incident({});
      const backwards = await request(server)
        .post(`${API}/incidents/${first}/repeats`)
        .set('Authorization', as(ADA))
        .send({ earlierIncidentId: later, failureMode: 'x' });
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.message).toMatch(/not before this one/);
      expect((await link('no-such-incident')).status).toBe(400);

      const unlinked = await request(server).delete(`${API}/incidents/${now}/repeats/${first}`).set('Authorization', as(ADA));
      expect(unlinked.status).toBe(200);
      expect(unlinked.body.links).toEqual([]);
      expect((await request(server).delete(`${API}/incidents/${now}/repeats/${first}`).set('Authorization', as(ADA))).status).toBe(404);
    });

    it('records which runbooks an incident used, and asks why when the responders deviated', async () => {
      const id = await incident({});
      const runbook = await request(server)
        .post(`${API}/runbooks`)
        .set('Authorization', as(ADA))
        .send({ entityRef: CHECKOUT, title: 'Pool exhaustion' });
      const runbookId = runbook.body.id;
      const record = (body: object, target = runbookId) =>
        request(server).put(`${API}/incidents/${id}/runbooks/${target}`).set('Authorization', as(BO)).send(body);

      const noReason = await record({ adherence: 'deviated' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(/say why the responders deviated/);
      expect((await record({ adherence: 'followed' }, 'no-such-runbook')).status).toBe(400);
      expect((await get(`/incidents/${id}/runbooks`)).body.items).toEqual([]);

      const followed = await record({ adherence: 'followed' });
      expect(followed.status).toBe(200);
      expect(shapeProblems('RunbookUsage', followed.body)).toEqual([]);
      const deviated = await record({ adherence: 'deviated', deviationReason: 'step 3 restarts the primary; we failed over instead' });
      expect(deviated.body).toMatchObject({ adherence: 'deviated', recordedBy: BO, runbookTitle: 'Pool exhaustion' });
      const list = (await get(`/incidents/${id}/runbooks`)).body.items;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ runbookId, adherence: 'deviated', deviationReason: expect.stringMatching(/failed over/) });
    });

    it('reports follow-through for an entity: post-mortems in time, action items on time, repeats, stale runbooks', async () => {
      const met = await incident({ resolvedHoursAgo: 100 });
      await put(met, {});
      await addItem(met, { title: 'a', ownerRef: BO, priority: 'P1', dueDate: '2999-01-01' });
      await put(met, { version: 1, status: 'review', ...COMPLETE });
      await put(met, { version: 2, status: 'final', ...COMPLETE });
      // Final now, and resolved an hour ago: within the deadline.
      await knex('incidents').where({ id: met }).update({ resolved_at: new Date(Date.now() - 1 * HOUR) });
      // No post-mortem 100 h after resolution: overdue.
      const late = await incident({ resolvedHoursAgo: 100, declaredDaysAgo: 5 });
      const overdue = await incident({ severity: 'SEV1', resolvedHoursAgo: 50 });
      await incident({ severity: 'SEV3', resolvedHoursAgo: 50 });
      const repeat = await incident({});
      await request(server)
        .post(`${API}/incidents/${repeat}/repeats`)
        .set('Authorization', as(ADA))
        .send({ earlierIncidentId: late, failureMode: 'x' });
      const overdueItem = await addItem(overdue, { title: 'b', ownerRef: BO, priority: 'P1', dueDate: '2020-01-01' });
      expect(overdueItem.status).toBe(201);
      await request(server).post(`${API}/runbooks`).set('Authorization', as(ADA)).send({ entityRef: CHECKOUT, title: 'Never drilled' });

      const res = await get(`/metrics/follow-through?entityRef=${CHECKOUT}`);
      expect(res.status).toBe(200);
      expect(shapeProblems('FollowThrough', res.body)).toEqual([]);
      expect(res.body).toMatchObject({
        scope: { entityRef: CHECKOUT },
        postmortemDeadlineHours: 48,
        postmortems: { required: 3, metDeadline: 1, overdue: 2, withinDeadlinePercent: 33.3 },
        actionItems: { judged: 1, overdue: 1, open: 1, onTimePercent: 0 },
        repeats: { incidents: 5, repeats: 1, percent: 20 },
        runbooks: { total: 1, stale: 0, neverTested: 1 },
      });
      const search = await get(`/metrics/follow-through?entityRef=${SEARCH}`);
      expect(search.body).toMatchObject({
        postmortems: { required: 0 },
        actionItems: { judged: 0 },
        repeats: { incidents: 0, repeats: 0 },
        runbooks: { total: 0 },
      });
      expect(search.body.postmortems.withinDeadlinePercent).toBeUndefined();
      expect((await get(`/metrics/follow-through?entityRef=${SEARCH}&groupRef=${SRE}`)).status).toBe(400);
    });

    it('counts knowledge contributions on the reputation', async () => {
      const id = await incident({ resolvedHoursAgo: 1 });
      await put(id, { facilitatorRef: BO });
      const item = await addItem(id, { title: 'a', ownerRef: BO, priority: 'P1', dueDate: '2999-01-01' });
      await request(server)
        .patch(`${API}/incidents/${id}/action-items/${item.body.id}`)
        .set('Authorization', as(BO))
        .send({ version: 1, status: 'done' });
      expect((await get(`/responders/${encodeURIComponent(BO)}/reputation`, BO)).body.contributions).toEqual({
        runbookRevisions: 0,
        drillsRecorded: 0,
        postmortemsAuthored: 0,
        postmortemsFacilitated: 1,
        actionItemsCompleted: 1,
        shadowsMentored: 0,
      });
      expect((await get(`/responders/${encodeURIComponent(ADA)}/reputation`, ADA)).body.contributions).toMatchObject({
        postmortemsAuthored: 1,
        actionItemsCompleted: 0,
      });
    });
  });

  it('answers 401 without a user and 403 when the policy denies writing post-mortems', async () => {
    const knex = await databases.init('SQLITE_3');
    const denied = await startMajorOpsBackend({ knex, entities, deny: true });
    for (const [method, path] of [
      ['put', '/incidents/x/postmortem'],
      ['post', '/incidents/x/action-items'],
      ['patch', '/incidents/x/action-items/y'],
      ['post', '/incidents/x/repeats'],
      ['delete', '/incidents/x/repeats/y'],
      ['put', '/incidents/x/runbooks/y'],
    ] as const) {
      const anonymous = await (request(denied) as any)[method](`${API}${path}`).send({});
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      const forbidden = await (request(denied) as any)[method](`${API}${path}`).set('Authorization', as(ADA)).send({});
      expect({ path, status: forbidden.status }).toEqual({ path, status: 403 });
    }
    for (const path of ['/postmortems', '/postmortems/overdue', '/action-items', '/metrics/follow-through', '/incidents/x/postmortem']) {
      expect({ path, status: (await request(denied).get(`${API}${path}`).set('Authorization', as(ADA))).status }).toEqual({
        path,
        status: 403,
      });
    }
  });
});
