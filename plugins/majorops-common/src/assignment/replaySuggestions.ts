import { parseIsoTimestamp } from '../escalation';
import { computeLevel, LevelIncident, Suspension, SUSPENDED_LEVEL_NAME, TrainingRecord } from '../reputation/levels';
import type { Severity } from '../severity';
import { AssignmentConfig, DEFAULT_ASSIGNMENT_CONFIG } from './config';
import { suggestAssignments } from './suggestAssignments';
import type {
  AssignmentEntity,
  AssignmentIncident,
  AssignmentInput,
  AssignmentReputation,
  AssignmentUser,
} from './types';

/**
 * Offline replay: how would the engine have done on past incidents? For each
 * past SEV1/SEV2, the engine gets only what was known strictly before the
 * incident was declared — earlier incidents, the roles taken on them by then,
 * releases, resolutions, reopens and repeats by then, the latest reputation
 * snapshot computed before then, trainings completed and suspensions set by
 * then — and the replay checks whether the actual commander (or, when given,
 * the best-rated commander) is among the top 3.
 */

export interface ReplayIncident extends AssignmentIncident {
  /** Who actually commanded; the first incident commander by `assignedAt` when absent. */
  commanderRef?: string;
  /** The commander rated best in hindsight, when known; checked instead of the actual one. */
  bestRatedCommanderRef?: string;
}

/** Reputation of one person as computed at `asOf`. */
export interface ReputationSnapshot extends AssignmentReputation {
  asOf: string;
}

export interface AssignmentHistory {
  users: AssignmentUser[];
  entities: AssignmentEntity[];
  incidents: ReplayIncident[];
  /** Reputation over time; for each incident the latest snapshot before its declaration counts. */
  reputation?: ReputationSnapshot[];
  /** Used to compute a level when a snapshot has none (`computeLevel` on the incidents before). */
  trainings?: Array<TrainingRecord & { userRef: string }>;
  /** Applied on top of any level: a suspension in force at declaration excludes the person. */
  suspensions?: Array<Suspension & { userRef: string }>;
  timeZone?: string;
}

export interface ReplayOptions {
  /** Severities replayed; SEV1 and SEV2 by default. */
  severities?: Severity[];
  /** Only incidents declared at or after `from` and before `to`. */
  from?: string;
  to?: string;
  /** How many suggested commanders count as a hit; 3 by default. */
  topN?: number;
  config?: AssignmentConfig;
}

export interface ReplayIncidentResult {
  incidentId: string;
  declaredAt: string;
  severity: Severity;
  /** Whether the incident counted: it needs a commander to compare with. */
  evaluated: boolean;
  /** Which commander was checked. */
  target?: 'actual' | 'best-rated';
  expectedRef?: string;
  /** The suggested commanders, best first, with their scores. */
  suggested: Array<{ userRef: string; score: number }>;
  hit: boolean;
  /** The expected commander's place among the suggestions. */
  rank?: number;
  reason: string;
}

export interface ReplayResult {
  evaluated: number;
  hits: number;
  /** hits / evaluated, three decimals; 0 when nothing was evaluated. */
  hitRate: number;
  perIncident: ReplayIncidentResult[];
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const before = (value: string | undefined, cutoff: number, field: string) =>
  value !== undefined && parseIsoTimestamp(value, field) < cutoff ? value : undefined;

/** An incident as it was known just before `cutoff`, or undefined when it was not declared yet. */
function incidentBefore(incident: ReplayIncident, index: number, cutoff: number): AssignmentIncident | undefined {
  if (parseIsoTimestamp(incident.declaredAt, `incidents[${index}].declaredAt`) >= cutoff) return undefined;
  const field = (name: string) => `incidents[${index}].${name}`;
  const resolvedAt = before(incident.resolvedAt, cutoff, field('resolvedAt'));
  const reopenedAt = before(incident.reopenedAt, cutoff, field('reopenedAt'));
  const repeatLinkedAt = before(incident.repeatLinkedAt, cutoff, field('repeatLinkedAt'));
  return {
    id: incident.id,
    ...(incident.title !== undefined ? { title: incident.title } : {}),
    severity: incident.severity,
    ...(incident.incidentType !== undefined ? { incidentType: incident.incidentType } : {}),
    declaredAt: incident.declaredAt,
    ...(resolvedAt ? { resolvedAt } : {}),
    ...(reopenedAt ? { reopenedAt } : {}),
    ...(repeatLinkedAt ? { repeatLinkedAt } : {}),
    entities: incident.entities.map(e => ({ ...e })),
    ...(incident.tech !== undefined ? { tech: [...incident.tech] } : {}),
    roles: incident.roles.flatMap((r, i) => {
      if (parseIsoTimestamp(r.assignedAt, field(`roles[${i}].assignedAt`)) >= cutoff) return [];
      const releasedAt = before(r.releasedAt, cutoff, field(`roles[${i}].releasedAt`));
      return [{ role: r.role, userRef: r.userRef, assignedAt: r.assignedAt, ...(releasedAt ? { releasedAt } : {}) }];
    }),
  };
}

/** Who commanded the incident: the given commander, or the first incident commander. */
export function actualCommander(incident: ReplayIncident): string | undefined {
  if (incident.commanderRef) return incident.commanderRef;
  return [...incident.roles]
    .filter(r => r.role === 'incident-commander')
    .sort((a, b) => Date.parse(a.assignedAt) - Date.parse(b.assignedAt) || compareStrings(a.userRef, b.userRef))[0]?.userRef;
}

/**
 * The engine's input for `incident` built from `history` with only the facts
 * known strictly before its declaration, and the moment to run it at.
 */
export function buildReplayInput(
  history: AssignmentHistory,
  incident: ReplayIncident,
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): { input: AssignmentInput; now: string } {
  const cutoff = parseIsoTimestamp(incident.declaredAt, 'incident.declaredAt');
  const levelNow = new Date(cutoff - 1).toISOString();
  const incidents = history.incidents
    .filter(i => i.id !== incident.id)
    .map((i, index) => incidentBefore(i, index, cutoff))
    .filter((i): i is AssignmentIncident => i !== undefined)
    .sort((a, b) => Date.parse(a.declaredAt) - Date.parse(b.declaredAt) || compareStrings(a.id, b.id));

  const latest = new Map<string, ReputationSnapshot>();
  (history.reputation ?? []).forEach((snapshot, i) => {
    const at = parseIsoTimestamp(snapshot.asOf, `reputation[${i}].asOf`);
    if (at >= cutoff) return;
    const known = latest.get(snapshot.userRef);
    if (!known || Date.parse(known.asOf) <= at) latest.set(snapshot.userRef, snapshot);
  });

  const reputation: AssignmentReputation[] = [];
  for (const user of [...history.users].sort((a, b) => compareStrings(a.userRef, b.userRef))) {
    const snapshot = latest.get(user.userRef);
    const suspensions = (history.suspensions ?? [])
      .filter(s => s.userRef === user.userRef && Date.parse(s.setAt) < cutoff)
      .map(({ userRef: _user, ...s }) => {
        const liftedAt = before(s.liftedAt, cutoff, 'suspensions.liftedAt');
        const { liftedAt: _lifted, ...rest } = s;
        return liftedAt ? { ...rest, liftedAt } : rest;
      });
    let level = snapshot?.level;
    if (!level) {
      const levelIncidents: LevelIncident[] = incidents.flatMap(i => {
        const roles = i.roles.filter(r => r.userRef === user.userRef).map(r => r.role);
        return roles.length > 0 ? [{ incidentId: i.id, severity: i.severity, roles }] : [];
      });
      const trainings = (history.trainings ?? [])
        .filter(t => t.userRef === user.userRef && Date.parse(t.completedAt) < cutoff)
        .map(({ userRef: _user, ...t }) => t);
      const computed = computeLevel({ incidents: levelIncidents, score: snapshot?.score ?? 0, trainings, suspensions }, levelNow, config.levels);
      level = { level: computed.level, name: computed.name, suspended: computed.suspended };
    } else if (!level.suspended && computeLevel({ incidents: [], score: 0, trainings: [], suspensions }, levelNow, config.levels).suspended) {
      level = { ...level, name: SUSPENDED_LEVEL_NAME, suspended: true };
    }
    const workload = snapshot?.workload
      ? {
          ...snapshot.workload,
          weeks: (snapshot.workload.weeks ?? []).filter(w => Date.parse(w.from) < cutoff),
          flaggedPeriods: (snapshot.workload.flaggedPeriods ?? []).filter(p => Date.parse(p.from) < cutoff),
        }
      : undefined;
    reputation.push({
      userRef: user.userRef,
      ...(snapshot?.score !== undefined ? { score: snapshot.score } : {}),
      level,
      ...(snapshot?.badge ? { badge: snapshot.badge } : {}),
      ...(workload ? { workload } : {}),
      ...(snapshot?.peerPreference !== undefined ? { peerPreference: snapshot.peerPreference } : {}),
    });
  }

  return {
    input: {
      incident: {
        id: incident.id,
        ...(incident.title !== undefined ? { title: incident.title } : {}),
        severity: incident.severity,
        ...(incident.incidentType !== undefined ? { incidentType: incident.incidentType } : {}),
        declaredAt: incident.declaredAt,
        entities: incident.entities.map(e => ({ ...e })),
        ...(incident.tech !== undefined ? { tech: [...incident.tech] } : {}),
      },
      users: history.users,
      entities: history.entities,
      incidents,
      reputation,
      ...(history.timeZone ? { timeZone: history.timeZone } : {}),
    },
    now: new Date(cutoff).toISOString(),
  };
}

/**
 * Replays the engine over past incidents (SEV1 and SEV2 by default), oldest
 * first, and reports how often the commander who took the incident — or the
 * best-rated one, when given — was among the top 3 suggested.
 */
export function replaySuggestions(history: AssignmentHistory, options: ReplayOptions = {}): ReplayResult {
  const severities = new Set<Severity>(options.severities ?? ['SEV1', 'SEV2']);
  const from = options.from === undefined ? -Infinity : parseIsoTimestamp(options.from, 'from');
  const to = options.to === undefined ? Infinity : parseIsoTimestamp(options.to, 'to');
  const config = { ...(options.config ?? DEFAULT_ASSIGNMENT_CONFIG), ...(options.topN !== undefined ? { topN: options.topN } : {}) };
  if (!Number.isInteger(config.topN) || config.topN < 1) throw new Error(`topN must be a whole number of at least 1, got ${config.topN}`);

  const replayed = history.incidents
    .map((incident, i) => ({ incident, declared: parseIsoTimestamp(incident.declaredAt, `incidents[${i}].declaredAt`) }))
    .filter(({ incident, declared }) => severities.has(incident.severity) && declared >= from && declared < to)
    .sort((a, b) => a.declared - b.declared || compareStrings(a.incident.id, b.incident.id));

  const perIncident: ReplayIncidentResult[] = replayed.map(({ incident }) => {
    const base = { incidentId: incident.id, declaredAt: incident.declaredAt, severity: incident.severity };
    const target = incident.bestRatedCommanderRef ? 'best-rated' : 'actual';
    const expectedRef = incident.bestRatedCommanderRef ?? actualCommander(incident);
    const { input, now } = buildReplayInput(history, incident, config);
    const suggested = suggestAssignments(input, now, config).incidentCommander.map(c => ({ userRef: c.userRef, score: c.score }));
    if (!expectedRef) {
      return { ...base, evaluated: false, suggested, hit: false, reason: 'No commander recorded: nothing to compare with.' };
    }
    const index = suggested.findIndex(s => s.userRef === expectedRef);
    const who = target === 'best-rated' ? 'The best-rated commander' : 'The actual commander';
    return {
      ...base,
      evaluated: true,
      target,
      expectedRef,
      suggested,
      hit: index >= 0,
      ...(index >= 0 ? { rank: index + 1 } : {}),
      reason:
        index >= 0
          ? `${who}, ${expectedRef}, was suggested at place ${index + 1}.`
          : `${who}, ${expectedRef}, was not among the top ${config.topN} suggested.`,
    };
  });
  const evaluated = perIncident.filter(p => p.evaluated).length;
  const hits = perIncident.filter(p => p.hit).length;
  return { evaluated, hits, hitRate: evaluated === 0 ? 0 : Math.round((hits / evaluated) * 1000) / 1000, perIncident };
}
