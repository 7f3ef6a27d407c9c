import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { postmortemReadPermission } from '@majorops/plugin-majorops-common';
import {
  createPostmortemConditionalDecision,
  postmortemConditions,
  postmortemPermissionRules,
  PostmortemPermissionResource,
} from './postmortemPermissions';

const published: PostmortemPermissionResource = {
  incidentId: 'i-1',
  visibility: 'organization',
  visibleToGroups: [],
  authorRef: 'user:default/ada',
};
const restricted: PostmortemPermissionResource = {
  incidentId: 'i-2',
  visibility: 'restricted',
  visibleToGroups: ['group:default/payments'],
  authorRef: 'user:default/ada',
  facilitatorRef: 'user:default/bo',
};

describe('post-mortem permission rules', () => {
  const { isOrganizationWide, isVisibleToGroup, isAuthor } = postmortemPermissionRules;

  it.each([
    ['published, anyone', isOrganizationWide.apply(published, undefined), true],
    ['restricted, not organisation-wide', isOrganizationWide.apply(restricted, undefined), false],
    ['restricted, member of a named group', isVisibleToGroup.apply(restricted, { claims: ['user:default/cy', 'group:default/payments'] }), true],
    ['restricted, claims compared without case', isVisibleToGroup.apply(restricted, { claims: ['Group:default/Payments'] }), true],
    ['restricted, other groups only', isVisibleToGroup.apply(restricted, { claims: ['group:default/sre'] }), false],
    ['published, group rule is only about restricted ones', isVisibleToGroup.apply(published, { claims: ['group:default/payments'] }), false],
    ['restricted, the author', isAuthor.apply(restricted, { claims: ['user:default/ada'] }), true],
    ['restricted, the facilitator', isAuthor.apply(restricted, { claims: ['user:default/bo'] }), true],
    ['restricted, someone else', isAuthor.apply(restricted, { claims: ['user:default/cy'] }), false],
  ])('%s', (_case, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('translates to query fragments with lower-cased refs', () => {
    expect(isOrganizationWide.toQuery(undefined)).toEqual({ kind: 'organization-wide' });
    expect(isVisibleToGroup.toQuery({ claims: ['Group:Default/SRE'] })).toEqual({
      kind: 'visible-to-groups',
      refs: ['group:default/sre'],
    });
    expect(isAuthor.toQuery({ claims: ['user:default/Ada'] })).toEqual({ kind: 'written-by', refs: ['user:default/ada'] });
  });

  it('builds the conditional decision a policy returns', () => {
    const decision = createPostmortemConditionalDecision(postmortemReadPermission, {
      anyOf: [postmortemConditions.isOrganizationWide(), postmortemConditions.isAuthor({ claims: ['user:default/ada'] })],
    });
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'majorops',
      resourceType: 'majorops-postmortem',
      conditions: {
        anyOf: [
          { rule: 'IS_ORGANIZATION_WIDE', resourceType: 'majorops-postmortem', params: undefined },
          { rule: 'IS_AUTHOR', resourceType: 'majorops-postmortem', params: { claims: ['user:default/ada'] } },
        ],
      },
    });
  });
});
