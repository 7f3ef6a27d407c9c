import { BackstageCredentials, coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  ConditionalPolicyDecision,
  Permission,
  PolicyDecision,
  QueryPermissionRequest,
} from '@backstage/plugin-permission-common';

/** A test policy: the decision for a permission asked by a user (undefined for a service). */
export type TestPolicy = (permission: Permission, userRef: string | undefined) => PolicyDecision;

/** One `authorize` call as the plugin made it. */
export interface AuthorizeBatch {
  requests: Array<{ permission: string; resourceRef?: string }>;
  /** How many apply-conditions calls answering it took (the permission backend makes one per plugin). */
  applyConditionsCalls: number;
}

function userOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as { type?: string; userEntityRef?: string };
  return principal.type === 'user' ? principal.userEntityRef?.toLocaleLowerCase('en-US') : undefined;
}

/**
 * A permission service that decides with `policy`, and settles conditional
 * decisions on a resource as the permission backend does: by sending the
 * conditions and resource refs to the owning plugin's
 * `/.well-known/backstage/permissions/apply-conditions` endpoint, one call per
 * plugin for the whole batch. So the plugin's registered rules and
 * `getResources` are what decide, over HTTP, with a service token.
 * Every `authorize` call is recorded in `batches`.
 */
export function conditionalPermissions(policy: TestPolicy) {
  const batches: AuthorizeBatch[] = [];
  const factory = createServiceFactory({
    service: coreServices.permissions,
    deps: { auth: coreServices.auth, discovery: coreServices.discovery },
    factory: ({ auth, discovery }) => ({
      async authorize(requests: AuthorizePermissionRequest[], options: { credentials: BackstageCredentials }) {
        const batch: AuthorizeBatch = {
          requests: requests.map(r => ({ permission: r.permission.name, ...(r.resourceRef ? { resourceRef: r.resourceRef } : {}) })),
          applyConditionsCalls: 0,
        };
        batches.push(batch);
        const user = userOf(options.credentials);
        const decisions = requests.map(r => policy(r.permission, user));
        const results = decisions.map(d => (d.result === AuthorizeResult.CONDITIONAL ? AuthorizeResult.DENY : d.result));
        const byPlugin = new Map<string, Array<{ index: number; decision: ConditionalPolicyDecision }>>();
        decisions.forEach((decision, index) => {
          if (decision.result !== AuthorizeResult.CONDITIONAL) return;
          if (!requests[index].resourceRef) throw new Error(`A conditional decision on ${requests[index].permission.name} needs a resourceRef`);
          byPlugin.set(decision.pluginId, [...(byPlugin.get(decision.pluginId) ?? []), { index, decision }]);
        });
        for (const [pluginId, items] of byPlugin) {
          const { token } = await auth.getPluginRequestToken({
            onBehalfOf: await auth.getOwnServiceCredentials(),
            targetPluginId: pluginId,
          });
          batch.applyConditionsCalls += 1;
          const response = await fetch(`${await discovery.getBaseUrl(pluginId)}/.well-known/backstage/permissions/apply-conditions`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
            body: JSON.stringify({
              items: items.map(({ index, decision }) => ({
                id: String(index),
                resourceRef: requests[index].resourceRef,
                resourceType: decision.resourceType,
                conditions: decision.conditions,
              })),
            }),
          });
          if (!response.ok) throw new Error(`apply-conditions of ${pluginId} answered ${response.status}: ${await response.text()}`);
          const body = (await response.json()) as { items: Array<{ id: string; result: AuthorizeResult.ALLOW | AuthorizeResult.DENY }> };
          for (const item of body.items) results[Number(item.id)] = item.result;
        }
        return results.map(result => ({ result: result as AuthorizeResult.ALLOW | AuthorizeResult.DENY }));
      },
      async authorizeConditional(requests: QueryPermissionRequest[], options: { credentials: BackstageCredentials }) {
        const user = userOf(options.credentials);
        return requests.map(r => policy(r.permission, user));
      },
    }),
  });
  return { factory, batches };
}
