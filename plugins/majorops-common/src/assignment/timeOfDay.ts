import { parseIsoTimestamp } from '../escalation';
import { DEFAULT_ASSIGNMENT_CONFIG, TimeOfDayConfig } from './config';

/**
 * When in the week someone tends to be engaged: the share of their past
 * engagements (roles taken) that fell in the same hour of the week, in their
 * time zone, give or take `windowHours`, Laplace-smoothed so that someone with
 * little history sits at the uniform rate. Hours of the week wrap: Sunday
 * 23:00 is next to Monday 00:00.
 */

export const HOURS_PER_WEEK = 168;
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const formatters = new Map<string, Intl.DateTimeFormat>();
const QUARTER_HOUR_MS = 15 * 60 * 1000;
/** A few years of quarter hours per time zone; the formatter is the costly part of `hourOfWeek`. */
const MAX_CACHED_QUARTERS = 200_000;
const hoursOfWeek = new Map<string, Map<number, number>>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', hour: '2-digit' });
    } catch {
      throw new Error(`timeZone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Hour of the week in `timeZone`: 0 is Monday 00:00–00:59, 167 is Sunday 23:00–23:59. */
export function hourOfWeek(instant: string | number, timeZone = 'UTC'): number {
  const ms = typeof instant === 'number' ? instant : parseIsoTimestamp(instant, 'instant');
  // UTC offsets and their changes fall on quarter hours: the answer is the same within one.
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  let known = hoursOfWeek.get(timeZone);
  if (!known) {
    formatterFor(timeZone);
    known = new Map();
    hoursOfWeek.set(timeZone, known);
  }
  const cached = known.get(quarter);
  if (cached !== undefined) return cached;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  const hour = WEEKDAYS[parts.weekday] * 24 + (Number(parts.hour) % 24);
  if (known.size >= MAX_CACHED_QUARTERS) known.clear();
  known.set(quarter, hour);
  return hour;
}

/** "Mon 00:00" for hour of the week 0. */
export function hourOfWeekLabel(hour: number): string {
  const h = ((hour % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK;
  return `${DAY_NAMES[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}:00`;
}

/** Distance between two hours of the week, around the wrap. */
function hourDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % HOURS_PER_WEEK;
  return Math.min(d, HOURS_PER_WEEK - d);
}

export interface EngagementPattern {
  hourOfWeek: number;
  timeZone: string;
  /** Past engagements in the window around the hour. */
  inWindow: number;
  total: number;
  /** Smoothed share of engagements in the window: (inWindow + α·w) / (total + α·168). */
  share: number;
  /** Share the window would have if engagements were spread evenly: w / 168. */
  uniformShare: number;
  /** share / (share + uniformShare): 0.5 at the uniform rate or without history, toward 1 above it. */
  value: number;
  reason: string;
}

/**
 * The engagement pattern of someone at `at`, from the instants they took a
 * role in the past (only those before `at` count).
 */
export function engagementPattern(
  engagements: string[],
  at: string,
  options: { timeZone?: string; config?: TimeOfDayConfig } = {},
): EngagementPattern {
  const atMs = parseIsoTimestamp(at, 'at');
  const instants = engagements.map((engagement, i) => parseIsoTimestamp(engagement, `engagements[${i}]`));
  return engagementPatternOfInstants(instants, atMs, options);
}

/** What {@link engagementPatternOfInstants} counts of someone's engagements. */
export interface EngagementCounts {
  /** Engagements before the moment asked about. */
  total: number;
  /** Those of them in the window around its hour of the week. */
  inWindow: number;
}

/** Whether an engagement at hour of the week `engaged` falls in the window of `windowHours` around `hour`. */
export function inEngagementWindow(engaged: number, hour: number, windowHours: number): boolean {
  return hourDistance(engaged, hour) <= windowHours;
}

/** Engagements before `atMs`, and those in the window around the hour of the week of `atMs`. */
function countEngagements(engagements: readonly number[], atMs: number, hour: number, timeZone: string, windowHours: number): EngagementCounts {
  let total = 0;
  let inWindow = 0;
  for (const ms of engagements) {
    if (ms >= atMs) continue;
    total++;
    if (inEngagementWindow(hourOfWeek(ms, timeZone), hour, windowHours)) inWindow++;
  }
  return { total, inWindow };
}

/** The smoothed share, the even share and the value of {@link EngagementPattern}. */
function shares(inWindow: number, total: number, windowHours: number, smoothing: number) {
  const width = Math.min(HOURS_PER_WEEK, 2 * windowHours + 1);
  const share = (inWindow + smoothing * width) / (total + smoothing * HOURS_PER_WEEK);
  const uniformShare = width / HOURS_PER_WEEK;
  return { share, uniformShare, value: share / (share + uniformShare) };
}

/**
 * The `value` of {@link engagementPatternOfCounts}, from the counts alone:
 * what a score needs for each of many candidates, without the reason.
 */
export function engagementValueOfCounts(counts: EngagementCounts, config: TimeOfDayConfig = DEFAULT_ASSIGNMENT_CONFIG.timeOfDay): number {
  return shares(counts.inWindow, counts.total, config.windowHours, config.smoothing).value;
}

/** {@link engagementPattern} with the instants already read (milliseconds since the epoch). */
export function engagementPatternOfInstants(
  engagements: readonly number[],
  atMs: number,
  options: { timeZone?: string; config?: TimeOfDayConfig } = {},
): EngagementPattern {
  const timeZone = options.timeZone ?? 'UTC';
  const config = options.config ?? DEFAULT_ASSIGNMENT_CONFIG.timeOfDay;
  const hour = hourOfWeek(atMs, timeZone);
  return engagementPatternOfCounts(countEngagements(engagements, atMs, hour, timeZone, config.windowHours), hour, timeZone, config);
}

/**
 * {@link engagementPattern} from what was already counted: the engagements
 * before the moment, those in the window around `hour` (its hour of the week
 * in `timeZone`), as {@link inEngagementWindow} tells.
 */
export function engagementPatternOfCounts(
  counts: EngagementCounts,
  hour: number,
  timeZone: string,
  config: TimeOfDayConfig = DEFAULT_ASSIGNMENT_CONFIG.timeOfDay,
): EngagementPattern {
  const { windowHours, smoothing } = config;
  const { total, inWindow } = counts;
  const { share, uniformShare, value } = shares(inWindow, total, windowHours, smoothing);
  const around = windowHours === 0 ? hourOfWeekLabel(hour) : `${hourOfWeekLabel(hour)} ±${windowHours} h`;
  const ratio = Math.round((share / uniformShare) * 10) / 10;
  const reason =
    total === 0
      ? `No past engagements: usual availability around ${around} (${timeZone}) unknown.`
      : `Engaged ${inWindow} of ${total} past incident${total === 1 ? '' : 's'} around ${around} (${timeZone}), ${ratio}× the even rate.`;
  return { hourOfWeek: hour, timeZone, inWindow, total, share, uniformShare, value, reason };
}
