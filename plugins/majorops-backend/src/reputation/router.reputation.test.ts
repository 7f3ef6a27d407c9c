import { mockCredentials } from '@backstage/backend-test-utils';
import { coreServices, createServiceFactory, SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { entity, rowCounts, startMajorOpsBackend } from '../tests/testBackend';
import { DatabaseReputationStore } from './DatabaseReputationStore';
import { createTestDatabases } from '../tests/testDatabases';

jest.setTimeout(90_000);

const API = '/api/majorops';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ADA = 'user:default/ada';
const BO = 'user:default/bo';
const CY = 'user:default/cy';
const SRE = 'group:default/sre';
const CHECKOUT = 'component:default/checkout-api';
const LEDGER_TASK = 'majorops-reputation-ledger';

/** Ada manages responders and reads every reputation and ranking; Bo and Cy only their own. */
const MANAGERS = new Set([ADA]);
const GUARDED = new Set(['majorops.reputation.read', 'majorops.ranking.read', 'majorops.responder.manage']);

const as = (userRef: string) => mockCredentials.user.header(userRef);

const member = (name: string): Entity => ({
  ...entity('User', name),
  spec: { profile: { displayName: name.toUpperCase() }, memberOf: ['sre'] },
  relations: [{ type: 'memberOf', targetRef: SRE }],
});

const entities: Entity[] = [
  member('ada'),
  member('bo'),
  member('cy'),
  entity('User', 'dee'),
  { ...entity('Group', 'sre'), relations: [{ type: 'hasMember', targetRef: 'user:default/dee' }] },
  entity('Component', 'checkout-api', SRE),
];

const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => {
    const decide = (requests: any[], options: any) => {
      const principal = options.credentials.principal;
      const user = principal?.type === 'user' ? principal.userEntityRef : undefined;
      return requests.map(r => ({
        result: !GUARDED.has(r.permission.name) || MANAGERS.has(user) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      }));
    };
    return { authorize: async (requests: any[], options: any) => decide(requests, options), authorizeConditional: async (requests: any[], options: any) => decide(requests, options) };
  },
});

/** A scheduler that only records tasks, so that a test runs the ledger task when it wants, without waiting. */
function capturingScheduler() {
  const tasks = new Map<string, () => Promise<void>>();
  const factory = createServiceFactory({
    service: coreServices.scheduler,
    deps: {},
    factory: () =>
      ({
        async scheduleTask(task: SchedulerServiceTaskScheduleDefinition & { id: string; fn: any }) {
          tasks.set(task.id, () => task.fn(new AbortController().signal));
        },
        createScheduledTaskRunner() {
          return { run: async (task: any) => tasks.set(task.id, () => task.fn(new AbortController().signal)) };
        },
        async triggerTask(id: string) {
          await tasks.get(id)?.();
        },
        async getScheduledTasks() {
          return [...tasks.keys()].map(id => ({ id, scope: 'global', settings: {} }));
        },
      }) as any,
  });
  return { factory, run: async (id: string) => tasks.get(id)!() };
}

describe('majorops reputation API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;
    let runLedgerTask: () => Promise<void>;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      const scheduler = capturingScheduler();
      server = await startMajorOpsBackend({ knex, entities, features: [permissions, scheduler.factory] });
      runLedgerTask = () => scheduler.run(LEDGER_TASK);
    });

    const get = (path: string, actor = ADA) => request(server).get(`${API}${path}`).set('Authorization', as(actor));

    /** Declares an incident with `commander` as declarer and incident commander. */
    async function declare(commander: string, options: { severity?: string; externalCause?: boolean } = {}) {
      const res = await request(server)
        .post(`${API}/incidents`)
        .set('Authorization', as(commander))
        .send({ title: 'Checkout errors', severity: options.severity ?? 'SEV2', entityRefs: [CHECKOUT], externalCause: options.externalCause ?? false });
      expect(res.status).toBe(201);
      return res.body.id as string;
    }

    async function transition(id: string, to: string, actor = ADA) {
      const res = await request(server).post(`${API}/incidents/${id}/transitions`).set('Authorization', as(actor)).send({ to });
      expect(res.status).toBe(200);
    }

    async function statusUpdate(id: string, actor: string) {
      const res = await request(server)
        .post(`${API}/incidents/${id}/status-updates`)
        .set('Authorization', as(actor))
        .send({ audience: 'engineering', conditions: 'Checkout fails for 10%', actions: 'Rolling back', needs: 'Nothing' });
      expect(res.status).toBe(201);
    }

    /** Moves every recorded time of an incident back, as if it happened `ms` earlier. */
    async function backdate(id: string, ms: number, options: { engagedAfterMs?: number } = {}) {
      const shift = (value: any) => (value === null || value === undefined ? value : new Date(new Date(typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value).getTime() - ms));
      const [incident] = await knex('incidents').where({ id });
      const changes: Record<string, unknown> = {};
      for (const column of ['declared_at', 'detected_at', 'acknowledged_at', 'mitigated_at', 'resolved_at', 'created_at', 'updated_at']) {
        changes[column] = shift(incident[column]);
      }
      await knex('incidents').where({ id }).update(changes);
      await knex('incident_entities').where({ incident_id: id }).update({ declared_at: changes.declared_at });
      for (const row of await knex('timeline_events').where({ incident_id: id })) {
        await knex('timeline_events').where({ id: row.id }).update({ occurred_at: shift(row.occurred_at) });
      }
      for (const row of await knex('incident_roles').where({ incident_id: id })) {
        const assigned = shift(row.assigned_at) as Date;
        await knex('incident_roles')
          .where({ id: row.id })
          .update({
            assigned_at: options.engagedAfterMs === undefined ? assigned : new Date(assigned.getTime() + options.engagedAfterMs),
            released_at: shift(row.released_at),
          });
      }
    }

    /** The ledger without ids and times of computation: what recomputation must reproduce. */
    const ledger = () => DatabaseReputationStore.create(knex).dumpLedger();

    it('rebuilds the same ledger from the same records, and explains every event', async () => {
      const first = await declare(ADA);
      await statusUpdate(first, ADA);
      await transition(first, 'monitoring');
      await transition(first, 'resolved');
      const second = await declare(BO, { severity: 'SEV1' });
      await transition(second, 'resolved', BO);
      await transition(second, 'investigating', BO);

      await runLedgerTask();
      const once = await ledger();
      expect(once.length).toBeGreaterThan(3);
      expect(new Set(once.map(e => e.userRef))).toEqual(new Set([ADA, BO]));
      expect(once.find(e => e.userRef === ADA && e.metric === 'resolutionQuality')).toMatchObject({
        incidentId: first,
        value: 100,
        source: 'resolution',
      });

      // Without a watermark the task rebuilds everything; nothing differs.
      await knex('reputation_watermarks').delete();
      await runLedgerTask();
      expect(await ledger()).toEqual(once);
      // And an incremental run over the same records changes nothing either.
      await runLedgerTask();
      expect(await ledger()).toEqual(once);

      const page = await get(`/responders/${encodeURIComponent(ADA)}/ledger?limit=2`);
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(2);
      expect(page.body.items[0]).toMatchObject({ userRef: ADA, incidentTitle: 'Checkout errors' });
      expect(Date.parse(page.body.items[0].occurredAt)).toBeGreaterThanOrEqual(Date.parse(page.body.items[1].occurredAt));
      const rest = await get(`/responders/${encodeURIComponent(ADA)}/ledger?limit=2&cursor=${page.body.nextCursor}`);
      const all = [...page.body.items, ...rest.body.items].map((e: { id: string }) => e.id);
      expect(new Set(all).size).toBe(once.filter(e => e.userRef === ADA).length);
      expect((await get(`/responders/${encodeURIComponent(ADA)}/ledger?cursor=nope`)).status).toBe(400);
    });

    it('rebuilds beside the visible ledger: readers see the old one until the switch, and an interrupted rebuild leaves nothing', async () => {
      const id = await declare(BO);
      await transition(id, 'resolved', BO);
      await runLedgerTask();
      const store = DatabaseReputationStore.create(knex);
      const visible = await ledger();
      expect(visible.length).toBeGreaterThan(0);
      // Every generation stored anywhere: on PostgreSQL also in a rebuild's table not attached yet.
      const generations = async () => {
        const found = new Set<number>((await knex('reputation_ledger').distinct('generation').pluck('generation')).map(Number));
        if (!String(knex.client.config.client).includes('sqlite')) {
          const tables: string[] = await knex('pg_tables').whereRaw(`tablename ~ '^reputation_ledger_g[0-9]+$'`).pluck('tablename');
          for (const table of tables) for (const g of await knex(table).distinct('generation').pluck('generation')) found.add(Number(g));
        }
        return [...found].sort((a, b) => a - b);
      };

      // A rebuild that stops half-way (the instance went down after one batch).
      const generation = await store.beginRebuild();
      await store.appendEvents(generation, [{ ...visible[0], reason: 'half-built' }], new Date().toISOString());
      expect(await ledger()).toEqual(visible);
      expect((await store.listEvents(visible[0].userRef)).map(e => e.reason)).not.toContain('half-built');
      expect((await get(`/responders/${encodeURIComponent(BO)}/ledger`, BO)).body.items.map((e: { reason: string }) => e.reason)).not.toContain('half-built');
      // The first task run was itself a full rebuild: the visible generation is the one before.
      expect(await generations()).toEqual([generation - 1, generation]);

      // The next full rebuild starts clean and switches; the old generation is gone by the task's next run at the latest.
      await knex('reputation_watermarks').delete();
      await runLedgerTask();
      expect(await ledger()).toEqual(visible);
      expect(await knex('reputation_ledger_state').pluck('generation')).toEqual([generation]);
      expect((await store.listEvents(visible[0].userRef)).map(e => e.reason)).not.toContain('half-built');
      await runLedgerTask();
      expect(await generations()).toEqual([generation]);
      expect(await ledger()).toEqual(visible);
    });

    it('updates only the participants of the incident that resolved since the last run', async () => {
      const old = await declare(BO);
      await transition(old, 'resolved', BO);
      await backdate(old, 3 * DAY);
      const open = await declare(ADA);
      await statusUpdate(open, ADA);
      await backdate(open, 3 * DAY);
      await runLedgerTask();
      const before = await knex('reputation_ledger').select('user_ref', 'source_key', 'computed_at').orderBy('source_key');
      expect(before.some(r => r.user_ref === BO)).toBe(true);

      await transition(open, 'resolved');
      await runLedgerTask();
      const after = await knex('reputation_ledger').select('user_ref', 'source_key', 'computed_at').orderBy('source_key');
      // Bo's rows were not touched; Ada's incident now has a resolution and a communication event.
      expect(after.filter(r => r.user_ref === BO)).toEqual(before.filter(r => r.user_ref === BO));
      const ada = after.filter(r => r.user_ref === ADA).map(r => r.source_key);
      expect(ada).toEqual(
        expect.arrayContaining([`incident:${open}:${ADA}:resolutionQuality`, `incident:${open}:${ADA}:communicationQuality`]),
      );
      expect(before.filter(r => r.user_ref === ADA).map(r => r.source_key)).not.toContain(`incident:${open}:${ADA}:resolutionQuality`);
    });

    it('credits mentoring to the holder a shadow followed once they part, on update and rebuild alike', async () => {
      const id = await declare(ADA);
      const shadow = `${API}/incidents/${id}/roles/incident-commander/shadows/${encodeURIComponent(CY)}`;
      // Cy adds themselves: bookkeeping that does not make Cy a participant with response metrics.
      expect((await request(server).put(shadow).set('Authorization', as(CY))).status).toBe(200);
      await backdate(id, HOUR);
      const [row] = await knex('incident_shadows').where({ incident_id: id });
      await knex('incident_shadows').where({ id: row.id }).update({ assigned_at: new Date(Date.now() - 50 * MINUTE) });
      const mentoring = async () => (await ledger()).filter(e => e.source === 'mentoring');

      // Still together on an open incident: nothing yet.
      await runLedgerTask();
      expect(await mentoring()).toEqual([]);

      expect((await request(server).delete(shadow).set('Authorization', as(CY))).status).toBe(200);
      await runLedgerTask();
      const [credit, ...more] = await mentoring();
      expect(more).toEqual([]);
      expect(credit).toMatchObject({ userRef: ADA, metric: 'knowledgeContribution', value: 100 });
      expect(credit.reason).toMatch(
        new RegExp(`^Mentored user:default/cy by holding a role alongside them on ${id} \\(Checkout errors\\), where they shadowed the Incident Commander for (49|50|51)(\\.\\d)? min\\.$`),
      );
      expect((await ledger()).filter(e => e.userRef === CY)).toEqual([]);
      const view = await get(`/responders/${encodeURIComponent(ADA)}/reputation`, ADA);
      expect(view.body.contributions.shadowsMentored).toBe(1);

      const updated = await ledger();
      await knex('reputation_watermarks').delete();
      await runLedgerTask();
      expect(await ledger()).toEqual(updated);
    });

    it('credits no mentoring for a shadow shorter than the minimum', async () => {
      const id = await declare(ADA);
      const shadow = `${API}/incidents/${id}/roles/incident-commander/shadows/${encodeURIComponent(CY)}`;
      expect((await request(server).put(shadow).set('Authorization', as(ADA))).status).toBe(200);
      await backdate(id, HOUR);
      // Ada held command for an hour; Cy shadowed the last 10 minutes of it (20 would count: see the test above).
      await knex('incident_shadows').where({ incident_id: id }).update({ assigned_at: new Date(Date.now() - 10 * MINUTE) });
      expect((await request(server).delete(shadow).set('Authorization', as(ADA))).status).toBe(200);
      await runLedgerTask();
      expect((await ledger()).filter(e => e.source === 'mentoring')).toEqual([]);
    });

    it('never lowers a score for an externally caused incident', async () => {
      const good = await declare(ADA, { severity: 'SEV2' });
      await transition(good, 'monitoring');
      await transition(good, 'resolved');
      await backdate(good, 2 * DAY);
      await runLedgerTask();
      const before = await get(`/responders/${encodeURIComponent(ADA)}/reputation`);
      expect(before.status).toBe(200);

      // A third party broke it; Ada engaged three hours late and resolved without verifying.
      const external = await declare(ADA, { severity: 'SEV1', externalCause: true });
      await transition(external, 'resolved');
      await backdate(external, DAY, { engagedAfterMs: 3 * HOUR });
      await knex('timeline_events').where({ incident_id: external }).update({ occurred_at: new Date(Date.now() - DAY + 3 * HOUR) });
      // The rows were written just now, whatever times they record.
      await knex('incidents').where({ id: external }).update({ updated_at: new Date() });
      await runLedgerTask();
      const events = await knex('reputation_ledger').where({ incident_id: external });
      expect(events.map(e => [e.metric, Number(e.value), Boolean(e.external_cause)])).toEqual(
        expect.arrayContaining([['responseSpeed', 0, true]]),
      );

      const after = await get(`/responders/${encodeURIComponent(ADA)}/reputation`);
      expect(after.body.reputation.score).toBeGreaterThanOrEqual(before.body.reputation.score);
      for (const metric of ['responseSpeed', 'resolutionQuality']) {
        expect(after.body.reputation.metrics[metric].value).toBeGreaterThanOrEqual(before.body.reputation.metrics[metric].value);
      }
      expect(after.body.reputation.metrics.responseSpeed.explanation).toMatch(/externally caused incidents left out/);
    });

    it('lets everyone read their own reputation, and only with permission another person\'s or a ranking', async () => {
      await runLedgerTask();
      const own = await get(`/responders/${encodeURIComponent(BO)}/reputation`, BO);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({
        userRef: BO,
        participation: { userRef: BO, incidents: 0 },
        contributions: { runbookRevisions: 0, postmortemsAuthored: 0 },
        training: [],
        peerFeedback: [],
        level: { level: 0, suspended: false },
        badge: { holds: false },
      });
      expect(own.body.reputation.score).toBe(500);
      expect(own.body.workload.weeks.length).toBeGreaterThanOrEqual(8);

      expect((await get(`/responders/${encodeURIComponent(ADA)}/reputation`, BO)).status).toBe(403);
      expect((await get(`/responders/${encodeURIComponent(ADA)}/ledger`, BO)).status).toBe(403);
      expect((await get(`/responders/${encodeURIComponent(BO)}/reputation`, ADA)).status).toBe(200);
      expect((await get(`/responders/${encodeURIComponent('user:default/nobody')}/reputation`, ADA)).status).toBe(404);
      expect((await get(`/responders/${encodeURIComponent('group:default/sre')}/reputation`, ADA)).status).toBe(400);
      expect((await get(`/groups/${encodeURIComponent(SRE)}/ranking`, BO)).status).toBe(403);
      expect((await get(`/groups/${encodeURIComponent('group:default/none')}/ranking`, ADA)).status).toBe(404);
      expect((await request(server).get(`${API}/responders/${encodeURIComponent(BO)}/reputation`)).status).toBe(401);
    });

    it('ranks a team by score with the workload beside it, and flags a long SEV1', async () => {
      const long = await declare(CY, { severity: 'SEV1' });
      await backdate(long, 6 * HOUR);
      await transition(long, 'resolved', CY);
      await runLedgerTask();
      const res = await get(`/groups/${encodeURIComponent(SRE)}/ranking`);
      expect(res.status).toBe(200);
      expect(res.body.groupRef).toBe(SRE);
      expect(res.body.items.map((i: { userRef: string }) => i.userRef).sort()).toEqual([ADA, BO, CY, 'user:default/dee']);
      const cy = res.body.items.find((i: { userRef: string }) => i.userRef === CY);
      expect(cy).toMatchObject({ displayName: 'CY', level: 0, suspended: false, champion: false, workload: { burnout: true } });
      expect(cy.workload.incidentHoursPerWeek).toBeGreaterThan(0);
      expect(cy.workload.reasons.join(' ')).toMatch(/SEV1 engagement/);
      const bo = res.body.items.find((i: { userRef: string }) => i.userRef === BO);
      expect(bo).toMatchObject({ score: 500, trendDelta: 0, workload: { burnout: false, pagesPerWeek: 0 } });
      const scores = res.body.items.map((i: { score: number }) => i.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('records training for a manager only, with clear 400s and nothing written on bad input', async () => {
      const post = (body: object, actor = ADA, user = BO) =>
        request(server).post(`${API}/responders/${encodeURIComponent(user)}/training`).set('Authorization', as(actor)).send(body);
      const tables = ['responder_training'];
      expect((await post({ kind: 'basic-training', issuer: 'Acme Academy', completedAt: '2026-01-10T09:00:00Z' }, BO)).status).toBe(403);
      const bad = await post({ kind: 'karate', issuer: 'Acme Academy', completedAt: '2026-01-10T09:00:00Z' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/kind must be one of basic-training, incident-command, certified-mim/);
      expect((await post({ kind: 'basic-training', issuer: '', completedAt: 'yesterday' })).body.error.message).toMatch(/issuer.*completedAt|completedAt/);
      expect((await post({ kind: 'basic-training', issuer: 'A', completedAt: '2026-01-10T09:00:00Z', expiresAt: '2025-01-01T00:00:00Z' })).body.error.message).toMatch(/expiresAt must be after completedAt/);
      expect((await post({ kind: 'basic-training', issuer: 'A', completedAt: '2026-01-10T09:00:00Z', recordedBy: CY })).body.error.message).toMatch(/unknown field recordedBy/);
      expect((await post({ kind: 'basic-training', issuer: 'A', completedAt: '2026-01-10T09:00:00Z' }, ADA, 'user:default/nobody')).status).toBe(404);
      expect(await rowCounts(knex, tables)).toEqual({ responder_training: 0 });

      const created = await post({ kind: 'basic-training', issuer: 'Acme Academy', completedAt: '2026-01-10T09:00:00Z', expiresAt: '2099-01-10T09:00:00Z' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ userRef: BO, kind: 'basic-training', issuer: 'Acme Academy', completedAt: '2026-01-10T09:00:00.000Z', recordedBy: ADA });
      const view = await get(`/responders/${encodeURIComponent(BO)}/reputation`, BO);
      expect(view.body.training).toEqual([created.body]);
      expect(view.body.level).toMatchObject({ level: 1, name: 'Observer' });
    });

    it('suspends and reinstates with an audit trail, refusing a second suspension and lifting twice', async () => {
      const path = `${API}/responders/${encodeURIComponent(BO)}/suspension`;
      const reviewAt = new Date(Date.now() + 14 * DAY).toISOString();
      expect((await request(server).put(path).set('Authorization', as(BO)).send({ reason: 'r', reviewAt })).status).toBe(403);
      const noReason = await request(server).put(path).set('Authorization', as(ADA)).send({ reviewAt });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toMatch(/reason/);
      const past = await request(server).put(path).set('Authorization', as(ADA)).send({ reason: 'Missed reviews', reviewAt: '2020-01-01T00:00:00Z' });
      expect(past.status).toBe(400);
      expect(past.body.error.message).toMatch(/reviewAt/);
      expect((await request(server).delete(path).set('Authorization', as(ADA)).send({ note: 'n' })).status).toBe(409);
      expect(await rowCounts(knex, ['responder_suspensions'])).toEqual({ responder_suspensions: 0 });

      const suspended = await request(server).put(path).set('Authorization', as(ADA)).send({ reason: 'Retraining after SEV1 review', reviewAt });
      expect(suspended.status).toBe(200);
      expect(suspended.body.level).toMatchObject({ suspended: true, name: 'Suspended', suspension: { reason: 'Retraining after SEV1 review', setBy: ADA, reviewOverdue: false } });
      expect((await request(server).put(path).set('Authorization', as(ADA)).send({ reason: 'again', reviewAt })).status).toBe(409);

      expect((await request(server).delete(path).set('Authorization', as(ADA)).send({})).status).toBe(400);
      const lifted = await request(server).delete(path).set('Authorization', as(ADA)).send({ note: 'Retraining done' });
      expect(lifted.status).toBe(200);
      expect(lifted.body.level.suspended).toBe(false);
      expect((await request(server).delete(path).set('Authorization', as(ADA)).send({ note: 'again' })).status).toBe(409);

      const rows = await knex('responder_suspensions').select('user_ref', 'reason', 'set_by', 'lifted_by', 'lift_note');
      expect(rows).toEqual([{ user_ref: BO, reason: 'Retraining after SEV1 review', set_by: ADA, lifted_by: ADA, lift_note: 'Retraining done' }]);
    });

    it('keeps a summary per responder for suggestions: written by the ledger task, rewritten at once on a suspension, none without a record', async () => {
      const summaries = async () =>
        Object.fromEntries(
          (await knex('reputation_summaries').select('user_ref', 'summary')).map(r => [r.user_ref, JSON.parse(r.summary)]),
        );
      const id = await declare(BO, { severity: 'SEV1' });
      await transition(id, 'monitoring', BO);
      await transition(id, 'resolved', BO);
      expect(await summaries()).toEqual({});

      await runLedgerTask();
      const written = await summaries();
      // Bo commanded. Ada only wrote on the timeline: events in the ledger, but no role, training or
      // suspension, so no level to suggest her with. Cy and Dee did nothing.
      expect(Object.keys(written)).toEqual([BO]);
      const view = await get(`/responders/${encodeURIComponent(BO)}/reputation`);
      expect(written[BO]).toMatchObject({
        userRef: BO,
        score: view.body.reputation.score,
        level: { level: view.body.level.level, suspended: false },
        badge: { holds: view.body.badge.holds },
        workload: { totals: view.body.workload.totals },
      });
      expect(JSON.stringify(written[BO])).not.toMatch(/comment/i);

      const reviewAt = new Date(Date.now() + 14 * DAY).toISOString();
      const path = `${API}/responders/${encodeURIComponent(BO)}/suspension`;
      expect((await request(server).put(path).set('Authorization', as(ADA)).send({ reason: 'Retraining', reviewAt })).status).toBe(200);
      expect((await summaries())[BO].level).toMatchObject({ suspended: true });
      expect((await request(server).delete(path).set('Authorization', as(ADA)).send({ note: 'Done' })).status).toBe(200);
      expect((await summaries())[BO].level).toMatchObject({ suspended: false });

      // Training makes Cy a person with a record: summarised at once, without waiting for the task.
      const training = await request(server)
        .post(`${API}/responders/${encodeURIComponent(CY)}/training`)
        .set('Authorization', as(ADA))
        .send({ kind: 'basic-training', issuer: 'Acme Academy', completedAt: new Date(Date.now() - DAY).toISOString() });
      expect(training.status).toBe(201);
      expect(Object.keys(await summaries()).sort()).toEqual([BO, CY]);
    });
  });
});
