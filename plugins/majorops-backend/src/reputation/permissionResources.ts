import { AuthService } from '@backstage/backend-plugin-api';
import { RELATION_HAS_MEMBER, RELATION_MEMBER_OF, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { entityRefOfKind } from '@majorops/plugin-majorops-common';
import type { ResponderPermissionResource, TeamPermissionResource } from '@majorops/plugin-majorops-node';

const userRefSchema = entityRefOfKind('user');
const groupRefSchema = entityRefOfKind('group');
const lower = (ref: string) => ref.toLocaleLowerCase('en-US');
const FIELDS = ['kind', 'metadata.namespace', 'metadata.name', 'relations'];

/** A ref in its full lower-case form if it is one of the kind, else undefined. */
function normalized(schema: typeof userRefSchema, ref: string): string | undefined {
  const parsed = schema.safeParse(ref);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Loads responders for the permission framework: each user's direct group
 * memberships, as the catalog says now. Read with the plugin's own service
 * credentials (a policy decides on the reader, not on what the reader may see
 * of the catalog), in two catalog calls for the whole batch: the users with
 * their `memberOf` relations, and the groups naming any of them in a
 * `hasMember` relation. A ref that is not a user in the catalog has no
 * resource, which the framework treats as a denial.
 */
export function responderPermissionResources(options: { catalog: CatalogService; auth: AuthService }) {
  const { catalog, auth } = options;
  return async (resourceRefs: string[]): Promise<Array<ResponderPermissionResource | undefined>> => {
    const refs = resourceRefs.map(ref => normalized(userRefSchema, ref));
    const wanted = [...new Set(refs.filter((r): r is string => !!r))];
    if (wanted.length === 0) return resourceRefs.map(() => undefined);
    const credentials = await auth.getOwnServiceCredentials();
    const [users, groups] = await Promise.all([
      catalog.getEntitiesByRefs({ entityRefs: wanted, fields: FIELDS }, { credentials }),
      catalog.getEntities({ filter: { kind: 'group', 'relations.hasMember': wanted }, fields: FIELDS }, { credentials }),
    ]);
    const memberships = new Map<string, Set<string>>();
    users.items.forEach((user, i) => {
      if (!user || lower(user.kind) !== 'user') return;
      const groupRefs = (user.relations ?? [])
        .filter(r => r.type === RELATION_MEMBER_OF && lower(r.targetRef).startsWith('group:'))
        .map(r => lower(r.targetRef));
      memberships.set(wanted[i], new Set(groupRefs));
    });
    for (const group of groups.items) {
      const groupRef = lower(stringifyEntityRef(group));
      for (const relation of group.relations ?? []) {
        if (relation.type !== RELATION_HAS_MEMBER) continue;
        memberships.get(lower(relation.targetRef))?.add(groupRef);
      }
    }
    return refs.map(userRef => {
      const groupRefs = userRef ? memberships.get(userRef) : undefined;
      return userRef && groupRefs ? { userRef, groupRefs: [...groupRefs].sort() } : undefined;
    });
  };
}

/**
 * Teams for the permission framework. The team rules only compare the group
 * ref, so nothing is read from the catalog; a ref that is not a group ref has
 * no resource. Whether the group exists is the route's question (a 404 after
 * the permission check).
 */
export async function teamPermissionResources(resourceRefs: string[]): Promise<Array<TeamPermissionResource | undefined>> {
  return resourceRefs.map(ref => {
    const groupRef = normalized(groupRefSchema, ref);
    return groupRef ? { groupRef } : undefined;
  });
}
