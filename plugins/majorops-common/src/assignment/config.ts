import { DEFAULT_REPUTATION_CONFIG, LevelConfig } from '../reputation/config';
import type { IncidentRole } from '../roles';
import type { Severity } from '../severity';

/**
 * Every number of the assignment engine, with the defaults the product ships.
 * An operator may override any of them in app-config (`majorops.assignment`);
 * `mergeAssignmentConfig` checks the overrides.
 */

/** The parts a candidate's score is made of. */
export const ASSIGNMENT_COMPONENTS = [
  'reputation',
  'champion',
  'ownership',
  'expertise',
  'peerPreference',
  'timeOfDay',
  'workload',
  'burnout',
  'busy',
] as const;

export type AssignmentComponent = (typeof ASSIGNMENT_COMPONENTS)[number];

export const ASSIGNMENT_COMPONENT_TITLES: Record<AssignmentComponent, string> = {
  reputation: 'Reputation score',
  champion: 'SRE Champion badge',
  ownership: 'Ownership of the affected entities',
  expertise: 'Track record on this entity, system, type and stack',
  peerPreference: 'Peer preference for the next P1',
  timeOfDay: 'Usually engaged at this time of the week',
  workload: 'Current incident workload',
  burnout: 'Burnout flag',
  busy: 'Already commanding or running operations elsewhere',
};

/** Components that only ever lower a score: their points are `-value × weight`. */
export const ASSIGNMENT_PENALTIES: readonly AssignmentComponent[] = ['workload', 'burnout', 'busy'];

/** What counts as a match between a past incident and the new one, and how much. */
export interface ExpertiseFacetWeights {
  /** The past incident affected one of the same entities. */
  entity: number;
  /** It affected the same system (counted only when no entity matched). */
  system: number;
  /** It had the same incident type. */
  type: number;
  /** Per shared `majorops.dev/tech` value, up to `maxTechMatches`. */
  tech: number;
  maxTechMatches: number;
}

export interface ExpertiseOutcomeFactors {
  /** Resolved, never reopened, no repeat linked. */
  clean: number;
  /** Resolved, then reopened or repeated. */
  reopenedOrRepeated: number;
  /** Not resolved (yet). */
  unresolved: number;
}

export interface TimeOfDayConfig {
  /** Engagements within this many hours either side of the hour of the week count (1 = a 3-hour window). */
  windowHours: number;
  /** Laplace smoothing: pseudo-engagements added to each of the 168 hours of the week. */
  smoothing: number;
}

export interface AssignmentConfig {
  /** Points a component gives at its full value (0–1). Penalties take them away. */
  weights: Record<AssignmentComponent, number>;
  /** How many incident commanders are suggested. */
  topN: number;
  /** Experts listed per incident type or tech value. */
  expertsPerTopic: number;
  /** Past incidents with the type or tech a person needs to be flagged as an expert. */
  expertMinIncidents: number;
  /** Someone commanding or running operations on another open incident is not suggested (otherwise only penalised). */
  excludeBusy: boolean;
  /**
   * At most this many entries of `excluded` are listed one by one. Up to it,
   * everyone left out is listed; beyond it, only people with some relevance
   * (in an owning team, a past incident on the same entity, system, type or
   * tech, busy elsewhere) are listed, those with the highest score first, and
   * everyone else is counted in `excludedSummary` by slot and reason.
   */
  excludedListLimit: number;
  /** The weight of a past incident as evidence halves every this many days. */
  halfLifeDays: number;
  /** Evidence at which expertise is worth half its weight (value = e / (e + saturation)). */
  expertiseSaturation: number;
  facets: ExpertiseFacetWeights;
  /** How much a past incident counts by the role held on it (the strongest role counts). */
  roleFactors: Record<IncidentRole, number>;
  outcomeFactors: ExpertiseOutcomeFactors;
  severityFactors: Record<Severity, number>;
  /** Ownership value: member of the owner of an affected entity, or only of its system's owner. */
  ownership: { entity: number; system: number };
  timeOfDay: TimeOfDayConfig;
  /** Peer preference value (0–1) when no aggregate is shown (too few raters). */
  peerPreferenceNeutral: number;
  /** A burnout period that ended within this many days before now still counts. */
  burnoutLookbackDays: number;
  /** Hours in incidents per week at which the workload penalty is full. */
  workloadFullHoursPerWeek: number;
  /** Level eligibility per severity and role (`eligibleFor`). */
  levels: LevelConfig;
}

export const DEFAULT_ASSIGNMENT_CONFIG: AssignmentConfig = {
  weights: {
    reputation: 30,
    champion: 10,
    ownership: 15,
    expertise: 25,
    peerPreference: 15,
    timeOfDay: 10,
    workload: 10,
    burnout: 20,
    busy: 50,
  },
  topN: 3,
  expertsPerTopic: 3,
  expertMinIncidents: 2,
  excludeBusy: true,
  excludedListLimit: 200,
  halfLifeDays: 180,
  expertiseSaturation: 3,
  facets: { entity: 1, system: 0.5, type: 0.5, tech: 0.25, maxTechMatches: 2 },
  roleFactors: {
    'incident-commander': 1,
    'operations-chief': 0.8,
    'technical-lead': 0.8,
    'communications-lead': 0.6,
    scribe: 0.4,
  },
  outcomeFactors: { clean: 1, reopenedOrRepeated: 0.4, unresolved: 0.3 },
  severityFactors: { SEV1: 1, SEV2: 0.8, SEV3: 0.5, SEV4: 0.3 },
  ownership: { entity: 1, system: 0.6 },
  timeOfDay: { windowHours: 1, smoothing: 1 },
  peerPreferenceNeutral: 0.5,
  burnoutLookbackDays: 14,
  workloadFullHoursPerWeek: 10,
  levels: DEFAULT_REPUTATION_CONFIG.levels,
};

/** Overrides for any part of the config; records are merged one level deep. */
export type AssignmentConfigOverrides = {
  [K in keyof AssignmentConfig]?: AssignmentConfig[K] extends number | boolean ? AssignmentConfig[K] : Partial<AssignmentConfig[K]>;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies overrides to the defaults (records merged one level deep) and
 * refuses values that would make the ranking meaningless: negative weights or
 * factors, a top N or window that is not a whole number, a half-life,
 * saturation or smoothing of zero, values outside 0–1 where a share is meant.
 * Throws an Error listing every problem with its config path.
 */
export function mergeAssignmentConfig(
  overrides: AssignmentConfigOverrides | undefined,
  base: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): AssignmentConfig {
  const merged = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) continue;
    const current = (base as unknown as Record<string, unknown>)[key];
    merged[key] = isRecord(current) && isRecord(value) ? { ...current, ...value } : value;
  }
  const config = merged as unknown as AssignmentConfig;
  const prefix = 'majorops.assignment';
  const problems: string[] = [];
  const check = (path: string, value: unknown, rule: (n: number) => boolean, expected: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || !rule(value)) {
      problems.push(`${prefix}.${path} must be ${expected}, got ${JSON.stringify(value)}`);
    }
  };
  const nonNegative = (n: number) => n >= 0;
  const share = (n: number) => n >= 0 && n <= 1;
  for (const component of ASSIGNMENT_COMPONENTS) check(`weights.${component}`, config.weights[component], nonNegative, 'a number of at least 0');
  for (const [path, record] of [
    ['roleFactors', config.roleFactors],
    ['outcomeFactors', config.outcomeFactors],
    ['severityFactors', config.severityFactors],
  ] as const) {
    for (const [key, value] of Object.entries(record)) check(`${path}.${key}`, value, share, 'a number from 0 to 1');
  }
  for (const key of ['entity', 'system', 'type', 'tech'] as const) check(`facets.${key}`, config.facets[key], nonNegative, 'a number of at least 0');
  check('facets.maxTechMatches', config.facets.maxTechMatches, n => Number.isInteger(n) && n >= 0, 'a whole number of at least 0');
  check('ownership.entity', config.ownership.entity, share, 'a number from 0 to 1');
  check('ownership.system', config.ownership.system, share, 'a number from 0 to 1');
  check('topN', config.topN, n => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');
  check('expertsPerTopic', config.expertsPerTopic, n => Number.isInteger(n) && n >= 0, 'a whole number of at least 0');
  check('expertMinIncidents', config.expertMinIncidents, n => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');
  check('excludedListLimit', config.excludedListLimit, n => Number.isInteger(n) && n >= 0, 'a whole number of at least 0');
  check('halfLifeDays', config.halfLifeDays, n => n > 0, 'more than 0');
  check('expertiseSaturation', config.expertiseSaturation, n => n > 0, 'more than 0');
  check('timeOfDay.windowHours', config.timeOfDay.windowHours, n => Number.isInteger(n) && n >= 0 && n <= 83, 'a whole number from 0 to 83');
  check('timeOfDay.smoothing', config.timeOfDay.smoothing, n => n > 0, 'more than 0');
  check('peerPreferenceNeutral', config.peerPreferenceNeutral, share, 'a number from 0 to 1');
  check('burnoutLookbackDays', config.burnoutLookbackDays, nonNegative, 'a number of at least 0');
  check('workloadFullHoursPerWeek', config.workloadFullHoursPerWeek, n => n > 0, 'more than 0');
  if (typeof config.excludeBusy !== 'boolean') problems.push(`${prefix}.excludeBusy must be true or false, got ${JSON.stringify(config.excludeBusy)}`);
  if (problems.length > 0) throw new Error(`Invalid assignment config: ${problems.join('; ')}`);
  return config;
}
