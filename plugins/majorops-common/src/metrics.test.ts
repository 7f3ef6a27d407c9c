import {
  DurationStats,
  IncidentMetrics,
  MetricIncident,
  SUCCESS_TARGETS,
  computeIncidentMetrics,
  computeIncidentMetricsFromMillis,
  durationStats,
  metricsFromAggregate,
} from './metrics';
import { Severity } from './severity';

const BASE = Date.parse('2024-03-10T12:00:00Z');
/** Minutes after 2024-03-10T12:00Z, as an ISO timestamp. */
const m = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

type Offsets = Partial<Record<'impactStartedAt' | 'detectedAt' | 'acknowledgedAt' | 'mitigatedAt' | 'resolvedAt', number>> & {
  declaredAt: number;
};
function incident(severity: Severity, externalCause: boolean, offsets: Offsets): MetricIncident {
  const result: MetricIncident = { severity, externalCause, declaredAt: m(offsets.declaredAt) };
  for (const [key, value] of Object.entries(offsets)) {
    if (value !== undefined) (result as unknown as Record<string, string>)[key] = m(value);
  }
  return result;
}

const zero = { SEV1: 0, SEV2: 0, SEV3: 0, SEV4: 0 };
const stats = (count: number, meanMinutes?: number, medianMinutes?: number): DurationStats =>
  count === 0 ? { count: 0 } : { count, meanMinutes, medianMinutes };

describe('durationStats', () => {
  it.each<[string, number[], DurationStats]>([
    ['nothing to measure', [], { count: 0 }],
    ['one value', [5], stats(1, 5, 5)],
    ['odd count', [1, 2, 3], stats(3, 2, 2)],
    ['even count: median is the mean of the two middle values', [1, 2, 3, 10], stats(4, 4, 2.5)],
    ['two values', [1, 2], stats(2, 1.5, 1.5)],
    ['unsorted input', [10, 1, 4], stats(3, 5, 4)],
    ['mean rounded to 0.1', [1, 2, 2], stats(3, 1.7, 2)],
    ['median rounded to 0.1', [1.04, 1.08], stats(2, 1.1, 1.1)],
    ['zero durations count', [0, 0, 3], stats(3, 1, 0)],
    ['negative durations are skipped, not counted', [-5, 3, 5], stats(2, 4, 4)],
    ['NaN and Infinity are skipped', [NaN, Infinity, 2], stats(1, 2, 2)],
    ['only bad values', [-1, NaN], { count: 0 }],
  ])('%s', (_name, minutes, expected) => {
    expect(durationStats(minutes)).toEqual(expected);
  });

  it('does not reorder the caller’s array', () => {
    const minutes = [3, 1, 2];
    durationStats(minutes);
    expect(minutes).toEqual([3, 1, 2]);
  });
});

describe('computeIncidentMetrics', () => {
  const emptyMetrics: IncidentMetrics = {
    total: 0,
    mttd: { count: 0 },
    mtta: { count: 0 },
    mttrRestore: { count: 0 },
    mttrResolve: { count: 0 },
    bySeverity: zero,
    byMonth: [],
  };

  it('returns zero counts and no averages for no incidents', () => {
    expect(computeIncidentMetrics([])).toEqual({ internal: emptyMetrics, external: emptyMetrics, all: emptyMetrics });
  });

  describe('one incident at a time', () => {
    it.each<[string, Offsets, Record<'mttd' | 'mtta' | 'mttrRestore' | 'mttrResolve', number | undefined>]>([
      ['every milestone known',
        { impactStartedAt: 0, detectedAt: 4, declaredAt: 6, acknowledgedAt: 8, mitigatedAt: 20, resolvedAt: 35 },
        { mttd: 4, mtta: 4, mttrRestore: 20, mttrResolve: 35 }],
      ['impact start unknown: recovery measured from detection',
        { detectedAt: 0, declaredAt: 5, acknowledgedAt: 7, mitigatedAt: 25, resolvedAt: 40 },
        { mttd: undefined, mtta: 7, mttrRestore: 25, mttrResolve: 40 }],
      ['only declaration known: acknowledgement and recovery measured from it',
        { declaredAt: 0, acknowledgedAt: 30, mitigatedAt: 50, resolvedAt: 120 },
        { mttd: undefined, mtta: 30, mttrRestore: 50, mttrResolve: 120 }],
      ['never mitigated: restore ends at resolution',
        { impactStartedAt: 0, detectedAt: 1, declaredAt: 2, acknowledgedAt: 3, resolvedAt: 90 },
        { mttd: 1, mtta: 2, mttrRestore: 90, mttrResolve: 90 }],
      ['mitigated, still monitoring: restored but not resolved',
        { impactStartedAt: 0, detectedAt: 1, declaredAt: 2, acknowledgedAt: 3, mitigatedAt: 15 },
        { mttd: 1, mtta: 2, mttrRestore: 15, mttrResolve: undefined }],
      ['still open and unacknowledged',
        { impactStartedAt: 0, detectedAt: 3, declaredAt: 5 },
        { mttd: 3, mtta: undefined, mttrRestore: undefined, mttrResolve: undefined }],
      ['detected the moment impact started: zero counts',
        { impactStartedAt: 0, detectedAt: 0, declaredAt: 0, acknowledgedAt: 0, mitigatedAt: 10, resolvedAt: 10 },
        { mttd: 0, mtta: 0, mttrRestore: 10, mttrResolve: 10 }],
      ['impact recorded after detection (bad data): detection skipped, recovery not replaced',
        { impactStartedAt: 30, detectedAt: 5, declaredAt: 6, acknowledgedAt: 7, mitigatedAt: 20, resolvedAt: 40 },
        { mttd: undefined, mtta: 2, mttrRestore: undefined, mttrResolve: 10 }],
      ['acknowledged before detection (bad data): skipped',
        { impactStartedAt: 0, detectedAt: 10, declaredAt: 12, acknowledgedAt: 8, resolvedAt: 60 },
        { mttd: 10, mtta: undefined, mttrRestore: 60, mttrResolve: 60 }],
      ['seconds count: 90 s to detect is 1.5 minutes',
        { impactStartedAt: 0, detectedAt: 1.5, declaredAt: 2, acknowledgedAt: 2.25, resolvedAt: 61 },
        { mttd: 1.5, mtta: 0.8, mttrRestore: 61, mttrResolve: 61 }],
    ])('%s', (_name, offsets, expected) => {
      const { internal, external, all } = computeIncidentMetrics([incident('SEV2', false, offsets)]);
      for (const key of ['mttd', 'mtta', 'mttrRestore', 'mttrResolve'] as const) {
        const minutes = expected[key];
        expect(internal[key]).toEqual(minutes === undefined ? { count: 0 } : stats(1, minutes, minutes));
      }
      expect(internal.total).toBe(1);
      expect(external).toEqual(emptyMetrics);
      expect(all).toEqual(internal);
    });
  });

  describe('several incidents, internal and external', () => {
    const incidents = [
      // internal
      incident('SEV1', false, { impactStartedAt: 0, detectedAt: 4, declaredAt: 6, acknowledgedAt: 8, mitigatedAt: 20, resolvedAt: 35 }),
      incident('SEV2', false, { impactStartedAt: 0, detectedAt: 10, declaredAt: 12, acknowledgedAt: 25, mitigatedAt: 60, resolvedAt: 90 }),
      incident('SEV3', false, { declaredAt: 0, acknowledgedAt: 30, resolvedAt: 120 }),
      incident('SEV2', false, { impactStartedAt: 10, detectedAt: 5, declaredAt: 6, acknowledgedAt: 7 }),
      // external: a cloud provider outage
      incident('SEV1', true, { impactStartedAt: 0, detectedAt: 2, declaredAt: 3, acknowledgedAt: 5, mitigatedAt: 45, resolvedAt: 60 }),
    ];
    const report = computeIncidentMetrics(incidents);

    it.each<[keyof typeof report, keyof IncidentMetrics, unknown]>([
      ['internal', 'total', 4],
      ['internal', 'mttd', stats(2, 7, 7)], // 4, 10 (one negative skipped)
      ['internal', 'mtta', stats(4, 12.8, 9.5)], // 2, 4, 15, 30
      ['internal', 'mttrRestore', stats(3, 66.7, 60)], // 20, 60, 120
      ['internal', 'mttrResolve', stats(3, 81.7, 90)], // 35, 90, 120
      ['internal', 'bySeverity', { SEV1: 1, SEV2: 2, SEV3: 1, SEV4: 0 }],
      ['external', 'total', 1],
      ['external', 'mttd', stats(1, 2, 2)],
      ['external', 'mtta', stats(1, 3, 3)],
      ['external', 'mttrRestore', stats(1, 45, 45)],
      ['external', 'mttrResolve', stats(1, 60, 60)],
      ['external', 'bySeverity', { SEV1: 1, SEV2: 0, SEV3: 0, SEV4: 0 }],
      ['all', 'total', 5],
      ['all', 'mttd', stats(3, 5.3, 4)], // 2, 4, 10
      ['all', 'mtta', stats(5, 10.8, 4)], // 2, 3, 4, 15, 30
      ['all', 'mttrRestore', stats(4, 61.3, 52.5)], // 20, 45, 60, 120
      ['all', 'mttrResolve', stats(4, 76.3, 75)], // 35, 60, 90, 120
      ['all', 'bySeverity', { SEV1: 2, SEV2: 2, SEV3: 1, SEV4: 0 }],
    ])('%s.%s', (group, key, expected) => {
      expect(report[group][key]).toEqual(expected);
    });

    it('keeps the third-party outage out of the team’s own figures', () => {
      const withoutExternal = computeIncidentMetrics(incidents.filter(x => !x.externalCause));
      expect(report.internal).toEqual(withoutExternal.all);
    });
  });

  describe('byMonth', () => {
    const on = (severity: Severity, declaredAt: string, externalCause = false): MetricIncident => ({ severity, externalCause, declaredAt });
    const sev = (counts: Partial<Record<Severity, number>>) => ({ ...zero, ...counts });

    it.each<[string, MetricIncident[], Array<[string, number, Partial<Record<Severity, number>>]>]>([
      ['one month', [on('SEV2', '2024-03-05T10:00:00Z'), on('SEV1', '2024-03-31T23:59:59Z')], [['2024-03', 2, { SEV1: 1, SEV2: 1 }]]],
      ['empty months between are listed',
        [on('SEV3', '2024-01-15T10:00:00Z'), on('SEV1', '2024-04-02T10:00:00Z')],
        [['2024-01', 1, { SEV3: 1 }], ['2024-02', 0, {}], ['2024-03', 0, {}], ['2024-04', 1, { SEV1: 1 }]]],
      ['unsorted input, across a year boundary',
        [on('SEV4', '2024-02-10T10:00:00Z'), on('SEV2', '2023-11-30T10:00:00Z'), on('SEV4', '2024-02-11T10:00:00Z')],
        [['2023-11', 1, { SEV2: 1 }], ['2023-12', 0, {}], ['2024-01', 0, {}], ['2024-02', 2, { SEV4: 2 }]]],
      ['the UTC month counts, not the local one', [on('SEV2', '2024-02-01T00:30:00+02:00')], [['2024-01', 1, { SEV2: 1 }]]],
    ])('%s', (_name, incidents, expected) => {
      expect(computeIncidentMetrics(incidents).all.byMonth).toEqual(
        expected.map(([month, count, counts]) => ({ month, count, bySeverity: sev(counts) })),
      );
    });

    it('gives internal and external incidents their own month ranges', () => {
      const report = computeIncidentMetrics([
        on('SEV1', '2024-01-10T10:00:00Z'),
        on('SEV2', '2024-03-10T10:00:00Z'),
        on('SEV1', '2024-02-10T10:00:00Z', true),
      ]);
      expect(report.internal.byMonth.map(x => [x.month, x.count])).toEqual([['2024-01', 1], ['2024-02', 0], ['2024-03', 1]]);
      expect(report.external.byMonth.map(x => [x.month, x.count])).toEqual([['2024-02', 1]]);
      expect(report.all.byMonth.map(x => [x.month, x.count])).toEqual([['2024-01', 1], ['2024-02', 1], ['2024-03', 1]]);
    });
  });

  it.each<[string, MetricIncident[], string]>([
    ['an unreadable milestone',
      [incident('SEV1', false, { declaredAt: 0 }), { severity: 'SEV2', externalCause: false, declaredAt: m(0), detectedAt: 'at noon' }],
      'incidents[1].detectedAt must be an ISO-8601 timestamp such as 2024-05-01T10:00:00Z, got "at noon"'],
    ['an unreadable declaration',
      [{ severity: 'SEV2', externalCause: false, declaredAt: '2024-03-10' }],
      'incidents[0].declaredAt must be an ISO-8601 timestamp such as 2024-05-01T10:00:00Z, got "2024-03-10"'],
    ['an unknown severity',
      [{ severity: 'P1' as Severity, externalCause: false, declaredAt: m(0) }],
      'incidents[0].severity must be one of SEV1, SEV2, SEV3, SEV4, got "P1"'],
  ])('throws for %s, naming the incident and field', (_name, incidents, message) => {
    expect(() => computeIncidentMetrics(incidents)).toThrow(message);
  });
});

describe('SUCCESS_TARGETS', () => {
  it.each<[string, string, Severity[] | undefined, 'below' | 'atLeast', number, string]>([
    ['mttd-sev1-sev2', 'mttd', ['SEV1', 'SEV2'], 'below', 5, 'minutes'],
    ['mttr-sev1', 'mttrResolve', ['SEV1'], 'below', 30, 'minutes'],
    ['postmortem-within-48h', 'postmortemWithin48hShare', ['SEV1', 'SEV2'], 'atLeast', 100, 'percent'],
    ['action-items-on-time', 'actionItemsOnTimeShare', undefined, 'atLeast', 90, 'percent'],
    ['pages-per-engineer-week', 'pagesPerEngineerPerWeek', undefined, 'below', 5, 'pages'],
  ])('%s: %s %s %s %p %s', (id, metric, severities, comparison, value, unit) => {
    const target = SUCCESS_TARGETS.find(t => t.id === id);
    expect(target).toMatchObject({ metric, comparison, value, unit });
    expect(target?.severities).toEqual(severities);
    expect(target?.description).toMatch(/^[A-Z].*\.$/);
  });

  it('has exactly the five targets, with unique ids', () => {
    expect(SUCCESS_TARGETS).toHaveLength(5);
    expect(new Set(SUCCESS_TARGETS.map(t => t.id)).size).toBe(5);
  });
});

describe('monthly MTTR trend', () => {
  it('gives the median impact-to-resolution per month, and none for months without resolved incidents', () => {
    const incident = (declaredAt: string, minutesToResolve?: number) => ({
      severity: 'SEV2' as const,
      externalCause: false,
      impactStartedAt: declaredAt,
      declaredAt,
      resolvedAt:
        minutesToResolve === undefined
          ? undefined
          : new Date(Date.parse(declaredAt) + minutesToResolve * 60_000).toISOString(),
    });
    const report = computeIncidentMetrics([
      incident('2026-01-05T10:00:00.000Z', 30),
      incident('2026-01-20T10:00:00.000Z', 90),
      incident('2026-01-25T10:00:00.000Z', 60),
      incident('2026-03-02T10:00:00.000Z'),
    ]);
    expect(report.all.byMonth.map(m => [m.month, m.count, m.mttrResolveMedianMinutes])).toEqual([
      ['2026-01', 3, 60],
      ['2026-02', 0, undefined],
      ['2026-03', 1, undefined],
    ]);
  });
});

describe('metricsFromAggregate', () => {
  const none = { count: 0, sumMs: 0 };
  it('sums months into totals, orders and fills them, and turns milliseconds into rounded minutes', () => {
    const metrics = metricsFromAggregate({
      durations: {
        mttd: none,
        mtta: { count: 3, sumMs: 3 * 60_000 + 1, medianMs: 45_000 },
        mttrRestore: { count: 2, sumMs: 270_000, medianMs: 135_000 },
        mttrResolve: none,
      },
      months: [
        { month: '2026-02', bySeverity: { ...zero, SEV1: 2 }, mttrResolveMedianMs: 90_000 },
        { month: '2025-12', bySeverity: { ...zero, SEV3: 1, SEV4: 1 } },
      ],
    });
    expect(metrics).toEqual({
      total: 4,
      mttd: { count: 0 },
      mtta: stats(3, 1, 0.8),
      mttrRestore: stats(2, 2.3, 2.3),
      mttrResolve: { count: 0 },
      bySeverity: { SEV1: 2, SEV2: 0, SEV3: 1, SEV4: 1 },
      byMonth: [
        { month: '2025-12', count: 2, bySeverity: { ...zero, SEV3: 1, SEV4: 1 } },
        { month: '2026-01', count: 0, bySeverity: zero },
        { month: '2026-02', count: 2, bySeverity: { ...zero, SEV1: 2 }, mttrResolveMedianMinutes: 1.5 },
      ],
    });
  });
});

describe('computeIncidentMetricsFromMillis', () => {
  it('gives what computeIncidentMetrics gives for the same incidents as ISO strings', () => {
    const iso = [
      incident('SEV1', false, { impactStartedAt: 0, detectedAt: 4, declaredAt: 6, acknowledgedAt: 8, resolvedAt: 35 }),
      incident('SEV2', true, { declaredAt: 50_000, acknowledgedAt: 49_999, mitigatedAt: 50_010 }),
      incident('SEV4', false, { detectedAt: 100_000.5, declaredAt: 100_001, resolvedAt: 100_100.25 }),
    ];
    const millis = iso.map(x => ({
      severity: x.severity,
      externalCause: x.externalCause,
      declaredAt: Date.parse(x.declaredAt),
      ...Object.fromEntries(
        (['impactStartedAt', 'detectedAt', 'acknowledgedAt', 'mitigatedAt', 'resolvedAt'] as const)
          .filter(key => x[key] !== undefined)
          .map(key => [key, Date.parse(x[key]!)]),
      ),
    }));
    expect(computeIncidentMetricsFromMillis(millis)).toEqual(computeIncidentMetrics(iso));
  });
});
