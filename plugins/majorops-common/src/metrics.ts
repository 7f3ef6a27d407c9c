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

/**
 * The inputs of the metrics as epoch milliseconds: what a database can hand
 * over without building and re-parsing ISO strings.
 */
export interface MetricIncidentMillis {
  severity: Severity;
  externalCause: boolean;
  impactStartedAt?: number;
  detectedAt?: number;
  declaredAt: number;
  acknowledgedAt?: number;
  mitigatedAt?: number;
  resolvedAt?: number;
}

/** The four durations the metrics report. */
export type MetricDuration = 'mttd' | 'mtta' | 'mttrRestore' | 'mttrResolve';

export const METRIC_DURATIONS: readonly MetricDuration[] = ['mttd', 'mtta', 'mttrRestore', 'mttrResolve'];

/**
 * Totals of a set of durations, in milliseconds: how many were measured (not
 * negative), their sum, and their median (the mean of the two middle values
 * for an even count; absent when none were measured).
 */
export interface DurationAggregate {
  count: number;
  sumMs: number;
  medianMs?: number;
}

/** One month with incidents: counts by severity and the median of `mttrResolve` over the month. */
export interface MonthAggregate {
  /** 'YYYY-MM', UTC month of declaration. */
  month: string;
  bySeverity: Record<Severity, number>;
  mttrResolveMedianMs?: number;
}

/**
 * What IncidentMetrics are built from: sums, counts and medians that a
 * database can compute with GROUP BY. `months` lists only months with
 * incidents, in any order.
 */
export interface MetricsAggregate {
  durations: Record<MetricDuration, DurationAggregate>;
  months: MonthAggregate[];
}

/** Milliseconds from `from` to `to`, or undefined when either end is missing. */
function span(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : to - from;
}

/**
 * The four durations of one incident in milliseconds, undefined where an end
 * is missing (negative values are kept here and left out when aggregated).
 * Database queries that aggregate in SQL must use the same fallbacks.
 */
export function metricDurationsMs(x: MetricIncidentMillis): Record<MetricDuration, number | undefined> {
  const start = x.impactStartedAt ?? x.detectedAt ?? x.declaredAt;
  return {
    mttd: span(x.impactStartedAt, x.detectedAt),
    mtta: span(x.detectedAt ?? x.declaredAt, x.acknowledgedAt),
    mttrRestore: span(start, x.mitigatedAt ?? x.resolvedAt),
    mttrResolve: span(start, x.resolvedAt),
  };
}

function monthKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Count, sum and median of durations in milliseconds, leaving out negative and missing ones. */
function aggregateDurations(values: Array<number | undefined>): DurationAggregate {
  const valid = values.filter((v): v is number => v !== undefined && Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  if (valid.length === 0) return { count: 0, sumMs: 0 };
  const mid = Math.floor(valid.length / 2);
  return {
    count: valid.length,
    sumMs: valid.reduce((sum, v) => sum + v, 0),
    medianMs: valid.length % 2 === 1 ? valid[mid] : (valid[mid - 1] + valid[mid]) / 2,
  };
}

function aggregateOf(incidents: MetricIncidentMillis[]): MetricsAggregate {
  const durations = incidents.map(metricDurationsMs);
  const months = new Map<string, { bySeverity: Record<Severity, number>; resolve: Array<number | undefined> }>();
  incidents.forEach((incident, i) => {
    const key = monthKey(incident.declaredAt);
    const month = months.get(key) ?? { bySeverity: emptyBySeverity(), resolve: [] };
    month.bySeverity[incident.severity]++;
    month.resolve.push(durations[i].mttrResolve);
    months.set(key, month);
  });
  return {
    durations: Object.fromEntries(
      METRIC_DURATIONS.map(name => [name, aggregateDurations(durations.map(d => d[name]))]),
    ) as Record<MetricDuration, DurationAggregate>,
    months: [...months].map(([month, { bySeverity, resolve }]) => ({
      month,
      bySeverity,
      mttrResolveMedianMs: aggregateDurations(resolve).medianMs,
    })),
  };
}

function statsOf(aggregate: DurationAggregate): DurationStats {
  if (aggregate.count === 0) return { count: 0 };
  return {
    count: aggregate.count,
    meanMinutes: round1(aggregate.sumMs / aggregate.count / MS_PER_MINUTE),
    medianMinutes: round1(aggregate.medianMs! / MS_PER_MINUTE),
  };
}

/**
 * IncidentMetrics from an aggregate: means and medians in minutes rounded to
 * 0.1, totals summed over the months, and the months listed ascending with
 * the empty ones between the first and the last. Both the in-memory path and
 * the database's GROUP BY path end here, so they round and fill alike.
 */
export function metricsFromAggregate(aggregate: MetricsAggregate): IncidentMetrics {
  const bySeverity = emptyBySeverity();
  let total = 0;
  const months = new Map(aggregate.months.map(m => [m.month, m]));
  for (const month of aggregate.months) {
    for (const severity of SEVERITIES) {
      bySeverity[severity] += month.bySeverity[severity];
      total += month.bySeverity[severity];
    }
  }

  const byMonth: IncidentMetrics['byMonth'] = [];
  const keys = [...months.keys()].sort();
  if (keys.length > 0) {
    const [lastYear, lastMonth] = keys[keys.length - 1].split('-').map(Number);
    let [year, month] = keys[0].split('-').map(Number);
    while (year < lastYear || (year === lastYear && month <= lastMonth)) {
      const key = `${year}-${String(month).padStart(2, '0')}`;
      const found = months.get(key);
      const count = found ? SEVERITIES.reduce((sum, s) => sum + found.bySeverity[s], 0) : 0;
      byMonth.push(
        found
          ? {
              month: key,
              count,
              bySeverity: { ...found.bySeverity },
              mttrResolveMedianMinutes:
                found.mttrResolveMedianMs === undefined ? undefined : round1(found.mttrResolveMedianMs / MS_PER_MINUTE),
            }
          : { month: key, count: 0, bySeverity: emptyBySeverity() },
      );
      month++;
      if (month === 13) {
        month = 1;
        year++;
      }
    }
  }

  return {
    total,
    mttd: statsOf(aggregate.durations.mttd),
    mtta: statsOf(aggregate.durations.mtta),
    mttrRestore: statsOf(aggregate.durations.mttrRestore),
    mttrResolve: statsOf(aggregate.durations.mttrResolve),
    bySeverity,
    byMonth,
  };
}

function parseIncident(incident: MetricIncident, i: number): MetricIncidentMillis {
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
    impactStartedAt: optional('impactStartedAt'),
    detectedAt: optional('detectedAt'),
    declaredAt: parseIsoTimestamp(incident.declaredAt, `incidents[${i}].declaredAt`),
    acknowledgedAt: optional('acknowledgedAt'),
    mitigatedAt: optional('mitigatedAt'),
    resolvedAt: optional('resolvedAt'),
  };
}

/** {@link computeIncidentMetrics} for incidents whose timestamps are already epoch milliseconds. */
export function computeIncidentMetricsFromMillis(incidents: MetricIncidentMillis[]): MetricsReport {
  return {
    internal: metricsFromAggregate(aggregateOf(incidents.filter(x => !x.externalCause))),
    external: metricsFromAggregate(aggregateOf(incidents.filter(x => x.externalCause))),
    all: metricsFromAggregate(aggregateOf(incidents)),
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
  return computeIncidentMetricsFromMillis(incidents.map(parseIncident));
}
