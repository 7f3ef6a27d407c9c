import { mergeAssignmentConfig } from './config';
import { engagementPattern, engagementPatternOfInstants, engagementValueOfCounts, hourOfWeek, hourOfWeekLabel } from './timeOfDay';

describe('hourOfWeek', () => {
  it.each<[string, string, number, string]>([
    ['2026-11-16T00:00:00.000Z', 'UTC', 0, 'Mon 00:00'],
    ['2026-11-16T00:59:59.999Z', 'UTC', 0, 'Mon 00:00'],
    ['2026-11-20T14:30:00.000Z', 'UTC', 4 * 24 + 14, 'Fri 14:00'],
    ['2026-11-22T23:00:00.000Z', 'UTC', 167, 'Sun 23:00'],
    ['2026-11-23T00:00:00.000Z', 'UTC', 0, 'Mon 00:00'],
    ['2026-11-16T03:00:00.000Z', 'America/New_York', 166, 'Sun 22:00'],
    ['2026-11-15T23:00:00.000Z', 'Europe/Berlin', 0, 'Mon 00:00'],
    ['2026-07-12T22:00:00.000Z', 'Europe/Berlin', 0, 'Mon 00:00'],
    ['2026-11-15T18:30:00.000Z', 'Asia/Kolkata', 0, 'Mon 00:00'],
  ])('%s in %s is hour %i (%s)', (instant, timeZone, hour, label) => {
    expect(hourOfWeek(instant, timeZone)).toBe(hour);
    expect(hourOfWeekLabel(hour)).toBe(label);
  });

  it('refuses a time zone that is not IANA', () => {
    expect(() => hourOfWeek('2026-11-16T00:00:00.000Z', 'Mars/Olympus')).toThrow(/IANA time zone/);
  });
});

describe('engagementPattern', () => {
  const MONDAY_0030 = '2026-11-23T00:30:00.000Z';
  const SUNDAY_2330 = '2026-11-22T23:30:00.000Z';

  it.each<[string, string, string[], number]>([
    ['Sunday 23:10 is next to Monday 00:30 (wrap)', MONDAY_0030, ['2026-11-15T23:10:00.000Z'], 1],
    ['Sunday 22:10 is two hours from Monday 00:30', MONDAY_0030, ['2026-11-15T22:10:00.000Z'], 0],
    ['Monday 01:59 is in the window', MONDAY_0030, ['2026-11-16T01:59:00.000Z'], 1],
    ['Monday 02:00 is not', MONDAY_0030, ['2026-11-16T02:00:00.000Z'], 0],
    ['Monday 00:00 is next to Sunday 23:30 (wrap the other way)', SUNDAY_2330, ['2026-11-16T00:00:00.000Z'], 1],
    ['Saturday 23:00 is a day away', SUNDAY_2330, ['2026-11-14T23:00:00.000Z'], 0],
    ['an engagement at or after the moment does not count', MONDAY_0030, [MONDAY_0030, '2026-11-23T00:40:00.000Z'], 0],
  ])('%s', (_case, at, engagements, inWindow) => {
    expect(engagementPattern(engagements, at).inWindow).toBe(inWindow);
  });

  it('is Laplace-smoothed: 0.5 without history, above it at a usual hour, below it at an unusual one', () => {
    const none = engagementPattern([], MONDAY_0030);
    expect(none).toMatchObject({ hourOfWeek: 0, total: 0, inWindow: 0, value: 0.5 });
    expect(none.reason).toBe('No past engagements: usual availability around Mon 00:00 ±1 h (UTC) unknown.');
    const usual = engagementPattern(['2026-11-16T00:10:00.000Z', '2026-11-09T00:10:00.000Z'], MONDAY_0030);
    expect(usual.share).toBeCloseTo((2 + 3) / (2 + 168), 10);
    expect(usual.uniformShare).toBeCloseTo(3 / 168, 10);
    expect(usual.value).toBeGreaterThan(0.5);
    const unusual = engagementPattern(['2026-11-18T12:00:00.000Z', '2026-11-11T12:00:00.000Z'], MONDAY_0030);
    expect(unusual.share).toBeCloseTo(3 / 170, 10);
    expect(unusual.value).toBeLessThan(0.5);
  });

  it('uses the time zone given: a Monday morning in Berlin is a Sunday evening in UTC', () => {
    const berlin = ['2026-11-15T23:15:00.000Z', '2026-11-08T23:15:00.000Z'];
    const at = '2026-11-22T23:30:00.000Z';
    expect(engagementPattern(berlin, at, { timeZone: 'Europe/Berlin' })).toMatchObject({ hourOfWeek: 0, inWindow: 2 });
    expect(engagementPattern(berlin, at, { timeZone: 'Europe/Berlin' }).reason).toMatch(/around Mon 00:00 ±1 h \(Europe\/Berlin\)/);
  });

  it('follows the configured window and smoothing', () => {
    const config = mergeAssignmentConfig({ timeOfDay: { windowHours: 0, smoothing: 0.5 } }).timeOfDay;
    const pattern = engagementPattern(['2026-11-15T23:10:00.000Z', '2026-11-16T00:10:00.000Z'], MONDAY_0030, { config });
    expect(pattern.inWindow).toBe(1);
    expect(pattern.share).toBeCloseTo((1 + 0.5) / (2 + 0.5 * 168), 10);
    expect(pattern.reason).toBe('Engaged 1 of 2 past incidents around Mon 00:00 (UTC), 2.9× the even rate.');
  });
});

describe('engagementValueOfCounts', () => {
  const at = Date.parse('2026-11-02T00:30:00.000Z');
  const hours = (...h: number[]) => h.map(n => at - n * 3_600_000);
  it.each([
    ['no history', [], {}],
    ['one in the window', hours(168), {}],
    ['some in, some out, one in the future', [...hours(1, 167, 30, 50), at + 1000], {}],
    ['a Berlin week', hours(2, 26, 170, 300), { timeZone: 'Europe/Berlin' }],
    ['a window of zero and heavy smoothing', hours(168, 169, 336), { config: { windowHours: 0, smoothing: 5 } }],
  ] as const)('is the value of the whole pattern: %s', (_name, instants, options) => {
    const pattern = engagementPatternOfInstants(instants, at, options);
    const config = 'config' in options ? options.config : undefined;
    const value = engagementValueOfCounts({ total: pattern.total, inWindow: pattern.inWindow }, config);
    expect(value).toBe(pattern.value);
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(1);
  });
});
