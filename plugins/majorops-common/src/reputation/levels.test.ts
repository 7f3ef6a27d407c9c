import type { IncidentRole } from '../roles';
import type { Severity } from '../severity';
import { DEFAULT_REPUTATION_CONFIG } from './config';
import { activeSuspension, computeLevel, eligibleFor, LevelIncident, LevelInput, ReputationLevel, Suspension, TrainingRecord } from './levels';

const NOW = '2026-11-20T12:00:00.000Z';
const basic: TrainingRecord = { kind: 'basic-training', issuer: 'MajorOps Academy', completedAt: '2026-01-10T09:00:00Z' };
const command: TrainingRecord = { kind: 'incident-command', issuer: 'MajorOps Academy', completedAt: '2026-03-10T09:00:00Z', expiresAt: '2027-03-10T09:00:00Z' };
const mim: TrainingRecord = { kind: 'certified-mim', issuer: 'MajorOps Academy', completedAt: '2026-06-10T09:00:00Z', expiresAt: '2027-06-10T09:00:00Z' };

/** `n` incidents of a severity with the given roles, ids prefixed to keep them distinct. */
const many = (prefix: string, n: number, severity: Severity, roles: IncidentRole[] = ['scribe']): LevelIncident[] =>
  Array.from({ length: n }, (_, i) => ({ incidentId: `${prefix}-${i}`, severity, roles }));

/** Exactly enough for level 5 with the defaults. */
const level5: LevelInput = {
  incidents: [...many('ic', 5, 'SEV1', ['incident-commander']), ...many('low', 15, 'SEV3')],
  score: 750,
  trainings: [basic, command, mim],
};

describe('computeLevel', () => {
  it.each<[string, LevelInput, ReputationLevel]>([
    ['nothing at all', { incidents: [], score: 900, trainings: [] }, 0],
    ['basic training only', { incidents: [], score: 0, trainings: [basic] }, 1],
    ['basic training completed after now does not count', { incidents: [], score: 0, trainings: [{ ...basic, completedAt: '2026-12-01T00:00:00Z' }] }, 0],
    ['basic training expired exactly now', { incidents: [], score: 0, trainings: [{ ...basic, expiresAt: NOW }] }, 0],
    ['basic training expiring 1 ms after now', { incidents: [], score: 0, trainings: [{ ...basic, expiresAt: '2026-11-20T12:00:00.001Z' }] }, 1],
    ['3 incidents and 400', { incidents: many('a', 3, 'SEV4'), score: 400, trainings: [basic] }, 2],
    ['3 incidents and 399', { incidents: many('a', 3, 'SEV4'), score: 399, trainings: [basic] }, 1],
    ['2 incidents and 400', { incidents: many('a', 2, 'SEV4'), score: 400, trainings: [basic] }, 1],
    ['the same incident twice counts once', { incidents: [...many('a', 2, 'SEV4'), ...many('a', 1, 'SEV4', ['technical-lead'])], score: 400, trainings: [basic] }, 1],
    ['no training: history alone is not enough', { incidents: many('a', 30, 'SEV1', ['incident-commander']), score: 1000, trainings: [] }, 0],
    ['10 incidents, 3 SEV1/2, 550', { incidents: [...many('a', 7, 'SEV3'), ...many('b', 3, 'SEV2')], score: 550, trainings: [basic] }, 3],
    ['10 incidents, 2 SEV1/2, 550', { incidents: [...many('a', 8, 'SEV3'), ...many('b', 2, 'SEV2')], score: 550, trainings: [basic] }, 2],
    ['level 4 needs incident-command training', { incidents: [...many('a', 17, 'SEV3'), ...many('b', 3, 'SEV1', ['communications-lead'])], score: 650, trainings: [basic] }, 3],
    ['level 4 with it', { incidents: [...many('a', 17, 'SEV3'), ...many('b', 3, 'SEV1', ['communications-lead'])], score: 650, trainings: [basic, command] }, 4],
    ['level 4: commanding SEV3s does not count', { incidents: [...many('a', 17, 'SEV3', ['incident-commander']), ...many('b', 3, 'SEV2', ['scribe'])], score: 650, trainings: [basic, command] }, 3],
    ['level 5 exactly', level5, 5],
    ['level 5 with a score of 749', { ...level5, score: 749 }, 4],
    ['level 5 with 4 SEV1 commands', { ...level5, incidents: [...many('ic', 4, 'SEV1', ['incident-commander']), ...many('low', 16, 'SEV3')] }, 4],
    ['level 5 with the MIM certification expired', { ...level5, trainings: [basic, command, { ...mim, expiresAt: '2026-11-01T00:00:00Z' }] }, 4],
    ['level 5 with an expired and a renewed certification', { ...level5, trainings: [basic, command, { ...mim, expiresAt: '2026-11-01T00:00:00Z' }, { ...mim, completedAt: '2026-10-30T00:00:00Z' }] }, 5],
    ['levels are cumulative: level 5 facts without level 4 training stop at 3', { ...level5, trainings: [basic, mim] }, 3],
  ])('%s -> level %s', (_case, input, level) => {
    expect(computeLevel(input, NOW).level).toBe(level);
  });

  it('gives the reasons met and what the next level needs', () => {
    const result = computeLevel({ incidents: [...many('a', 8, 'SEV3'), ...many('b', 1, 'SEV1')], score: 560, trainings: [basic] }, NOW);
    expect(result).toMatchObject({ level: 2, name: 'Responder', suspended: false });
    expect(result.met).toEqual([
      'Has basic training from MajorOps Academy (completed 2026-01-10).',
      'Incidents with a role: 9 (needs 3).',
      'Score 560 (needs 400).',
    ]);
    expect(result.next).toEqual({
      level: 3,
      name: 'Senior Responder',
      missing: ['Incidents with a role: needs 10, has 9 (1 more).', 'SEV1 or SEV2 incidents: needs 3, has 1 (2 more).'],
    });
  });

  it('says when a training expired', () => {
    const result = computeLevel({ ...level5, trainings: [basic, command, { ...mim, expiresAt: '2026-11-01T00:00:00Z' }] }, NOW);
    expect(result.next?.missing).toEqual(['Renew certified-MIM certification: it expired on 2026-11-01.']);
  });

  it('has no next level at 5', () => {
    expect(computeLevel(level5, NOW).next).toBeUndefined();
  });

  it.each<[string, string[] | undefined, ReputationLevel]>([
    ['any issuer by default', undefined, 5],
    ['the issuer is accepted', ['MajorOps Academy'], 5],
    ['the issuer is not accepted', ['Other Institute'], 4],
  ])('certification issuers: %s', (_case, issuers, level) => {
    const config = { ...DEFAULT_REPUTATION_CONFIG.levels, acceptedIssuers: issuers ? { 'certified-mim': issuers } : {} };
    expect(computeLevel(level5, NOW, config).level).toBe(level);
  });

  it('uses configured thresholds', () => {
    const config = {
      ...DEFAULT_REPUTATION_CONFIG.levels,
      requirements: { ...DEFAULT_REPUTATION_CONFIG.levels.requirements, 2: { ...DEFAULT_REPUTATION_CONFIG.levels.requirements[2], minIncidents: 1, minScore: 0 } },
    };
    expect(computeLevel({ incidents: many('a', 1, 'SEV4'), score: 0, trainings: [basic] }, NOW, config).level).toBe(2);
  });
});

describe('suspension', () => {
  const suspension: Suspension = {
    reason: 'Abandoned a recovery track without release from the MIM',
    setBy: 'user:default/lead',
    setAt: '2026-11-01T00:00:00Z',
    reviewAt: '2026-12-01T00:00:00Z',
  };
  it.each<[string, Suspension[], boolean]>([
    ['active', [suspension], true],
    ['set after now', [{ ...suspension, setAt: '2026-11-21T00:00:00Z' }], false],
    ['set exactly now', [{ ...suspension, setAt: NOW }], true],
    ['lifted before now', [{ ...suspension, liftedAt: '2026-11-10T00:00:00Z' }], false],
    ['lifted exactly now', [{ ...suspension, liftedAt: NOW }], false],
    ['lifted after now', [{ ...suspension, liftedAt: '2026-11-25T00:00:00Z' }], true],
    ['none', [], false],
  ])('%s -> suspended %s', (_case, suspensions, suspended) => {
    const result = computeLevel({ ...level5, suspensions }, NOW);
    expect(result.suspended).toBe(suspended);
    expect(result.name).toBe(suspended ? 'Suspended' : 'Certified MIM');
    expect(result.level).toBe(5);
    expect(eligibleFor(result, 'SEV4', 'scribe').eligible).toBe(!suspended);
  });

  it('flags an overdue review and explains the suspension', () => {
    const result = computeLevel({ ...level5, suspensions: [suspension] }, '2026-12-02T00:00:00Z');
    expect(result.suspension?.reviewOverdue).toBe(true);
    expect(result.description).toBe(
      'Temporary revocation pending retraining review. Suspended by user:default/lead: Abandoned a recovery track without release from the MIM',
    );
    expect(computeLevel({ ...level5, suspensions: [suspension] }, NOW).suspension?.reviewOverdue).toBe(false);
  });

  it('picks the latest active suspension', () => {
    const later = { ...suspension, setAt: '2026-11-05T00:00:00Z', reason: 'second' };
    expect(activeSuspension([suspension, later], NOW)?.reason).toBe('second');
  });
});

describe('eligibleFor', () => {
  it.each<[Severity, IncidentRole, number, boolean]>([
    ['SEV1', 'incident-commander', 5, true],
    ['SEV1', 'incident-commander', 4, false],
    ['SEV1', 'communications-lead', 4, true],
    ['SEV1', 'operations-chief', 3, false],
    ['SEV1', 'scribe', 3, true],
    ['SEV2', 'incident-commander', 4, true],
    ['SEV2', 'incident-commander', 3, false],
    ['SEV2', 'technical-lead', 3, true],
    ['SEV2', 'scribe', 1, false],
    ['SEV3', 'incident-commander', 2, true],
    ['SEV3', 'incident-commander', 1, false],
    ['SEV3', 'scribe', 1, true],
    ['SEV4', 'technical-lead', 2, true],
    ['SEV4', 'technical-lead', 0, false],
  ])('%s %s at level %s: %s', (severity, role, level, eligible) => {
    expect(eligibleFor({ level: level as ReputationLevel, suspended: false }, severity, role).eligible).toBe(eligible);
  });

  it('explains the requirement', () => {
    expect(eligibleFor({ level: 4, suspended: false }, 'SEV1', 'incident-commander')).toEqual({
      eligible: false,
      requiredLevel: 5,
      reason: 'Incident Commander on a SEV1 needs level 5 (Certified MIM); this responder is level 4.',
    });
  });

  it('follows configured eligibility', () => {
    const config = {
      ...DEFAULT_REPUTATION_CONFIG.levels,
      eligibility: { ...DEFAULT_REPUTATION_CONFIG.levels.eligibility, SEV1: { ...DEFAULT_REPUTATION_CONFIG.levels.eligibility.SEV1, 'incident-commander': 4 } },
    };
    expect(eligibleFor({ level: 4, suspended: false }, 'SEV1', 'incident-commander', config).eligible).toBe(true);
  });

  it('refuses everyone suspended', () => {
    expect(eligibleFor({ level: 5, suspended: true }, 'SEV4', 'scribe')).toMatchObject({ eligible: false, reason: expect.stringMatching(/^Suspended/) });
  });
});
