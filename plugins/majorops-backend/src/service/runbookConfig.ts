import { Config } from '@backstage/config';
import {
  DEFAULT_POSTMORTEM_DEADLINE_HOURS,
  DEFAULT_REPEAT_WINDOW_DAYS,
  DEFAULT_RUNBOOK_STALE_AFTER_DAYS,
} from '@majorops/plugin-majorops-common';

/**
 * Reads a config key that must be a whole number of at least 1. Anything
 * else stops the backend at start-up: a policy of 0 or -5 days would mark
 * everything stale or overdue (or nothing) without telling anyone why.
 */
function readWholeNumber(config: Config, key: string, unit: string, fallback: number): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Invalid config ${key}: ${value}; it must be a whole number of ${unit}, at least 1`);
  }
  return value;
}

/** `majorops.runbooks.staleAfterDays` (default 90: tested quarterly). */
export function readRunbookStaleAfterDays(config: Config): number {
  return readWholeNumber(config, 'majorops.runbooks.staleAfterDays', 'days', DEFAULT_RUNBOOK_STALE_AFTER_DAYS);
}

/** `majorops.postmortems.deadlineHours` (default 48) and `majorops.postmortems.repeatWindowDays` (default 180). */
export function readPostmortemConfig(config: Config): { deadlineHours: number; repeatWindowDays: number } {
  return {
    deadlineHours: readWholeNumber(config, 'majorops.postmortems.deadlineHours', 'hours', DEFAULT_POSTMORTEM_DEADLINE_HOURS),
    repeatWindowDays: readWholeNumber(config, 'majorops.postmortems.repeatWindowDays', 'days', DEFAULT_REPEAT_WINDOW_DAYS),
  };
}
