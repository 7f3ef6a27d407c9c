import { Severity, mostSevere, oneLevelUp, severityRank } from './severity';

/**
 * Automatic escalation rules from the incident commander's severity framework:
 *
 * - impact scope doubles → upgrade one level
 * - no root cause after 30 min (SEV1) or 2 hours (SEV2) → escalate to the next tier
 * - customer-reported incident affecting a paying account → at least SEV2
 * - any data integrity concern → immediately SEV1
 *
 * Everything here is a pure function: the caller passes the current time in,
 * and timestamps are ISO-8601 strings in and out.
 */

/** Why severity was raised or escalation became due. */
export type EscalationTrigger =
  | 'impact-doubled'
  | 'root-cause-timeout'
  | 'paying-customer'
  | 'data-integrity';

/** Minutes without an identified root cause after which an incident escalates to the next tier. */
export const ROOT_CAUSE_TIMEOUT_MINUTES: Partial<Record<Severity, number>> = { SEV1: 30, SEV2: 120 };

const MS_PER_MINUTE = 60_000;

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Timestamps already read: the same milestone is read once per person and metric. Bounded; only valid ones are kept. */
const parsedTimestamps = new Map<string, number>();
const PARSED_TIMESTAMPS_LIMIT = 100_000;

/**
 * Reads an ISO-8601 timestamp with a date, a time and a zone (`Z` or `±hh:mm`)
 * and returns it as milliseconds since the epoch. Anything else — a bare date,
 * a local time without a zone, 30 February — is refused with an error that
 * names `field`, so bad data is reported where it came from instead of
 * silently turning into NaN.
 */
export function parseIsoTimestamp(value: string, field: string): number {
  const known = typeof value === 'string' ? parsedTimestamps.get(value) : undefined;
  if (known !== undefined) return known;
  const match = typeof value === 'string' ? ISO_TIMESTAMP.exec(value) : null;
  if (match) {
    const [, y, mo, d, h, mi, s, , oh, om] = match;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const fieldsValid =
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth &&
      Number(h) <= 23 &&
      Number(mi) <= 59 &&
      Number(s ?? 0) <= 59 &&
      Number(oh ?? 0) <= 23 &&
      Number(om ?? 0) <= 59;
    const ms = Date.parse(value);
    if (fieldsValid && Number.isFinite(ms)) {
      if (parsedTimestamps.size >= PARSED_TIMESTAMPS_LIMIT) parsedTimestamps.clear();
      parsedTimestamps.set(value, ms);
      return ms;
    }
  }
  throw new Error(`${field} must be an ISO-8601 timestamp such as 2024-05-01T10:00:00Z, got ${JSON.stringify(value)}`);
}

/** Milliseconds since the epoch → ISO-8601 UTC string. */
function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration for people: "1 minute", "45 minutes", "2 hours", "2 hours 5 minutes". */
export function formatMinutes(minutes: number): string {
  const whole = Math.round(minutes);
  if (whole < 1) return 'less than a minute';
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (whole < 60) return plural(whole, 'minute');
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

export interface SeverityTriggerInput {
  severity: Severity;
  /** Impact scope (e.g. affected users or % of requests) when the severity was last set; undefined if unknown. */
  baselineImpact?: number;
  /** Impact scope now; undefined if unknown. */
  currentImpact?: number;
  customerReported: boolean;
  /** The reporting customer is on a paying account. */
  payingCustomer: boolean;
  dataIntegrityConcern: boolean;
}

/** One step up in severity, with the trigger that caused it and a sentence for the incident page. */
export interface SeverityUpgrade {
  trigger: EscalationTrigger;
  from: Severity;
  to: Severity;
  reason: string;
}

/**
 * Works out which severity the automatic triggers demand, and why.
 *
 * The triggers are applied in a fixed order, each starting from the result of
 * the previous one:
 *
 * 1. Impact doubled — the impact now is at least twice what it was when the
 *    severity was last set (only when both are known and the earlier impact
 *    was above zero; "twice nothing" means nothing) → one level up.
 * 2. Paying customer — a customer on a paying account reported it → at least SEV2.
 * 3. Data integrity — any concern about data integrity → SEV1.
 *
 * Doubling comes first because it is relative to the severity that was set
 * along with the earlier impact; the other two are floors and cannot be
 * undercut by it. A trigger is listed only when it actually raises the
 * severity, so the result is empty when nothing applies, never contains a
 * downgrade, and each upgrade's `from` is the previous upgrade's `to`.
 */
export function evaluateSeverityTriggers(input: SeverityTriggerInput): SeverityUpgrade[] {
  const upgrades: SeverityUpgrade[] = [];
  let current = input.severity;
  const raise = (trigger: EscalationTrigger, to: Severity, because: (from: Severity) => string) => {
    if (severityRank(to) < severityRank(current)) {
      upgrades.push({ trigger, from: current, to, reason: because(current) });
      current = to;
    }
  };

  const { baselineImpact: baseline, currentImpact: now } = input;
  if (
    typeof baseline === 'number' &&
    typeof now === 'number' &&
    Number.isFinite(baseline) &&
    Number.isFinite(now) &&
    baseline > 0 &&
    now >= 2 * baseline
  ) {
    raise(
      'impact-doubled',
      oneLevelUp(current),
      from =>
        `The impact has grown from ${formatNumber(baseline)} to ${formatNumber(now)} since the severity was set, ` +
        `at least double, so the incident moves up one level from ${from} to ${oneLevelUp(from)}.`,
    );
  }

  if (input.customerReported && input.payingCustomer) {
    raise(
      'paying-customer',
      mostSevere(current, 'SEV2'),
      from =>
        `A customer on a paying account reported this incident, so it must be at least SEV2; it is raised from ${from} to SEV2.`,
    );
  }

  if (input.dataIntegrityConcern) {
    raise(
      'data-integrity',
      'SEV1',
      from => `There is a concern about data integrity, which always makes an incident SEV1; it is raised from ${from} to SEV1.`,
    );
  }

  return upgrades;
}

export interface RootCauseInput {
  severity: Severity;
  declaredAt: string;
  /** When status first reached identified or later. */
  rootCauseIdentifiedAt?: string;
  resolvedAt?: string;
}

/**
 * `applies: false` when the severity has no root-cause timeout (SEV3/SEV4) or
 * the root cause was identified, or the incident resolved, in time.
 *
 * Otherwise `dueAt` is when escalation became (or becomes) due, `overdue`
 * says whether that moment has passed without a root cause, and
 * `minutesOverdue` says by how much (0 when not overdue; when the root cause
 * was found late, or the incident resolved without one, the count stops at
 * that moment).
 */
export type RootCauseCheck =
  | { applies: false }
  | { applies: true; dueAt: string; overdue: boolean; minutesOverdue: number; reason: string };

/**
 * Whether the "no root cause after 30 min (SEV1) / 2 h (SEV2)" escalation is
 * due at `now`.
 *
 * The clock starts at declaration. A root cause identified at or before the
 * deadline is in time — the limit is "after 30 minutes", so exactly 30 minutes
 * still counts. One identified later still applies, as overdue, because the
 * escalation should have happened and the incident page should say so. An
 * incident resolved before the deadline without naming a root cause needs no
 * escalation; one resolved after it without a root cause was overdue until it
 * was resolved.
 *
 * Times after `now` are treated as not having happened yet, so the same
 * incident can be replayed at any moment of its history. `minutesOverdue` is
 * rounded to 0.1 minute. Severities missing from `timeouts` have no timeout.
 * Throws an Error naming the field when a timestamp cannot be read or a
 * timeout is not a non-negative number.
 */
export function checkRootCauseTimeout(
  input: RootCauseInput,
  now: string,
  timeouts: Partial<Record<Severity, number>> = ROOT_CAUSE_TIMEOUT_MINUTES,
): RootCauseCheck {
  const nowMs = parseIsoTimestamp(now, 'now');
  const declaredMs = parseIsoTimestamp(input.declaredAt, 'declaredAt');
  const identifiedMs =
    input.rootCauseIdentifiedAt === undefined
      ? undefined
      : parseIsoTimestamp(input.rootCauseIdentifiedAt, 'rootCauseIdentifiedAt');
  const resolvedMs = input.resolvedAt === undefined ? undefined : parseIsoTimestamp(input.resolvedAt, 'resolvedAt');

  const timeout = timeouts[input.severity];
  if (timeout === undefined) {
    return { applies: false };
  }
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0) {
    throw new Error(`timeouts.${input.severity} must be a non-negative number of minutes, got ${timeout}`);
  }

  const dueMs = declaredMs + timeout * MS_PER_MINUTE;
  const dueAt = toIso(dueMs);
  const limit = `${input.severity} incidents escalate to the next tier when no root cause is identified within ${formatMinutes(timeout)}`;
  const overdueBy = (ms: number) => Math.round((ms / MS_PER_MINUTE) * 10) / 10;
  const sinceDeclared = (ms: number) => formatMinutes((ms - declaredMs) / MS_PER_MINUTE);

  const identified = identifiedMs !== undefined && identifiedMs <= nowMs ? identifiedMs : undefined;
  const resolved = resolvedMs !== undefined && resolvedMs <= nowMs ? resolvedMs : undefined;

  if (identified !== undefined && (resolved === undefined || identified <= resolved)) {
    if (identified <= dueMs) {
      return { applies: false };
    }
    return {
      applies: true,
      dueAt,
      overdue: true,
      minutesOverdue: overdueBy(identified - dueMs),
      reason:
        `The root cause was identified ${sinceDeclared(identified)} after declaration, ` +
        `${formatMinutes((identified - dueMs) / MS_PER_MINUTE)} late: ${limit}, so escalation was due at ${dueAt}.`,
    };
  }

  if (resolved !== undefined) {
    if (resolved <= dueMs) {
      return { applies: false };
    }
    return {
      applies: true,
      dueAt,
      overdue: true,
      minutesOverdue: overdueBy(resolved - dueMs),
      reason:
        `The incident was resolved ${sinceDeclared(resolved)} after declaration without an identified root cause: ` +
        `${limit}, so escalation was due at ${dueAt}.`,
    };
  }

  if (nowMs > dueMs) {
    return {
      applies: true,
      dueAt,
      overdue: true,
      minutesOverdue: overdueBy(nowMs - dueMs),
      reason:
        `No root cause has been identified ${sinceDeclared(nowMs)} after declaration: ${limit}, ` +
        `so escalation was due at ${dueAt} and is ${formatMinutes((nowMs - dueMs) / MS_PER_MINUTE)} overdue.`,
    };
  }

  return {
    applies: true,
    dueAt,
    overdue: false,
    minutesOverdue: 0,
    reason:
      `No root cause has been identified yet: ${limit}, ` +
      `so this incident escalates at ${dueAt} unless the root cause is found by then.`,
  };
}
