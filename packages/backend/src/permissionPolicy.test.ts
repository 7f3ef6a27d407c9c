import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import {
  postmortemReadPermission,
  incidentUpdatePermission,
  rankingReadPermission,
  reputationReadPermission,
  responderManagePermission,
} from '@majorops/plugin-majorops-common';
import { catalogLeadsLookup, GroupRow, groupsLedByEveryone, parseLeads, PortalPermissionPolicy } from './permissionPolicy';

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
    const led: Record<string, string[]> = { 'user:default/guest': ['group:default/sre', 'group:default/sre-oncall'] };
    const withLeads = new PortalPermissionPolicy(async ref => led[ref] ?? []);
    const guest = user('user:default/Guest', []) as any;

    it.each([reputationReadPermission, responderManagePermission])(
      'gives a lead $name on the members of the groups they lead and of those below them',
      async permission => {
        expect(await withLeads.handle({ permission }, guest)).toEqual({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'majorops',
          resourceType: 'majorops-responder',
          conditions: {
            rule: 'IS_GROUP_MEMBER',
            resourceType: 'majorops-responder',
            params: { groupRefs: ['group:default/sre', 'group:default/sre-oncall'] },
          },
        });
      },
    );

    it('gives a lead majorops.ranking.read on the groups they lead and those below them', async () => {
      expect(await withLeads.handle({ permission: rankingReadPermission }, guest)).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'majorops',
        resourceType: 'majorops-team',
        conditions: {
          rule: 'IS_TEAM',
          resourceType: 'majorops-team',
          params: { groupRefs: ['group:default/sre', 'group:default/sre-oncall'] },
        },
      });
    });

    it.each([reputationReadPermission, rankingReadPermission, responderManagePermission])(
      'denies $name to a member who leads nothing, and to a caller without a user',
      async permission => {
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

    const group = (name: string, options: { leads?: string; children?: string[]; namespace?: string } = {}): GroupRow => ({
      metadata: {
        name,
        namespace: options.namespace ?? 'default',
        ...(options.leads ? { annotations: { 'majorops.dev/leads': options.leads } } : {}),
      },
      spec: { children: options.children ?? [] },
    });

    it.each<[string, GroupRow[], Record<string, string[]>]>([
      ['a group without children', [group('sre', { leads: 'guest' })], { 'user:default/guest': ['group:default/sre'] }],
      [
        'children and grandchildren, in short and full form',
        [
          group('engineering', { leads: 'ceo', children: ['sre', 'group:default/payments'] }),
          group('sre', { leads: 'guest', children: ['default/sre-oncall'] }),
          group('sre-oncall', { children: ['SRE-EU'] }),
          group('sre-eu'),
          group('payments'),
        ],
        {
          'user:default/ceo': ['group:default/engineering', 'group:default/payments', 'group:default/sre', 'group:default/sre-eu', 'group:default/sre-oncall'],
          'user:default/guest': ['group:default/sre', 'group:default/sre-eu', 'group:default/sre-oncall'],
        },
      ],
      [
        'a lead of two groups, each counted once',
        [group('sre', { leads: 'guest', children: ['sre-oncall'] }), group('sre-oncall', { leads: 'guest' })],
        { 'user:default/guest': ['group:default/sre', 'group:default/sre-oncall'] },
      ],
      [
        'a cycle in the catalog',
        [group('a', { leads: 'guest', children: ['b'] }), group('b', { children: ['a'] })],
        { 'user:default/guest': ['group:default/a', 'group:default/b'] },
      ],
      [
        'children in the parent\'s namespace unless named otherwise',
        [group('ops', { leads: 'user:ops/kim', namespace: 'ops', children: ['night', 'default/sre'] })],
        { 'user:ops/kim': ['group:default/sre', 'group:ops/night', 'group:ops/ops'] },
      ],
      ['groups without leads', [group('sre', { children: ['sre-oncall'] }), group('sre-oncall')], {}],
    ])('works out who leads what: %s', (_case, groups, expected) => {
      expect(Object.fromEntries(groupsLedByEveryone(groups))).toEqual(expected);
    });

    describe('looking the leads up in the catalog', () => {
      const original = global.fetch;
      afterEach(() => {
        global.fetch = original;
      });

      function catalog(responses: Array<{ ok: boolean; status: number; body?: GroupRow[] }>) {
        const fetchMock = jest.fn(async () => {
          const next = responses.shift()!;
          return { ok: next.ok, status: next.status, json: async () => next.body };
        });
        global.fetch = fetchMock as any;
        return fetchMock;
      }
      const options = (clock: () => number) => ({
        discovery: { getBaseUrl: async () => 'http://catalog' },
        auth: { getOwnServiceCredentials: async () => ({}), getPluginRequestToken: async () => ({ token: 't' }) },
        clock,
      });
      const groups = [group('sre', { leads: 'user:default/guest', children: ['sre-oncall'] }), group('sre-oncall'), group('payments')];

      it('reads groups with their children once per minute with a service token, sharing one lookup', async () => {
        const fetchMock = catalog([
          { ok: true, status: 200, body: groups },
          { ok: true, status: 200, body: [group('payments', { leads: 'guest' })] },
        ]);
        let now = 0;
        const lookup = catalogLeadsLookup(options(() => now));
        const [guest, ada] = await Promise.all([lookup('user:default/guest'), lookup('user:default/ada')]);
        expect(guest).toEqual(['group:default/sre', 'group:default/sre-oncall']);
        expect(ada).toEqual([]);
        expect(fetchMock).toHaveBeenCalledTimes(1);
        expect((fetchMock.mock.calls[0] as any[])[0]).toBe(
          'http://catalog/entities?filter=kind=group&fields=metadata.name,metadata.namespace,metadata.annotations,spec.children',
        );
        expect((fetchMock.mock.calls[0] as any[])[1]).toEqual({ headers: { Authorization: 'Bearer t' } });
        now = 59_999;
        expect(await lookup('user:default/guest')).toEqual(['group:default/sre', 'group:default/sre-oncall']);
        expect(fetchMock).toHaveBeenCalledTimes(1);
        now = 60_000;
        expect(await lookup('user:default/guest')).toEqual(['group:default/payments']);
        expect(fetchMock).toHaveBeenCalledTimes(2);
      });

      it('does not keep a failed lookup', async () => {
        const fetchMock = catalog([
          { ok: false, status: 503 },
          { ok: true, status: 200, body: groups },
        ]);
        const lookup = catalogLeadsLookup(options(() => 0));
        await expect(lookup('user:default/guest')).rejects.toThrow('Reading group leads from the catalog failed: 503');
        expect(await lookup('user:default/guest')).toEqual(['group:default/sre', 'group:default/sre-oncall']);
        expect(fetchMock).toHaveBeenCalledTimes(2);
      });
    });
  });
});
