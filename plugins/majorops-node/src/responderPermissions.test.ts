import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { reputationReadPermission, responderManagePermission } from '@majorops/plugin-majorops-common';
import {
  createResponderConditionalDecision,
  responderConditions,
  responderPermissionRules,
  ResponderPermissionResource,
} from './responderPermissions';
import { z } from 'zod';

const ada: ResponderPermissionResource = { userRef: 'user:default/ada', groupRefs: ['group:default/sre', 'group:default/sre-oncall'] };
const loner: ResponderPermissionResource = { userRef: 'user:default/bo', groupRefs: [] };

describe('responder permission rules', () => {
  const { isGroupMember } = responderPermissionRules;

  it.each([
    ['member of the named group', ada, ['group:default/sre'], true],
    ['member of one of several named groups', ada, ['group:default/payments', 'group:default/sre-oncall'], true],
    ['group refs compared without case', ada, ['Group:Default/SRE'], true],
    ['member of other groups only', ada, ['group:default/payments'], false],
    ['no groups named', ada, [], false],
    ['a responder in no group', loner, ['group:default/sre'], false],
    ['a user ref is not a group', ada, ['user:default/ada'], false],
  ] as const)('%s', (_case, resource, groupRefs, expected) => {
    expect(isGroupMember.apply(resource, { groupRefs: [...groupRefs] })).toBe(expected);
  });

  it('translates to a query fragment with lower-cased refs', () => {
    expect(isGroupMember.toQuery({ groupRefs: ['Group:default/SRE'] })).toEqual({ kind: 'member-of', groupRefs: ['group:default/sre'] });
  });

  it('refuses parameters that are not a list of refs', () => {
    const schema = isGroupMember.paramsSchema as z.ZodType;
    expect(schema.safeParse({ groupRefs: 'group:default/sre' }).success).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ groupRefs: ['group:default/sre'] }).success).toBe(true);
  });

  it.each([reputationReadPermission, responderManagePermission])('builds the conditional decision a policy returns for $name', permission => {
    const decision = createResponderConditionalDecision(permission, {
      anyOf: [responderConditions.isGroupMember({ groupRefs: ['group:default/sre'] })],
    });
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'majorops',
      resourceType: 'majorops-responder',
      conditions: {
        anyOf: [{ rule: 'IS_GROUP_MEMBER', resourceType: 'majorops-responder', params: { groupRefs: ['group:default/sre'] } }],
      },
    });
  });
});
