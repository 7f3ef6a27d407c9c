import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DEFAULT_REPUTATION_CONFIG, PEER_SURVEY_OPEN_DAYS } from '@majorops/plugin-majorops-common';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { shapeProblems } from '../tests/openapiShape';
import { entity, rowCounts, startMajorOpsBackend } from '../tests/testBackend';
import { DatabaseSurveyStore } from './DatabaseSurveyStore';
import { SurveyService } from './SurveyService';
import { createTestDatabases } from '../tests/testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const API = '/api/majorops';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ADA = 'user:default/ada';
const BO = 'user:default/bo';
const CY = 'user:default/cy';
const DEE = 'user:default/dee';
const EVE = 'user:default/eve';
const CHECKOUT = 'component:default/checkout-api';
const SURVEY_TABLES = ['peer_surveys', 'peer_survey_responses', 'peer_survey_rounds'];
const GOOD = { answers: { clearAndCalm: 8, helpedResolution: 9, primaryContact: 7 } };

const as = (userRef: string) => mockCredentials.user.header(userRef);

const entities: Entity[] = [
  entity('User', 'ada'),
  { ...entity('User', 'bo'), spec: { profile: { displayName: 'Bo Lind' } } },
  entity('User', 'cy'),
  entity('User', 'dee'),
  entity('User', 'eve'),
  entity('Group', 'payments'),
  entity('Component', 'checkout-api', 'group:default/payments'),
];

/** One incident per window, so that a few incidents make closed windows in a test. */
const peerFeedback = { ...DEFAULT_REPUTATION_CONFIG.peerFeedback, incidentsPerWindow: 1 };

describe('majorops peer surveys API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      server = await startMajorOpsBackend({
        knex,
        entities,
        config: { majorops: { reputation: { peerFeedback: { incidentsPerWindow: 1 } } } },
      });
    });

    /**
     * Declares an incident commanded by Ada, gives roles to `others`, and
     * resolves it after `minutes` (by moving the declaration back).
     */
    async function resolvedIncident(options: {
      severity: string;
      others: string[];
      minutes?: number;
      customerReported?: boolean;
      resolve?: boolean;
    }) {
      const declared = await request(server)
        .post(`${API}/incidents`)
        .set('Authorization', as(ADA))
        .send({
          title: `${options.severity} checkout errors`,
          severity: options.severity,
          entityRefs: [CHECKOUT],
          ...(options.customerReported ? { customerReported: true } : {}),
        });
      expect(declared.status).toBe(201);
      const id: string = declared.body.id;
      const roles = ['technical-lead', 'communications-lead', 'scribe', 'operations-chief'];
      for (const [i, userRef] of options.others.entries()) {
        const res = await request(server)
          .put(`${API}/incidents/${id}/roles/${roles[i]}`)
          .set('Authorization', as(ADA))
          .send({ userRef });
        expect(res.status).toBe(200);
      }
      const at = new Date(Date.now() - (options.minutes ?? 10) * MINUTE);
      await knex('incidents').where({ id }).update({ declared_at: at });
      await knex('incident_entities').where({ incident_id: id }).update({ declared_at: at });
      if (options.resolve !== false) {
        const res = await request(server)
          .post(`${API}/incidents/${id}/transitions`)
          .set('Authorization', as(ADA))
          .send({ to: 'resolved' });
        expect(res.status).toBe(200);
      }
      return id;
    }

    const pending = (userRef: string) =>
      request(server).get(`${API}/surveys/pending`).set('Authorization', as(userRef));
    const answer = (surveyId: string, body: object, userRef: string) =>
      request(server).post(`${API}/surveys/${surveyId}/responses`).set('Authorization', as(userRef)).send(body);
    const surveysOf = (incidentId: string) =>
      knex('peer_surveys').where({ incident_id: incidentId }).orderBy(['rater_ref', 'subject_ref']).select('rater_ref', 'subject_ref');

    it('creates one survey per participant and colleague when a SEV1 is resolved, and lists them per person', async () => {
      const id = await resolvedIncident({ severity: 'SEV1', others: [BO, CY] });
      expect(await surveysOf(id)).toEqual([
        { rater_ref: ADA, subject_ref: BO },
        { rater_ref: ADA, subject_ref: CY },
        { rater_ref: BO, subject_ref: ADA },
        { rater_ref: BO, subject_ref: CY },
        { rater_ref: CY, subject_ref: ADA },
        { rater_ref: CY, subject_ref: BO },
      ]);

      const res = await pending(ADA);
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(2);
      for (const item of res.body.items) expect(shapeProblems('PendingSurvey', item)).toEqual([]);
      const resolvedAt = (await request(server).get(`${API}/incidents/${id}`).set('Authorization', as(ADA))).body
        .milestones.resolvedAt;
      const aboutBo = res.body.items.find((s: { subjectRef: string }) => s.subjectRef === BO);
      expect(aboutBo).toMatchObject({
        incidentId: id,
        incidentTitle: 'SEV1 checkout errors',
        severity: 'SEV1',
        subjectRoles: ['technical-lead'],
        closesAt: new Date(Date.parse(resolvedAt) + PEER_SURVEY_OPEN_DAYS * DAY).toISOString(),
      });
      // The questions name the colleague by their profile's display name.
      expect(aboutBo.questions).toEqual([
        { id: 'clearAndCalm', text: 'Was Bo Lind clear and calm under pressure during this incident?' },
        { id: 'helpedResolution', text: "Did Bo Lind's contributions help move the incident toward resolution?" },
        { id: 'primaryContact', text: 'Would you want Bo Lind as your primary contact on the next P1?' },
      ]);
      const aboutCy = res.body.items.find((s: { subjectRef: string }) => s.subjectRef === CY);
      expect(aboutCy.questions[0].text).toBe('Was cy clear and calm under pressure during this incident?');
      expect(aboutCy.subjectRoles).toEqual(['communications-lead']);

      // Bo is asked about Ada (the commander) and Cy; nobody outside the incident is asked anything.
      expect((await pending(BO)).body.items.map((s: { subjectRef: string }) => s.subjectRef).sort()).toEqual([ADA, CY]);
      expect((await pending(DEE)).body).toEqual({ items: [] });
    });

    it('surveys a significant SEV2 (long, or customer-reported), but not a short SEV2 or a SEV3', async () => {
      const long = await resolvedIncident({ severity: 'SEV2', others: [BO], minutes: 90 });
      const reported = await resolvedIncident({ severity: 'SEV2', others: [CY], customerReported: true });
      const short = await resolvedIncident({ severity: 'SEV2', others: [BO], minutes: 20 });
      const sev3 = await resolvedIncident({ severity: 'SEV3', others: [BO], minutes: 300 });
      expect(await surveysOf(long)).toHaveLength(2);
      expect(await surveysOf(reported)).toHaveLength(2);
      expect(await surveysOf(short)).toEqual([]);
      expect(await surveysOf(sev3)).toEqual([]);
      const rounds = await knex('peer_survey_rounds').whereIn('incident_id', [long, short]).orderBy('reason');
      expect(rounds.map(r => [r.incident_id, Boolean(r.required)])).toEqual(
        expect.arrayContaining([
          [long, true],
          [short, false],
        ]),
      );
    });

    it('creates surveys idempotently: a re-resolve and the safety-net sweep add nothing, the sweep catches a missed one', async () => {
      const id = await resolvedIncident({ severity: 'SEV1', others: [BO] });
      const before = await knex('peer_surveys').where({ incident_id: id }).orderBy('id').select('id', 'rater_ref', 'subject_ref');
      expect(before).toHaveLength(2);

      const service = new SurveyService({
        store: DatabaseSurveyStore.create(knex, { peerFeedback }),
        catalog: catalogServiceMock({ entities }),
        config: peerFeedback,
      });
      expect(await service.createForIncident(id)).toMatchObject({ required: true, created: 0 });
      expect(await service.sweep()).toBe(0);

      // Reopened and resolved again: the same surveys, no twins.
      for (const to of ['investigating', 'resolved']) {
        const res = await request(server).post(`${API}/incidents/${id}/transitions`).set('Authorization', as(ADA)).send({ to });
        expect(res.status).toBe(200);
      }
      expect(await knex('peer_surveys').where({ incident_id: id }).orderBy('id').select('id', 'rater_ref', 'subject_ref')).toEqual(before);

      // Resolved without the listener (e.g. by an ingested tool): the sweep creates them once, from any instance.
      const missed = await resolvedIncident({ severity: 'SEV1', others: [CY], resolve: false });
      await knex('incidents').where({ id: missed }).update({ status: 'resolved', resolved_at: new Date() });
      const [a, b] = await Promise.all([service.sweep(), service.sweep()]);
      expect(await surveysOf(missed)).toEqual([
        { rater_ref: ADA, subject_ref: CY },
        { rater_ref: CY, subject_ref: ADA },
      ]);
      expect(a + b).toBeGreaterThanOrEqual(2);
      expect(await service.sweep()).toBe(0);
    });

    it('takes one answer from the survey’s own rater while it is open, and refuses everything else without writing', async () => {
      const id = await resolvedIncident({ severity: 'SEV1', others: [BO, CY] });
      const [mine] = (await pending(ADA)).body.items;
      const bos = (await pending(BO)).body.items[0];

      // Strict bodies: 400 naming the field, nothing written.
      const before = await rowCounts(knex, SURVEY_TABLES);
      const bad: Array<[object, RegExp]> = [
        [{}, /answers/],
        [{ answers: { clearAndCalm: 8, helpedResolution: 9 } }, /answers\.primaryContact/],
        [{ answers: { ...GOOD.answers, clearAndCalm: 11 } }, /answers\.clearAndCalm.*1 to 10/],
        [{ answers: { ...GOOD.answers, helpedResolution: 7.5 } }, /answers\.helpedResolution/],
        [{ ...GOOD, raterRef: CY }, /unknown field raterRef/],
        [{ answers: { ...GOOD.answers, mood: 3 } }, /unknown field mood/],
        [{ ...GOOD, comment: 'x'.repeat(1001) }, /comment/],
      ];
      for (const [body, message] of bad) {
        const res = await answer(mine.id, body, ADA);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.message).toMatch(message);
      }
      // Someone else's survey, or one that does not exist: the same 404.
      const foreign = await answer(bos.id, GOOD, ADA);
      const missing = await answer('no-such-survey', GOOD, ADA);
      expect([foreign.status, missing.status]).toEqual([404, 404]);
      expect(foreign.body.error.message).toBe(missing.body.error.message.replace('no-such-survey', bos.id));
      // Only users answer surveys.
      const service = await request(server)
        .post(`${API}/surveys/${mine.id}/responses`)
        .set('Authorization', mockCredentials.service.header())
        .send(GOOD);
      expect(service.status).toBe(403);
      expect(await rowCounts(knex, SURVEY_TABLES)).toEqual(before);

      const ok = await answer(mine.id, { ...GOOD, comment: '  Calm on the bridge.  ' }, ADA);
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({ surveyId: mine.id, answered: true });
      const after = await rowCounts(knex, SURVEY_TABLES);
      expect(after.peer_survey_responses).toBe(before.peer_survey_responses + 1);

      const twice = await answer(mine.id, GOOD, ADA);
      expect(twice.status).toBe(409);
      expect((await pending(ADA)).body.items.map((s: { id: string }) => s.id)).not.toContain(mine.id);

      // After closesAt: 409, and no longer pending.
      await knex('peer_surveys').where({ id: bos.id }).update({ closes_at: new Date(Date.now() - MINUTE) });
      expect((await pending(BO)).body.items.map((s: { id: string }) => s.id)).not.toContain(bos.id);
      const closed = await answer(bos.id, GOOD, BO);
      expect(closed.status).toBe(409);
      expect(closed.body.error.message).toMatch(/closed/);
      expect(await rowCounts(knex, SURVEY_TABLES)).toEqual(after);

      // The stored answer carries no rater: only a keyed hash that is none of the refs.
      const [stored] = await knex('peer_survey_responses').where({ incident_id: id });
      expect(stored).toMatchObject({ subject_ref: mine.subjectRef, clear_and_calm: 8, comment: 'Calm on the bridge.' });
      expect(stored.rater_key).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(stored)).not.toMatch(/user:default\/ada/);
    });

    it('keeps answers confidential: suppressed below k raters without a count, averages from k, comments only when asked', async () => {
      // Two colleagues rate Ada on one incident, three on another.
      const few = await resolvedIncident({ severity: 'SEV1', others: [BO, CY] });
      const enough = await resolvedIncident({ severity: 'SEV1', others: [BO, CY, DEE] });
      const scores: Record<string, number> = { [BO]: 6, [CY]: 8, [DEE]: 10 };
      const responses: Array<{ status: number; body: unknown }> = [];
      for (const rater of [BO, CY, DEE]) {
        const listed = await pending(rater);
        responses.push(listed);
        for (const survey of listed.body.items.filter((s: { subjectRef: string }) => s.subjectRef === ADA)) {
          const value = scores[rater];
          const res = await answer(
            survey.id,
            { answers: { clearAndCalm: value, helpedResolution: value, primaryContact: value }, comment: `note from ${rater.split('/')[1]}` },
            rater,
          );
          expect(res.status).toBe(201);
          responses.push(res);
        }
        responses.push(await pending(rater));
      }

      const store = DatabaseSurveyStore.create(knex, { peerFeedback });
      const open = await store.aggregatesFor(ADA, new Date().toISOString(), { includeComments: true });
      expect(open.map(a => a.suppressed)).toEqual([true, true]);
      expect(open.map(a => a.suppressed && a.raters)).toEqual(['survey still open', 'survey still open']);

      const later = new Date(Date.now() + (PEER_SURVEY_OPEN_DAYS + 1) * DAY).toISOString();
      const [newest, oldest] = await store.aggregatesFor(ADA, later, { includeComments: true });
      expect(newest.window.kind === 'incidents' && newest.window.incidentIds).toEqual([enough]);
      expect(oldest.window.kind === 'incidents' && oldest.window.incidentIds).toEqual([few]);
      // Two raters (k − 1): nothing shown, and nothing says how many answered.
      expect(oldest).toMatchObject({ suppressed: true, raters: 'fewer than 3' });
      expect(Object.keys(oldest).sort()).toEqual(['message', 'raters', 'suppressed', 'window']);
      expect(JSON.stringify({ ...oldest, window: undefined })).not.toMatch(/\b2\b|two|note from|"answers"/);
      // Three raters: averages and the comments, unattributed.
      expect(newest).toMatchObject({
        suppressed: false,
        raters: 3,
        averages: { clearAndCalm: 8, helpedResolution: 8, primaryContact: 8 },
        overallAverage: 8,
        comments: ['note from bo', 'note from cy', 'note from dee'],
      });
      const withoutComments = await store.aggregatesFor(ADA, later, { includeComments: false });
      expect(withoutComments[0]).toMatchObject({ suppressed: false, raters: 3, comments: [] });
      expect(JSON.stringify(withoutComments)).not.toMatch(/note from/);

      // No survey route ever returned an answer, a comment, or a rater next to answers.
      for (const res of responses) {
        const json = JSON.stringify(res.body);
        expect(json).not.toMatch(/"answers"|note from|raterRef|rater_ref|rater_key/);
      }
      // Eve took part in nothing: no surveys, no aggregates.
      expect((await pending(EVE)).body).toEqual({ items: [] });
      expect(await store.aggregatesFor(EVE, later, { includeComments: true })).toEqual([]);

      // Several people at once, as the ledger's recompute reads them: the same as one by one.
      const people = [BO, ADA, EVE, CY];
      const many = await store.aggregatesForMany(people, later, { includeComments: false });
      expect([...many.keys()]).toEqual(people);
      expect(many.get(ADA)).toHaveLength(2);
      for (const ref of people) {
        expect(many.get(ref)).toEqual(await store.aggregatesFor(ref, later, { includeComments: false }));
      }
      expect(await store.aggregatesForMany([], later, { includeComments: false })).toEqual(new Map());
    });

    it('needs a signed-in user', async () => {
      expect((await request(server).get(`${API}/surveys/pending`)).status).toBe(401);
      expect((await request(server).get(`${API}/surveys/pending`).set('Authorization', mockCredentials.service.header())).status).toBe(403);
    });
  });
});
