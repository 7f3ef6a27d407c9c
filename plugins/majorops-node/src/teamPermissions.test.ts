import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { rankingReadPermission } from '@majorops/plugin-majorops-common';
import { createTeamConditionalDecision, teamConditions, teamPermissionRules } from './teamPermissions';

describe('team permission rules', () => {
  const { isTeam } = teamPermissionRules;

  it.each([
    ['the named group', ['group:default/sre'], true],
    ['one of several named groups', ['group:default/payments', 'group:default/sre'], true],
    ['compared without case', ['Group:Default/SRE'], true],
    ['another group only', ['group:default/payments'], false],
    ['a parent is not its child: sub-groups must be named', ['group:default/engineering'], false],
    ['no groups named', [], false],
  ] as const)('%s', (_case, groupRefs, expected) => {
    expect(isTeam.apply({ groupRef: 'group:default/sre' }, { groupRefs: [...groupRefs] })).toBe(expected);
  });

  it('translates to a query fragment with lower-cased refs', () => {
    expect(isTeam.toQuery({ groupRefs: ['Group:default/SRE'] })).toEqual({ kind: 'team', groupRefs: ['group:default/sre'] });
  });

  it('builds the conditional decision a policy returns', () => {
    expect(
      createTeamConditionalDecision(rankingReadPermission, { anyOf: [teamConditions.isTeam({ groupRefs: ['group:default/sre'] })] }),
    ).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'majorops',
      resourceType: 'majorops-team',
      conditions: { anyOf: [{ rule: 'IS_TEAM', resourceType: 'majorops-team', params: { groupRefs: ['group:default/sre'] } }] },
    });
  });
});
