import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import {
  postmortemReadPermission,
  incidentUpdatePermission,
  rankingReadPermission,
  reputationReadPermission,
  responderManagePermission,
} from '@majorops/plugin-majorops-common';
import { catalogLeadsLookup, parseLeads, PortalPermissionPolicy } from './permissionPolicy';

const user = (ref: string, claims: string[]) => ({
  identity: { type: 'user' as const, userEntityRef: ref, ownershipEntityRefs: claims },
  info: { userEntityRef: ref, ownershipEntityRefs: claims },
  token: 'token',
  credentials: {} as any,
});

describe('PortalPermissionPolicy', () => {
  const policy = new PortalPermissionPolicy();

  it('reads post-mortems on conditions built from the signed-in user\'s claims', async () => {
    const decision = await policy.handle(
      { permission: postmortemReadPermission },
      user('user:default/ada', ['user:default/ada', 'group:default/payments']) as any,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'majorops',
      resourceType: 'majorops-postmortem',
      conditions: {
        anyOf: [
          { rule: 'IS_ORGANIZATION_WIDE', resourceType: 'majorops-postmortem', params: undefined },
          {
            rule: 'IS_VISIBLE_TO_GROUP',
            resourceType: 'majorops-postmortem',
            params: { claims: ['user:default/ada', 'group:default/payments'] },
          },
          {
            rule: 'IS_AUTHOR',
            resourceType: 'majorops-postmortem',
            params: { claims: ['user:default/ada', 'group:default/payments'] },
          },
        ],
      },
    });
  });

  it('gives a caller without a user only what is published', async () => {
    const decision = await policy.handle({ permission: postmortemReadPermission });
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { anyOf: [{ rule: 'IS_ORGANIZATION_WIDE' }, { params: { claims: [] } }, { params: { claims: [] } }] },
    });
  });

  it.each([
    incidentUpdatePermission,
    createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' } }),
  ])('allows $name', async permission => {
    expect(await policy.handle({ permission }, user('user:default/ada', []) as any)).toEqual({
      result: AuthorizeResult.ALLOW,
    });
  });

  describe('reputation, rankings and responder management', () => {
    const leads: Record<string, string[]> = { 'user:default/guest': ['group:default/sre'] };
    const withLeads = new PortalPermissionPolicy(async ref => leads[ref] ?? []);

    it.each([reputationReadPermission, rankingReadPermission, responderManagePermission])(
      'allows $name to a group lead and denies it to everyone else',
      async permission => {
        expect(await withLeads.handle({ permission }, user('user:default/Guest', ['group:default/sre']) as any)).toEqual({
          result: AuthorizeResult.ALLOW,
        });
        expect(await withLeads.handle({ permission }, user('user:default/ada', ['group:default/sre']) as any)).toEqual({
          result: AuthorizeResult.DENY,
        });
        expect(await withLeads.handle({ permission })).toEqual({ result: AuthorizeResult.DENY });
      },
    );

    it('denies them by default, when no catalog lookup is given', async () => {
      expect(await policy.handle({ permission: rankingReadPermission }, user('user:default/guest', []) as any)).toEqual({
        result: AuthorizeResult.DENY,
      });
    });

    it('reads leads from the group annotation, in short or full form', () => {
      expect(parseLeads(' user:default/guest, jane ,default/Bo,user:ops/x')).toEqual([
        'user:default/guest',
        'user:default/jane',
        'user:default/bo',
        'user:ops/x',
      ]);
      expect(parseLeads(undefined)).toEqual([]);
    });

    it('looks the leads up in the catalog once per minute with a service token', async () => {
      const fetchMock = jest.fn(async () => ({
        ok: true,
        status: 200,
        json: async () => [
          { metadata: { name: 'sre', namespace: 'default', annotations: { 'majorops.dev/leads': 'user:default/guest' } } },
          { metadata: { name: 'payments', namespace: 'default' } },
        ],
      }));
      const original = global.fetch;
      global.fetch = fetchMock as any;
      try {
        const lookup = catalogLeadsLookup({
          discovery: { getBaseUrl: async () => 'http://catalog' },
          auth: { getOwnServiceCredentials: async () => ({}), getPluginRequestToken: async () => ({ token: 't' }) },
        });
        expect(await lookup('user:default/guest')).toEqual(['group:default/sre']);
        expect(await lookup('user:default/ada')).toEqual([]);
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect((fetchMock.mock.calls[0] as any[])[1]).toEqual({ headers: { Authorization: 'Bearer t' } });
      } finally {
        global.fetch = original;
      }
    });
  });
});
