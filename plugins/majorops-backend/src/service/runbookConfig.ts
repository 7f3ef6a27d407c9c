import { Config } from '@backstage/config';
import { DEFAULT_RUNBOOK_STALE_AFTER_DAYS } from '@majorops/plugin-majorops-common';

/**
 * Reads `majorops.runbooks.staleAfterDays` (default 90: tested quarterly).
 * Anything but a whole number of days of at least one stops the backend at
 * start-up: a runbook policy of 0 or -5 days would mark every runbook stale
 * (or none) without telling anyone why.
 */
export function readRunbookStaleAfterDays(config: Config): number {
  const days = config.getOptionalNumber('majorops.runbooks.staleAfterDays');
  if (days === undefined) return DEFAULT_RUNBOOK_STALE_AFTER_DAYS;
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(
      `Invalid config majorops.runbooks.staleAfterDays: ${days}; it must be a whole number of days, at least 1`,
    );
  }
  return days;
}
