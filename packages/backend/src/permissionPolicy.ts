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
import { createPostmortemConditionalDecision, postmortemConditions } from '@majorops/plugin-majorops-node';

/** The annotation on a Group naming the users who lead it (a comma-separated list of user refs). */
export const LEADS_ANNOTATION = 'majorops.dev/leads';

/** Permissions about other people's reputation: only group leads hold them. */
const LEAD_PERMISSIONS = [reputationReadPermission, rankingReadPermission, responderManagePermission];

/** The groups a user leads, as the catalog says. */
export type LeadsLookup = (userRef: string) => Promise<string[]>;

/**
 * The demo portal's policy.
 *
 * - Post-mortems: a signed-in person reads those published to the whole
 *   organisation, those restricted to a group they belong to, and those they
 *   wrote or facilitated. Lists are filtered by the same conditions in the
 *   MajorOps database.
 * - Reputation: everyone reads their own (the backend allows that without a
 *   permission). Another person's reputation (`majorops.reputation.read`), a
 *   team ranking (`majorops.ranking.read`) and training records and
 *   suspensions (`majorops.responder.manage`) are allowed only to group
 *   leads: users named in a Group's `majorops.dev/leads` annotation. These
 *   permissions carry no resource, so a lead is trusted with every
 *   responder, not only their own group's; a portal that needs more should
 *   make them resource permissions.
 * - Everything else is allowed.
 */
export class PortalPermissionPolicy implements PermissionPolicy {
  constructor(private readonly leadsOf: LeadsLookup = async () => []) {}

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (isPermission(request.permission, postmortemReadPermission)) {
      const claims = user?.info.ownershipEntityRefs ?? [];
      return createPostmortemConditionalDecision(request.permission, {
        anyOf: [
          postmortemConditions.isOrganizationWide(),
          postmortemConditions.isVisibleToGroup({ claims }),
          postmortemConditions.isAuthor({ claims }),
        ],
      });
    }
    if (LEAD_PERMISSIONS.some(p => p.name === request.permission.name)) {
      const userRef = user?.info.userEntityRef;
      if (!userRef) return { result: AuthorizeResult.DENY };
      const led = await this.leadsOf(userRef.toLocaleLowerCase('en-US'));
      return { result: led.length > 0 ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
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

interface GroupRow {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
}

/**
 * Reads the leads of every group from the catalog's REST API with the
 * permission backend's own service token, and keeps them for a minute.
 */
export function catalogLeadsLookup(options: {
  discovery: { getBaseUrl(pluginId: string): Promise<string> };
  auth: {
    getOwnServiceCredentials(): Promise<any>;
    getPluginRequestToken(o: { onBehalfOf: any; targetPluginId: string }): Promise<{ token: string }>;
  };
  ttlMs?: number;
}): LeadsLookup {
  let cached: { at: number; leads: Map<string, string[]> } | undefined;
  const ttl = options.ttlMs ?? 60_000;
  async function load(): Promise<Map<string, string[]>> {
    if (cached && Date.now() - cached.at < ttl) return cached.leads;
    const baseUrl = await options.discovery.getBaseUrl('catalog');
    const { token } = await options.auth.getPluginRequestToken({
      onBehalfOf: await options.auth.getOwnServiceCredentials(),
      targetPluginId: 'catalog',
    });
    const response = await fetch(
      `${baseUrl}/entities?filter=kind=group&fields=metadata.name,metadata.namespace,metadata.annotations`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    if (!response.ok) throw new Error(`Reading group leads from the catalog failed: ${response.status}`);
    const groups = (await response.json()) as GroupRow[];
    const leads = new Map<string, string[]>();
    for (const group of groups) {
      const ref = `group:${group.metadata.namespace ?? 'default'}/${group.metadata.name}`.toLocaleLowerCase('en-US');
      for (const lead of parseLeads(group.metadata.annotations?.[LEADS_ANNOTATION])) {
        leads.set(lead, [...(leads.get(lead) ?? []), ref]);
      }
    }
    cached = { at: Date.now(), leads };
    return leads;
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
