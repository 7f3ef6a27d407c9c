import { parseIsoTimestamp } from './escalation';
import { DEFAULT_SEVERITY_MATRIX, SEVERITIES, Severity, SeverityMatrix } from './severity';

/** A severity in force from `from` until the next period starts. */
export interface SeverityPeriod {
  severity: Severity;
  from: string;
}

export interface CadenceInput {
  declaredAt: string;
  /** Severity history, oldest first; the first period starts at declaredAt. */
  severities: SeverityPeriod[];
  /** Times status updates were posted, any order. */
  updates: string[];
  /** When the incident stopped needing updates (resolved); undefined while open. */
  resolvedAt?: string;
}

/** An update was due by `dueAt`; `metAt` is the first update posted in (`from`, `dueAt`]. */
export interface CadenceWindow {
  from: string;
  dueAt: string;
  metAt?: string;
}

export interface CadenceReport {
  /**
   * When the next update is due; undefined once resolved. While updates are
   * outstanding this is the first deadline missed since the last update, so
   * it lies in the past.
   */
  nextDueAt?: string;
  /** `now` is later than `nextDueAt`. */
  overdue: boolean;
  /** Minutes from `now` to `nextDueAt`, rounded to 0.1; negative when overdue, undefined once resolved. */
  minutesUntilDue?: number;
  /**
   * Every window that has ended by now (or by resolvedAt), oldest first —
   * at most the newest MAX_CADENCE_WINDOWS of them; see `windowsOmitted`.
   */
  windows: CadenceWindow[];
  /** Older ended windows left out of `windows` by the cap; they still count in `missedWindows` and `onTimeShare`. */
  windowsOmitted: number;
  /** Ended windows without an update, including omitted ones. */
  missedWindows: number;
  /** Met windows / ended windows (including omitted ones); undefined when no window has ended. */
  onTimeShare: number | undefined;
}

/**
 * The most windows a report lists. A SEV1 left open for a year without updates
 * has 35 040 missed 15-minute windows; they are all counted, but only the
 * newest 1000 are listed.
 */
export const MAX_CADENCE_WINDOWS = 1000;

const MS_PER_MINUTE = 60_000;

function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * Checks whether status updates have gone out as often as the severity matrix
 * asks ("every 15 min" for SEV1, "every 30 min" for SEV2, and so on), and when
 * the next one is due.
 *
 * The first update is due one cadence interval after declaration; each update
 * (or each missed deadline) starts the next interval. The cadence is the
 * severity matrix's updateCadenceMinutes for the severity in force at the
 * start of the interval — an upgrade mid-window shortens the remaining window
 * to the new cadence counted from the upgrade if that is sooner (a downgrade
 * mid-window never lengthens it). Stops at resolvedAt.
 *
 * Precisely, step by step from declaration:
 *
 * - a window runs from `from` to `dueAt`; the first update posted after
 *   `from` and no later than `dueAt` meets it (an update exactly at the
 *   deadline is on time), and the next window starts at that update;
 * - a window whose deadline passes without an update is missed, and the next
 *   window starts at the missed deadline;
 * - a window has ended once it is met, or once `now` (or `resolvedAt`) is past
 *   its deadline; the window still running at resolution is neither met nor
 *   missed and is not listed.
 *
 * While an update is outstanding, `nextDueAt` stays at the first deadline
 * missed since the last update, so `overdue` and a negative `minutesUntilDue`
 * say how long stakeholders have been waiting. Updates, severity changes and
 * resolution later than `now` are treated as not having happened yet. Long runs
 * of missed windows are counted arithmetically, so the work grows with the
 * number of updates and severity changes, not with how long the incident has
 * been open.
 *
 * With `listWindows: false` no window is listed (`windows` is empty and every
 * ended window counts in `windowsOmitted`): for callers that only count.
 *
 * Throws an Error naming the field when a timestamp cannot be read, when a
 * severity is not in the matrix, when the history is empty, or when a cadence
 * is not a positive number of minutes.
 */
export function computeCadence(
  input: CadenceInput,
  now: string,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
  options: { listWindows?: boolean } = {},
): CadenceReport {
  const listWindows = options.listWindows ?? true;
  const nowMs = parseIsoTimestamp(now, 'now');
  const declaredMs = parseIsoTimestamp(input.declaredAt, 'declaredAt');
  const resolvedMs = input.resolvedAt === undefined ? undefined : parseIsoTimestamp(input.resolvedAt, 'resolvedAt');
  const resolved = resolvedMs !== undefined && resolvedMs <= nowMs;
  /** Nothing after this moment is known. */
  const horizon = resolved ? resolvedMs : nowMs;

  if (input.severities.length === 0) {
    throw new Error('severities must contain at least one period (the severity at declaration)');
  }
  const cadenceMs: Partial<Record<Severity, number>> = {};
  const periods = input.severities
    .map((period, i) => {
      if (!(SEVERITIES as readonly string[]).includes(period.severity) || !matrix[period.severity]) {
        throw new Error(`severities[${i}].severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(period.severity)}`);
      }
      const minutes = matrix[period.severity].updateCadenceMinutes;
      if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0) {
        throw new Error(`matrix.${period.severity}.updateCadenceMinutes must be a positive number of minutes, got ${minutes}`);
      }
      cadenceMs[period.severity] = Math.max(1, Math.round(minutes * MS_PER_MINUTE));
      const fromMs = parseIsoTimestamp(period.from, `severities[${i}].from`);
      // The first period starts at declaration whatever its `from` says.
      return { severity: period.severity, fromMs: i === 0 ? declaredMs : fromMs, index: i };
    })
    // Oldest first; stable for equal times, so the later entry wins.
    .sort((a, b) => a.fromMs - b.fromMs || a.index - b.index)
    .filter(period => period.fromMs <= horizon);
  // Severity in force at `t`: the last period started at or before `t`, else the one at declaration.
  const severityAt = (t: number): Severity => {
    let severity = input.severities[0].severity;
    for (const period of periods) {
      if (period.fromMs <= t) severity = period.severity;
    }
    return severity;
  };
  const cadenceAt = (t: number) => cadenceMs[severityAt(t)]!;
  const nextPeriodAfter = (t: number) => periods.find(period => period.fromMs > t)?.fromMs ?? Infinity;

  const updates = input.updates
    .map((update, i) => parseIsoTimestamp(update, `updates[${i}]`))
    .filter(ms => ms <= horizon)
    .sort((a, b) => a - b);
  let nextUpdate = 0;
  /** First update strictly after `t`, or Infinity. */
  const updateAfter = (t: number) => {
    while (nextUpdate < updates.length && updates[nextUpdate] <= t) nextUpdate++;
    return nextUpdate < updates.length ? updates[nextUpdate] : Infinity;
  };

  const windows: CadenceWindow[] = [];
  let total = 0;
  let met = 0;
  /** First deadline missed since the last update (or since declaration), while one is outstanding. */
  let outstandingSince: number | undefined;
  const record = (window: () => CadenceWindow) => {
    if (!listWindows) return;
    windows.push(window());
    if (windows.length >= 2 * MAX_CADENCE_WINDOWS) windows.splice(0, windows.length - MAX_CADENCE_WINDOWS);
  };

  let start = declaredMs;
  let openDue: number;
  for (;;) {
    const cadence = cadenceAt(start);
    const update = updateAfter(start);
    const boundary = nextPeriodAfter(start);

    // Fast-forward over plain missed windows: same cadence throughout (no
    // severity change before their deadline), no update in them, deadline
    // before the horizon. Window k (k = 1, 2, ...) ends at start + k × cadence.
    const limit = Math.min(update, horizon);
    let plain = Math.min(Math.floor((boundary - start) / cadence), Math.ceil((limit - start) / cadence) - 1);
    while (plain > 0 && (start + plain * cadence >= limit || start + plain * cadence > boundary)) plain--;
    if (plain > 0) {
      const listed = listWindows ? Math.min(plain, MAX_CADENCE_WINDOWS) : 0;
      for (let k = plain - listed; k < plain; k++) {
        record(() => ({ from: toIso(start + k * cadence), dueAt: toIso(start + (k + 1) * cadence) }));
      }
      total += plain;
      outstandingSince ??= start + cadence;
      start += plain * cadence;
      continue;
    }

    // One window in full, with upgrades during it shortening the deadline.
    let due = start + cadence;
    for (const period of periods) {
      if (period.fromMs > start && period.fromMs < due) {
        due = Math.min(due, period.fromMs + cadenceMs[period.severity]!);
      }
    }
    if (update <= due) {
      record(() => ({ from: toIso(start), dueAt: toIso(due), metAt: toIso(update) }));
      total++;
      met++;
      outstandingSince = undefined;
      start = update;
    } else if (due < horizon) {
      record(() => ({ from: toIso(start), dueAt: toIso(due) }));
      total++;
      outstandingSince ??= due;
      start = due;
    } else {
      openDue = due;
      break;
    }
  }

  if (windows.length > MAX_CADENCE_WINDOWS) windows.splice(0, windows.length - MAX_CADENCE_WINDOWS);
  const summary = {
    windows,
    windowsOmitted: total - windows.length,
    missedWindows: total - met,
    onTimeShare: total === 0 ? undefined : met / total,
  };
  if (resolved) {
    return { nextDueAt: undefined, overdue: false, minutesUntilDue: undefined, ...summary };
  }
  const nextDue = outstandingSince ?? openDue;
  return {
    nextDueAt: toIso(nextDue),
    overdue: nowMs > nextDue,
    minutesUntilDue: Math.round(((nextDue - nowMs) / MS_PER_MINUTE) * 10) / 10,
    ...summary,
  };
}
