import { DEFAULT_REPUTATION_CONFIG } from './config';
import { computeReputation } from './score';
import { computeWorkload, WorkloadEngagement, WorkloadInput } from './workload';
import { ADA, HOUR, ledgerEvent, MINUTE, plus } from './testUtils';

// Monday 2026-11-02 00:00 UTC; two whole weeks.
const MON = '2026-11-02T00:00:00.000Z';
const range = { from: MON, to: '2026-11-16T00:00:00.000Z' };
const input = (overrides: Partial<WorkloadInput> = {}): WorkloadInput => ({ userRef: ADA, pages: [], engagements: [], ...overrides });
/** `n` pages on Tuesday of the first week at 10:00 UTC, a minute apart. */
const pagesOnTuesday = (n: number) => Array.from({ length: n }, (_, i) => plus(MON, 24 * HOUR + 10 * HOUR + i * MINUTE));

describe('computeWorkload: burnout flags', () => {
  it.each<[string, Partial<WorkloadInput>, boolean[], string[]]>([
    ['quiet weeks', {}, [false, false], []],
    ['5 pages: not more than 5', { pages: pagesOnTuesday(5) }, [false, false], []],
    ['6 pages: flagged', { pages: pagesOnTuesday(6) }, [true, false], ['6 pages this week, more than 5.']],
    ['SEV1 for exactly 4 hours: not longer', { engagements: [{ incidentId: 'inc-1', severity: 'SEV1', start: plus(MON, 10 * HOUR), end: plus(MON, 14 * HOUR) }] }, [false, false], []],
    ['SEV1 for 4 hours 15 minutes: flagged', { engagements: [{ incidentId: 'inc-1', severity: 'SEV1', start: plus(MON, 10 * HOUR), end: plus(MON, 14.25 * HOUR) }] }, [true, false], ['A SEV1 engagement of 4 hours 15 minutes on inc-1, longer than 4 hours.']],
    ['SEV2 for 10 hours: not a SEV1', { engagements: [{ incidentId: 'inc-1', severity: 'SEV2', start: plus(MON, 10 * HOUR), end: plus(MON, 20 * HOUR) }] }, [false, false], []],
    ['long SEV1 across the weekend: both weeks', { engagements: [{ incidentId: 'inc-1', severity: 'SEV1', start: '2026-11-08T20:00:00Z', end: '2026-11-09T02:00:00Z' }] }, [true, true], ['A SEV1 engagement of 6 hours on inc-1, longer than 4 hours.', 'A SEV1 engagement of 6 hours on inc-1, longer than 4 hours.']],
  ])('%s', (_case, overrides, flags, reasons) => {
    const report = computeWorkload(input(overrides), range);
    expect(report.weeks.map(w => w.flagged)).toEqual(flags);
    expect(report.weeks.flatMap(w => w.reasons)).toEqual(reasons);
  });

  it('uses the configured thresholds', () => {
    const config = { ...DEFAULT_REPUTATION_CONFIG.workload, maxPagesPerWeek: 2 };
    expect(computeWorkload(input({ pages: pagesOnTuesday(3) }), { ...range, config }).weeks[0].flagged).toBe(true);
  });

  it('merges consecutive flagged weeks into one period for damping', () => {
    const report = computeWorkload(
      input({ pages: [...pagesOnTuesday(6), ...pagesOnTuesday(6).map(p => plus(p, 7 * 24 * HOUR))] }),
      range,
    );
    expect(report.flaggedPeriods).toEqual([
      { userRef: ADA, from: MON, to: range.to, reasons: ['6 pages this week, more than 5.', '6 pages this week, more than 5.'] },
    ]);
  });

  it('halves a slow response inside the flagged week when passed to computeReputation', () => {
    const { flaggedPeriods } = computeWorkload(input({ pages: pagesOnTuesday(6) }), range);
    const slow = ledgerEvent({ occurredAt: plus(MON, 3 * 24 * HOUR), value: 40 });
    const config = { ...DEFAULT_REPUTATION_CONFIG.score, priorStrength: 0, incidentCapShare: 1 };
    expect(computeReputation([slow], range.to, config, flaggedPeriods).metrics.responseSpeed.value).toBe(70);
    expect(computeReputation([slow], range.to, config, []).metrics.responseSpeed.value).toBe(40);
  });
});

describe('computeWorkload: volumes and off hours', () => {
  const engagements: WorkloadEngagement[] = [
    // Monday 17:00–19:00 UTC: one hour in working hours, one after.
    { incidentId: 'inc-1', severity: 'SEV2', start: plus(MON, 17 * HOUR), end: plus(MON, 19 * HOUR) },
    // Saturday 10:00–11:30: all off hours.
    { incidentId: 'inc-2', severity: 'SEV3', start: '2026-11-07T10:00:00Z', end: '2026-11-07T11:30:00Z' },
    // Second week, Wednesday 09:00–10:00, the same incident again.
    { incidentId: 'inc-2', severity: 'SEV3', start: '2026-11-11T09:00:00Z', end: '2026-11-11T10:00:00Z' },
  ];
  const pages = ['2026-11-03T07:59:00Z', '2026-11-03T08:00:00Z', '2026-11-03T17:59:00Z', '2026-11-03T18:00:00Z'];

  it('counts per week in UTC by default', () => {
    const report = computeWorkload(input({ pages, engagements }), range);
    expect(report.weeks.map(w => [w.weekOf, w.pages, w.offHoursPages, w.incidents, w.incidentHours, w.offHoursIncidentHours])).toEqual([
      ['2026-11-02', 4, 2, 2, 3.5, 2.5],
      ['2026-11-09', 0, 0, 1, 1, 0],
    ]);
    expect(report.totals).toEqual({
      pages: 4,
      incidents: 2,
      incidentHours: 4.5,
      pagesPerWeek: 2,
      incidentsPerWeek: 1,
      incidentHoursPerWeek: 2.3,
      offHoursPageShare: 0.5,
      offHoursIncidentShare: 2.5 / 4.5,
    });
    expect(report.explanation).toBe(
      '2 pages and 2.3 hours in incidents per week; 50% of pages off hours; 56% of incident time off hours (UTC); no week flagged for burnout.',
    );
  });

  it('uses the local working day of the given time zone', () => {
    // In Berlin (UTC+1 in November) 07:59Z is 08:59 and 17:59Z is 18:59.
    const report = computeWorkload(input({ pages }), { ...range, timeZone: 'Europe/Berlin' });
    expect(report.totals.offHoursPageShare).toBe(0.5);
    expect(report.weeks[0].offHoursPages).toBe(2);
    // Tokyo (UTC+9): 07:59Z is 16:59, 08:00Z 17:00, 17:59Z 02:59, 18:00Z 03:00.
    const tokyo = computeWorkload(input({ pages }), { ...range, timeZone: 'Asia/Tokyo' });
    expect(tokyo.weeks.flatMap(w => [w.pages, w.offHoursPages])).toEqual([4, 2, 0, 0, 0, 0]);
  });

  it('starts weeks at local Monday midnight', () => {
    const report = computeWorkload(input(), { ...range, timeZone: 'America/New_York' });
    expect(report.weeks[0]).toMatchObject({ weekOf: '2026-10-26', from: '2026-10-26T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z' });
    expect(report.weeks.map(w => w.weekOf)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09']);
  });

  it('runs an open engagement until the end of the range and clips to it', () => {
    const report = computeWorkload(input({ engagements: [{ incidentId: 'inc-9', severity: 'SEV3', start: '2026-11-15T22:00:00Z' }] }), range);
    expect(report.totals.incidentHours).toBe(2);
    const before = computeWorkload(input({ engagements: [{ incidentId: 'inc-0', severity: 'SEV3', start: '2026-11-01T22:00:00Z', end: '2026-11-02T01:00:00Z' }] }), range);
    expect(before.totals.incidentHours).toBe(1);
  });

  it('leaves shares undefined without pages or incident time', () => {
    const report = computeWorkload(input(), range);
    expect(report.totals.offHoursPageShare).toBeUndefined();
    expect(report.totals.offHoursIncidentShare).toBeUndefined();
  });

  it('refuses a bad time zone or range', () => {
    expect(() => computeWorkload(input(), { ...range, timeZone: 'Mars/Olympus' })).toThrow(/IANA time zone/);
    expect(() => computeWorkload(input(), { from: range.to, to: range.from })).toThrow(/to must be after from/);
    expect(() => computeWorkload(input({ pages: ['tuesday'] }), range)).toThrow(/pages\[0\]/);
  });
});
