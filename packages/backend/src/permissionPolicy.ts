import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  postmortemReadPermission,
  rankingReadPermission,
  reputationReadPermission,
  responderManagePermission,
} from '@majorops/plugin-majorops-common';
import {
  createPostmortemConditionalDecision,
  createResponderConditionalDecision,
  createTeamConditionalDecision,
  postmortemConditions,
  responderConditions,
  teamConditions,
} from '@majorops/plugin-majorops-node';

/** The annotation on a Group naming the users who lead it (a comma-separated list of user refs). */
export const LEADS_ANNOTATION = 'majorops.dev/leads';

/**
 * The groups a user leads, each with its descendant groups (`spec.children`,
 * recursively), as lower-case refs: whose members and rankings the user may
 * see. Empty for someone who leads nothing.
 */
export type LeadsLookup = (userRef: string) => Promise<string[]>;

/**
 * The demo portal's policy.
 *
 * - Post-mortems: a signed-in person reads those published to the whole
 *   organisation, those restricted to a group they belong to, and those they
 *   wrote or facilitated. Lists are filtered by the same conditions in the
 *   MajorOps database.
 * - Reputation: everyone reads their own (the backend allows that without a
 *   permission). Another person's reputation (`majorops.reputation.read`) and
 *   their training records and suspensions (`majorops.responder.manage`)
 *   are allowed to the leads of a group the person belongs to, or of an
 *   ancestor of such a group: users named in a Group's `majorops.dev/leads`
 *   annotation lead that group and every group below it (`spec.children`,
 *   recursively). A team's ranking (`majorops.ranking.read`) likewise, for
 *   the groups they lead and those below them. These are conditional
 *   decisions: the MajorOps backend checks the responder's memberships or
 *   the team against the groups named. Everyone else is denied them.
 * - Everything else is allowed.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  constructor(private readonly leadsOf: LeadsLookup = async () => []) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    const { permission } = request;
    if (isPermission(permission, postmortemReadPermission)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return createPostmortemConditionalDecision(permission, {
        anyOf: [
          postmortemConditions.isOrganizationWide(),
          postmortemConditions.isVisibleToGroup({ claims }),
          postmortemConditions.isAuthor({ claims }),
        ],
      });
    }
    if (isPermission(permission, reputationReadPermission) || isPermission(permission, responderManagePermission)) {
      const groupRefs = await this.groupsLedBy(user);
      if (groupRefs.length === 0) return { result: AuthorizeResult.DENY };
      return createResponderConditionalDecision(permission, responderConditions.isGroupMember({ groupRefs }));
    }
    if (isPermission(permission, rankingReadPermission)) {
      const groupRefs = await this.groupsLedBy(user);
      if (groupRefs.length === 0) return { result: AuthorizeResult.DENY };
      return createTeamConditionalDecision(permission, teamConditions.isTeam({ groupRefs }));
    }
    return { result: AuthorizeResult.ALLOW };
  }

  private async groupsLedBy(user?: PolicyQueryUser): Promise<string[]> {
    const userRef = user?.info.userEntityRef;
    return userRef ? this.leadsOf(userRef.toLocaleLowerCase('en-US')) : [];
  }
}

/** Parses the leads annotation: user refs separated by commas, `user:` and `default/` optional. */
export function parseLeads(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map(v => v.trim().toLocaleLowerCase('en-US'))
    .filter(Boolean)
    .map(v => (v.includes(':') ? v : `user:${v}`))
    .map(v => (v.includes('/') ? v : v.replace(':', ':default/')));
}

/** A group as the catalog lists it for the leads lookup. */
export interface GroupRow {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { children?: string[] };
}

/** A child ref of `spec.children` in full lower-case form: kind `group` and the parent's namespace unless given. */
function childRef(child: string, namespace: string): string {
  const value = child.trim().toLocaleLowerCase('en-US');
  const withKind = value.includes(':') ? value : `group:${value}`;
  return withKind.includes('/') ? withKind : withKind.replace(':', `:${namespace}/`);
}

/**
 * Who leads which groups: for each lead, the groups naming them in
 * `majorops.dev/leads` and all the groups below those through
 * `spec.children`, recursively (a cycle in the catalog ends the walk; a
 * child the catalog does not list is kept, as it may be added later).
 * Sorted lower-case refs.
 */
export function groupsLedByEveryone(groups: GroupRow[]): Map<string, string[]> {
  const children = new Map<string, string[]>();
  const leadsOf = new Map<string, string[]>();
  for (const group of groups) {
    const namespace = (group.metadata.namespace ?? 'default').toLocaleLowerCase('en-US');
    const ref = `group:${namespace}/${group.metadata.name.toLocaleLowerCase('en-US')}`;
    children.set(ref, (group.spec?.children ?? []).map(c => childRef(c, namespace)));
    leadsOf.set(ref, parseLeads(group.metadata.annotations?.[LEADS_ANNOTATION]));
  }
  const below = (root: string) => {
    const seen = new Set<string>();
    const queue = [root];
    while (queue.length > 0) {
      const ref = queue.shift()!;
      if (seen.has(ref)) continue;
      seen.add(ref);
      queue.push(...(children.get(ref) ?? []));
    }
    return seen;
  };
  const led = new Map<string, Set<string>>();
  for (const [groupRef, leads] of leadsOf) {
    if (leads.length === 0) continue;
    const refs = below(groupRef);
    for (const lead of leads) {
      const set = led.get(lead) ?? new Set<string>();
      refs.forEach(r => set.add(r));
      led.set(lead, set);
    }
  }
  return new Map([...led].map(([lead, refs]) => [lead, [...refs].sort()]));
}

/**
 * Reads every group's leads and children from the catalog's REST API with
 * the permission backend's own service token, and keeps who leads what for
 * a minute. Requests arriving during a lookup share it; a failed lookup is
 * not kept.
 */
export function catalogLeadsLookup(options: {
  discovery: { getBaseUrl(pluginId: string): Promise<string> };
  auth: {
    getOwnServiceCredentials(): Promise<any>;
    getPluginRequestToken(o: { onBehalfOf: any; targetPluginId: string }): Promise<{ token: string }>;
  };
  ttlMs?: number;
  /** Milliseconds now; `Date.now` by default (tests). */
  clock?: () => number;
}): LeadsLookup {
  let cached: { at: number; led: Promise<Map<string, string[]>> } | undefined;
  const ttl = options.ttlMs ?? 60_000;
  const clock = options.clock ?? Date.now;
  async function fetchLed(): Promise<Map<string, string[]>> {
    const baseUrl = await options.discovery.getBaseUrl('catalog');
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const response = await fetch(
      `${baseUrl}/entities?filter=kind=group&fields=metadata.name,metadata.namespace,metadata.annotations,spec.children`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw new Error(`Reading group leads from the catalog failed: ${response.status}`);
    return groupsLedByEveryone((await response.json()) as GroupRow[]);
  }
  function load(): Promise<Map<string, string[]>> {
    const now = clock();
    if (cached && now - cached.at < ttl) return cached.led;
    const entry = { at: now, led: fetchLed() };
    cached = entry;
    entry.led.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.led;
  }
  return async userRef => (await load()).get(userRef) ?? [];
}

/** Installs {@link PortalPermissionPolicy} in the permission backend. */
export const portalPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, discovery: coreServices.discovery, auth: coreServices.auth },
      async init({ policy, discovery, auth }) {
        policy.setPolicy(new PortalPermissionPolicy(catalogLeadsLookup({ discovery, auth })));
      },
    });
  },
});
