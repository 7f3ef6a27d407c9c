import {
  METRIC_DURATIONS,
  MetricDuration,
  MetricIncidentMillis,
  MetricsAggregate,
  metricDurationsMs,
} from './metrics';
import { SEVERITIES, Severity } from './severity';

/*
 * Rollups: the metrics of a set of incidents kept as counts, sums and
 * histograms, so that an entity with a hundred thousand incidents is
 * summarised from a few hundred stored rows instead of every incident.
 *
 * Counts, severity distributions and means are exact. Medians are read from
 * the histogram: each duration falls into a bucket 2 % wide, and a median is
 * reported as the middle of its bucket, so it is within 1 % of the exact
 * median (or within half a second, for durations under a second).
 */

/** Durations shorter than this share bucket 0. */
const FIRST_BUCKET_MS = 1000;
/** Each bucket is this much wider than the one before: [1 s·G^(b−1), 1 s·G^b). */
export const ROLLUP_BUCKET_GROWTH = 1.02;
const LOG_GROWTH = Math.log(ROLLUP_BUCKET_GROWTH);

/**
 * The histogram bucket of a duration in milliseconds (0 or more): bucket 0
 * holds [0, 1 s), bucket b ≥ 1 holds [1 s·1.02^(b−1), 1 s·1.02^b).
 */
export function rollupBucket(ms: number): number {
  if (ms < FIRST_BUCKET_MS) return 0;
  return 1 + Math.floor(Math.log(ms / FIRST_BUCKET_MS) / LOG_GROWTH);
}

/**
 * The value a bucket stands for: the geometric middle of its range, so the
 * true value of anything in it is within 1 % (half a second for bucket 0).
 */
export function rollupBucketValue(bucket: number): number {
  if (bucket <= 0) return FIRST_BUCKET_MS / 2;
  return FIRST_BUCKET_MS * Math.pow(ROLLUP_BUCKET_GROWTH, bucket - 0.5);
}

/** Count, sum and histogram (bucket → count) of the measured durations of one kind. */
export interface DurationRollup {
  count: number;
  sumMs: number;
  histogram: Record<string, number>;
}

/** What a set of incidents contributes to the metrics: severities, and each duration's rollup. */
export interface MetricRollup {
  bySeverity: Record<Severity, number>;
  durations: Record<MetricDuration, DurationRollup>;
}

export function emptyMetricRollup(): MetricRollup {
  return {
    bySeverity: Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<Severity, number>,
    durations: Object.fromEntries(
      METRIC_DURATIONS.map(name => [name, { count: 0, sumMs: 0, histogram: {} }]),
    ) as Record<MetricDuration, DurationRollup>,
  };
}

/** Incidents counted by a rollup (the sum over severities; may be negative for a delta). */
export function rollupIncidentCount(rollup: MetricRollup): number {
  return SEVERITIES.reduce((sum, s) => sum + rollup.bySeverity[s], 0);
}

/**
 * Adds one incident to a rollup (`sign` 1) or takes it out (`sign` −1), in
 * place. A duration is counted where both ends are known and it is not
 * negative, as in the exact metrics.
 */
export function addToRollup(rollup: MetricRollup, incident: MetricIncidentMillis, sign: 1 | -1 = 1): MetricRollup {
  rollup.bySeverity[incident.severity] += sign;
  const durations = metricDurationsMs(incident);
  for (const name of METRIC_DURATIONS) {
    const ms = durations[name];
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) continue;
    const target = rollup.durations[name];
    target.count += sign;
    target.sumMs += sign * ms;
    const bucket = String(rollupBucket(ms));
    const n = (target.histogram[bucket] ?? 0) + sign;
    if (n === 0) delete target.histogram[bucket];
    else target.histogram[bucket] = n;
  }
  return rollup;
}

/** Adds `from` into `into`, in place; empty buckets are dropped. */
export function mergeRollup(into: MetricRollup, from: MetricRollup): MetricRollup {
  for (const s of SEVERITIES) into.bySeverity[s] += from.bySeverity[s];
  for (const name of METRIC_DURATIONS) {
    const target = into.durations[name];
    const source = from.durations[name];
    target.count += source.count;
    target.sumMs += source.sumMs;
    for (const [bucket, n] of Object.entries(source.histogram)) {
      const sum = (target.histogram[bucket] ?? 0) + n;
      if (sum === 0) delete target.histogram[bucket];
      else target.histogram[bucket] = sum;
    }
  }
  return into;
}

/** True when the rollup counts nothing: no incidents and no durations (a delta that cancelled out). */
export function isEmptyRollup(rollup: MetricRollup): boolean {
  return (
    SEVERITIES.every(s => rollup.bySeverity[s] === 0) &&
    METRIC_DURATIONS.every(name => {
      const d = rollup.durations[name];
      return d.count === 0 && d.sumMs === 0 && Object.keys(d.histogram).length === 0;
    })
  );
}

/**
 * The median of a histogram, in milliseconds: the value of the bucket holding
 * the middle entry (for an even count, the mean of the two middle entries'
 * buckets). Undefined when the histogram is empty.
 */
export function histogramMedianMs(histogram: Record<string, number>): number | undefined {
  const buckets = Object.entries(histogram)
    .map(([bucket, n]) => [Number(bucket), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const low = Math.floor((total - 1) / 2);
  const high = Math.floor(total / 2);
  let seen = 0;
  let lowValue: number | undefined;
  for (const [bucket, n] of buckets) {
    seen += n;
    if (lowValue === undefined && seen > low) lowValue = rollupBucketValue(bucket);
    if (seen > high) return (lowValue! + rollupBucketValue(bucket)) / 2;
  }
  return lowValue;
}

/** One rollup of incidents declared in one UTC month ('YYYY-MM'), caused by a third party or not. */
export interface RollupPart {
  month: string;
  externalCause: boolean;
  rollup: MetricRollup;
}

/**
 * Counts per histogram bucket, indexed by bucket: adding a stored histogram
 * is one pass over its entries and a median one walk up the array, with no
 * keys to sort. Grows as needed.
 */
type BucketCounts = number[];

function addBuckets(into: BucketCounts, histogram: Record<string, number>): void {
  for (const key in histogram) {
    const bucket = Number(key);
    while (into.length <= bucket) into.push(0);
    into[bucket] += histogram[key];
  }
}

function addCounts(into: BucketCounts, from: BucketCounts): void {
  while (into.length < from.length) into.push(0);
  for (let b = 0; b < from.length; b++) into[b] += from[b];
}

/** The median of bucket counts, as {@link histogramMedianMs} reads a histogram. */
function bucketMedianMs(counts: BucketCounts): number | undefined {
  let total = 0;
  for (const n of counts) if (n > 0) total += n;
  if (total === 0) return undefined;
  const low = Math.floor((total - 1) / 2);
  const high = Math.floor(total / 2);
  let seen = 0;
  let lowValue: number | undefined;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    const n = counts[bucket];
    if (n <= 0) continue;
    seen += n;
    if (lowValue === undefined && seen > low) lowValue = rollupBucketValue(bucket);
    if (seen > high) return (lowValue! + rollupBucketValue(bucket)) / 2;
  }
  return lowValue;
}

/** Running sums of parts: totals per duration, and per month what the report shows (severities, resolve median). */
interface PartSums {
  durations: Record<MetricDuration, { count: number; sumMs: number; buckets: BucketCounts }>;
  months: Map<string, { bySeverity: Record<Severity, number>; resolve: BucketCounts }>;
}

function emptySums(): PartSums {
  return {
    durations: Object.fromEntries(METRIC_DURATIONS.map(name => [name, { count: 0, sumMs: 0, buckets: [] as BucketCounts }])) as PartSums['durations'],
    months: new Map(),
  };
}

function monthOf(sums: PartSums, month: string) {
  let entry = sums.months.get(month);
  if (!entry) {
    entry = { bySeverity: Object.fromEntries(SEVERITIES.map(s => [s, 0])) as Record<Severity, number>, resolve: [] };
    sums.months.set(month, entry);
  }
  return entry;
}

function addPart(sums: PartSums, part: RollupPart): void {
  for (const name of METRIC_DURATIONS) {
    const target = sums.durations[name];
    const source = part.rollup.durations[name];
    target.count += source.count;
    target.sumMs += source.sumMs;
    addBuckets(target.buckets, source.histogram);
  }
  const month = monthOf(sums, part.month);
  for (const s of SEVERITIES) month.bySeverity[s] += part.rollup.bySeverity[s];
  addBuckets(month.resolve, part.rollup.durations.mttrResolve.histogram);
}

/** The sums of two disjoint sets of parts. */
function combinedSums(a: PartSums, b: PartSums): PartSums {
  const out = emptySums();
  for (const sums of [a, b]) {
    for (const name of METRIC_DURATIONS) {
      out.durations[name].count += sums.durations[name].count;
      out.durations[name].sumMs += sums.durations[name].sumMs;
      addCounts(out.durations[name].buckets, sums.durations[name].buckets);
    }
    for (const [key, month] of sums.months) {
      const into = monthOf(out, key);
      for (const s of SEVERITIES) into.bySeverity[s] += month.bySeverity[s];
      addCounts(into.resolve, month.resolve);
    }
  }
  return out;
}

function aggregateOfSums(sums: PartSums): MetricsAggregate {
  return {
    durations: Object.fromEntries(
      METRIC_DURATIONS.map(name => {
        const d = sums.durations[name];
        return [name, d.count > 0 ? { count: d.count, sumMs: d.sumMs, medianMs: bucketMedianMs(d.buckets) } : { count: 0, sumMs: 0 }];
      }),
    ) as MetricsAggregate['durations'],
    months: [...sums.months]
      .filter(([, month]) => SEVERITIES.reduce((n, s) => n + month.bySeverity[s], 0) > 0)
      .map(([month, { bySeverity, resolve }]) => ({ month, bySeverity, mttrResolveMedianMs: bucketMedianMs(resolve) })),
  };
}

/**
 * The aggregates behind a metrics report, from rollups of parts of the
 * scope: internal (own cause), external (third-party cause) and all. The
 * parts must not overlap (no incident counted in two of them). Each part is
 * read once; "all" is the sum of the other two.
 */
export function aggregatesFromRollups(parts: RollupPart[]): Record<'internal' | 'external' | 'all', MetricsAggregate> {
  const internal = emptySums();
  const external = emptySums();
  for (const part of parts) addPart(part.externalCause ? external : internal, part);
  return {
    internal: aggregateOfSums(internal),
    external: aggregateOfSums(external),
    all: aggregateOfSums(combinedSums(internal, external)),
  };
}

/** A range of UTC days or months, both ends included ('YYYY-MM-DD' or 'YYYY-MM'). */
export interface PeriodRange {
  first: string;
  last: string;
}

/**
 * How a window [from, to) of declaration times is read from rollups: whole
 * UTC months, whole UTC days in the partial months at either end, and the
 * incidents themselves only in the partial days at either end. `months`
 * undefined with `allMonths` true means every month (no window); a missing
 * end of the window is open.
 */
export interface RollupWindowPlan {
  /** Every month rollup (neither end given). */
  allMonths: boolean;
  /** Whole months inside the window; `first`/`last` absent means open on that side. */
  months?: { first?: string; last?: string };
  days: PeriodRange[];
  /** Declaration-time ranges [fromMs, toMs) read incident by incident. */
  raw: Array<{ fromMs: number; toMs: number }>;
}

const DAY_MS = 86_400_000;

function monthKeyOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

function dayKeyOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function monthStart(ms: number, offset = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1);
}

function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** The UTC month ('YYYY-MM') and day ('YYYY-MM-DD') keys of a declaration time. */
export function rollupPeriodsOf(declaredAtMs: number): { month: string; day: string } {
  return { month: monthKeyOf(declaredAtMs), day: dayKeyOf(declaredAtMs) };
}

/** Whole days in [a, b), and the raw ranges left at either end. */
function planDays(a: number, b: number, plan: RollupWindowPlan): void {
  if (a >= b) return;
  const firstDay = dayStart(a) === a ? a : dayStart(a) + DAY_MS;
  const endDay = dayStart(b);
  if (firstDay >= endDay) {
    plan.raw.push({ fromMs: a, toMs: b });
    return;
  }
  if (a < firstDay) plan.raw.push({ fromMs: a, toMs: firstDay });
  plan.days.push({ first: dayKeyOf(firstDay), last: dayKeyOf(endDay - DAY_MS) });
  if (endDay < b) plan.raw.push({ fromMs: endDay, toMs: b });
}

/**
 * Splits a window of declaration times into whole months, whole days and
 * raw edges, so that every instant of the window is covered exactly once.
 * Throws when `from` is not before `to`.
 */
export function planRollupWindow(window: { fromMs?: number; toMs?: number }): RollupWindowPlan {
  const { fromMs, toMs } = window;
  if (fromMs !== undefined && toMs !== undefined && !(fromMs < toMs)) {
    throw new Error('from must be before to');
  }
  const plan: RollupWindowPlan = { allMonths: false, days: [], raw: [] };
  if (fromMs === undefined && toMs === undefined) {
    plan.allMonths = true;
    return plan;
  }
  // Whole months: from the first month starting at or after `from` to the last ending at or before `to`.
  const firstMonth = fromMs === undefined ? undefined : monthStart(fromMs) === fromMs ? fromMs : monthStart(fromMs, 1);
  const endMonth = toMs === undefined ? undefined : monthStart(toMs);
  if (firstMonth !== undefined && endMonth !== undefined && firstMonth >= endMonth) {
    planDays(fromMs!, toMs!, plan);
    return plan;
  }
  plan.months = {
    first: firstMonth === undefined ? undefined : monthKeyOf(firstMonth),
    last: endMonth === undefined ? undefined : monthKeyOf(monthStart(endMonth, -1)),
  };
  if (fromMs !== undefined) planDays(fromMs, firstMonth!, plan);
  if (toMs !== undefined) planDays(endMonth!, toMs, plan);
  return plan;
}
