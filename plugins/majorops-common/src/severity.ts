import { z } from 'zod';

/** The four severities, most severe first. SEV1 is the same level as P1. */
export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;

/** @public */
export type Severity = (typeof SEVERITIES)[number];

export const severitySchema = z.enum(SEVERITIES, {
  error: `severity must be one of ${SEVERITIES.join(', ')}`,
});

/**
 * One row of the severity matrix: how fast someone must respond, how often
 * stakeholders hear from the incident, and who is told.
 *
 * Durations are in minutes so that config can override them with plain numbers.
 */
export interface SeverityLevel {
  severity: Severity;
  name: string;
  criteria: string;
  /** Time within which a responder must acknowledge. */
  responseTimeMinutes: number;
  /** A status update is due at least this often while the incident is open. */
  updateCadenceMinutes: number;
  /** Who must be told, and how soon. */
  escalation: string;
  /** Minutes after declaration by which escalation must have happened, if the seed gives one. */
  escalationWithinMinutes?: number;
}

/** The severity matrix, keyed by severity. */
export type SeverityMatrix = Record<Severity, SeverityLevel>;

/**
 * The default matrix, from the incident commander's severity framework.
 * "Next business day" is modelled as 24 hours; "daily" as 24 hours.
 */
export const DEFAULT_SEVERITY_MATRIX: SeverityMatrix = {
  SEV1: {
    severity: 'SEV1',
    name: 'Critical',
    criteria: 'Full service outage, data loss risk, security breach',
    responseTimeMinutes: 5,
    updateCadenceMinutes: 15,
    escalation: 'VP Eng + CTO immediately',
    escalationWithinMinutes: 0,
  },
  SEV2: {
    severity: 'SEV2',
    name: 'Major',
    criteria: 'Degraded service for >25% users, key feature down',
    responseTimeMinutes: 15,
    updateCadenceMinutes: 30,
    escalation: 'Eng Manager within 15 min',
    escalationWithinMinutes: 15,
  },
  SEV3: {
    severity: 'SEV3',
    name: 'Moderate',
    criteria: 'Minor feature broken, workaround available',
    responseTimeMinutes: 60,
    updateCadenceMinutes: 120,
    escalation: 'Team lead next standup',
  },
  SEV4: {
    severity: 'SEV4',
    name: 'Low',
    criteria: 'Cosmetic issue, no user impact, tech debt trigger',
    responseTimeMinutes: 24 * 60,
    updateCadenceMinutes: 24 * 60,
    escalation: 'Backlog triage',
  },
};

/** The parts of a severity level that an operator may override in config. */
export type SeverityLevelOverride = Partial<
  Pick<
    SeverityLevel,
    | 'name'
    | 'criteria'
    | 'responseTimeMinutes'
    | 'updateCadenceMinutes'
    | 'escalation'
    | 'escalationWithinMinutes'
  >
>;

/**
 * Applies config overrides to a matrix, refusing values that would make the
 * matrix meaningless (non-positive cadence, a less severe level that must be
 * answered faster than a more severe one).
 */
export function mergeSeverityMatrix(
  base: SeverityMatrix,
  overrides: Partial<Record<Severity, SeverityLevelOverride>> | undefined,
): SeverityMatrix {
  const merged = { ...base } as SeverityMatrix;
  for (const severity of SEVERITIES) {
    const override = overrides?.[severity];
    if (!override) continue;
    merged[severity] = { ...base[severity], ...override, severity };
    for (const key of ['responseTimeMinutes', 'updateCadenceMinutes'] as const) {
      const value = merged[severity][key];
      if (!Number.isFinite(value) || value <= 0) {
        throw new Error(
          `majorops.severityMatrix.${severity}.${key} must be a positive number of minutes, got ${value}`,
        );
      }
    }
  }
  for (let i = 1; i < SEVERITIES.length; i++) {
    const more = merged[SEVERITIES[i - 1]];
    const less = merged[SEVERITIES[i]];
    if (less.responseTimeMinutes < more.responseTimeMinutes) {
      throw new Error(
        `majorops.severityMatrix: ${less.severity} response time (${less.responseTimeMinutes} min) is shorter than ${more.severity} (${more.responseTimeMinutes} min)`,
      );
    }
  }
  return merged;
}

/** Rank of a severity: 1 for SEV1 (most severe) to 4 for SEV4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity) + 1;
}

/** The more severe of two severities. */
export function mostSevere(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** One level more severe, or the same when already SEV1. */
export function oneLevelUp(severity: Severity): Severity {
  return SEVERITIES[Math.max(0, severityRank(severity) - 2)];
}
