import { parseIsoTimestamp } from '../escalation';
import { INCIDENT_ROLE_TITLES, IncidentRole } from '../roles';
import type { Severity } from '../severity';
import { DEFAULT_REPUTATION_CONFIG, LevelConfig, LevelRequirement, TrainingKind } from './config';

/**
 * Levels are earned from incident history, the score and training records —
 * never from time in the job. Each level demands everything the level below
 * demands plus its own requirements (defaults in `LevelConfig`):
 *
 * - Level 1 Observer: valid basic training.
 * - Level 2 Responder: at least 3 incidents and a score of at least 400.
 * - Level 3 Senior Responder: at least 10 incidents, 3 of them SEV1 or SEV2, score ≥ 550.
 * - Level 4 MIM Candidate: at least 20 incidents, 3 times incident commander
 *   or communications lead on a SEV1/SEV2, valid incident-command training, score ≥ 650.
 * - Level 5 Certified MIM: 5 times incident commander on a SEV1/SEV2, a valid
 *   certified-MIM certification, score ≥ 750.
 *
 * A training counts when it was completed by `now` and has not expired at
 * `now`. An active suspension overrides the level until it is lifted.
 */

export const REPUTATION_LEVELS = [0, 1, 2, 3, 4, 5] as const;
export type ReputationLevel = (typeof REPUTATION_LEVELS)[number];

export const REPUTATION_LEVEL_NAMES: Record<ReputationLevel, string> = {
  0: 'Not yet levelled',
  1: 'Observer',
  2: 'Responder',
  3: 'Senior Responder',
  4: 'MIM Candidate',
  5: 'Certified MIM',
};

/** What each level means, after the seed. */
export const REPUTATION_LEVEL_DESCRIPTIONS: Record<ReputationLevel, string> = {
  0: 'Complete basic training to become an Observer.',
  1: 'Completed basic training. Read access to runbooks.',
  2: 'Cleared for SEV3 incidents. On-call eligible for low severity.',
  3: 'Cleared for SEV2. Can contribute to and update runbooks.',
  4: 'Cleared for SEV1 support roles. Production change authority.',
  5: 'Full incident command authority. SEV1 incident commander eligible.',
};

export const SUSPENDED_LEVEL_NAME = 'Suspended';
export const SUSPENDED_LEVEL_DESCRIPTION = 'Temporary revocation pending retraining review.';

export const TRAINING_TITLES: Record<TrainingKind, string> = {
  'basic-training': 'basic training',
  'incident-command': 'incident-command training',
  'certified-mim': 'certified-MIM certification',
};

/** One incident the person held at least one role on. */
export interface LevelIncident {
  incidentId: string;
  severity: Severity;
  roles: IncidentRole[];
}

export interface TrainingRecord {
  kind: string;
  issuer: string;
  completedAt: string;
  expiresAt?: string;
}

export interface Suspension {
  reason: string;
  setBy: string;
  setAt: string;
  /** When the retraining review is due. */
  reviewAt: string;
  liftedAt?: string;
}

export interface LevelInput {
  incidents: LevelIncident[];
  score: number;
  trainings: TrainingRecord[];
  suspensions?: Suspension[];
}

export interface LevelResult {
  /** The level earned from history; still shown while suspended. */
  level: ReputationLevel;
  /** The level's name, or "Suspended". */
  name: string;
  description: string;
  suspended: boolean;
  /** The active suspension, with whether its review date has passed. */
  suspension?: Suspension & { reviewOverdue: boolean };
  /** Why the person holds their level: every requirement met, lowest level first. */
  met: string[];
  /** The next level and what it still needs; absent at level 5. */
  next?: { level: ReputationLevel; name: string; missing: string[] };
}

interface Counts {
  incidents: number;
  sev1or2: number;
  sev1or2CommandOrComms: number;
  sev1or2Commander: number;
}

function countIncidents(incidents: LevelIncident[]): Counts {
  const byId = new Map<string, { severity: Severity; roles: Set<IncidentRole> }>();
  for (const incident of incidents) {
    const known = byId.get(incident.incidentId);
    if (known) incident.roles.forEach(r => known.roles.add(r));
    else byId.set(incident.incidentId, { severity: incident.severity, roles: new Set(incident.roles) });
  }
  const counts: Counts = { incidents: byId.size, sev1or2: 0, sev1or2CommandOrComms: 0, sev1or2Commander: 0 };
  for (const { severity, roles } of byId.values()) {
    if (severity !== 'SEV1' && severity !== 'SEV2') continue;
    counts.sev1or2++;
    if (roles.has('incident-commander') || roles.has('communications-lead')) counts.sev1or2CommandOrComms++;
    if (roles.has('incident-commander')) counts.sev1or2Commander++;
  }
  return counts;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function trainingCheck(kind: TrainingKind, trainings: TrainingRecord[], now: number, config: LevelConfig): { met: boolean; text: string } {
  const title = TRAINING_TITLES[kind];
  const issuers = config.acceptedIssuers[kind];
  const records = trainings
    .map((t, i) => ({
      ...t,
      completed: parseIsoTimestamp(t.completedAt, `trainings[${i}].completedAt`),
      expires: t.expiresAt === undefined ? undefined : parseIsoTimestamp(t.expiresAt, `trainings[${i}].expiresAt`),
    }))
    .filter(t => t.kind === kind && t.completed <= now);
  const accepted = records.filter(t => !issuers || issuers.includes(t.issuer));
  const valid = accepted
    .filter(t => t.expires === undefined || t.expires > now)
    .sort((a, b) => (b.expires ?? Infinity) - (a.expires ?? Infinity))[0];
  if (valid) {
    const until = valid.expires === undefined ? '' : `, valid until ${day(valid.expires)}`;
    return { met: true, text: `Has ${title} from ${valid.issuer} (completed ${day(valid.completed)}${until}).` };
  }
  const expired = accepted.filter(t => t.expires !== undefined).sort((a, b) => b.expires! - a.expires!)[0];
  if (expired) return { met: false, text: `Renew ${title}: it expired on ${day(expired.expires!)}.` };
  if (records.length > 0 && issuers) return { met: false, text: `Complete ${title} with an accepted issuer (${issuers.join(', ')}).` };
  return { met: false, text: `Complete ${title}.` };
}

function checks(requirement: LevelRequirement, counts: Counts, input: LevelInput, now: number, config: LevelConfig) {
  const out: Array<{ met: boolean; text: string }> = [];
  const count = (min: number, has: number, what: string) => {
    if (min <= 0) return;
    out.push(
      has >= min
        ? { met: true, text: `${what}: ${has} (needs ${min}).` }
        : { met: false, text: `${what}: needs ${min}, has ${has} (${min - has} more).` },
    );
  };
  count(requirement.minIncidents, counts.incidents, 'Incidents with a role');
  count(requirement.minSev1or2Incidents, counts.sev1or2, 'SEV1 or SEV2 incidents');
  count(requirement.minSev1or2CommandOrComms, counts.sev1or2CommandOrComms, 'Times incident commander or communications lead on a SEV1/SEV2');
  count(requirement.minSev1or2Commander, counts.sev1or2Commander, 'Times incident commander on a SEV1/SEV2');
  if (requirement.minScore > 0) {
    out.push(
      input.score >= requirement.minScore
        ? { met: true, text: `Score ${input.score} (needs ${requirement.minScore}).` }
        : { met: false, text: `Score: needs ${requirement.minScore}, has ${input.score}.` },
    );
  }
  for (const kind of requirement.trainings) out.push(trainingCheck(kind, input.trainings, now, config));
  return out;
}

/** The suspension in force at `now`: set by then and not yet lifted; the latest if several. */
export function activeSuspension(suspensions: Suspension[] | undefined, now: string): Suspension | undefined {
  const nowMs = parseIsoTimestamp(now, 'now');
  return (suspensions ?? [])
    .filter((s, i) => {
      const set = parseIsoTimestamp(s.setAt, `suspensions[${i}].setAt`);
      const lifted = s.liftedAt === undefined ? Infinity : parseIsoTimestamp(s.liftedAt, `suspensions[${i}].liftedAt`);
      return set <= nowMs && lifted > nowMs;
    })
    .sort((a, b) => Date.parse(b.setAt) - Date.parse(a.setAt))[0];
}

/**
 * The person's level at `now`, the reasons they hold it, and what the next
 * level still needs. While a suspension is active the name is "Suspended"
 * and `eligibleFor` refuses every role; the earned level stays visible so the
 * review can see what will come back.
 */
export function computeLevel(
  input: LevelInput,
  now: string,
  config: LevelConfig = DEFAULT_REPUTATION_CONFIG.levels,
): LevelResult {
  const nowMs = parseIsoTimestamp(now, 'now');
  const counts = countIncidents(input.incidents);
  let level: ReputationLevel = 0;
  const met: string[] = [];
  let next: LevelResult['next'];
  for (const candidate of [1, 2, 3, 4, 5] as const) {
    const results = checks(config.requirements[candidate], counts, input, nowMs, config);
    if (results.every(r => r.met)) {
      level = candidate;
      met.push(...results.map(r => r.text));
    } else {
      next = { level: candidate, name: REPUTATION_LEVEL_NAMES[candidate], missing: results.filter(r => !r.met).map(r => r.text) };
      break;
    }
  }
  const suspension = activeSuspension(input.suspensions, now);
  if (suspension) {
    return {
      level,
      name: SUSPENDED_LEVEL_NAME,
      description: `${SUSPENDED_LEVEL_DESCRIPTION} Suspended by ${suspension.setBy}: ${suspension.reason}`,
      suspended: true,
      suspension: { ...suspension, reviewOverdue: parseIsoTimestamp(suspension.reviewAt, 'suspension.reviewAt') < nowMs },
      met,
      next,
    };
  }
  return { level, name: REPUTATION_LEVEL_NAMES[level], description: REPUTATION_LEVEL_DESCRIPTIONS[level], suspended: false, met, next };
}

/**
 * Whether someone at `level` may take `role` on an incident of `severity`,
 * for the assignment engine. Defaults: SEV1 commander needs level 5, other
 * SEV1 roles level 4 (scribe 3); SEV2 commander level 4, others 3 (scribe 2);
 * SEV3 and SEV4 level 2 (scribe 1). Nobody is eligible while suspended.
 */
export function eligibleFor(
  level: Pick<LevelResult, 'level' | 'suspended'>,
  severity: Severity,
  role: IncidentRole,
  config: LevelConfig = DEFAULT_REPUTATION_CONFIG.levels,
): { eligible: boolean; requiredLevel: number; reason: string } {
  const requiredLevel = config.eligibility[severity][role];
  const title = INCIDENT_ROLE_TITLES[role];
  const needed = `${title} on a ${severity} needs level ${requiredLevel} (${REPUTATION_LEVEL_NAMES[requiredLevel as ReputationLevel] ?? requiredLevel})`;
  if (level.suspended) {
    return { eligible: false, requiredLevel, reason: `Suspended: not eligible for any role until the suspension is lifted.` };
  }
  if (level.level >= requiredLevel) {
    return { eligible: true, requiredLevel, reason: `${needed}; this responder is level ${level.level}.` };
  }
  return { eligible: false, requiredLevel, reason: `${needed}; this responder is level ${level.level}.` };
}
