import { DEFAULT_ASSIGNMENT_CONFIG, mergeAssignmentConfig } from './config';

describe('mergeAssignmentConfig', () => {
  it('returns the defaults without overrides', () => {
    expect(mergeAssignmentConfig(undefined)).toEqual(DEFAULT_ASSIGNMENT_CONFIG);
  });

  it('merges records one level deep and replaces plain values', () => {
    const merged = mergeAssignmentConfig({ weights: { expertise: 40 }, topN: 5, timeOfDay: { windowHours: 2 }, excludeBusy: false });
    expect(merged.weights).toEqual({ ...DEFAULT_ASSIGNMENT_CONFIG.weights, expertise: 40 });
    expect(merged.topN).toBe(5);
    expect(merged.timeOfDay).toEqual({ windowHours: 2, smoothing: 1 });
    expect(merged.excludeBusy).toBe(false);
    expect(DEFAULT_ASSIGNMENT_CONFIG.weights.expertise).toBe(25);
  });

  it.each<[string, Parameters<typeof mergeAssignmentConfig>[0], RegExp]>([
    ['negative weight', { weights: { ownership: -1 } }, /majorops\.assignment\.weights\.ownership must be a number of at least 0, got -1/],
    ['top N of zero', { topN: 0 }, /topN must be a whole number of at least 1/],
    ['fractional top N', { topN: 2.5 }, /topN must be a whole number/],
    ['half-life of zero', { halfLifeDays: 0 }, /halfLifeDays must be more than 0/],
    ['smoothing of zero', { timeOfDay: { smoothing: 0 } }, /timeOfDay\.smoothing must be more than 0/],
    ['window too wide', { timeOfDay: { windowHours: 84 } }, /timeOfDay\.windowHours must be a whole number from 0 to 83/],
    ['role factor above 1', { roleFactors: { scribe: 2 } }, /roleFactors\.scribe must be a number from 0 to 1/],
    ['neutral peer preference above 1', { peerPreferenceNeutral: 1.5 }, /peerPreferenceNeutral must be a number from 0 to 1/],
    ['excludeBusy not a boolean', { excludeBusy: 'yes' as unknown as boolean }, /excludeBusy must be true or false/],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => mergeAssignmentConfig(overrides)).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => mergeAssignmentConfig({ topN: 0, halfLifeDays: -1 })).toThrow(/topN.*; .*halfLifeDays/);
  });
});
