import type { LedgerEvent } from './ledger';

/** Helpers shared by the reputation tests (not exported from the package). */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The moment `ms` milliseconds after `iso`. */
export const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

export const ADA = 'user:default/ada';
export const BO = 'user:default/bo';

/** A ledger event with defaults: ADA, responseSpeed 100, SEV3, internal, at `occurredAt`. */
export function ledgerEvent(overrides: Partial<LedgerEvent> & { occurredAt: string }): LedgerEvent {
  return {
    userRef: ADA,
    incidentId: 'inc-1',
    metric: 'responseSpeed',
    value: 100,
    severity: 'SEV3',
    externalCause: false,
    reason: 'test',
    source: 'role',
    ...overrides,
  };
}
