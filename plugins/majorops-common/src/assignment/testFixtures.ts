import type { Severity } from '../severity';
import type { IncidentRole } from '../roles';
import type { LevelResult } from '../reputation/levels';
import type { AssignmentIncident, AssignmentInput, AssignmentReputation } from './types';

/** Fixtures shared by the assignment tests (not exported from the package). */

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
/** Friday 2026-11-20, 14:30 UTC. */
export const NOW = '2026-11-20T14:30:00.000Z';
export const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
export const daysAgo = (n: number) => plus(NOW, -n * DAY);

export const ADA = 'user:default/ada';
export const BO = 'user:default/bo';
export const CY = 'user:default/cy';
export const DEE = 'user:default/dee';

export const CHECKOUT = 'component:default/checkout-api';
export const LEDGER = 'component:default/ledger';
export const BILLING = 'component:default/billing';
export const PAYMENTS_SYSTEM = 'system:default/payments';
export const PAYMENTS_GROUP = 'group:default/payments';
export const PLATFORM_GROUP = 'group:default/platform';

export function level(n: 0 | 1 | 2 | 3 | 4 | 5, suspended = false): Pick<LevelResult, 'level' | 'name' | 'suspended'> {
  return { level: n, name: suspended ? 'Suspended' : `Level ${n}`, suspended };
}

/** A past incident on `entityRef`, resolved a day after declaration, with one role. */
export function pastIncident(
  id: string,
  userRef: string,
  declaredAt: string,
  overrides: Partial<AssignmentIncident> = {},
): AssignmentIncident {
  return {
    id,
    severity: 'SEV1',
    declaredAt,
    resolvedAt: plus(declaredAt, DAY),
    entities: [{ entityRef: BILLING }],
    roles: [{ role: 'incident-commander', userRef, assignedAt: plus(declaredAt, 5 * 60_000) }],
    ...overrides,
  };
}

/**
 * A SEV1 on checkout-api (owned by payments, in the payments system owned by
 * platform, tech postgres and kafka). ADA and BO are level 5 with nothing
 * else known: they tie, and the tie goes to ADA by userRef. CY is level 4.
 */
export function baseInput(reputation: Partial<Record<string, Partial<AssignmentReputation>>> = {}): AssignmentInput {
  const people: Record<string, AssignmentReputation> = {
    [ADA]: { userRef: ADA, level: level(5) },
    [BO]: { userRef: BO, level: level(5) },
    [CY]: { userRef: CY, level: level(4) },
  };
  for (const [userRef, r] of Object.entries(reputation)) people[userRef] = { ...people[userRef], userRef, ...r };
  return {
    incident: { id: 'inc-new', title: 'Checkout errors', severity: 'SEV1', incidentType: 'database', declaredAt: NOW, entities: [{ entityRef: CHECKOUT }] },
    users: [
      { userRef: ADA, displayName: 'Ada', memberOf: [] },
      { userRef: BO, displayName: 'Bo', memberOf: [] },
      { userRef: CY, displayName: 'Cy', memberOf: [] },
      { userRef: DEE, displayName: 'Dee', memberOf: [] },
    ],
    entities: [
      { entityRef: CHECKOUT, ownerRef: PAYMENTS_GROUP, systemRef: PAYMENTS_SYSTEM, tech: ['postgres', 'kafka'] },
      { entityRef: LEDGER, ownerRef: 'group:default/ledger', systemRef: PAYMENTS_SYSTEM, tech: ['postgres'] },
      { entityRef: BILLING, ownerRef: 'group:default/billing', systemRef: 'system:default/billing', tech: ['java'] },
      { entityRef: PAYMENTS_SYSTEM, ownerRef: PLATFORM_GROUP },
    ],
    incidents: [],
    reputation: Object.values(people),
  };
}

export { random } from '../testing/random';

/** Names for generated inputs. */
export const TYPES = ['database', 'network', 'deployment', 'capacity'];
export const TECH = ['postgres', 'kafka', 'java', 'redis', 'go'];
export const ROLES: IncidentRole[] = ['incident-commander', 'operations-chief', 'technical-lead', 'communications-lead', 'scribe'];
export const SEVERITIES: Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];
export const user = (i: number) => `user:default/person-${String(i).padStart(5, '0')}`;
export const group = (g: number) => `group:default/team-${g}`;
export const entity = (e: number) => `component:default/service-${e}`;
export const system = (s: number) => `system:default/system-${s}`;
