import { parseIsoTimestamp } from './escalation';
import { SEVERITIES, Severity } from './severity';

/** The parts of an incident that the response-time metrics are measured from. */
export interface MetricIncident {
  severity: Severity;
  /** Caused by a third party (cloud provider, SaaS dependency). */
  externalCause: boolean;
  impactStartedAt?: string;
  detectedAt?: string;
  declaredAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
}

/** How many durations were measured, and their mean and median in minutes (absent when none were). */
export interface DurationStats {
  count: number;
  meanMinutes?: number;
  medianMinutes?: number;
}

export interface IncidentMetrics {
  total: number;
  /** Mean time to detect: impactStartedAt → detectedAt. */
  mttd: DurationStats;
  /** Mean time to acknowledge: detectedAt (or declaredAt when detectedAt is missing) → acknowledgedAt. */
  mtta: DurationStats;
  /**
   * Mean time to restore: impact start (or detectedAt, or declaredAt) → mitigatedAt (or resolvedAt when
   * never mitigated). Service restored, without post-incident monitoring.
   */
  mttrRestore: DurationStats;
  /** Mean time to resolve: same start → resolvedAt, including the post-incident monitoring and verification. */
  mttrResolve: DurationStats;
  bySeverity: Record<Severity, number>;
  /** 'YYYY-MM' (UTC month of declaredAt) → count, months ascending, including empty months between first and last. */
  byMonth: Array<{
    month: string;
    count: number;
    bySeverity: Record<Severity, number>;
    /** Median impact start → resolved of the month's incidents, for the MTTR trend. */
    mttrResolveMedianMinutes?: number;
  }>;
}

/** Incidents caused by third parties are reported apart, so they never move the team's own figures. */
export interface MetricsReport {
  internal: IncidentMetrics;
  external: IncidentMetrics;
  all: IncidentMetrics;
}

/** Which figure a success target is read from. */
export type SuccessMetric =
  | 'mttd'
  | 'mttrResolve'
  | 'postmortemWithin48hShare'
  | 'actionItemsOnTimeShare'
  | 'pagesPerEngineerPerWeek';

/** One success metric from the incident commander's playbook, as data a dashboard can compare against. */
export interface SuccessTarget {
  id: string;
  metric: SuccessMetric;
  /** Severities the target is measured over; undefined when it is not about incidents of a given severity. */
  severities?: Severity[];
  /** `below`: the figure must be strictly less than `value`; `atLeast`: greater than or equal. */
  comparison: 'below' | 'atLeast';
  value: number;
  unit: 'minutes' | 'percent' | 'pages';
  description: string;
}

/** The success metrics the team is measured by. */
export const SUCCESS_TARGETS: readonly SuccessTarget[] = [
  {
    id: 'mttd-sev1-sev2',
    metric: 'mttd',
    severities: ['SEV1', 'SEV2'],
    comparison: 'below',
    value: 5,
    unit: 'minutes',
    description: 'Mean time to detect SEV1 and SEV2 incidents is under 5 minutes.',
  },
  {
    id: 'mttr-sev1',
    metric: 'mttrResolve',
    severities: ['SEV1'],
    comparison: 'below',
    value: 30,
    unit: 'minutes',
    description: 'Mean time to resolve SEV1 incidents is under 30 minutes, and decreases quarter over quarter.',
  },
  {
    id: 'postmortem-within-48h',
    metric: 'postmortemWithin48hShare',
    severities: ['SEV1', 'SEV2'],
    comparison: 'atLeast',
    value: 100,
    unit: 'percent',
    description: 'Every SEV1 and SEV2 incident produces a post-mortem within 48 hours.',
  },
  {
    id: 'action-items-on-time',
    metric: 'actionItemsOnTimeShare',
    comparison: 'atLeast',
    value: 90,
    unit: 'percent',
    description: 'At least 90% of post-mortem action items are completed by their stated deadline.',
  },
  {
    id: 'pages-per-engineer-week',
    metric: 'pagesPerEngineerPerWeek',
    comparison: 'below',
    value: 5,
    unit: 'pages',
    description: 'On-call engineers receive fewer than 5 pages each per week; more means noisy alerts to fix.',
  },
];

const MS_PER_MINUTE = 60_000;

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Count, mean and median of a list of durations in minutes. Values that are
 * negative or not finite (bad data) are left out and not counted. The mean
 * and median are rounded to 0.1 minute; the median of an even count is the
 * mean of the two middle values. With nothing to measure, only `count: 0`
 * is returned — an average of nothing is not zero.
 */
export function durationStats(minutes: number[]): DurationStats {
  const valid = minutes.filter(m => Number.isFinite(m) && m >= 0).sort((a, b) => a - b);
  if (valid.length === 0) return { count: 0 };
  const mean = valid.reduce((sum, m) => sum + m, 0) / valid.length;
  const mid = Math.floor(valid.length / 2);
  const median = valid.length % 2 === 1 ? valid[mid] : (valid[mid - 1] + valid[mid]) / 2;
  return { count: valid.length, meanMinutes: round1(mean), medianMinutes: round1(median) };
}

function emptyBySeverity(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<Severity, number>;
}

interface ParsedIncident {
  severity: Severity;
  externalCause: boolean;
  impactStarted?: number;
  detected?: number;
  declared: number;
  acknowledged?: number;
  mitigated?: number;
  resolved?: number;
}

function parseIncident(incident: MetricIncident, i: number): ParsedIncident {
  if (!(SEVERITIES as readonly string[]).includes(incident.severity)) {
    throw new Error(`incidents[${i}].severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(incident.severity)}`);
  }
  const optional = (field: keyof MetricIncident) => {
    const value = incident[field];
    return value === undefined ? undefined : parseIsoTimestamp(value as string, `incidents[${i}].${field}`);
  };
  return {
    severity: incident.severity,
    externalCause: incident.externalCause,
    impactStarted: optional('impactStartedAt'),
    detected: optional('detectedAt'),
    declared: parseIsoTimestamp(incident.declaredAt, `incidents[${i}].declaredAt`),
    acknowledged: optional('acknowledgedAt'),
    mitigated: optional('mitigatedAt'),
    resolved: optional('resolvedAt'),
  };
}

/** Minutes from `from` to `to`, or undefined when either end is missing. */
function span(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : (to - from) / MS_PER_MINUTE;
}

function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function metricsOf(incidents: ParsedIncident[]): IncidentMetrics {
  const collect = (pick: (incident: ParsedIncident) => number | undefined) =>
    durationStats(incidents.map(pick).filter((m): m is number => m !== undefined));
  const start = (x: ParsedIncident) => x.impactStarted ?? x.detected ?? x.declared;

  const bySeverity = emptyBySeverity();
  const months = new Map<string, { count: number; bySeverity: Record<Severity, number>; resolve: number[] }>();
  for (const incident of incidents) {
    bySeverity[incident.severity]++;
    const key = monthKey(incident.declared);
    const month = months.get(key) ?? { count: 0, bySeverity: emptyBySeverity(), resolve: [] };
    month.count++;
    month.bySeverity[incident.severity]++;
    const resolveMinutes = span(start(incident), incident.resolved);
    if (resolveMinutes !== undefined) month.resolve.push(resolveMinutes);
    months.set(key, month);
  }

  const byMonth: IncidentMetrics['byMonth'] = [];
  if (incidents.length > 0) {
    const first = new Date(incidents.reduce((min, x) => Math.min(min, x.declared), Infinity));
    const last = new Date(incidents.reduce((max, x) => Math.max(max, x.declared), -Infinity));
    let year = first.getUTCFullYear();
    let month = first.getUTCMonth();
    while (year < last.getUTCFullYear() || (year === last.getUTCFullYear() && month <= last.getUTCMonth())) {
      const key = `${year}-${String(month + 1).padStart(2, '0')}`;
      const found = months.get(key);
      byMonth.push(
        found
          ? {
              month: key,
              count: found.count,
              bySeverity: found.bySeverity,
              mttrResolveMedianMinutes: durationStats(found.resolve).medianMinutes,
            }
          : { month: key, count: 0, bySeverity: emptyBySeverity() },
      );
      month++;
      if (month === 12) {
        month = 0;
        year++;
      }
    }
  }

  return {
    total: incidents.length,
    mttd: collect(x => span(x.impactStarted, x.detected)),
    mtta: collect(x => span(x.detected ?? x.declared, x.acknowledged)),
    mttrRestore: collect(x => span(start(x), x.mitigated ?? x.resolved)),
    mttrResolve: collect(x => span(start(x), x.resolved)),
    bySeverity,
    byMonth,
  };
}

/**
 * Detection, acknowledgement and recovery times, and how incidents spread
 * over severities and months — separately for incidents the team caused
 * (`internal`), those caused by third parties (`external`), and both (`all`),
 * so an outage at a cloud provider never moves the team's own figures.
 *
 * Each duration is measured only where both ends are known; a missing start
 * falls back as documented on IncidentMetrics (impact start, then detection,
 * then declaration), but a start that is present and later than the end is
 * bad data and that duration is skipped, not replaced. Recovery is given two
 * ways because teams disagree on whether post-incident monitoring belongs in
 * it: `mttrRestore` stops when service was restored, `mttrResolve` when the
 * incident was declared resolved.
 *
 * Throws an Error naming the incident and field (`incidents[3].detectedAt`)
 * when a timestamp cannot be read or a severity is unknown, rather than
 * quietly leaving it out of the figures.
 */
export function computeIncidentMetrics(incidents: MetricIncident[]): MetricsReport {
  const parsed = incidents.map(parseIncident);
  return {
    internal: metricsOf(parsed.filter(x => !x.externalCause)),
    external: metricsOf(parsed.filter(x => x.externalCause)),
    all: metricsOf(parsed),
  };
}
