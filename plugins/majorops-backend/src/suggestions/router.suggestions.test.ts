import { mockCredentials } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../tests/testDatabases';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult, isPermission } from '@backstage/plugin-permission-common';
import { reputationReadPermission, type AssignmentCandidate, type AssignmentSuggestions } from '@majorops/plugin-majorops-common';
import { createResponderConditionalDecision, responderConditions } from '@majorops/plugin-majorops-node';
import { conditionalPermissions } from '../tests/conditionalPermissions';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { entity, startMajorOpsBackend } from '../tests/testBackend';
import { RESTRICTED_REASON } from './redactSuggestions';

jest.setTimeout(120_000);

const API = '/api/majorops';
const ADA = 'user:default/ada';
const BO = 'user:default/bo';
const CY = 'user:default/cy';
const DEE = 'user:default/dee';
const EVE = 'user:default/eve';
/** Outside the owning teams: Fay gets history on checkout-api in one test, Gus never has any, Hal owns the kiosk himself. */
const FAY = 'user:default/fay';
const GUS = 'user:default/gus';
const HAL = 'user:default/hal';
/** Of another team, and lead of SRE. */
const IVY = 'user:default/ivy';
const OTHER = 'group:default/other';
const KIOSK = 'component:default/kiosk';
const SRE = 'group:default/sre';
const PLATFORM = 'group:default/platform';
const CHECKOUT = 'component:default/checkout-api';
const PAYMENTS = 'component:default/payments';
const SHOP = 'system:default/shop';

/**
 * Ada reads everyone's reputation and manages responders; Ivy, of another
 * team, leads SRE and so reads its members' reputation; the others read only
 * their own. Conditions are settled by the plugin's own rules.
 */
const GUARDED = new Set(['majorops.reputation.read', 'majorops.ranking.read', 'majorops.responder.manage']);
const permissions = conditionalPermissions((permission, userRef) => {
  if (!GUARDED.has(permission.name) || userRef === ADA) return { result: AuthorizeResult.ALLOW };
  if (userRef === IVY && isPermission(permission, reputationReadPermission)) {
    return createResponderConditionalDecision(permission, { anyOf: [responderConditions.isGroupMember({ groupRefs: [SRE] })] });
  }
  return { result: AuthorizeResult.DENY };
});

/** Level 1 after one incident; every role at every severity needs level 1; nothing above is reachable. */
const impossible = { minIncidents: 100000, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 0, trainings: [] };
const allRoles = { 'incident-commander': 1, 'communications-lead': 1, 'technical-lead': 1, 'operations-chief': 1, scribe: 1 };
const config = {
  majorops: {
    reputation: {
      levels: {
        requirements: {
          1: { ...impossible, minIncidents: 1 },
          2: impossible,
          3: impossible,
          4: impossible,
          5: impossible,
        },
        eligibility: { SEV1: allRoles, SEV2: allRoles, SEV3: allRoles, SEV4: allRoles },
      },
    },
  },
};

const user = (name: string, group: string): Entity => ({
  ...entity('User', name),
  spec: { profile: { displayName: name.toUpperCase() }, memberOf: [group] },
  relations: [{ type: 'memberOf', targetRef: group }],
});

const entities: Entity[] = [
  user('ada', SRE),
  user('bo', SRE),
  user('cy', PLATFORM),
  user('dee', SRE),
  user('eve', PLATFORM),
  user('fay', OTHER),
  user('gus', OTHER),
  user('hal', OTHER),
  user('ivy', OTHER),
  entity('Group', 'sre'),
  entity('Group', 'platform'),
  entity('Group', 'other'),
  entity('Component', 'kiosk', HAL),
  entity('System', 'shop', PLATFORM),
  {
    ...entity('Component', 'checkout-api', SRE, SHOP),
    metadata: {
      name: 'checkout-api',
      namespace: 'default',
      annotations: { 'majorops.dev/tech': 'postgres, kafka', 'majorops.dev/incident-types': 'database' },
    },
  },
  entity('Component', 'payments', PLATFORM, SHOP),
];

const as = (userRef: string) => mockCredentials.user.header(userRef);
const refs = (candidates: AssignmentCandidate[]) => candidates.map(c => c.userRef);

describe('majorops suggestions API', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;
    /** The SEV2 on checkout-api that suggestions are asked for, declared by Ada. */
    let target: { id: string; version: number };
    /** Eve's open SEV1 on payments. */
    let eveIncident: string;

    async function declare(declarer: string, body: object) {
      const res = await request(server).post(`${API}/incidents`).set('Authorization', as(declarer)).send({ title: 'Errors', ...body });
      expect(res.status).toBe(201);
      return res.body as { id: string; version: number };
    }

    async function resolve(id: string, actor: string) {
      const res = await request(server).post(`${API}/incidents/${id}/transitions`).set('Authorization', as(actor)).send({ to: 'resolved' });
      expect(res.status).toBe(200);
    }

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      server = await startMajorOpsBackend({ knex, entities, config, features: [permissions.factory] });
      // Bo commanded a database incident on checkout-api; Cy one on payments, in the same system.
      await resolve((await declare(BO, { severity: 'SEV2', entityRefs: [CHECKOUT], incidentType: 'database' })).id, BO);
      await resolve((await declare(CY, { severity: 'SEV2', entityRefs: [PAYMENTS] })).id, CY);
      // Dee has history on checkout-api too, but is suspended.
      await resolve((await declare(DEE, { severity: 'SEV3', entityRefs: [CHECKOUT], incidentType: 'database' })).id, DEE);
      const suspended = await request(server)
        .put(`${API}/responders/${encodeURIComponent(DEE)}/suspension`)
        .set('Authorization', as(ADA))
        .send({ reason: 'Retraining review', reviewAt: new Date(Date.now() + 30 * 86400_000).toISOString() });
      expect(suspended.status).toBe(200);
      // Eve is commanding an open SEV1.
      eveIncident = (await declare(EVE, { severity: 'SEV1', entityRefs: [PAYMENTS] })).id;
      target = await declare(ADA, { severity: 'SEV2', entityRefs: [CHECKOUT], incidentType: 'database' });
    });

    afterEach(async () => {
      await knex.destroy();
    });

    const suggestionsFor = async (reader: string) => {
      const res = await request(server).get(`${API}/incidents/${target.id}/suggestions`).set('Authorization', as(reader));
      expect(res.status).toBe(200);
      return res.body as AssignmentSuggestions;
    };

    it('ranks a member of the owning team first, with the reason naming the team and the track record', async () => {
      const suggestions = await suggestionsFor(ADA);
      expect(suggestions.incidentId).toBe(target.id);
      expect(suggestions.incidentCommander[0].userRef).toBe(BO);
      const bo = suggestions.incidentCommander[0];
      expect(bo.reasons).toContain(`Member of ${SRE}, which owns ${CHECKOUT}`);
      expect(bo.reasons.join('\n')).toMatch(/Commanded 1 SEV1\/SEV2 incident on component:default\/checkout-api/);
      expect(bo.evidence.map(e => e.matches)).toEqual([expect.arrayContaining([`entity:${CHECKOUT}`, 'type:database'])]);
      // Cy belongs to the team owning the system, which counts for less.
      const cy = suggestions.incidentCommander.find(c => c.userRef === CY) ?? suggestions.operationsChief;
      expect(cy?.breakdown.ownership.reasons).toEqual([`Member of ${PLATFORM}, which owns ${SHOP}, the system of ${CHECKOUT}`]);
      // Ada, who declared it, and anyone without a record are not left out silently.
      expect(suggestions.explanation).toMatch(/not an assignment/);
    });

    it('considers people outside the owning teams only through a role on a loaded incident, and direct owners', async () => {
      const listed = (suggestions: AssignmentSuggestions) => [
        ...refs(suggestions.incidentCommander),
        ...(suggestions.operationsChief ? [suggestions.operationsChief.userRef] : []),
        ...suggestions.excluded.map(e => e.userRef),
      ];
      const before = await suggestionsFor(ADA);
      expect(listed(before)).not.toContain(FAY);
      expect(JSON.stringify(before)).not.toContain(GUS);
      // Fay, of another team, commands two incidents on checkout-api: she now matters for the target.
      for (let i = 0; i < 2; i++) await resolve((await declare(FAY, { severity: 'SEV2', entityRefs: [CHECKOUT] })).id, FAY);
      const after = await suggestionsFor(ADA);
      const postgres = after.experts.find(t => t.kind === 'tech' && t.value === 'postgres');
      expect(postgres?.experts.find(e => e.userRef === FAY)?.reason).toMatch(/^2 past incidents involving postgres/);
      expect(before.experts.flatMap(t => t.experts.map(e => e.userRef))).not.toContain(FAY);
      expect(JSON.stringify(after)).not.toContain(GUS);
      // Hal owns the kiosk himself: on a draft for it he is considered (and listed, having no record yet).
      const draft = await request(server).post(`${API}/suggestions`).set('Authorization', as(ADA)).send({ severity: 'SEV2', entityRefs: [KIOSK] });
      expect(draft.status).toBe(200);
      const hal = (draft.body as AssignmentSuggestions).excluded.filter(e => e.userRef === HAL);
      expect(hal.map(e => e.slot)).toEqual(['incident-commander', 'operations-chief']);
      expect(hal[0].reasons.join(' ')).toMatch(/No level on record/);
      expect(JSON.stringify(draft.body)).not.toContain(GUS);
    });

    it("reads today's system from the catalog when the one recorded at declaration is another", async () => {
      await knex('incident_entities').where({ incident_id: target.id }).update({ system_ref: 'system:default/retired' });
      const suggestions = await suggestionsFor(ADA);
      const cy = [...suggestions.incidentCommander, ...(suggestions.operationsChief ? [suggestions.operationsChief] : [])].find(c => c.userRef === CY);
      expect(cy?.breakdown.ownership.reasons).toEqual([`Member of ${PLATFORM}, which owns ${SHOP}, the system of ${CHECKOUT}`]);
      // The history is that of today's system: Cy's incident on payments, in the same system, counts.
      expect(cy?.breakdown.expertise.reasons.join('\n')).toMatch(new RegExp(`Commanded 1 SEV1/SEV2 incident in ${SHOP}`));
    });

    it('never suggests a suspended responder, and says why', async () => {
      const suggestions = await suggestionsFor(ADA);
      expect(refs(suggestions.incidentCommander)).not.toContain(DEE);
      expect(suggestions.operationsChief?.userRef).not.toBe(DEE);
      expect(suggestions.experts.flatMap(t => t.experts.map(e => e.userRef))).not.toContain(DEE);
      const dee = suggestions.excluded.filter(e => e.userRef === DEE);
      expect(dee.map(e => e.slot)).toEqual(expect.arrayContaining(['incident-commander', 'operations-chief']));
      for (const exclusion of dee) expect(exclusion.reasons.join(' ')).toMatch(/Suspended/);
    });

    it('leaves out someone commanding another open incident, naming that incident', async () => {
      const suggestions = await suggestionsFor(ADA);
      expect(refs(suggestions.incidentCommander)).not.toContain(EVE);
      const eve = suggestions.excluded.find(e => e.userRef === EVE && e.slot === 'incident-commander');
      expect(eve?.reasons.join(' ')).toContain(`Already commanding ${eveIncident}`);
    });

    const candidatesOf = (suggestions: AssignmentSuggestions) => [
      ...suggestions.incidentCommander,
      ...(suggestions.operationsChief ? [suggestions.operationsChief] : []),
    ];
    const isRedacted = (candidate: AssignmentCandidate) =>
      candidate.breakdown.reputation.reasons.includes(RESTRICTED_REASON) &&
      candidate.breakdown.peerPreference.reasons.includes(RESTRICTED_REASON);

    function expectRedacted(candidate: AssignmentCandidate) {
      for (const component of ['reputation', 'peerPreference'] as const) {
        expect(candidate.breakdown[component]).toMatchObject({ value: 0, points: 0, reasons: [RESTRICTED_REASON] });
      }
      const text = candidate.reasons.join('\n');
      expect(text).not.toMatch(/Reputation score \d/);
      expect(text).not.toMatch(/Peers would want/);
      expect(text).not.toMatch(/No peer aggregate/);
      expect(text).toContain(RESTRICTED_REASON);
    }

    it('hides other candidates\' reputation and peer preference from a reader without majorops.reputation.read, keeping rank, reasons and their own numbers', async () => {
      const full = await suggestionsFor(ADA);
      expect(candidatesOf(full).some(isRedacted)).toBe(false);
      const seenByBo = await suggestionsFor(BO);
      expect(refs(seenByBo.incidentCommander)).toEqual(refs(full.incidentCommander));
      expect(seenByBo.incidentCommander.map(c => c.rank)).toEqual(full.incidentCommander.map(c => c.rank));
      // Bo, the top candidate, sees his own numbers as they are.
      expect(seenByBo.incidentCommander[0].userRef).toBe(BO);
      expect(seenByBo.incidentCommander[0]).toEqual(full.incidentCommander[0]);
      expect(seenByBo.incidentCommander[0].reasons.join('\n')).toMatch(/Reputation score \d+ of 1000/);
      const others = candidatesOf(seenByBo).filter(c => c.userRef !== BO);
      expect(others.length).toBeGreaterThan(0);
      others.forEach(expectRedacted);
      expect(seenByBo.explanation).toMatch(/hidden for (one candidate|\d+ candidates): reading them needs majorops.reputation.read for that person/);

      // Cy, not the top candidate, the same way round.
      const seenByCy = await suggestionsFor(CY);
      for (const candidate of candidatesOf(seenByCy)) {
        if (candidate.userRef === CY) expect(isRedacted(candidate)).toBe(false);
        else expectRedacted(candidate);
      }
      // The non-sensitive reasons stay.
      const boAsCySees = candidatesOf(seenByCy).find(c => c.userRef === BO)!;
      expect(boAsCySees.reasons).toContain(`Member of ${SRE}, which owns ${CHECKOUT}`);
      expect(boAsCySees.score).toBeLessThan(full.incidentCommander[0].score);
    });

    it("shows a lead the numbers of their team's members only, asking for the returned candidates in one batch", async () => {
      const full = await suggestionsFor(ADA);
      permissions.batches.length = 0;
      const seen = await suggestionsFor(IVY);
      const candidates = candidatesOf(seen);
      expect(candidates.map(c => c.userRef)).toEqual(candidatesOf(full).map(c => c.userRef));
      expect(candidates.map(c => c.userRef)).toEqual(expect.arrayContaining([BO, CY]));
      candidates.forEach((candidate, i) => {
        const memberOf = entities.find(e => `user:default/${e.metadata.name}` === candidate.userRef)?.spec?.memberOf as string[];
        if (memberOf.includes(SRE)) expect(candidate).toEqual(candidatesOf(full)[i]);
        else expectRedacted(candidate);
      });
      // One authorize call for reputation, about exactly the people returned (not the excluded, not the experts).
      const reputationBatches = permissions.batches.filter(b => b.requests.some(r => r.permission === 'majorops.reputation.read'));
      expect(reputationBatches).toHaveLength(1);
      expect(reputationBatches[0].requests.map(r => r.resourceRef).sort()).toEqual([...new Set(candidates.map(c => c.userRef))].sort());
      expect(reputationBatches[0].requests.every(r => r.permission === 'majorops.reputation.read')).toBe(true);
      expect(reputationBatches[0].applyConditionsCalls).toBe(1);
      expect(JSON.stringify(seen.excluded)).not.toContain(RESTRICTED_REASON);
    });

    it('asks nothing about reputation when the only candidate returned is the reader', async () => {
      // Of Platform's members Cy alone is ready (Eve is commanding): asked by Cy, the list is Cy only.
      permissions.batches.length = 0;
      const res = await request(server).get(`${API}/groups/${encodeURIComponent(PLATFORM)}/ready-commanders`).set('Authorization', as(CY));
      expect(res.status).toBe(200);
      expect(refs(res.body.items)).toEqual([CY]);
      expect(isRedacted(res.body.items[0])).toBe(false);
      expect(permissions.batches.filter(b => b.requests.some(r => r.permission === 'majorops.reputation.read'))).toEqual([]);
    });

    it('redacts ready commanders per candidate too', async () => {
      const res = await request(server).get(`${API}/groups/${encodeURIComponent(SRE)}/ready-commanders`).set('Authorization', as(IVY));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      for (const item of res.body.items as AssignmentCandidate[]) expect(isRedacted(item)).toBe(false);
      const outside = await request(server).get(`${API}/groups/${encodeURIComponent(PLATFORM)}/ready-commanders`).set('Authorization', as(IVY));
      expect(outside.status).toBe(200);
      expect(outside.body.items.length).toBeGreaterThan(0);
      (outside.body.items as AssignmentCandidate[]).forEach(expectRedacted);
    });

    it('suggests for an incident not declared yet', async () => {
      const res = await request(server)
        .post(`${API}/suggestions`)
        .set('Authorization', as(ADA))
        .send({ severity: 'SEV2', entityRefs: [CHECKOUT], tags: ['postgres'] });
      expect(res.status).toBe(200);
      expect(res.body.incidentId).toBe('draft');
      expect(res.body.incidentCommander[0].userRef).toBe(BO);
      expect(res.body.experts.map((t: { kind: string; value: string }) => `${t.kind}:${t.value}`)).toEqual(
        expect.arrayContaining(['type:database', 'tech:postgres', 'tech:kafka']),
      );
    });

    it("lists a team's members ready to command, leaving out the suspended", async () => {
      const res = await request(server).get(`${API}/groups/${encodeURIComponent(SRE)}/ready-commanders`).set('Authorization', as(ADA));
      expect(res.status).toBe(200);
      expect(res.body.groupRef).toBe(SRE);
      expect(refs(res.body.items)).toContain(BO);
      expect(refs(res.body.items)).not.toContain(DEE);
      expect(refs(res.body.items)).not.toContain(CY);
      for (const item of res.body.items) expect(item.reasons.length).toBeGreaterThan(0);
      const missing = await request(server).get(`${API}/groups/${encodeURIComponent('group:default/nobody')}/ready-commanders`).set('Authorization', as(ADA));
      expect(missing.status).toBe(404);
    });

    it('accepts a suggestion: assigns the role as the signed-in user and records the rank; the metric counts it', async () => {
      const suggestions = await suggestionsFor(ADA);
      const top = suggestions.incidentCommander[0].userRef;
      const res = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'incident-commander', userRef: top, version: target.version });
      expect(res.status).toBe(200);
      expect(res.body.roles.find((r: { role: string }) => r.role === 'incident-commander')).toMatchObject({ userRef: top, assignedBy: ADA });
      const rows = await knex('suggestion_acceptances').select();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ incident_id: target.id, role: 'incident-commander', user_ref: top, rank_at_acceptance: 1, accepted_by: ADA });
      expect(JSON.parse(rows[0].suggested_top_n)).toEqual(refs(suggestions.incidentCommander));

      // Someone not suggested can still be taken; the acceptance has no rank.
      const chief = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'operations-chief', userRef: DEE });
      expect(chief.status).toBe(200);
      expect((await knex('suggestion_acceptances').where({ role: 'operations-chief' }).first()).rank_at_acceptance).toBeNull();

      const metrics = await request(server).get(`${API}/metrics/suggestions`).set('Authorization', as(BO));
      expect(metrics.status).toBe(200);
      // SEV1/SEV2 with a commander: Bo's, Cy's, Eve's and the target; one commander came from the top 3.
      expect(metrics.body).toMatchObject({ topN: 3, incidents: 4, acceptedFromTopN: 1, rate: 0.25 });
      expect(metrics.body.amongSuggested).toMatchObject({ incidents: 1, accepted: 1, rate: 1 });
      const future = await request(server)
        .get(`${API}/metrics/suggestions`)
        .query({ from: new Date(Date.now() + 86400_000).toISOString() })
        .set('Authorization', as(BO));
      expect(future.body).toMatchObject({ incidents: 0, acceptedFromTopN: 0 });
      expect(future.body.rate).toBeUndefined();
    });

    it('refuses bad input with 400 naming the field, unknown incidents with 404, a stale version with 409', async () => {
      const draft = await request(server).post(`${API}/suggestions`).set('Authorization', as(ADA)).send({ severity: 'SEV9', entityRefs: [CHECKOUT] });
      expect(draft.status).toBe(400);
      expect(draft.body.error.message).toMatch(/severity/);
      const noEntities = await request(server).post(`${API}/suggestions`).set('Authorization', as(ADA)).send({ severity: 'SEV1', entityRefs: [] });
      expect(noEntities.status).toBe(400);
      expect(noEntities.body.error.message).toMatch(/entityRefs/);
      const extra = await request(server)
        .post(`${API}/suggestions`)
        .set('Authorization', as(ADA))
        .send({ severity: 'SEV1', entityRefs: [CHECKOUT], commander: BO });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toMatch(/commander/);
      const role = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'scribe', userRef: BO });
      expect(role.status).toBe(400);
      expect(role.body.error.message).toMatch(/role/);
      const userRef = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'incident-commander', userRef: 'group:default/sre' });
      expect(userRef.status).toBe(400);
      expect(userRef.body.error.message).toMatch(/userRef/);
      const metrics = await request(server).get(`${API}/metrics/suggestions`).query({ from: 'yesterday' }).set('Authorization', as(ADA));
      expect(metrics.status).toBe(400);
      expect(metrics.body.error.message).toMatch(/from/);

      expect((await request(server).get(`${API}/incidents/nope/suggestions`).set('Authorization', as(ADA))).status).toBe(404);
      const unknown = await request(server)
        .post(`${API}/incidents/nope/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'incident-commander', userRef: BO });
      expect(unknown.status).toBe(404);

      const first = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'incident-commander', userRef: BO, version: target.version });
      expect(first.status).toBe(200);
      const stale = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', as(ADA))
        .send({ role: 'operations-chief', userRef: CY, version: target.version });
      expect(stale.status).toBe(409);
      // Nothing is recorded for the refused acceptance.
      expect(await knex('suggestion_acceptances').pluck('user_ref')).toEqual([BO]);
      // Accepting needs a signed-in user.
      const service = await request(server)
        .post(`${API}/incidents/${target.id}/suggestions/accept`)
        .set('Authorization', mockCredentials.service.header())
        .send({ role: 'incident-commander', userRef: CY });
      expect(service.status).toBe(403);
    });
  });
});
