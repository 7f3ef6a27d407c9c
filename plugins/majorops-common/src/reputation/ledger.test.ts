import {
  clampMetricValue,
  compareLedgerEvents,
  METRIC_WEIGHT_CLASSES,
  REPUTATION_METRICS,
  ReputationMetric,
} from './ledger';
import { ledgerEvent } from './testUtils';

describe('REPUTATION_METRICS', () => {
  it.each<[ReputationMetric, 'High' | 'Medium']>([
    ['responseSpeed', 'High'],
    ['resolutionQuality', 'High'],
    ['communicationQuality', 'Medium'],
    ['knowledgeContribution', 'Medium'],
    ['peerFeedback', 'High'],
    ['escalationQuality', 'Medium'],
  ])('%s has the seed weight %s', (metric, weightClass) => {
    expect(REPUTATION_METRICS).toContain(metric);
    expect(METRIC_WEIGHT_CLASSES[metric]).toBe(weightClass);
  });

  it('has exactly the six metrics of the seed', () => {
    expect(REPUTATION_METRICS).toHaveLength(6);
  });
});

describe('clampMetricValue', () => {
  it.each([
    [-1, 0],
    [0, 0],
    [33.333, 33.3],
    [99.96, 100],
    [100, 100],
    [150, 100],
    [NaN, 0],
    [Infinity, 0],
  ])('%s -> %s', (input, expected) => {
    expect(clampMetricValue(input)).toBe(expected);
  });
});

describe('compareLedgerEvents', () => {
  it('orders by time, then metric, incident, source and reason, whatever the input order', () => {
    const a = ledgerEvent({ occurredAt: '2026-01-01T00:00:00Z', metric: 'escalationQuality' });
    const b = ledgerEvent({ occurredAt: '2026-01-01T00:00:00Z', metric: 'responseSpeed', incidentId: 'inc-1' });
    const c = ledgerEvent({ occurredAt: '2026-01-01T00:00:00Z', metric: 'responseSpeed', incidentId: 'inc-2' });
    const d = ledgerEvent({ occurredAt: '2025-12-31T23:59:59Z', metric: 'responseSpeed' });
    const e = ledgerEvent({ occurredAt: '2026-01-01T01:00:00+01:00', metric: 'responseSpeed', incidentId: 'inc-2', reason: 'z' });
    expect([c, a, e, b, d].sort(compareLedgerEvents)).toEqual([d, a, b, c, e]);
    expect([e, d, c, b, a].sort(compareLedgerEvents)).toEqual([d, a, b, c, e]);
  });
});
