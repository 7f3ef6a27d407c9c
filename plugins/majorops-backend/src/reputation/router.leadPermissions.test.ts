import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult, isPermission, Permission, PolicyDecision } from '@backstage/plugin-permission-common';
import { rankingReadPermission, reputationReadPermission, responderManagePermission } from '@majorops/plugin-majorops-common';
import {
  createResponderConditionalDecision,
  createTeamConditionalDecision,
  responderConditions,
  teamConditions,
} from '@majorops/plugin-majorops-node';
import { Server } from 'http';
import { Knex } from 'knex';
import request from 'supertest';
import { conditionalPermissions } from '../tests/conditionalPermissions';
import { entity, rowCounts, startMajorOpsBackend } from '../tests/testBackend';
import { createTestDatabases } from '../tests/testDatabases';

jest.setTimeout(120_000);

const API = '/api/majorops';
/** Leads SRE (team A), whose child group is SRE on-call; belongs to no group himself. */
const GUEST = 'user:default/guest';
/** Member of SRE. */
const ADA = 'user:default/ada';
/** Member of SRE on-call, the child group of SRE. */
const BO = 'user:default/bo';
/** Member of Payments (team B) only. */
const CY = 'user:default/cy';
/** Member of both SRE and Payments. */
const DEE = 'user:default/dee';
/** Member of SRE as the group names her (`hasMember`), without a `memberOf` of her own. */
const EVE = 'user:default/eve';
const SRE = 'group:default/sre';
const SRE_ONCALL = 'group:default/sre-oncall';
const PAYMENTS = 'group:default/payments';

/** What the portal policy answers for a lead of SRE: SRE and its descendants. */
const LED: Record<string, string[]> = { [GUEST]: [SRE, SRE_ONCALL] };

function policy(permission: Permission, userRef: string | undefined): PolicyDecision {
  const led = userRef ? LED[userRef] : undefined;
  if (isPermission(permission, reputationReadPermission) || isPermission(permission, responderManagePermission)) {
    return led
      ? createResponderConditionalDecision(permission, { anyOf: [responderConditions.isGroupMember({ groupRefs: led })] })
      : { result: AuthorizeResult.DENY };
  }
  if (isPermission(permission, rankingReadPermission)) {
    return led
      ? createTeamConditionalDecision(permission, { anyOf: [teamConditions.isTeam({ groupRefs: led })] })
      : { result: AuthorizeResult.DENY };
  }
  return { result: AuthorizeResult.ALLOW };
}

const user = (name: string, groups: string[]): Entity => ({
  ...entity('User', name),
  spec: { profile: { displayName: name.toUpperCase() }, memberOf: groups },
  relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
});

const entities: Entity[] = [
  user('guest', []),
  user('ada', [SRE]),
  user('bo', [SRE_ONCALL]),
  user('cy', [PAYMENTS]),
  user('dee', [SRE, PAYMENTS]),
  user('eve', []),
  {
    ...entity('Group', 'sre'),
    spec: { type: 'team', children: ['sre-oncall'] },
    relations: [
      { type: 'parentOf', targetRef: SRE_ONCALL },
      { type: 'hasMember', targetRef: EVE },
    ],
  },
  { ...entity('Group', 'sre-oncall'), spec: { type: 'team', parent: 'sre', children: [] }, relations: [{ type: 'childOf', targetRef: SRE }] },
  { ...entity('Group', 'payments'), spec: { type: 'team', children: [] } },
];

const as = (userRef: string) => mockCredentials.user.header(userRef);
const path = (ref: string, what: string) => `${API}/responders/${encodeURIComponent(ref)}/${what}`;

describe('majorops reputation API with a group-lead policy', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let server: Server;
    let permissions: ReturnType<typeof conditionalPermissions>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      permissions = conditionalPermissions(policy);
      server = await startMajorOpsBackend({ knex, entities, features: [permissions.factory] });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    const get = (url: string, actor = GUEST) => request(server).get(url).set('Authorization', as(actor));

    it.each([
      ['a member of the team they lead', ADA],
      ['a member of a child group of that team', BO],
      ['a member of that team and of another', DEE],
      ['a member the group names through hasMember', EVE],
    ])("lets a lead read the reputation and ledger of %s", async (_case, userRef) => {
      const reputation = await get(path(userRef, 'reputation'));
      expect(reputation.status).toBe(200);
      expect(reputation.body.userRef).toBe(userRef);
      expect((await get(path(userRef, 'ledger'))).status).toBe(200);
    });

    it('refuses a lead the reputation of a member of another team only, naming the permission and the person', async () => {
      const res = await get(path(CY, 'reputation'));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `You may read your own reputation; reading ${CY}'s needs majorops.reputation.read for that responder`,
      );
      expect((await get(path(CY, 'ledger'))).status).toBe(403);
    });

    it('asks once per request, with the person as the resource, settled by one apply-conditions call', async () => {
      permissions.batches.length = 0;
      expect((await get(path(BO, 'reputation'))).status).toBe(200);
      expect(permissions.batches).toEqual([
        { requests: [{ permission: 'majorops.reputation.read', resourceRef: BO }], applyConditionsCalls: 1 },
      ]);
    });

    it('lets everyone read their own reputation without the permission, and nobody else\'s', async () => {
      expect((await get(path(CY, 'reputation'), CY)).status).toBe(200);
      expect((await get(path(CY, 'ledger'), CY)).status).toBe(200);
      expect((await get(path(GUEST, 'reputation'), GUEST)).status).toBe(200);
      expect((await get(path(ADA, 'reputation'), CY)).status).toBe(403);
      // A member of the team is not its lead.
      expect((await get(path(BO, 'reputation'), ADA)).status).toBe(403);
    });

    it("lets a lead read their team's ranking and its child group's, not another team's", async () => {
      const sre = await get(`${API}/groups/${encodeURIComponent(SRE)}/ranking`);
      expect(sre.status).toBe(200);
      expect(sre.body.items.map((i: { userRef: string }) => i.userRef).sort()).toEqual([ADA, DEE, EVE]);
      expect((await get(`${API}/groups/${encodeURIComponent(SRE_ONCALL)}/ranking`)).status).toBe(200);
      const payments = await get(`${API}/groups/${encodeURIComponent(PAYMENTS)}/ranking`);
      expect(payments.status).toBe(403);
      expect(payments.body.error.message).toBe(`Reading the ranking of ${PAYMENTS} needs majorops.ranking.read for that team`);
      expect((await get(`${API}/groups/${encodeURIComponent(SRE)}/ranking`, ADA)).status).toBe(403);
    });

    it('lets a lead record training for a member of their team, not for another team, writing nothing when refused', async () => {
      const training = { kind: 'basic-training', issuer: 'Acme Academy', completedAt: '2026-01-10T09:00:00Z' };
      const refused = await request(server).post(path(CY, 'training')).set('Authorization', as(GUEST)).send(training);
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        `Recording training and suspending or reinstating ${CY} needs majorops.responder.manage for that responder`,
      );
      const suspend = await request(server)
        .put(path(CY, 'suspension'))
        .set('Authorization', as(GUEST))
        .send({ reason: 'Retraining', reviewAt: new Date(Date.now() + 86400_000).toISOString() });
      expect(suspend.status).toBe(403);
      // Managing yourself is not reading yourself: it needs the permission.
      expect((await request(server).post(path(CY, 'training')).set('Authorization', as(CY)).send(training)).status).toBe(403);
      expect(await rowCounts(knex, ['responder_training', 'responder_suspensions'])).toEqual({ responder_training: 0, responder_suspensions: 0 });

      const created = await request(server).post(path(BO, 'training')).set('Authorization', as(GUEST)).send(training);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ userRef: BO, recordedBy: GUEST });
      await knex('responder_training').delete();
    });

    it('refuses bad refs with 400, and users the catalog does not know like any other person outside the team', async () => {
      const bad = await get(path(SRE, 'reputation'));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/not a user entity ref/);
      expect((await get(`${API}/groups/${encodeURIComponent(ADA)}/ranking`)).status).toBe(400);
      expect((await get(path('user:default/nobody', 'reputation'))).status).toBe(403);
    });
  });
});
