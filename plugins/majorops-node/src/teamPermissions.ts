import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { TEAM_RESOURCE_TYPE } from '@majorops/plugin-majorops-common';
import { z } from 'zod';

/** What the permission rules look at in a team (the resource of `majorops.ranking.read`). */
export interface TeamPermissionResource {
  /** The team's group entity ref, lower-case. */
  groupRef: string;
}

/** The query fragments the team rules translate to. */
export type TeamPermissionQuery = { kind: 'team'; groupRefs: string[] };

/** Teams as a resource of the permission framework; the resource ref is a group entity ref. */
export const teamPermissionResourceRef = createPermissionResourceRef<TeamPermissionResource, TeamPermissionQuery>().with({
  pluginId: 'majorops',
  resourceType: TEAM_RESOURCE_TYPE,
});

const lower = (refs: string[]) => refs.map(r => r.toLocaleLowerCase('en-US'));

/**
 * The team is one of the given groups. As with responders, a policy that
 * means "a group and its sub-groups" lists the sub-groups.
 */
const isTeam = createPermissionRule({
  name: 'IS_TEAM',
  description: 'Allow the teams that are one of the given groups',
  resourceRef: teamPermissionResourceRef,
  paramsSchema: z.object({
    groupRefs: z.array(z.string()).describe('Full group entity refs, such as group:default/sre'),
  }),
  apply: (resource, { groupRefs }) => lower(groupRefs).includes(resource.groupRef),
  toQuery: ({ groupRefs }) => ({ kind: 'team' as const, groupRefs: lower(groupRefs) }),
});

/** The rules the MajorOps backend registers for teams. */
export const teamPermissionRules = { isTeam };

/**
 * Conditions on teams for permission policies, e.g. the rankings of the
 * groups someone leads:
 *
 * ```ts
 * createTeamConditionalDecision(request.permission, {
 *   anyOf: [teamConditions.isTeam({ groupRefs: ['group:default/sre'] })],
 * });
 * ```
 */
export const {
  conditions: teamConditions,
  createConditionalDecision: createTeamConditionalDecision,
} = createConditionExports({
  resourceRef: teamPermissionResourceRef,
  rules: teamPermissionRules,
});
