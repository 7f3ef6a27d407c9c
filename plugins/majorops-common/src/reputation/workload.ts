import { formatMinutes, parseIsoTimestamp } from '../escalation';
import type { Severity } from '../severity';
import { DEFAULT_REPUTATION_CONFIG, WorkloadConfig } from './config';

/**
 * On-call load per person, shown beside the score so that a team lead sees
 * who carries the pager and the long incidents, and so that expectations are
 * adjusted in prolonged incident periods (seed 001, module 5):
 *
 * - per local week (Monday to Monday in the person's time zone): pages,
 *   incidents engaged, hours in incidents, and how much of it was off hours
 *   (outside 08:00–18:00 Monday to Friday, local time);
 * - a week is flagged for burnout when it had more than 5 pages, or when it
 *   overlaps a SEV1 engagement longer than 4 hours;
 * - flagged weeks, merged when consecutive, are the burnout periods in which
 *   response-speed penalties are halved (see `computeReputation`).
 *
 * Time zones use the platform's Intl.DateTimeFormat; no clock is read.
 */

export interface WorkloadEngagement {
  incidentId: string;
  severity: Severity;
  start: string;
  /** Open engagements run until `to`. */
  end?: string;
}

export interface WorkloadInput {
  userRef?: string;
  /** When the person was paged. */
  pages: string[];
  engagements: WorkloadEngagement[];
}

export interface WorkloadOptions {
  from: string;
  /** Exclusive end, typically now. */
  to: string;
  /** IANA time zone of the person; UTC by default. */
  timeZone?: string;
  config?: WorkloadConfig;
}

export interface WorkloadWeek {
  /** Local date of the Monday, YYYY-MM-DD. */
  weekOf: string;
  from: string;
  to: string;
  pages: number;
  offHoursPages: number;
  /** Distinct incidents engaged during the week. */
  incidents: number;
  /** Hours engaged in incidents during the week, one decimal. */
  incidentHours: number;
  offHoursIncidentHours: number;
  flagged: boolean;
  reasons: string[];
}

export interface FlaggedPeriod {
  userRef?: string;
  from: string;
  to: string;
  reasons: string[];
}

export interface WorkloadReport {
  timeZone: string;
  weeks: WorkloadWeek[];
  totals: {
    pages: number;
    incidents: number;
    incidentHours: number;
    /** Per 7 days of the range, one decimal. */
    pagesPerWeek: number;
    incidentsPerWeek: number;
    incidentHoursPerWeek: number;
    /** Share of pages off hours, 0–1; undefined without pages. */
    offHoursPageShare?: number;
    /** Share of incident hours off hours, 0–1; undefined without incident time. */
    offHoursIncidentShare?: number;
  };
  flaggedPeriods: FlaggedPeriod[];
  explanation: string;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const QUARTER_HOUR = 15 * MS_PER_MINUTE;
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new Error(`timeZone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(timeZone)}`);
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** Local times of quarter-hour instants already converted, per time zone: Intl is slow and the same instants recur across people. */
const quarterCache = new Map<string, Map<number, LocalParts>>();
const QUARTER_CACHE_LIMIT = 200_000;

function localParts(ms: number, timeZone: string): LocalParts {
  if (ms % QUARTER_HOUR !== 0) return convert(ms, timeZone);
  let zone = quarterCache.get(timeZone);
  if (!zone) quarterCache.set(timeZone, (zone = new Map()));
  let parts = zone.get(ms);
  if (!parts) {
    if (zone.size >= QUARTER_CACHE_LIMIT) zone.clear();
    zone.set(ms, (parts = convert(ms, timeZone)));
  }
  return parts;
}

function convert(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday],
  };
}

/** The instant of local midnight starting the given local date (or the first instant after it, across a DST gap). */
function zonedMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day);
  const offsetAt = (ms: number) => {
    const p = localParts(ms, timeZone);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  const sameDay = [first, second].filter(ms => {
    const p = localParts(ms, timeZone);
    return p.year === year && p.month === month && p.day === day;
  });
  return sameDay.length > 0 ? Math.min(...sameDay) : first;
}

/** Local Monday 00:00 of the week containing `ms`. */
function weekStart(ms: number, timeZone: string): { ms: number; date: string } {
  const p = localParts(ms, timeZone);
  const monday = new Date(Date.UTC(p.year, p.month - 1, p.day - (p.weekday - 1)));
  const y = monday.getUTCFullYear();
  const m = monday.getUTCMonth() + 1;
  const d = monday.getUTCDate();
  return { ms: zonedMidnight(y, m, d, timeZone), date: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

function isOffHours(ms: number, timeZone: string, config: WorkloadConfig): boolean {
  const p = localParts(ms, timeZone);
  const hour = p.hour + p.minute / 60;
  return !config.workdays.includes(p.weekday) || hour < config.workdayStartHour || hour >= config.workdayEndHour;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Workload of one person between `from` and `to`, week by week in their time
 * zone, with the weeks flagged for burnout and why.
 */
export function computeWorkload(input: WorkloadInput, options: WorkloadOptions): WorkloadReport {
  const config = options.config ?? DEFAULT_REPUTATION_CONFIG.workload;
  const timeZone = options.timeZone ?? 'UTC';
  formatterFor(timeZone);
  const from = parseIsoTimestamp(options.from, 'from');
  const to = parseIsoTimestamp(options.to, 'to');
  if (to <= from) throw new Error(`to must be after from, got ${options.from} to ${options.to}`);

  const weeks: Array<WorkloadWeek & { fromMs: number; toMs: number; incidentIds: Set<string>; hoursMs: number; offMs: number }> = [];
  let cursor = weekStart(from, timeZone);
  while (cursor.ms < to) {
    const p = cursor.date.split('-').map(Number);
    const next = new Date(Date.UTC(p[0], p[1] - 1, p[2] + 7));
    const nextMs = zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
    weeks.push({
      weekOf: cursor.date,
      from: new Date(cursor.ms).toISOString(),
      to: new Date(nextMs).toISOString(),
      fromMs: cursor.ms,
      toMs: nextMs,
      pages: 0,
      offHoursPages: 0,
      incidents: 0,
      incidentHours: 0,
      offHoursIncidentHours: 0,
      flagged: false,
      reasons: [],
      incidentIds: new Set(),
      hoursMs: 0,
      offMs: 0,
    });
    cursor = { ms: nextMs, date: next.toISOString().slice(0, 10) };
  }
  const weekAt = (ms: number) => weeks.find(w => ms >= w.fromMs && ms < w.toMs);

  let pages = 0;
  let offPages = 0;
  input.pages.forEach((page, i) => {
    const ms = parseIsoTimestamp(page, `pages[${i}]`);
    if (ms < from || ms >= to) return;
    const week = weekAt(ms)!;
    week.pages++;
    pages++;
    if (isOffHours(ms, timeZone, config)) {
      week.offHoursPages++;
      offPages++;
    }
  });

  const incidents = new Set<string>();
  let totalMs = 0;
  let offMs = 0;
  input.engagements.forEach((engagement, i) => {
    const start = parseIsoTimestamp(engagement.start, `engagements[${i}].start`);
    const end = engagement.end === undefined ? to : parseIsoTimestamp(engagement.end, `engagements[${i}].end`);
    const duration = end - start;
    const clippedStart = Math.max(start, from);
    const clippedEnd = Math.min(end, to);
    const long = engagement.severity === 'SEV1' && duration > config.maxSev1EngagementHours * MS_PER_HOUR;
    for (const week of weeks) {
      if (week.fromMs < clippedEnd && week.toMs > clippedStart) {
        week.incidentIds.add(engagement.incidentId);
        if (long) {
          week.flagged = true;
          week.reasons.push(
            `A SEV1 engagement of ${formatMinutes(duration / MS_PER_MINUTE)} on ${engagement.incidentId}, longer than ${config.maxSev1EngagementHours} hours.`,
          );
        }
      }
    }
    if (clippedEnd <= clippedStart) return;
    incidents.add(engagement.incidentId);
    // Walk in quarter hours aligned to UTC: local hours and midnights fall on them in every zone with a whole-quarter offset.
    for (let t = clippedStart; t < clippedEnd; ) {
      const next = Math.min(clippedEnd, (Math.floor(t / QUARTER_HOUR) + 1) * QUARTER_HOUR);
      const week = weekAt(t)!;
      week.hoursMs += next - t;
      totalMs += next - t;
      if (isOffHours(t, timeZone, config)) {
        week.offMs += next - t;
        offMs += next - t;
      }
      t = next;
    }
  });

  for (const week of weeks) {
    week.incidents = week.incidentIds.size;
    week.incidentHours = round1(week.hoursMs / MS_PER_HOUR);
    week.offHoursIncidentHours = round1(week.offMs / MS_PER_HOUR);
    if (week.pages > config.maxPagesPerWeek) {
      week.flagged = true;
      week.reasons.unshift(`${week.pages} pages this week, more than ${config.maxPagesPerWeek}.`);
    }
  }

  const flaggedPeriods: FlaggedPeriod[] = [];
  for (const week of weeks) {
    if (!week.flagged) continue;
    const previous = flaggedPeriods[flaggedPeriods.length - 1];
    if (previous && previous.to === week.from) {
      previous.to = week.to;
      previous.reasons.push(...week.reasons);
    } else {
      flaggedPeriods.push({ ...(input.userRef ? { userRef: input.userRef } : {}), from: week.from, to: week.to, reasons: [...week.reasons] });
    }
  }

  const spanWeeks = (to - from) / (7 * MS_PER_DAY);
  const totals = {
    pages,
    incidents: incidents.size,
    incidentHours: round1(totalMs / MS_PER_HOUR),
    pagesPerWeek: round1(pages / spanWeeks),
    incidentsPerWeek: round1(incidents.size / spanWeeks),
    incidentHoursPerWeek: round1(totalMs / MS_PER_HOUR / spanWeeks),
    offHoursPageShare: pages === 0 ? undefined : offPages / pages,
    offHoursIncidentShare: totalMs === 0 ? undefined : offMs / totalMs,
  };
  const flaggedWeeks = weeks.filter(w => w.flagged).length;
  const explanation =
    `${totals.pagesPerWeek} pages and ${totals.incidentHoursPerWeek} hours in incidents per week` +
    (totals.offHoursPageShare === undefined ? '' : `; ${Math.round(totals.offHoursPageShare * 100)}% of pages off hours`) +
    (totals.offHoursIncidentShare === undefined ? '' : `; ${Math.round(totals.offHoursIncidentShare * 100)}% of incident time off hours`) +
    ` (${timeZone})` +
    (flaggedWeeks === 0
      ? '; no week flagged for burnout.'
      : `; ${flaggedWeeks} week${flaggedWeeks === 1 ? '' : 's'} flagged for burnout, in which slow responses count half.`);

  return {
    timeZone,
    weeks: weeks.map(({ fromMs, toMs, incidentIds, hoursMs, offMs: _off, ...week }) => week),
    totals,
    flaggedPeriods,
    explanation,
  };
}
