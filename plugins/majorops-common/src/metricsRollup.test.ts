import { computeIncidentMetricsFromMillis, MetricIncidentMillis, metricsFromAggregate } from './metrics';
import {
  addToRollup,
  aggregatesFromRollups,
  emptyMetricRollup,
  histogramMedianMs,
  isEmptyRollup,
  mergeRollup,
  planRollupWindow,
  rollupBucket,
  rollupBucketValue,
  rollupIncidentCount,
  rollupPeriodsOf,
  RollupPart,
  RollupWindowPlan,
} from './metricsRollup';
import { SEVERITIES } from './severity';
import { random } from './testing/random';

const MIN = 60_000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

/** The shared seeded PRNG's uniform numbers in [0, 1). */
const prng = (seed: number): (() => number) => random(seed).next;

describe('rollupBucket', () => {
  it.each([
    [0, 0],
    [999, 0],
    [1000, 1],
    [1019, 1],
    [1020, 2],
    [60_000, 1 + Math.floor(Math.log(60) / Math.log(1.02))],
  ])('puts %d ms in bucket %d', (ms, bucket) => {
    expect(rollupBucket(ms)).toBe(bucket);
  });

  it('stands for every duration from a second to 60 days within 1 %', () => {
    const random = prng(7);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.round(1000 * Math.exp(random() * Math.log(60 * 24 * 60 * 60)));
      const value = rollupBucketValue(rollupBucket(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThanOrEqual(0.01);
    }
  });

  it('stands for durations under a second within half a second', () => {
    for (const ms of [0, 1, 499, 500, 999]) {
      expect(Math.abs(rollupBucketValue(rollupBucket(ms)) - ms)).toBeLessThanOrEqual(500);
    }
  });

  it('orders buckets as the durations are ordered', () => {
    let previous = -1;
    for (let ms = 0; ms < 10_000_000; ms += 997) {
      const bucket = rollupBucket(ms);
      expect(bucket).toBeGreaterThanOrEqual(previous);
      previous = bucket;
    }
  });
});

describe('histogramMedianMs', () => {
  const v = rollupBucketValue;
  it.each<[string, Record<string, number>, number | undefined]>([
    ['nothing', {}, undefined],
    ['only empty buckets', { '5': 0 }, undefined],
    ['one entry', { '10': 1 }, v(10)],
    ['an odd count: the middle entry', { '10': 1, '20': 1, '30': 1 }, v(20)],
    ['an even count: the mean of the two middle entries', { '10': 1, '20': 1, '30': 1, '40': 1 }, (v(20) + v(30)) / 2],
    ['both middle entries in one bucket', { '10': 1, '20': 2, '30': 1 }, v(20)],
    ['buckets given out of order', { '30': 1, '10': 2 }, v(10)],
    ['a heavy bucket', { '1': 1, '200': 10, '300': 1 }, v(200)],
  ])('%s', (_, histogram, expected) => {
    expect(histogramMedianMs(histogram)).toBe(expected);
  });
});

function randomIncidents(seed: number, n: number): MetricIncidentMillis[] {
  const random = prng(seed);
  const incidents: MetricIncidentMillis[] = [];
  for (let i = 0; i < n; i++) {
    const declaredAt = at('2026-01-01T00:00:00Z') + Math.floor(random() * 200 * DAY);
    const maybe = (p: number, v: number) => (random() < p ? v : undefined);
    const detectedAt = maybe(0.8, declaredAt - Math.floor(random() * 10 * MIN));
    const impactStartedAt = detectedAt === undefined ? undefined : maybe(0.7, detectedAt - Math.floor(random() * 30 * MIN));
    const acknowledgedAt = maybe(0.9, declaredAt + Math.floor(random() * 20 * MIN));
    const resolvedAt = maybe(0.85, declaredAt + Math.floor(random() * 3 * DAY));
    const mitigatedAt =
      resolvedAt === undefined ? undefined : maybe(0.6, declaredAt + Math.floor(random() * (resolvedAt - declaredAt)));
    incidents.push({
      severity: SEVERITIES[Math.floor(random() * SEVERITIES.length)],
      externalCause: random() < 0.2,
      // Now and then bad data: detection recorded before the impact started, which is left out.
      impactStartedAt: random() < 0.02 && detectedAt !== undefined ? detectedAt + MIN : impactStartedAt,
      detectedAt,
      declaredAt,
      acknowledgedAt,
      mitigatedAt,
      resolvedAt,
    });
  }
  return incidents;
}

function partsOf(incidents: MetricIncidentMillis[]): RollupPart[] {
  // One part per (month, cause), as the stored month rollups are.
  const parts = new Map<string, RollupPart>();
  for (const incident of incidents) {
    const { month } = rollupPeriodsOf(incident.declaredAt);
    const key = `${month}/${incident.externalCause}`;
    const part = parts.get(key) ?? { month, externalCause: incident.externalCause, rollup: emptyMetricRollup() };
    addToRollup(part.rollup, incident);
    parts.set(key, part);
  }
  return [...parts.values()];
}

describe('aggregatesFromRollups', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 7],
    [4, 250],
    [5, 3000],
  ])('seed %d, %d incidents: counts and means exact, medians within 1 %% of the exact ones', (seed, n) => {
    const incidents = randomIncidents(seed, n);
    const exact = computeIncidentMetricsFromMillis(incidents);
    const aggregates = aggregatesFromRollups(partsOf(incidents));
    for (const view of ['internal', 'external', 'all'] as const) {
      const fromRollups = metricsFromAggregate(aggregates[view]);
      const expected = exact[view];
      expect(fromRollups.total).toBe(expected.total);
      expect(fromRollups.bySeverity).toEqual(expected.bySeverity);
      expect(fromRollups.byMonth.map(m => [m.month, m.count, m.bySeverity])).toEqual(
        expected.byMonth.map(m => [m.month, m.count, m.bySeverity]),
      );
      for (const name of ['mttd', 'mtta', 'mttrRestore', 'mttrResolve'] as const) {
        expect(fromRollups[name].count).toBe(expected[name].count);
        expect(fromRollups[name].meanMinutes).toBe(expected[name].meanMinutes);
        if (expected[name].medianMinutes === undefined) {
          expect(fromRollups[name].medianMinutes).toBeUndefined();
        } else {
          // 1 % of the value, plus 0.1 minute for the two roundings to a tenth.
          expect(Math.abs(fromRollups[name].medianMinutes! - expected[name].medianMinutes!)).toBeLessThanOrEqual(
            expected[name].medianMinutes! * 0.01 + 0.1 + 1e-9,
          );
        }
      }
      fromRollups.byMonth.forEach((month, i) => {
        const exactMedian = expected.byMonth[i].mttrResolveMedianMinutes;
        if (exactMedian === undefined) expect(month.mttrResolveMedianMinutes).toBeUndefined();
        else expect(Math.abs(month.mttrResolveMedianMinutes! - exactMedian)).toBeLessThanOrEqual(exactMedian * 0.01 + 0.1 + 1e-9);
      });
    }
  });

  it('gives the empty report for no parts', () => {
    const empty = computeIncidentMetricsFromMillis([]);
    const aggregates = aggregatesFromRollups([]);
    expect(metricsFromAggregate(aggregates.all)).toEqual(empty.all);
  });
});

describe('addToRollup and mergeRollup', () => {
  it('taking out what was added leaves an empty rollup', () => {
    const incidents = randomIncidents(11, 50);
    const rollup = emptyMetricRollup();
    incidents.forEach(i => addToRollup(rollup, i));
    expect(rollupIncidentCount(rollup)).toBe(50);
    expect(isEmptyRollup(rollup)).toBe(false);
    incidents.forEach(i => addToRollup(rollup, i, -1));
    expect(isEmptyRollup(rollup)).toBe(true);
  });

  it('merging two halves gives the rollup of the whole', () => {
    const incidents = randomIncidents(12, 80);
    const whole = emptyMetricRollup();
    incidents.forEach(i => addToRollup(whole, i));
    const first = emptyMetricRollup();
    const second = emptyMetricRollup();
    incidents.forEach((i, n) => addToRollup(n % 2 ? first : second, i));
    expect(mergeRollup(first, second)).toEqual(whole);
  });

  it('counts a duration only where both ends are known and it is not negative', () => {
    const rollup = addToRollup(emptyMetricRollup(), {
      severity: 'SEV2',
      externalCause: false,
      impactStartedAt: at('2026-03-01T10:10:00Z'),
      detectedAt: at('2026-03-01T10:00:00Z'),
      declaredAt: at('2026-03-01T10:05:00Z'),
    });
    expect(rollup.bySeverity.SEV2).toBe(1);
    expect(rollup.durations.mttd.count).toBe(0);
    expect(rollup.durations.mtta.count).toBe(0);
    expect(rollup.durations.mttrResolve.count).toBe(0);
  });
});

/** The plan as ms ranges, to check it covers the window once. */
function rangesOf(plan: RollupWindowPlan, window: { fromMs?: number; toMs?: number }): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const monthStartOf = (key: string) => Date.parse(`${key}-01T00:00:00Z`);
  const nextMonth = (key: string) => {
    const [y, m] = key.split('-').map(Number);
    return Date.UTC(y, m, 1);
  };
  if (plan.months) {
    const first = plan.months.first ? monthStartOf(plan.months.first) : -Infinity;
    const end = plan.months.last ? nextMonth(plan.months.last) : Infinity;
    if (first < end) ranges.push([first, end]);
  }
  for (const days of plan.days) {
    ranges.push([Date.parse(`${days.first}T00:00:00Z`), Date.parse(`${days.last}T00:00:00Z`) + DAY]);
  }
  for (const raw of plan.raw) ranges.push([raw.fromMs, raw.toMs]);
  expect(ranges.every(([a, b]) => a < b)).toBe(true);
  ranges.sort((a, b) => a[0] - b[0]);
  expect(ranges[0][0]).toBe(window.fromMs ?? -Infinity);
  expect(ranges[ranges.length - 1][1]).toBe(window.toMs ?? Infinity);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
  return ranges;
}

describe('planRollupWindow', () => {
  it.each<[string, { from?: string; to?: string }, RollupWindowPlan]>([
    ['no window: every month', {}, { allMonths: true, days: [], raw: [] }],
    [
      'from mid-day: the rest of that day raw, the rest of its month by day, then months',
      { from: '2026-05-14T10:00:00Z' },
      {
        allMonths: false,
        months: { first: '2026-06', last: undefined },
        days: [{ first: '2026-05-15', last: '2026-05-31' }],
        raw: [{ fromMs: at('2026-05-14T10:00:00Z'), toMs: at('2026-05-15T00:00:00Z') }],
      },
    ],
    [
      'whole months only',
      { from: '2026-05-01T00:00:00Z', to: '2026-08-01T00:00:00Z' },
      { allMonths: false, months: { first: '2026-05', last: '2026-07' }, days: [], raw: [] },
    ],
    [
      'to only, mid-day',
      { to: '2026-03-10T05:00:00Z' },
      {
        allMonths: false,
        months: { first: undefined, last: '2026-02' },
        days: [{ first: '2026-03-01', last: '2026-03-09' }],
        raw: [{ fromMs: at('2026-03-10T00:00:00Z'), toMs: at('2026-03-10T05:00:00Z') }],
      },
    ],
    [
      'inside one day: raw only',
      { from: '2026-05-14T10:00:00Z', to: '2026-05-14T12:00:00Z' },
      { allMonths: false, days: [], raw: [{ fromMs: at('2026-05-14T10:00:00Z'), toMs: at('2026-05-14T12:00:00Z') }] },
    ],
    [
      'inside one month: raw edges around whole days',
      { from: '2026-05-14T10:00:00Z', to: '2026-05-20T06:00:00Z' },
      {
        allMonths: false,
        days: [{ first: '2026-05-15', last: '2026-05-19' }],
        raw: [
          { fromMs: at('2026-05-14T10:00:00Z'), toMs: at('2026-05-15T00:00:00Z') },
          { fromMs: at('2026-05-20T00:00:00Z'), toMs: at('2026-05-20T06:00:00Z') },
        ],
      },
    ],
    [
      'across a month end without a whole month',
      { from: '2026-05-30T12:00:00Z', to: '2026-06-02T12:00:00Z' },
      {
        allMonths: false,
        days: [{ first: '2026-05-31', last: '2026-06-01' }],
        raw: [
          { fromMs: at('2026-05-30T12:00:00Z'), toMs: at('2026-05-31T00:00:00Z') },
          { fromMs: at('2026-06-02T00:00:00Z'), toMs: at('2026-06-02T12:00:00Z') },
        ],
      },
    ],
    [
      'across a year end',
      { from: '2025-12-31T23:00:00Z', to: '2026-02-01T00:00:00Z' },
      {
        allMonths: false,
        months: { first: '2026-01', last: '2026-01' },
        days: [],
        raw: [{ fromMs: at('2025-12-31T23:00:00Z'), toMs: at('2026-01-01T00:00:00Z') }],
      },
    ],
  ])('%s', (_, window, expected) => {
    const ms = { fromMs: window.from ? at(window.from) : undefined, toMs: window.to ? at(window.to) : undefined };
    const plan = planRollupWindow(ms);
    expect(plan).toEqual(expected);
    if (!plan.allMonths) rangesOf(plan, ms);
  });

  it('covers random windows exactly once', () => {
    const random = prng(3);
    for (let i = 0; i < 2000; i++) {
      const a = at('2024-01-01T00:00:00Z') + Math.floor(random() * 900 * DAY);
      const b = a + 1 + Math.floor(random() * (random() < 0.5 ? 2 * DAY : 400 * DAY));
      const window = { fromMs: random() < 0.1 ? undefined : a, toMs: random() < 0.1 ? undefined : b };
      const plan = planRollupWindow(window);
      if (!plan.allMonths) rangesOf(plan, window);
      // Incidents are read one by one over less than two days in all, whatever the window.
      expect(plan.raw.reduce((sum, r) => sum + r.toMs - r.fromMs, 0)).toBeLessThan(2 * DAY);
    }
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => planRollupWindow({ fromMs: 10, toMs: 10 })).toThrow('from must be before to');
  });
});
