import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { POSTMORTEM_RESOURCE_TYPE, type PostmortemVisibility } from '@majorops/plugin-majorops-common';
import { z } from 'zod';

/** What the permission rules look at in a post-mortem. */
export interface PostmortemPermissionResource {
  incidentId: string;
  visibility: PostmortemVisibility;
  visibleToGroups: string[];
  authorRef: string;
  facilitatorRef?: string;
}

/**
 * The query fragments the rules translate to; the backend turns them into
 * SQL so that lists are filtered in the database.
 */
export type PostmortemPermissionQuery =
  | { kind: 'organization-wide' }
  | { kind: 'visible-to-groups'; refs: string[] }
  | { kind: 'written-by'; refs: string[] };

/** Post-mortems as a resource of the permission framework. */
export const postmortemPermissionResourceRef = createPermissionResourceRef<
  PostmortemPermissionResource,
  PostmortemPermissionQuery
>().with({ pluginId: 'majorops', resourceType: POSTMORTEM_RESOURCE_TYPE });

const refsSchema = z.object({
  claims: z
    .array(z.string())
    .describe('Entity refs to match, typically the ownership claims of the signed-in user'),
});

const lower = (refs: string[]) => refs.map(r => r.toLocaleLowerCase('en-US'));

/** Published to the whole organisation. */
const isOrganizationWide = createPermissionRule({
  name: 'IS_ORGANIZATION_WIDE',
  description: 'Allow post-mortems published to the whole organisation',
  resourceRef: postmortemPermissionResourceRef,
  apply: resource => resource.visibility === 'organization',
  toQuery: () => ({ kind: 'organization-wide' as const }),
});

/** Restricted to a group among the claims (a group the user belongs to). */
const isVisibleToGroup = createPermissionRule({
  name: 'IS_VISIBLE_TO_GROUP',
  description: 'Allow restricted post-mortems shown to one of the given groups',
  resourceRef: postmortemPermissionResourceRef,
  paramsSchema: refsSchema,
  apply: (resource, { claims }) => {
    const refs = new Set(lower(claims));
    return resource.visibility === 'restricted' && resource.visibleToGroups.some(g => refs.has(g));
  },
  toQuery: ({ claims }) => ({ kind: 'visible-to-groups' as const, refs: lower(claims) }),
});

/** Written or facilitated by one of the claims (the user). */
const isAuthor = createPermissionRule({
  name: 'IS_AUTHOR',
  description: 'Allow post-mortems authored or facilitated by one of the given users',
  resourceRef: postmortemPermissionResourceRef,
  paramsSchema: refsSchema,
  apply: (resource, { claims }) => {
    const refs = new Set(lower(claims));
    return refs.has(resource.authorRef) || (!!resource.facilitatorRef && refs.has(resource.facilitatorRef));
  },
  toQuery: ({ claims }) => ({ kind: 'written-by' as const, refs: lower(claims) }),
});

/** The rules the MajorOps backend registers for post-mortems. */
export const postmortemPermissionRules = { isOrganizationWide, isVisibleToGroup, isAuthor };

/**
 * Conditions for permission policies. A policy that lets people read what is
 * published plus what is restricted to their groups or written by them:
 *
 * ```ts
 * createPostmortemConditionalDecision(request.permission, {
 *   anyOf: [
 *     postmortemConditions.isOrganizationWide(),
 *     postmortemConditions.isVisibleToGroup({ claims: user.info.ownershipEntityRefs }),
 *     postmortemConditions.isAuthor({ claims: user.info.ownershipEntityRefs }),
 *   ],
 * });
 * ```
 */
export const {
  conditions: postmortemConditions,
  createConditionalDecision: createPostmortemConditionalDecision,
} = createConditionExports({
  resourceRef: postmortemPermissionResourceRef,
  rules: postmortemPermissionRules,
});
