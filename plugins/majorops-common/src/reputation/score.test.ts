import { DEFAULT_REPUTATION_CONFIG, ScoreConfig } from './config';
import type { LedgerEvent, ReputationMetric } from './ledger';
import { BurnoutPeriod, computeReputation } from './score';
import { ADA, BO, DAY, ledgerEvent, plus } from './testUtils';

const NOW = '2026-11-20T12:00:00.000Z';
const defaults = DEFAULT_REPUTATION_CONFIG.score;
/** Plain weighted average: no neutral evidence, no cap. */
const plain: ScoreConfig = { ...defaults, priorStrength: 0, incidentCapShare: 1 };

const metricValue = (events: LedgerEvent[], metric: ReputationMetric = 'responseSpeed', config: ScoreConfig = defaults, burnout: BurnoutPeriod[] = []) =>
  computeReputation(events, NOW, config, burnout).metrics[metric].value;

/** `n` SEV3 incidents (inc-1 … inc-n) with the same value, at NOW. */
const incidents = (n: number, value: number, overrides: Partial<LedgerEvent> = {}) =>
  Array.from({ length: n }, (_, i) => ledgerEvent({ occurredAt: NOW, incidentId: `inc-${i + 1}`, value, ...overrides }));

describe('computeReputation: neutral start', () => {
  it('puts someone without events at 50 in every metric and 500 overall', () => {
    const result = computeReputation([], NOW);
    expect(result.score).toBe(500);
    for (const metric of Object.values(result.metrics)) {
      expect(metric.value).toBe(50);
      expect(metric.eventCount).toBe(0);
      expect(metric.explanation).toMatch(/no events yet, so it sits at the neutral 50/);
    }
  });
});

describe('computeReputation: shrinkage toward neutral', () => {
  it.each<[string, LedgerEvent[], ScoreConfig, number]>([
    // prior 3 at 50; SEV3 weight 2; cap off to see shrinkage alone
    ['one SEV3 at 100', incidents(1, 100), { ...defaults, incidentCapShare: 1 }, 70],
    ['three SEV3 at 100', incidents(3, 100), { ...defaults, incidentCapShare: 1 }, 83.3],
    ['ten SEV3 at 100', incidents(10, 100), { ...defaults, incidentCapShare: 1 }, 93.5],
    ['three SEV3 at 0', incidents(3, 0), { ...defaults, incidentCapShare: 1 }, 16.7],
    ['no prior: the plain average', incidents(1, 100), plain, 100],
    ['prior 6', incidents(3, 100), { ...defaults, incidentCapShare: 1, priorStrength: 6 }, 75],
    ['neutral 60', [], { ...defaults, neutralValue: 60 }, 60],
  ])('%s -> %s', (_case, events, config, value) => {
    expect(metricValue(events, 'responseSpeed', config)).toBe(value);
  });
});

describe('computeReputation: severity weights', () => {
  it.each<[string, LedgerEvent[], number]>([
    ['SEV1 at 0, SEV4 at 100', [ledgerEvent({ occurredAt: NOW, incidentId: 'a', severity: 'SEV1', value: 0 }), ledgerEvent({ occurredAt: NOW, incidentId: 'b', severity: 'SEV4', value: 100 })], 20],
    ['SEV1 at 100, SEV4 at 0', [ledgerEvent({ occurredAt: NOW, incidentId: 'a', severity: 'SEV1', value: 100 }), ledgerEvent({ occurredAt: NOW, incidentId: 'b', severity: 'SEV4', value: 0 })], 80],
    ['SEV2 at 100, SEV3 at 0', [ledgerEvent({ occurredAt: NOW, incidentId: 'a', severity: 'SEV2', value: 100 }), ledgerEvent({ occurredAt: NOW, incidentId: 'b', severity: 'SEV3', value: 0 })], 60],
    ['no incident counts 1: beside a SEV3', [ledgerEvent({ occurredAt: NOW, incidentId: undefined, severity: undefined, value: 100 }), ledgerEvent({ occurredAt: NOW, incidentId: 'b', severity: 'SEV3', value: 0 })], 33.3],
    ['own weight multiplies', [ledgerEvent({ occurredAt: NOW, incidentId: undefined, severity: undefined, value: 100, weight: 2 }), ledgerEvent({ occurredAt: NOW, incidentId: 'b', severity: 'SEV3', value: 0 })], 50],
  ])('%s -> %s', (_case, events, value) => {
    expect(metricValue(events, 'responseSpeed', plain)).toBe(value);
  });
});

describe('computeReputation: recency', () => {
  const recent = ledgerEvent({ occurredAt: NOW, incidentId: 'new', value: 100 });
  it.each<[string, number, number, number]>([
    // an old 0 beside a fresh 100, both SEV3
    ['same day', 0, 90, 50],
    ['one half-life ago', 90, 90, 66.7],
    ['two half-lives ago', 180, 90, 80],
    ['a 30-day half-life, 90 days ago', 90, 30, 88.9],
  ])('old bad incident %s', (_case, daysAgo, halfLifeDays, value) => {
    const old = ledgerEvent({ occurredAt: plus(NOW, -daysAgo * DAY), incidentId: 'old', value: 0 });
    expect(metricValue([old, recent], 'responseSpeed', { ...plain, halfLifeDays })).toBe(value);
  });

  it('lets a pattern count and one bad incident fade', () => {
    const pattern = Array.from({ length: 6 }, (_, i) => ledgerEvent({ occurredAt: plus(NOW, -i * 10 * DAY), incidentId: `p${i}`, value: 20 }));
    const oneBad = [ledgerEvent({ occurredAt: plus(NOW, -200 * DAY), incidentId: 'bad', severity: 'SEV1', value: 0 }), ...incidents(8, 90)];
    expect(metricValue(pattern)).toBeLessThan(35);
    expect(metricValue(oneBad)).toBeGreaterThan(75);
  });

  it('ignores events after now', () => {
    expect(metricValue([ledgerEvent({ occurredAt: plus(NOW, 1), value: 0 })])).toBe(50);
    expect(metricValue([ledgerEvent({ occurredAt: NOW, value: 0 })])).toBeLessThan(50);
  });
});

describe('computeReputation: one incident is capped', () => {
  it.each<[string, LedgerEvent[], ScoreConfig, number]>([
    ['a single SEV1 at 0 moves a newcomer at most 25% of the way down', [ledgerEvent({ occurredAt: NOW, severity: 'SEV1', value: 0 })], defaults, 37.5],
    ['a single SEV1 at 100 moves a newcomer at most 25% of the way up', [ledgerEvent({ occurredAt: NOW, severity: 'SEV1', value: 100 })], defaults, 62.5],
    ['the cap is per incident, not per event', [ledgerEvent({ occurredAt: NOW, severity: 'SEV1', value: 100 }), ledgerEvent({ occurredAt: NOW, severity: 'SEV1', value: 100, reason: 'again' })], defaults, 62.5],
    ['without the cap', [ledgerEvent({ occurredAt: NOW, severity: 'SEV1', value: 0 })], { ...defaults, incidentCapShare: 1 }, 21.4],
    ['a SEV1 among ten SEV3s is under 25%: untouched', [...incidents(10, 100), ledgerEvent({ occurredAt: NOW, incidentId: 'big', severity: 'SEV1', value: 0 })], defaults, 79.6],
    ['the same with a 10% cap: cut to 10%', [...incidents(10, 100), ledgerEvent({ occurredAt: NOW, incidentId: 'big', severity: 'SEV1', value: 0 })], { ...defaults, incidentCapShare: 0.1 }, 84.1],
  ])('%s', (_case, events, config, value) => {
    expect(metricValue(events, 'responseSpeed', config)).toBe(value);
  });

  it('says which incident was capped and by how much it still counts', () => {
    const result = computeReputation([ledgerEvent({ occurredAt: NOW, incidentId: 'inc-7', severity: 'SEV1', value: 0 })], NOW);
    const metric = result.metrics.responseSpeed;
    expect(metric.contributions[0].effectiveWeight).toBeCloseTo(1);
    expect(metric.contributions[0].share).toBeCloseTo(0.25);
    expect(metric.contributions[0].notes).toEqual(["incident inc-7 capped at 25% of the metric's weight"]);
    expect(metric.explanation).toMatch(/1 incident was capped at 25% of the weight/);
  });
});

describe('computeReputation: external causes never lower a score', () => {
  const internal = incidents(3, 80); // 70 on its own
  const external = (value: number, incidentId = 'ext') =>
    ledgerEvent({ occurredAt: NOW, incidentId, value, externalCause: true });
  it.each<[string, LedgerEvent[], number]>([
    ['internal only', internal, 70],
    ['external at 0: left out', [...internal, external(0)], 70],
    ['external at 60, below 70: left out', [...internal, external(60)], 70],
    ['external at 100: used', [...internal, external(100)], 75.5],
    ['external alone at 40: left out, neutral stays', [external(40)], 50],
    ['external alone at 100: used (capped)', [external(100)], 62.5],
    ['the same low value not external: counts', [...internal, ledgerEvent({ occurredAt: NOW, incidentId: 'ext', value: 0 })], 57.3],
  ])('%s -> %s', (_case, events, value) => {
    expect(metricValue(events)).toBe(value);
  });

  it('never lowers the overall score, whatever the external events say', () => {
    const base = [...internal, ...incidents(2, 90, { metric: 'communicationQuality' })];
    const without = computeReputation(base, NOW).score;
    for (const value of [0, 20, 50, 70, 85, 100]) {
      const withExternal = computeReputation(
        [...base, external(value, 'x1'), { ...external(value, 'x1'), metric: 'communicationQuality' }, { ...external(value / 2, 'x2'), severity: 'SEV1' }],
        NOW,
      ).score;
      expect(withExternal).toBeGreaterThanOrEqual(without);
    }
  });

  it('explains what was left out', () => {
    const metric = computeReputation([...internal, external(0)], NOW).metrics.responseSpeed;
    expect(metric.eventCount).toBe(3);
    expect(metric.explanation).toMatch(/1 event of externally caused incidents left out because they would have lowered it/);
  });
});

describe('computeReputation: burnout damping', () => {
  const period: BurnoutPeriod = { from: plus(NOW, -7 * DAY), to: plus(NOW, -1 * DAY) };
  const inside = plus(NOW, -3 * DAY);
  it.each<[string, Partial<LedgerEvent>, BurnoutPeriod[], ScoreConfig, number]>([
    ['slow response inside a flagged week: shortfall halved', { occurredAt: inside, value: 40 }, [period], plain, 70],
    ['same outside any period', { occurredAt: inside, value: 40 }, [], plain, 40],
    ['at the start of the period: inside', { occurredAt: period.from, value: 40 }, [period], plain, 70],
    ['at the end of the period: outside', { occurredAt: period.to, value: 40 }, [period], plain, 40],
    ['a full 100 stays 100', { occurredAt: inside, value: 100 }, [period], plain, 100],
    ['factor 0: forgiven entirely', { occurredAt: inside, value: 40 }, [period], { ...plain, burnoutPenaltyFactor: 0 }, 100],
    ["someone else's period does not apply", { occurredAt: inside, value: 40 }, [{ ...period, userRef: BO }], plain, 40],
    ['their own period applies', { occurredAt: inside, value: 40 }, [{ ...period, userRef: ADA }], plain, 70],
  ])('%s', (_case, overrides, periods, config, value) => {
    expect(metricValue([ledgerEvent({ occurredAt: NOW, ...overrides })], 'responseSpeed', config, periods)).toBe(value);
  });

  it('damps only response speed', () => {
    const event = ledgerEvent({ occurredAt: inside, value: 40, metric: 'communicationQuality' });
    expect(metricValue([event], 'communicationQuality', plain, [period])).toBe(40);
  });

  it('notes the damping on the event and in the explanation', () => {
    const metric = computeReputation([ledgerEvent({ occurredAt: inside, value: 40 })], NOW, plain, [period]).metrics.responseSpeed;
    expect(metric.contributions[0].value).toBe(70);
    expect(metric.contributions[0].notes).toEqual(['inside a flagged burnout period: the shortfall counts ×0.5 (40 → 70)']);
    expect(metric.explanation).toMatch(/1 event was inside a flagged burnout period, so only 50% of the shortfall counted/);
  });
});

describe('computeReputation: the score', () => {
  it.each<[string, Array<[ReputationMetric, number]>, number]>([
    ['all neutral', [], 500],
    ['response speed (High) at 100', [['responseSpeed', 100]], 600],
    ['peer feedback (High) at 0', [['peerFeedback', 0]], 400],
    ['communication (Medium) at 100', [['communicationQuality', 100]], 567],
    ['escalation (Medium) at 0', [['escalationQuality', 0]], 433],
    ['everything at 100', [['responseSpeed', 100], ['resolutionQuality', 100], ['communicationQuality', 100], ['knowledgeContribution', 100], ['peerFeedback', 100], ['escalationQuality', 100]], 1000],
    ['everything at 0', [['responseSpeed', 0], ['resolutionQuality', 0], ['communicationQuality', 0], ['knowledgeContribution', 0], ['peerFeedback', 0], ['escalationQuality', 0]], 0],
  ])('%s -> %s', (_case, values, score) => {
    const events = values.map(([metric, value]) => ledgerEvent({ occurredAt: NOW, metric, value }));
    expect(computeReputation(events, NOW, plain).score).toBe(score);
  });

  it('uses configured class weights', () => {
    const events = [ledgerEvent({ occurredAt: NOW, metric: 'responseSpeed', value: 100 })];
    expect(computeReputation(events, NOW, { ...plain, metricClassWeights: { High: 1, Medium: 1 } }).score).toBe(583);
  });

  it('does not depend on the order of the events', () => {
    const events = [
      ...incidents(5, 70),
      ...incidents(3, 30, { metric: 'communicationQuality' }),
      ledgerEvent({ occurredAt: plus(NOW, -40 * DAY), incidentId: 'x', severity: 'SEV1', value: 10 }),
      ledgerEvent({ occurredAt: plus(NOW, -10 * DAY), incidentId: undefined, severity: undefined, metric: 'knowledgeContribution', weight: 2 }),
    ];
    const forward = computeReputation(events, NOW);
    const backward = computeReputation([...events].reverse(), NOW);
    expect(backward).toEqual(forward);
  });

  it("refuses a mix of people's events", () => {
    expect(() => computeReputation([ledgerEvent({ occurredAt: NOW }), ledgerEvent({ occurredAt: NOW, userRef: BO })], NOW)).toThrow(
      /one person, got user:default\/ada, user:default\/bo/,
    );
  });

  it('refuses an unreadable time', () => {
    expect(() => computeReputation([ledgerEvent({ occurredAt: 'soon' })], NOW)).toThrow(/events\[0\]\.occurredAt/);
    expect(() => computeReputation([], '2026-11-20')).toThrow(/now must be an ISO-8601 timestamp/);
  });

  it('lists the heaviest events first, at most topContributions', () => {
    const events = [
      ...incidents(6, 70),
      ledgerEvent({ occurredAt: NOW, incidentId: 'sev1', severity: 'SEV1', value: 10 }),
    ];
    const metric = computeReputation(events, NOW).metrics.responseSpeed;
    expect(metric.contributions).toHaveLength(5);
    expect(metric.contributions[0].event.incidentId).toBe('sev1');
    expect(metric.eventCount).toBe(7);
  });
});

describe('computeReputation: trend', () => {
  it('gives the last 6 months, oldest first, each from the events up to its end', () => {
    const events = [ledgerEvent({ occurredAt: '2026-09-30T23:59:59.999Z', value: 100 })];
    const trend = computeReputation(events, NOW).trend;
    expect(trend.map(p => p.month)).toEqual(['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']);
    expect(trend.map(p => p.asOf)).toEqual([
      '2026-06-30T23:59:59.999Z',
      '2026-07-31T23:59:59.999Z',
      '2026-08-31T23:59:59.999Z',
      '2026-09-30T23:59:59.999Z',
      '2026-10-31T23:59:59.999Z',
      NOW,
    ]);
    expect(trend.slice(0, 3).map(p => p.score)).toEqual([500, 500, 500]);
    expect(trend[3].score).toBeGreaterThan(500);
    expect(trend[5].score).toBe(computeReputation(events, NOW).score);
  });

  it('leaves an event of the first instant of a month out of the month before', () => {
    const trend = computeReputation([ledgerEvent({ occurredAt: '2026-10-01T00:00:00.000Z', value: 100 })], NOW).trend;
    expect(trend[3].score).toBe(500);
    expect(trend[4].score).toBeGreaterThan(500);
  });

  it('crosses the year', () => {
    const trend = computeReputation([], '2026-02-10T00:00:00Z', { ...defaults, trendMonths: 3 }).trend;
    expect(trend.map(p => p.month)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});
