import { DEFAULT_REPEAT_WINDOW_DAYS } from '../postmortems';
import type { IncidentRole } from '../roles';
import type { Severity } from '../severity';
import type { MetricWeightClass } from './ledger';

/**
 * Every number of the reputation model, with the defaults the product ships.
 * An operator may override any of them in app-config (`majorops.reputation`);
 * `mergeReputationConfig` checks the overrides.
 */

/** How ledger events are derived from incident facts. */
export interface DerivationConfig {
  /** responseSpeed is 100 at or under the severity's response time and 0 at this multiple of it. */
  responseSpeedZeroAtMultiple: number;
  /** A reopen this many days after resolution or sooner costs `reopenPenalty`. */
  reopenWindowDays: number;
  reopenPenalty: number;
  /** A repeat of the same failure mode linked within this many days of resolution costs `repeatPenalty`. */
  repeatWindowDays: number;
  repeatPenalty: number;
  /** Resolved without passing through monitoring (no verification). */
  noVerificationPenalty: number;
  /** communicationQuality = cadenceShareWeight × share of windows met + canShareWeight × share of CAN-complete updates. */
  cadenceShareWeight: number;
  canShareWeight: number;
  /** escalationQuality values. */
  escalationInWindowValue: number;
  escalationLateValue: number;
  escalationReflexiveValue: number;
  /** An escalation without a trigger this many minutes after declaration or sooner is reflexive. */
  reflexiveWithinMinutes: number;
  /**
   * An escalation without a trigger later than that is the person's own
   * judgement call: neither rewarded like a well-timed one nor marked
   * reflexive. The seed does not name this case; this is the product's choice.
   */
  escalationUnpromptedValue: number;
  /**
   * A holder mentors a shadow of their role once the two have spent at least
   * this many minutes together on one incident (see `mentoringCredits`).
   */
  mentoringMinMinutes: number;
  /** Weight of each kind of peacetime contribution (value is always 100). */
  knowledgeWeights: Record<KnowledgeContributionKind, number>;
  /** A peer feedback aggregate covers a block of incidents; its event counts this much. */
  peerFeedbackEventWeight: number;
}

/** The kinds of peacetime work that count as knowledge contribution. */
export const KNOWLEDGE_CONTRIBUTION_KINDS = [
  'runbook-revision',
  'drill',
  'postmortem-authored',
  'postmortem-facilitated',
  'action-item',
  'mentoring',
] as const;

export type KnowledgeContributionKind = (typeof KNOWLEDGE_CONTRIBUTION_KINDS)[number];

/** How ledger events are combined into metrics and a score. */
export interface ScoreConfig {
  metricClassWeights: Record<MetricWeightClass, number>;
  severityWeights: Record<Severity, number>;
  /** Weight of an event without an incident (before its own weight). */
  nonIncidentWeight: number;
  /** An event's weight halves every this many days. */
  halfLifeDays: number;
  /** Where a metric sits with no evidence. */
  neutralValue: number;
  /** Evidence worth this much weight, at the neutral value, is added to every metric. */
  priorStrength: number;
  /** One incident carries at most this share of a metric's total weight (prior included). 1 = no cap. */
  incidentCapShare: number;
  /** Inside a flagged burnout period a response-speed shortfall counts this much (0.5 = halved). */
  burnoutPenaltyFactor: number;
  /** How many months the trend covers. */
  trendMonths: number;
  /** How many events each metric lists as its main contributions. */
  topContributions: number;
}

/** Training and certification kinds the levels look at. */
export const TRAINING_KINDS = ['basic-training', 'incident-command', 'certified-mim'] as const;
export type TrainingKind = (typeof TRAINING_KINDS)[number];

/** What one level demands, on top of everything the level below demands. */
export interface LevelRequirement {
  /** Distinct incidents the person held a role on. */
  minIncidents: number;
  /** Of those, SEV1 or SEV2. */
  minSev1or2Incidents: number;
  /** SEV1/SEV2 incidents on which the person was incident commander or communications lead. */
  minSev1or2CommandOrComms: number;
  /** SEV1/SEV2 incidents on which the person was incident commander. */
  minSev1or2Commander: number;
  minScore: number;
  /** Trainings that must be valid (completed, not expired) at the moment of evaluation. */
  trainings: TrainingKind[];
}

export interface LevelConfig {
  requirements: Record<1 | 2 | 3 | 4 | 5, LevelRequirement>;
  /** When set for a kind, only these issuers count for it. */
  acceptedIssuers: Partial<Record<TrainingKind, string[]>>;
  /** Lowest level allowed to take each role at each severity. */
  eligibility: Record<Severity, Record<IncidentRole, number>>;
}

export interface BadgeConfig {
  minSev1or2Participations: number;
  participationWindowDays: number;
  minPeerFeedbackAverage: number;
  minResponseSpeed: number;
  minCommunicationQuality: number;
  minKnowledgeContributions: number;
  knowledgeWindowDays: number;
  /** No incident for this many days revokes the badge. */
  inactivityDays: number;
  /** A drop of this much against the previous feedback window revokes the badge. */
  feedbackDropRevokes: number;
}

export interface WorkloadConfig {
  /** More pages than this in one week flags the week. */
  maxPagesPerWeek: number;
  /** A SEV1 engagement longer than this many hours flags the week(s) it spans. */
  maxSev1EngagementHours: number;
  /** Working hours, local time: [start, end) in hours, and working days (1 = Monday … 7 = Sunday). */
  workdayStartHour: number;
  workdayEndHour: number;
  workdays: number[];
}

export interface PeerFeedbackConfig {
  /** Fewest distinct raters before an aggregate is shown. */
  minRaters: number;
  /** Incidents per fixed feedback window. */
  incidentsPerWindow: number;
  /** A SEV2 lasting at least this long is significant enough for a survey. */
  significantSev2Minutes: number;
  /** A customer-reported SEV2 is significant. */
  customerReportedSev2IsSignificant: boolean;
}

export interface ReputationConfig {
  derivation: DerivationConfig;
  score: ScoreConfig;
  levels: LevelConfig;
  badge: BadgeConfig;
  workload: WorkloadConfig;
  peerFeedback: PeerFeedbackConfig;
}

export const DEFAULT_REPUTATION_CONFIG: ReputationConfig = {
  derivation: {
    responseSpeedZeroAtMultiple: 4,
    reopenWindowDays: 7,
    reopenPenalty: 50,
    repeatWindowDays: DEFAULT_REPEAT_WINDOW_DAYS,
    repeatPenalty: 40,
    noVerificationPenalty: 20,
    cadenceShareWeight: 70,
    canShareWeight: 30,
    escalationInWindowValue: 100,
    escalationLateValue: 40,
    escalationReflexiveValue: 60,
    reflexiveWithinMinutes: 5,
    escalationUnpromptedValue: 70,
    mentoringMinMinutes: 15,
    knowledgeWeights: {
      'runbook-revision': 1,
      drill: 2,
      'postmortem-authored': 2,
      'postmortem-facilitated': 1.5,
      'action-item': 1,
      mentoring: 2,
    },
    peerFeedbackEventWeight: 4,
  },
  score: {
    metricClassWeights: { High: 3, Medium: 2 },
    severityWeights: { SEV1: 4, SEV2: 3, SEV3: 2, SEV4: 1 },
    nonIncidentWeight: 1,
    halfLifeDays: 90,
    neutralValue: 50,
    priorStrength: 3,
    incidentCapShare: 0.25,
    burnoutPenaltyFactor: 0.5,
    trendMonths: 6,
    topContributions: 5,
  },
  levels: {
    requirements: {
      1: { minIncidents: 0, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 0, trainings: ['basic-training'] },
      2: { minIncidents: 3, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 400, trainings: [] },
      3: { minIncidents: 10, minSev1or2Incidents: 3, minSev1or2CommandOrComms: 0, minSev1or2Commander: 0, minScore: 550, trainings: [] },
      4: { minIncidents: 20, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 3, minSev1or2Commander: 0, minScore: 650, trainings: ['incident-command'] },
      5: { minIncidents: 0, minSev1or2Incidents: 0, minSev1or2CommandOrComms: 0, minSev1or2Commander: 5, minScore: 750, trainings: ['certified-mim'] },
    },
    acceptedIssuers: {},
    eligibility: {
      SEV1: { 'incident-commander': 5, 'communications-lead': 4, 'technical-lead': 4, 'operations-chief': 4, scribe: 3 },
      SEV2: { 'incident-commander': 4, 'communications-lead': 3, 'technical-lead': 3, 'operations-chief': 3, scribe: 2 },
      SEV3: { 'incident-commander': 2, 'communications-lead': 2, 'technical-lead': 2, 'operations-chief': 2, scribe: 1 },
      SEV4: { 'incident-commander': 2, 'communications-lead': 2, 'technical-lead': 2, 'operations-chief': 2, scribe: 1 },
    },
  },
  badge: {
    minSev1or2Participations: 5,
    participationWindowDays: 365,
    minPeerFeedbackAverage: 8,
    minResponseSpeed: 60,
    minCommunicationQuality: 60,
    minKnowledgeContributions: 3,
    knowledgeWindowDays: 183,
    inactivityDays: 90,
    feedbackDropRevokes: 1,
  },
  workload: {
    maxPagesPerWeek: 5,
    maxSev1EngagementHours: 4,
    workdayStartHour: 8,
    workdayEndHour: 18,
    workdays: [1, 2, 3, 4, 5],
  },
  peerFeedback: {
    minRaters: 3,
    incidentsPerWindow: 10,
    significantSev2Minutes: 60,
    customerReportedSev2IsSignificant: true,
  },
};

/** Overrides for any part of the config, one level deep per section. */
export type ReputationConfigOverrides = {
  [K in keyof ReputationConfig]?: Partial<ReputationConfig[K]>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNumbers(path: string, value: unknown, problems: string[], rule: (n: number) => boolean, expected: string) {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !rule(value)) problems.push(`${path} must be ${expected}, got ${value}`);
  } else if (isRecord(value)) {
    for (const [key, inner] of Object.entries(value)) checkNumbers(`${path}.${key}`, inner, problems, rule, expected);
  }
}

/**
 * Applies overrides to the defaults (each section merged one level deep) and
 * refuses values that would make the model meaningless: negative weights or
 * thresholds, a half-life or window of zero, a cap share outside (0, 1], a
 * burnout factor outside [0, 1], fewer than 2 raters for an aggregate.
 * Throws an Error listing every problem with its config path.
 */
export function mergeReputationConfig(
  overrides: ReputationConfigOverrides | undefined,
  base: ReputationConfig = DEFAULT_REPUTATION_CONFIG,
): ReputationConfig {
  const merged = {
    derivation: { ...base.derivation, ...overrides?.derivation },
    score: { ...base.score, ...overrides?.score },
    levels: { ...base.levels, ...overrides?.levels },
    badge: { ...base.badge, ...overrides?.badge },
    workload: { ...base.workload, ...overrides?.workload },
    peerFeedback: { ...base.peerFeedback, ...overrides?.peerFeedback },
  } as ReputationConfig;
  const problems: string[] = [];
  const prefix = 'majorops.reputation';
  for (const section of ['derivation', 'score', 'badge', 'peerFeedback'] as const) {
    checkNumbers(`${prefix}.${section}`, merged[section], problems, n => n >= 0, 'a number of at least 0');
  }
  checkNumbers(`${prefix}.levels.requirements`, merged.levels.requirements, problems, n => n >= 0, 'a number of at least 0');
  checkNumbers(`${prefix}.levels.eligibility`, merged.levels.eligibility, problems, n => Number.isInteger(n) && n >= 0 && n <= 5, 'a level from 0 to 5');
  const s = merged.score;
  const positive: Array<[string, number]> = [
    ['score.halfLifeDays', s.halfLifeDays],
    ['score.priorStrength', s.priorStrength],
    ['score.trendMonths', s.trendMonths],
    ['derivation.responseSpeedZeroAtMultiple', merged.derivation.responseSpeedZeroAtMultiple - 1],
    ['peerFeedback.incidentsPerWindow', merged.peerFeedback.incidentsPerWindow],
    ['badge.inactivityDays', merged.badge.inactivityDays],
  ];
  for (const [path, value] of positive) {
    if (!(value > 0)) {
      problems.push(
        path === 'derivation.responseSpeedZeroAtMultiple'
          ? `${prefix}.${path} must be more than 1, got ${value + 1}`
          : `${prefix}.${path} must be more than 0, got ${value}`,
      );
    }
  }
  if (!(s.incidentCapShare > 0 && s.incidentCapShare <= 1)) {
    problems.push(`${prefix}.score.incidentCapShare must be more than 0 and at most 1, got ${s.incidentCapShare}`);
  }
  if (!(s.burnoutPenaltyFactor >= 0 && s.burnoutPenaltyFactor <= 1)) {
    problems.push(`${prefix}.score.burnoutPenaltyFactor must be from 0 to 1, got ${s.burnoutPenaltyFactor}`);
  }
  if (!(s.neutralValue >= 0 && s.neutralValue <= 100)) {
    problems.push(`${prefix}.score.neutralValue must be from 0 to 100, got ${s.neutralValue}`);
  }
  if (!(Number.isInteger(merged.peerFeedback.minRaters) && merged.peerFeedback.minRaters >= 2)) {
    problems.push(`${prefix}.peerFeedback.minRaters must be a whole number of at least 2, got ${merged.peerFeedback.minRaters}`);
  }
  const w = merged.workload;
  if (!(w.workdayStartHour >= 0 && w.workdayStartHour < w.workdayEndHour && w.workdayEndHour <= 24)) {
    problems.push(`${prefix}.workload working hours must satisfy 0 <= start < end <= 24, got ${w.workdayStartHour}–${w.workdayEndHour}`);
  }
  if (!w.workdays.every(d => Number.isInteger(d) && d >= 1 && d <= 7)) {
    problems.push(`${prefix}.workload.workdays must be days 1 (Monday) to 7 (Sunday), got ${JSON.stringify(w.workdays)}`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid reputation config: ${problems.join('; ')}`);
  }
  return merged;
}
