import { CadenceInput, CadenceReport, MAX_CADENCE_WINDOWS, computeCadence } from './cadence';
import { DEFAULT_SEVERITY_MATRIX, Severity } from './severity';

/** '10:15' → an input timestamp on 1 May 2024. */
const at = (hhmm: string) => `2024-05-01T${hhmm}:00Z`;
/** '10:15' → the same moment as the module writes it. */
const iso = (hhmm: string) => `2024-05-01T${hhmm}:00.000Z`;

interface Case {
  severities: Array<[Severity, string]>;
  updates?: string[];
  resolvedAt?: string;
  now: string;
  /** [from, dueAt, metAt?] as HH:MM */
  windows: Array<[string, string, string?]>;
  nextDueAt?: string;
  overdue: boolean;
  minutesUntilDue?: number;
  missed: number;
  onTimeShare: number | undefined;
}

function run(c: Case): CadenceReport {
  const input: CadenceInput = {
    declaredAt: at('10:00'),
    severities: c.severities.map(([severity, from]) => ({ severity, from: at(from) })),
    updates: (c.updates ?? []).map(at),
    resolvedAt: c.resolvedAt && at(c.resolvedAt),
  };
  return computeCadence(input, at(c.now));
}

describe('computeCadence', () => {
  it.each<[string, Case]>([
    // Plain cadence, no severity change
    ['SEV1, nothing posted, first update not yet due',
      { severities: [['SEV1', '10:00']], now: '10:10', windows: [], nextDueAt: '10:15', overdue: false, minutesUntilDue: 5, missed: 0, onTimeShare: undefined }],
    ['SEV1, nothing posted, exactly at the deadline (not yet overdue)',
      { severities: [['SEV1', '10:00']], now: '10:15', windows: [], nextDueAt: '10:15', overdue: false, minutesUntilDue: 0, missed: 0, onTimeShare: undefined }],
    ['SEV1, nothing posted, a minute past the deadline',
      { severities: [['SEV1', '10:00']], now: '10:16', windows: [['10:00', '10:15']], nextDueAt: '10:15', overdue: true, minutesUntilDue: -1, missed: 1, onTimeShare: 0 }],
    ['SEV1, updates early: each one restarts the clock',
      { severities: [['SEV1', '10:00']], updates: ['10:10', '10:20'], now: '10:30',
        windows: [['10:00', '10:15', '10:10'], ['10:10', '10:25', '10:20']], nextDueAt: '10:35', overdue: false, minutesUntilDue: 5, missed: 0, onTimeShare: 1 }],
    ['SEV1, update exactly at the deadline is on time',
      { severities: [['SEV1', '10:00']], updates: ['10:15'], now: '10:20',
        windows: [['10:00', '10:15', '10:15']], nextDueAt: '10:30', overdue: false, minutesUntilDue: 10, missed: 0, onTimeShare: 1 }],
    ['SEV1, update 5 min late: one missed, then the late update meets the next window',
      { severities: [['SEV1', '10:00']], updates: ['10:20'], now: '10:25',
        windows: [['10:00', '10:15'], ['10:15', '10:30', '10:20']], nextDueAt: '10:35', overdue: false, minutesUntilDue: 10, missed: 1, onTimeShare: 0.5 }],
    ['SEV1, first update after 50 min: three deadlines missed',
      { severities: [['SEV1', '10:00']], updates: ['10:50'], now: '10:55',
        windows: [['10:00', '10:15'], ['10:15', '10:30'], ['10:30', '10:45'], ['10:45', '11:00', '10:50']],
        nextDueAt: '11:05', overdue: false, minutesUntilDue: 10, missed: 3, onTimeShare: 0.25 }],
    ['SEV2, silent for 2 h: overdue since the first missed deadline',
      { severities: [['SEV2', '10:00']], now: '12:00',
        windows: [['10:00', '10:30'], ['10:30', '11:00'], ['11:00', '11:30']], nextDueAt: '10:30', overdue: true, minutesUntilDue: -90, missed: 3, onTimeShare: 0 }],
    ['SEV2, updates out of order, duplicated, and one before declaration',
      { severities: [['SEV2', '10:00']], updates: ['10:50', '09:50', '10:25', '10:25'], now: '11:00',
        windows: [['10:00', '10:30', '10:25'], ['10:25', '10:55', '10:50']], nextDueAt: '11:20', overdue: false, minutesUntilDue: 20, missed: 0, onTimeShare: 1 }],
    ['SEV2, several updates in a row each meet a window',
      { severities: [['SEV2', '10:00']], updates: ['10:05', '10:06', '10:07'], now: '10:10',
        windows: [['10:00', '10:30', '10:05'], ['10:05', '10:35', '10:06'], ['10:06', '10:36', '10:07']], nextDueAt: '10:37', overdue: false, minutesUntilDue: 27, missed: 0, onTimeShare: 1 }],
    ['updates later than now are not counted yet',
      { severities: [['SEV1', '10:00']], updates: ['10:10', '10:40'], now: '10:30',
        windows: [['10:00', '10:15', '10:10'], ['10:10', '10:25']], nextDueAt: '10:25', overdue: true, minutesUntilDue: -5, missed: 1, onTimeShare: 0.5 }],
    ['now before declaration',
      { severities: [['SEV1', '10:00']], updates: ['10:05'], now: '09:00', windows: [], nextDueAt: '10:15', overdue: false, minutesUntilDue: 75, missed: 0, onTimeShare: undefined }],

    // Severity changes
    ['SEV3 upgraded to SEV1 mid-window: deadline moves to 15 min after the upgrade',
      { severities: [['SEV3', '10:00'], ['SEV1', '10:30']], now: '10:40', windows: [], nextDueAt: '10:45', overdue: false, minutesUntilDue: 5, missed: 0, onTimeShare: undefined }],
    ['SEV3 upgraded to SEV1 mid-window, then silent: SEV1 cadence from the missed deadline',
      { severities: [['SEV3', '10:00'], ['SEV1', '10:30']], now: '11:01',
        windows: [['10:00', '10:45'], ['10:45', '11:00']], nextDueAt: '10:45', overdue: true, minutesUntilDue: -16, missed: 2, onTimeShare: 0 }],
    ['SEV3 upgraded to SEV1 mid-window, update in time, then SEV1 cadence',
      { severities: [['SEV3', '10:00'], ['SEV1', '10:30']], updates: ['10:40', '10:50'], now: '11:00',
        windows: [['10:00', '10:45', '10:40'], ['10:40', '10:55', '10:50']], nextDueAt: '11:05', overdue: false, minutesUntilDue: 5, missed: 0, onTimeShare: 1 }],
    ['SEV2 upgraded to SEV1 late in the window: the original deadline is sooner and stays',
      { severities: [['SEV2', '10:00'], ['SEV1', '10:25']], updates: ['10:28'], now: '10:35',
        windows: [['10:00', '10:30', '10:28']], nextDueAt: '10:43', overdue: false, minutesUntilDue: 8, missed: 0, onTimeShare: 1 }],
    ['two upgrades in one window: the sooner deadline wins',
      { severities: [['SEV4', '10:00'], ['SEV3', '10:10'], ['SEV1', '10:20']], now: '10:30', windows: [], nextDueAt: '10:35', overdue: false, minutesUntilDue: 5, missed: 0, onTimeShare: undefined }],
    ['upgrade exactly at a deadline: that window keeps its deadline, the next uses SEV1',
      { severities: [['SEV3', '10:00'], ['SEV1', '12:00']], now: '12:20',
        windows: [['10:00', '12:00'], ['12:00', '12:15']], nextDueAt: '12:00', overdue: true, minutesUntilDue: -20, missed: 2, onTimeShare: 0 }],
    ['SEV1 downgraded to SEV3 mid-window: the running window is not lengthened',
      { severities: [['SEV1', '10:00'], ['SEV3', '10:05']], now: '10:20',
        windows: [['10:00', '10:15']], nextDueAt: '10:15', overdue: true, minutesUntilDue: -5, missed: 1, onTimeShare: 0 }],
    ['SEV1 downgraded to SEV3, then an update: SEV3 cadence from the update',
      { severities: [['SEV1', '10:00'], ['SEV3', '10:05']], updates: ['10:10'], now: '11:00',
        windows: [['10:00', '10:15', '10:10']], nextDueAt: '12:10', overdue: false, minutesUntilDue: 70, missed: 0, onTimeShare: 1 }],
    ['severity change later than now is not applied yet',
      { severities: [['SEV3', '10:00'], ['SEV1', '11:00']], now: '10:30', windows: [], nextDueAt: '12:00', overdue: false, minutesUntilDue: 90, missed: 0, onTimeShare: undefined }],

    // Resolution
    ['resolved: windows up to resolution, nothing due afterwards',
      { severities: [['SEV1', '10:00']], updates: ['10:10'], resolvedAt: '10:30', now: '12:00',
        windows: [['10:00', '10:15', '10:10'], ['10:10', '10:25']], nextDueAt: undefined, overdue: false, minutesUntilDue: undefined, missed: 1, onTimeShare: 0.5 }],
    ['resolved exactly at a deadline: that window is not counted as missed',
      { severities: [['SEV1', '10:00']], updates: ['10:10'], resolvedAt: '10:25', now: '12:00',
        windows: [['10:00', '10:15', '10:10']], nextDueAt: undefined, overdue: false, minutesUntilDue: undefined, missed: 0, onTimeShare: 1 }],
    ['resolved before the first deadline',
      { severities: [['SEV2', '10:00']], resolvedAt: '10:20', now: '12:00',
        windows: [], nextDueAt: undefined, overdue: false, minutesUntilDue: undefined, missed: 0, onTimeShare: undefined }],
    ['updates after resolution are ignored',
      { severities: [['SEV1', '10:00']], updates: ['10:40'], resolvedAt: '10:20', now: '12:00',
        windows: [['10:00', '10:15']], nextDueAt: undefined, overdue: false, minutesUntilDue: undefined, missed: 1, onTimeShare: 0 }],
    ['resolution later than now: still open',
      { severities: [['SEV1', '10:00']], resolvedAt: '11:00', now: '10:20',
        windows: [['10:00', '10:15']], nextDueAt: '10:15', overdue: true, minutesUntilDue: -5, missed: 1, onTimeShare: 0 }],
  ])('%s', (_name, c) => {
    const report = run(c);
    expect(report).toEqual({
      nextDueAt: c.nextDueAt && iso(c.nextDueAt),
      overdue: c.overdue,
      minutesUntilDue: c.minutesUntilDue,
      windows: c.windows.map(([from, dueAt, metAt]) => (metAt ? { from: iso(from), dueAt: iso(dueAt), metAt: iso(metAt) } : { from: iso(from), dueAt: iso(dueAt) })),
      windowsOmitted: 0,
      missedWindows: c.missed,
      onTimeShare: c.onTimeShare,
    });
  });

  it('uses the cadence from the matrix it is given', () => {
    const matrix = { ...DEFAULT_SEVERITY_MATRIX, SEV1: { ...DEFAULT_SEVERITY_MATRIX.SEV1, updateCadenceMinutes: 10 } };
    const report = computeCadence({ declaredAt: at('10:00'), severities: [{ severity: 'SEV1', from: at('10:00') }], updates: [] }, at('10:25'), matrix);
    expect(report).toMatchObject({ nextDueAt: iso('10:10'), overdue: true, minutesUntilDue: -15, missedWindows: 2 });
    expect(report.windows.map(w => w.dueAt)).toEqual([iso('10:10'), iso('10:20')]);
  });

  it('reports minutes to 0.1 and answers in UTC for offset input', () => {
    const report = computeCadence(
      { declaredAt: '2024-05-01T12:00:00+02:00', severities: [{ severity: 'SEV1', from: '2024-05-01T12:00:00+02:00' }], updates: [] },
      '2024-05-01T10:07:33Z',
    );
    expect(report).toMatchObject({ nextDueAt: '2024-05-01T10:15:00.000Z', overdue: false, minutesUntilDue: 7.5 });
  });

  it.each<[string, Severity, number, number, string, string]>([
    // severity, days open, missed windows, last listed window's [from, dueAt]
    ['SEV4 open a year, never updated', 'SEV4', 366, 365, '2024-12-30T00:00:00.000Z', '2024-12-31T00:00:00.000Z'],
    ['SEV1 open a year, never updated', 'SEV1', 366, 366 * 96 - 1, '2024-12-31T23:30:00.000Z', '2024-12-31T23:45:00.000Z'],
    ['SEV1 open a century, never updated', 'SEV1', 36524, 36524 * 96 - 1, '2123-12-31T23:30:00.000Z', '2123-12-31T23:45:00.000Z'],
  ])('%s: every window counted, at most MAX_CADENCE_WINDOWS listed', (_name, severity, days, missed, lastFrom, lastDue) => {
    const declaredAt = '2024-01-01T00:00:00Z';
    const now = new Date(Date.parse(declaredAt) + days * 86_400_000).toISOString();
    const report = computeCadence({ declaredAt, severities: [{ severity, from: declaredAt }], updates: [] }, now);
    expect(report.missedWindows).toBe(missed);
    expect(report.onTimeShare).toBe(0);
    expect(report.windows).toHaveLength(Math.min(missed, MAX_CADENCE_WINDOWS));
    expect(report.windowsOmitted).toBe(missed - report.windows.length);
    expect(report.windows[report.windows.length - 1]).toEqual({ from: lastFrom, dueAt: lastDue });
    expect(report.nextDueAt).toBe(new Date(Date.parse(declaredAt) + DEFAULT_SEVERITY_MATRIX[severity].updateCadenceMinutes * 60_000).toISOString());
    expect(report.minutesUntilDue).toBe(-(days * 1440 - DEFAULT_SEVERITY_MATRIX[severity].updateCadenceMinutes));
  });

  it('counts a long SEV1 with hourly updates exactly: three missed, one met, every hour', () => {
    const declaredAt = '2024-01-01T00:00:00Z';
    const updates = Array.from({ length: 24 * 30 }, (_, h) => new Date(Date.parse(declaredAt) + (h * 60 + 50) * 60_000).toISOString());
    const report = computeCadence({ declaredAt, severities: [{ severity: 'SEV1', from: declaredAt }], updates }, '2024-01-31T00:00:00Z');
    // Each hour: the update at :50 follows three missed windows (:15, :30, :45); the first hour starts at declaration.
    expect(report.missedWindows).toBe(3 * 720);
    expect(report.onTimeShare).toBeCloseTo(0.25, 10);
    expect(report.windows).toHaveLength(MAX_CADENCE_WINDOWS);
    expect(report.windowsOmitted).toBe(4 * 720 - MAX_CADENCE_WINDOWS);
    expect(report.windows[report.windows.length - 1]).toEqual({
      from: '2024-01-30T23:35:00.000Z',
      dueAt: '2024-01-30T23:50:00.000Z',
      metAt: '2024-01-30T23:50:00.000Z',
    });
    expect(report).toMatchObject({ nextDueAt: '2024-01-31T00:05:00.000Z', overdue: false, minutesUntilDue: 5 });
  });

  it.each<[string, Partial<CadenceInput>, string, string | RegExp]>([
    ['declaredAt unreadable', { declaredAt: 'soon' }, at('10:00'), /^declaredAt must be an ISO-8601 timestamp/],
    ['now unreadable', {}, '2024-05-01 10:00', /^now /],
    ['resolvedAt unreadable', { resolvedAt: '2024-05-01T10:00:00' }, at('10:00'), /^resolvedAt /],
    ['an update unreadable', { updates: [at('10:05'), 'later'] }, at('10:00'), /^updates\[1\] /],
    ['a severity period unreadable', { severities: [{ severity: 'SEV2', from: at('10:00') }, { severity: 'SEV1', from: '' }] }, at('10:00'), /^severities\[1\]\.from /],
    ['an unknown severity', { severities: [{ severity: 'SEV5' as Severity, from: at('10:00') }] }, at('10:00'), 'severities[0].severity must be one of SEV1, SEV2, SEV3, SEV4, got "SEV5"'],
    ['no severity at all', { severities: [] }, at('10:00'), 'severities must contain at least one period (the severity at declaration)'],
  ])('throws for %s, naming the field', (_name, input, now, message) => {
    const base: CadenceInput = { declaredAt: at('10:00'), severities: [{ severity: 'SEV2', from: at('10:00') }], updates: [] };
    expect(() => computeCadence({ ...base, ...input }, now)).toThrow(message);
  });

  it.each([0, -15, NaN])('refuses a cadence of %p minutes', minutes => {
    const matrix = { ...DEFAULT_SEVERITY_MATRIX, SEV2: { ...DEFAULT_SEVERITY_MATRIX.SEV2, updateCadenceMinutes: minutes } };
    expect(() =>
      computeCadence({ declaredAt: at('10:00'), severities: [{ severity: 'SEV2', from: at('10:00') }], updates: [] }, at('11:00'), matrix),
    ).toThrow(/^matrix\.SEV2\.updateCadenceMinutes must be a positive number of minutes/);
  });
});

describe('computeCadence without listing windows', () => {
  it.each<[string, CadenceInput, string]>([
    [
      'a resolved SEV2 with one update on time and two missed windows',
      { declaredAt: '2026-03-01T10:00:00Z', severities: [{ severity: 'SEV2', from: '2026-03-01T10:00:00Z' }], updates: ['2026-03-01T10:20:00Z'], resolvedAt: '2026-03-01T11:50:00Z' },
      '2026-03-01T12:00:00Z',
    ],
    [
      'an open SEV1 left without updates for two days (capped list)',
      { declaredAt: '2026-03-01T00:00:00Z', severities: [{ severity: 'SEV1', from: '2026-03-01T00:00:00Z' }], updates: [] },
      '2026-03-12T00:00:00Z',
    ],
    [
      'an upgrade mid-window',
      {
        declaredAt: '2026-03-01T10:00:00Z',
        severities: [
          { severity: 'SEV3', from: '2026-03-01T10:00:00Z' },
          { severity: 'SEV1', from: '2026-03-01T10:40:00Z' },
        ],
        updates: ['2026-03-01T10:50:00Z'],
        resolvedAt: '2026-03-01T12:00:00Z',
      },
      '2026-03-01T12:00:00Z',
    ],
  ])('counts the same windows as the listed report: %s', (_name, input, now) => {
    const listed = computeCadence(input, now);
    const counted = computeCadence(input, now, DEFAULT_SEVERITY_MATRIX, { listWindows: false });
    expect(counted.windows).toEqual([]);
    expect(counted.windowsOmitted).toBe(listed.windows.length + listed.windowsOmitted);
    expect(counted.windowsOmitted).toBeGreaterThan(0);
    const { windows: _a, windowsOmitted: _b, ...rest } = counted;
    const { windows: _c, windowsOmitted: _d, ...listedRest } = listed;
    expect(rest).toEqual(listedRest);
  });
});
