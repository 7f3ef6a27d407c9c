import { DEFAULT_REPUTATION_CONFIG, mergeReputationConfig, ReputationConfigOverrides } from './config';

describe('DEFAULT_REPUTATION_CONFIG', () => {
  it('carries the numbers of the product spec', () => {
    const { derivation, score, badge, workload, peerFeedback } = DEFAULT_REPUTATION_CONFIG;
    expect(score.metricClassWeights).toEqual({ High: 3, Medium: 2 });
    expect(score.severityWeights).toEqual({ SEV1: 4, SEV2: 3, SEV3: 2, SEV4: 1 });
    expect([score.halfLifeDays, score.priorStrength, score.incidentCapShare, score.burnoutPenaltyFactor, score.trendMonths]).toEqual([90, 3, 0.25, 0.5, 6]);
    expect([derivation.reopenWindowDays, derivation.reopenPenalty, derivation.repeatPenalty, derivation.noVerificationPenalty]).toEqual([7, 50, 40, 20]);
    expect([badge.minSev1or2Participations, badge.minPeerFeedbackAverage, badge.inactivityDays, badge.feedbackDropRevokes]).toEqual([5, 8, 90, 1]);
    expect([workload.maxPagesPerWeek, workload.maxSev1EngagementHours, workload.workdayStartHour, workload.workdayEndHour]).toEqual([5, 4, 8, 18]);
    expect([peerFeedback.minRaters, peerFeedback.incidentsPerWindow]).toEqual([3, 10]);
  });
});

describe('mergeReputationConfig', () => {
  it('returns the defaults without overrides', () => {
    expect(mergeReputationConfig(undefined)).toEqual(DEFAULT_REPUTATION_CONFIG);
  });

  it('merges each section one level deep', () => {
    const merged = mergeReputationConfig({ score: { halfLifeDays: 30 }, badge: { inactivityDays: 60 } });
    expect(merged.score).toEqual({ ...DEFAULT_REPUTATION_CONFIG.score, halfLifeDays: 30 });
    expect(merged.badge.inactivityDays).toBe(60);
    expect(merged.derivation).toEqual(DEFAULT_REPUTATION_CONFIG.derivation);
  });

  it.each<[string, ReputationConfigOverrides, RegExp]>([
    ['a negative severity weight', { score: { severityWeights: { SEV1: -1, SEV2: 3, SEV3: 2, SEV4: 1 } } }, /score\.severityWeights\.SEV1 must be a number of at least 0, got -1/],
    ['a half-life of 0', { score: { halfLifeDays: 0 } }, /score\.halfLifeDays must be more than 0/],
    ['a cap share of 0', { score: { incidentCapShare: 0 } }, /incidentCapShare must be more than 0 and at most 1/],
    ['a cap share above 1', { score: { incidentCapShare: 1.5 } }, /incidentCapShare must be more than 0 and at most 1/],
    ['a burnout factor above 1', { score: { burnoutPenaltyFactor: 2 } }, /burnoutPenaltyFactor must be from 0 to 1/],
    ['neutral above 100', { score: { neutralValue: 120 } }, /neutralValue must be from 0 to 100/],
    ['k of 1', { peerFeedback: { minRaters: 1 } }, /minRaters must be a whole number of at least 2/],
    ['zero-at multiple of 1', { derivation: { responseSpeedZeroAtMultiple: 1 } }, /responseSpeedZeroAtMultiple must be more than 1, got 1/],
    ['working hours backwards', { workload: { workdayStartHour: 18, workdayEndHour: 8 } }, /working hours must satisfy/],
    ['a workday 8', { workload: { workdays: [1, 8] } }, /workdays must be days 1 \(Monday\) to 7 \(Sunday\)/],
    ['an eligibility level 6', { levels: { eligibility: { ...DEFAULT_REPUTATION_CONFIG.levels.eligibility, SEV1: { ...DEFAULT_REPUTATION_CONFIG.levels.eligibility.SEV1, scribe: 6 } } } }, /levels\.eligibility\.SEV1\.scribe must be a level from 0 to 5/],
    ['NaN', { badge: { minResponseSpeed: NaN } }, /badge\.minResponseSpeed must be a number of at least 0, got NaN/],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => mergeReputationConfig(overrides)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => mergeReputationConfig({ score: { halfLifeDays: 0, incidentCapShare: 0 } })).toThrow(/halfLifeDays.*; .*incidentCapShare/);
  });
});
