import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { RESPONDER_RESOURCE_TYPE } from '@majorops/plugin-majorops-common';
import { z } from 'zod';

/**
 * What the permission rules look at in a responder (the resource of
 * `majorops.reputation.read` and `majorops.responder.manage`). The backend
 * loads it from the catalog.
 */
export interface ResponderPermissionResource {
  /** The responder's user entity ref, lower-case. */
  userRef: string;
  /** The groups the responder is a direct member of, as lower-case entity refs. */
  groupRefs: string[];
}

/** The query fragments the responder rules translate to. */
export type ResponderPermissionQuery = { kind: 'member-of'; groupRefs: string[] };

/** Responders as a resource of the permission framework; the resource ref is a user entity ref. */
export const responderPermissionResourceRef = createPermissionResourceRef<
  ResponderPermissionResource,
  ResponderPermissionQuery
>().with({ pluginId: 'majorops', resourceType: RESPONDER_RESOURCE_TYPE });

const lower = (refs: string[]) => refs.map(r => r.toLocaleLowerCase('en-US'));

/**
 * The responder is a direct member of one of the given groups. A policy that
 * means "a group and its sub-groups" passes the sub-groups too: the rule does
 * not walk the group tree itself.
 */
const isGroupMember = createPermissionRule({
  name: 'IS_GROUP_MEMBER',
  description: 'Allow responders who are members of one of the given groups',
  resourceRef: responderPermissionResourceRef,
  paramsSchema: z.object({
    groupRefs: z.array(z.string()).describe('Full group entity refs, such as group:default/sre'),
  }),
  apply: (resource, { groupRefs }) => {
    const wanted = new Set(lower(groupRefs));
    return resource.groupRefs.some(g => wanted.has(g));
  },
  toQuery: ({ groupRefs }) => ({ kind: 'member-of' as const, groupRefs: lower(groupRefs) }),
});

/** The rules the MajorOps backend registers for responders. */
export const responderPermissionRules = { isGroupMember };

/**
 * Conditions on responders for permission policies. A policy that lets the
 * leads of a group read and manage its members:
 *
 * ```ts
 * createResponderConditionalDecision(request.permission, {
 *   anyOf: [responderConditions.isGroupMember({ groupRefs: ['group:default/sre', 'group:default/sre-oncall'] })],
 * });
 * ```
 */
export const {
  conditions: responderConditions,
  createConditionalDecision: createResponderConditionalDecision,
} = createConditionExports({
  resourceRef: responderPermissionResourceRef,
  rules: responderPermissionRules,
});
