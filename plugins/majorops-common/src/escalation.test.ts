import {
  EscalationTrigger,
  ROOT_CAUSE_TIMEOUT_MINUTES,
  RootCauseCheck,
  RootCauseInput,
  SeverityTriggerInput,
  checkRootCauseTimeout,
  evaluateSeverityTriggers,
  formatMinutes,
  parseIsoTimestamp,
} from './escalation';
import { Severity } from './severity';

describe('evaluateSeverityTriggers', () => {
  const quiet: Omit<SeverityTriggerInput, 'severity'> = {
    customerReported: false,
    payingCustomer: false,
    dataIntegrityConcern: false,
  };

  it.each<[string, SeverityTriggerInput, Array<[EscalationTrigger, Severity, Severity]>]>([
    ['nothing applies', { severity: 'SEV3', ...quiet }, []],
    ['impact exactly doubled', { severity: 'SEV3', ...quiet, baselineImpact: 100, currentImpact: 200 }, [['impact-doubled', 'SEV3', 'SEV2']]],
    ['impact more than doubled', { severity: 'SEV4', ...quiet, baselineImpact: 2.5, currentImpact: 40 }, [['impact-doubled', 'SEV4', 'SEV3']]],
    ['impact just short of double', { severity: 'SEV3', ...quiet, baselineImpact: 100, currentImpact: 199 }, []],
    ['impact fell', { severity: 'SEV2', ...quiet, baselineImpact: 100, currentImpact: 10 }, []],
    ['baseline 0 (twice nothing is nothing)', { severity: 'SEV3', ...quiet, baselineImpact: 0, currentImpact: 50 }, []],
    ['baseline negative', { severity: 'SEV3', ...quiet, baselineImpact: -5, currentImpact: 50 }, []],
    ['baseline unknown', { severity: 'SEV3', ...quiet, currentImpact: 500 }, []],
    ['current impact unknown', { severity: 'SEV3', ...quiet, baselineImpact: 10 }, []],
    ['baseline NaN', { severity: 'SEV3', ...quiet, baselineImpact: NaN, currentImpact: 50 }, []],
    ['impact doubled on SEV1 (nothing above it)', { severity: 'SEV1', ...quiet, baselineImpact: 10, currentImpact: 30 }, []],
    ['paying customer reported a SEV4', { severity: 'SEV4', ...quiet, customerReported: true, payingCustomer: true }, [['paying-customer', 'SEV4', 'SEV2']]],
    ['paying customer reported a SEV3', { severity: 'SEV3', ...quiet, customerReported: true, payingCustomer: true }, [['paying-customer', 'SEV3', 'SEV2']]],
    ['paying customer reported a SEV2 (already there)', { severity: 'SEV2', ...quiet, customerReported: true, payingCustomer: true }, []],
    ['paying customer reported a SEV1 (never a downgrade)', { severity: 'SEV1', ...quiet, customerReported: true, payingCustomer: true }, []],
    ['paying account, not customer-reported', { severity: 'SEV4', ...quiet, payingCustomer: true }, []],
    ['customer-reported, not paying', { severity: 'SEV4', ...quiet, customerReported: true }, []],
    ['data integrity on a SEV3', { severity: 'SEV3', ...quiet, dataIntegrityConcern: true }, [['data-integrity', 'SEV3', 'SEV1']]],
    ['data integrity on a SEV1', { severity: 'SEV1', ...quiet, dataIntegrityConcern: true }, []],
    [
      'SEV4, paying customer and data integrity',
      { severity: 'SEV4', ...quiet, customerReported: true, payingCustomer: true, dataIntegrityConcern: true },
      [
        ['paying-customer', 'SEV4', 'SEV2'],
        ['data-integrity', 'SEV2', 'SEV1'],
      ],
    ],
    [
      'SEV4, impact doubled and paying customer',
      { severity: 'SEV4', ...quiet, baselineImpact: 5, currentImpact: 10, customerReported: true, payingCustomer: true },
      [
        ['impact-doubled', 'SEV4', 'SEV3'],
        ['paying-customer', 'SEV3', 'SEV2'],
      ],
    ],
    [
      'SEV3, impact doubled makes the paying-customer floor moot',
      { severity: 'SEV3', ...quiet, baselineImpact: 5, currentImpact: 10, customerReported: true, payingCustomer: true },
      [['impact-doubled', 'SEV3', 'SEV2']],
    ],
    [
      'SEV4, all three',
      { severity: 'SEV4', baselineImpact: 1, currentImpact: 3, customerReported: true, payingCustomer: true, dataIntegrityConcern: true },
      [
        ['impact-doubled', 'SEV4', 'SEV3'],
        ['paying-customer', 'SEV3', 'SEV2'],
        ['data-integrity', 'SEV2', 'SEV1'],
      ],
    ],
    [
      'SEV2, impact doubled and data integrity',
      { severity: 'SEV2', ...quiet, baselineImpact: 30, currentImpact: 60, dataIntegrityConcern: true },
      [['impact-doubled', 'SEV2', 'SEV1']],
    ],
  ])('%s', (_name, input, expected) => {
    const upgrades = evaluateSeverityTriggers(input);
    expect(upgrades.map(u => [u.trigger, u.from, u.to])).toEqual(expected);
    // Chained: each starts where the previous ended.
    upgrades.forEach((u, i) => expect(u.from).toBe(i === 0 ? input.severity : upgrades[i - 1].to));
    upgrades.forEach(u => expect(u.reason).toMatch(/^[A-Z].*\.$/));
  });

  it.each<[string, SeverityTriggerInput, string[]]>([
    [
      'impact doubled',
      { severity: 'SEV3', customerReported: false, payingCustomer: false, dataIntegrityConcern: false, baselineImpact: 12.5, currentImpact: 40 },
      ['The impact has grown from 12.5 to 40 since the severity was set, at least double, so the incident moves up one level from SEV3 to SEV2.'],
    ],
    [
      'paying customer then data integrity',
      { severity: 'SEV4', customerReported: true, payingCustomer: true, dataIntegrityConcern: true },
      [
        'A customer on a paying account reported this incident, so it must be at least SEV2; it is raised from SEV4 to SEV2.',
        'There is a concern about data integrity, which always makes an incident SEV1; it is raised from SEV2 to SEV1.',
      ],
    ],
  ])('explains %s in full sentences', (_name, input, reasons) => {
    expect(evaluateSeverityTriggers(input).map(u => u.reason)).toEqual(reasons);
  });
});

describe('checkRootCauseTimeout', () => {
  const declaredAt = '2024-05-01T10:00:00Z';
  type Expected = { applies: false } | { applies: true; dueAt: string; overdue: boolean; minutesOverdue: number };

  it('uses 30 minutes for SEV1 and 2 hours for SEV2 only', () => {
    expect(ROOT_CAUSE_TIMEOUT_MINUTES).toEqual({ SEV1: 30, SEV2: 120 });
  });

  it.each<[string, Omit<RootCauseInput, 'declaredAt'>, string, Expected]>([
    // SEV1: 30 minutes
    ['SEV1 open, before the deadline', { severity: 'SEV1' }, '2024-05-01T10:10:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: false, minutesOverdue: 0 }],
    ['SEV1 open, exactly at 30 min', { severity: 'SEV1' }, '2024-05-01T10:30:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: false, minutesOverdue: 0 }],
    ['SEV1 open, 30 s past the deadline', { severity: 'SEV1' }, '2024-05-01T10:30:30Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: true, minutesOverdue: 0.5 }],
    ['SEV1 open, 12 min past the deadline', { severity: 'SEV1' }, '2024-05-01T10:42:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: true, minutesOverdue: 12 }],
    ['SEV1 identified after 29 min', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:29:00Z' }, '2024-05-01T11:00:00Z', { applies: false }],
    ['SEV1 identified exactly at 30 min (in time)', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:30:00Z' }, '2024-05-01T11:00:00Z', { applies: false }],
    ['SEV1 identified 15 min late', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:45:00Z' }, '2024-05-01T12:00:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: true, minutesOverdue: 15 }],
    ['SEV1 identified late, but later than now (not yet happened)', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:45:00Z' }, '2024-05-01T10:40:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: true, minutesOverdue: 10 }],
    ['SEV1 identified in time, looked at before it happened', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:20:00Z' }, '2024-05-01T10:15:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: false, minutesOverdue: 0 }],
    ['SEV1 resolved in time without a root cause', { severity: 'SEV1', resolvedAt: '2024-05-01T10:20:00Z' }, '2024-05-01T12:00:00Z', { applies: false }],
    ['SEV1 resolved late without a root cause', { severity: 'SEV1', resolvedAt: '2024-05-01T10:50:00Z' }, '2024-05-01T12:00:00Z', { applies: true, dueAt: '2024-05-01T10:30:00.000Z', overdue: true, minutesOverdue: 20 }],
    ['SEV1 resolved in time, root cause named afterwards', { severity: 'SEV1', resolvedAt: '2024-05-01T10:20:00Z', rootCauseIdentifiedAt: '2024-05-01T11:00:00Z' }, '2024-05-01T12:00:00Z', { applies: false }],
    ['SEV1 identified in time, resolved late', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:25:00Z', resolvedAt: '2024-05-01T14:00:00Z' }, '2024-05-01T15:00:00Z', { applies: false }],
    // SEV2: 2 hours
    ['SEV2 open, 1 h in', { severity: 'SEV2' }, '2024-05-01T11:00:00Z', { applies: true, dueAt: '2024-05-01T12:00:00.000Z', overdue: false, minutesOverdue: 0 }],
    ['SEV2 open, exactly at 2 h', { severity: 'SEV2' }, '2024-05-01T12:00:00Z', { applies: true, dueAt: '2024-05-01T12:00:00.000Z', overdue: false, minutesOverdue: 0 }],
    ['SEV2 open, 1 min past 2 h', { severity: 'SEV2' }, '2024-05-01T12:01:00Z', { applies: true, dueAt: '2024-05-01T12:00:00.000Z', overdue: true, minutesOverdue: 1 }],
    ['SEV2 identified exactly at 2 h', { severity: 'SEV2', rootCauseIdentifiedAt: '2024-05-01T12:00:00Z' }, '2024-05-01T13:00:00Z', { applies: false }],
    ['SEV2 identified 30 s after 2 h', { severity: 'SEV2', rootCauseIdentifiedAt: '2024-05-01T12:00:30Z' }, '2024-05-01T13:00:00Z', { applies: true, dueAt: '2024-05-01T12:00:00.000Z', overdue: true, minutesOverdue: 0.5 }],
    ['SEV2 resolved exactly at 2 h without a root cause', { severity: 'SEV2', resolvedAt: '2024-05-01T12:00:00Z' }, '2024-05-01T13:00:00Z', { applies: false }],
    ['SEV2 resolved after 2.5 h without a root cause', { severity: 'SEV2', resolvedAt: '2024-05-01T12:30:00Z' }, '2024-05-01T14:00:00Z', { applies: true, dueAt: '2024-05-01T12:00:00.000Z', overdue: true, minutesOverdue: 30 }],
    // No timeout
    ['SEV3 open for two days', { severity: 'SEV3' }, '2024-05-03T10:00:00Z', { applies: false }],
    ['SEV4 open for two days', { severity: 'SEV4' }, '2024-05-03T10:00:00Z', { applies: false }],
  ])('%s', (_name, input, now, expected) => {
    const result = checkRootCauseTimeout({ declaredAt, ...input }, now);
    expect(result).toMatchObject(expected);
    if (result.applies) expect(result.reason).toMatch(/^[A-Z].*\.$/);
  });

  it.each<[string, Severity, Partial<Record<Severity, number>>, string, Expected]>([
    ['custom SEV3 timeout, overdue', 'SEV3', { SEV3: 60 }, '2024-05-01T11:30:00Z', { applies: true, dueAt: '2024-05-01T11:00:00.000Z', overdue: true, minutesOverdue: 30 }],
    ['custom timeouts without SEV1', 'SEV1', { SEV3: 60 }, '2024-05-01T11:30:00Z', { applies: false }],
    ['zero timeout is due at declaration', 'SEV1', { SEV1: 0 }, '2024-05-01T10:05:00Z', { applies: true, dueAt: '2024-05-01T10:00:00.000Z', overdue: true, minutesOverdue: 5 }],
  ])('%s', (_name, severity, timeouts, now, expected) => {
    expect(checkRootCauseTimeout({ severity, declaredAt }, now, timeouts)).toMatchObject(expected);
  });

  it('reads timestamps with an offset and answers in UTC', () => {
    expect(checkRootCauseTimeout({ severity: 'SEV1', declaredAt: '2024-05-01T12:00:00+02:00' }, '2024-05-01T10:10:00Z')).toMatchObject({
      dueAt: '2024-05-01T10:30:00.000Z',
      overdue: false,
    });
  });

  it.each<[string, Omit<RootCauseInput, 'declaredAt'>, string, string]>([
    ['open, not yet due', { severity: 'SEV1' }, '2024-05-01T10:10:00Z',
      'No root cause has been identified yet: SEV1 incidents escalate to the next tier when no root cause is identified within 30 minutes, so this incident escalates at 2024-05-01T10:30:00.000Z unless the root cause is found by then.'],
    ['open, overdue', { severity: 'SEV2' }, '2024-05-01T12:45:00Z',
      'No root cause has been identified 2 hours 45 minutes after declaration: SEV2 incidents escalate to the next tier when no root cause is identified within 2 hours, so escalation was due at 2024-05-01T12:00:00.000Z and is 45 minutes overdue.'],
    ['identified late', { severity: 'SEV1', rootCauseIdentifiedAt: '2024-05-01T10:31:00Z' }, '2024-05-01T11:00:00Z',
      'The root cause was identified 31 minutes after declaration, 1 minute late: SEV1 incidents escalate to the next tier when no root cause is identified within 30 minutes, so escalation was due at 2024-05-01T10:30:00.000Z.'],
    ['resolved late without a root cause', { severity: 'SEV2', resolvedAt: '2024-05-01T13:00:00Z' }, '2024-05-01T14:00:00Z',
      'The incident was resolved 3 hours after declaration without an identified root cause: SEV2 incidents escalate to the next tier when no root cause is identified within 2 hours, so escalation was due at 2024-05-01T12:00:00.000Z.'],
  ])('explains %s', (_name, input, now, reason) => {
    const result = checkRootCauseTimeout({ declaredAt, ...input }, now) as Extract<RootCauseCheck, { applies: true }>;
    expect(result.reason).toBe(reason);
  });

  it.each<[string, Partial<RootCauseInput>, string, RegExp]>([
    ['declaredAt in words', { declaredAt: 'yesterday' }, '2024-05-01T10:00:00Z', /^declaredAt must be an ISO-8601 timestamp/],
    ['rootCauseIdentifiedAt on 30 February', { rootCauseIdentifiedAt: '2024-02-30T10:00:00Z' }, '2024-05-01T10:00:00Z', /^rootCauseIdentifiedAt /],
    ['resolvedAt empty', { resolvedAt: '' }, '2024-05-01T10:00:00Z', /^resolvedAt /],
    ['now without a time', {}, '2024-05-01', /^now /],
    ['now without a zone', {}, '2024-05-01T10:00:00', /^now /],
    ['invalid timestamps throw even for SEV3', { severity: 'SEV3', declaredAt: '2024-05-01T25:00:00Z' }, '2024-05-01T10:00:00Z', /^declaredAt /],
  ])('throws for %s, naming the field', (_name, input, now, message) => {
    expect(() => checkRootCauseTimeout({ severity: 'SEV1', declaredAt, ...input }, now)).toThrow(message);
  });

  it.each([-1, NaN, Infinity])('refuses a timeout of %p', timeout => {
    expect(() => checkRootCauseTimeout({ severity: 'SEV1', declaredAt }, declaredAt, { SEV1: timeout })).toThrow(
      /^timeouts\.SEV1 must be a non-negative number of minutes/,
    );
  });
});

describe('parseIsoTimestamp', () => {
  it.each<[string, number]>([
    ['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00.123Z', Date.UTC(2024, 4, 1, 10, 0, 0, 123)],
    ['2024-05-01T10:00Z', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads %s', (value, ms) => {
    expect(parseIsoTimestamp(value, 'at')).toBe(ms);
  });

  it.each(['', 'now', '2024-05-01', '2024-05-01T10:00:00', '2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:60:00Z', 'May 1 2024 10:00 UTC'])(
    'refuses %p',
    value => {
      expect(() => parseIsoTimestamp(value, 'milestones.detectedAt')).toThrow(
        `milestones.detectedAt must be an ISO-8601 timestamp such as 2024-05-01T10:00:00Z, got ${JSON.stringify(value)}`,
      );
    },
  );
});

describe('formatMinutes', () => {
  it.each<[number, string]>([
    [0.2, 'less than a minute'],
    [1, '1 minute'],
    [30, '30 minutes'],
    [59.6, '1 hour'],
    [60, '1 hour'],
    [61, '1 hour 1 minute'],
    [120, '2 hours'],
    [165, '2 hours 45 minutes'],
  ])('%p → %s', (minutes, text) => {
    expect(formatMinutes(minutes)).toBe(text);
  });
});
