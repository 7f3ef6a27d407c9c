import { parseIsoTimestamp } from '../escalation';
import { eligibleFor } from '../reputation/levels';
import { INCIDENT_ROLE_TITLES, IncidentRole } from '../roles';
import type { Severity } from '../severity';
import {
  ASSIGNMENT_COMPONENTS,
  ASSIGNMENT_PENALTIES,
  AssignmentComponent,
  AssignmentConfig,
  DEFAULT_ASSIGNMENT_CONFIG,
} from './config';
import { engagementPatternOfInstants, engagementValueOfInstants } from './timeOfDay';
import { readTimestamp } from './timestamps';
import type {
  AssignmentCandidate,
  AssignmentEntity,
  AssignmentExclusion,
  AssignmentExclusionSummary,
  AssignmentExpertTopic,
  AssignmentIncident,
  AssignmentInput,
  AssignmentReputation,
  AssignmentScoreComponent,
  AssignmentSlot,
  AssignmentSuggestions,
  AssignmentUser,
  ExpertiseEvidence,
} from './types';

/**
 * The assignment engine of the seed: when a major incident opens, suggest the
 * best available incident commanders, a recommended operations chief, and
 * people with a track record on the incident's type and stack. It never
 * assigns; the incident commander makes the call.
 *
 * In plain words, for each catalog user:
 *
 * 1. Eligibility first: the level must allow the role at the incident's
 *    severity (`eligibleFor`); suspended people are never suggested, not even
 *    as experts; someone commanding or running operations on another open
 *    incident is left out (or, by config, only marked down). Everyone left
 *    out is listed in `excluded` with the reason; beyond `excludedListLimit`
 *    entries only people with some relevance are, and the others are
 *    counted by slot and reason in `excludedSummary`.
 * 2. Points, each component's value (0–1) times its weight (defaults in
 *    `DEFAULT_ASSIGNMENT_CONFIG`): reputation score, SRE Champion badge,
 *    ownership (member of the group owning an affected entity, or its
 *    system), expertise from past incidents on the same entity, system,
 *    type and tech (weighted by the role held, the outcome — resolved without
 *    reopen or repeat counts most —, severity, and a recency half-life), the
 *    peers' aggregate answer to "would you want X as primary contact on the
 *    next P1?", and the person's usual engagement at this hour of the week.
 * 3. Penalties: hours in incidents per week, a recent burnout flag, and being
 *    busy elsewhere when busy people are not left out.
 * 4. Ranking by score, then userRef; the top N are the commanders; the
 *    operations chief is the best eligible person who is not the top commander.
 *
 * Only facts known at `now` count: incidents declared, roles taken, releases,
 * resolutions, reopens and repeats at or before `now`. Nothing reads the clock.
 *
 * Cost: each past incident is matched against the target once, and history is
 * indexed by person, so the work grows with users + history roles, not users × history.
 * Every candidate gets a score and, when left out, a place among the
 * exclusions; the reasons, evidence and exclusion entries are written only
 * for the people shown (suggested, or listed in `excluded`), since most of
 * the thousands of candidates of a large team are only counted.
 */

const MS_PER_DAY = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * MS_PER_DAY;
const round1 = (n: number) => Math.round(n * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const normalize = (value: string) => value.trim().toLowerCase();
const isMajor = (severity: Severity) => severity === 'SEV1' || severity === 'SEV2';

/** An incident as it stood at `now`. */
interface KnownIncident {
  incident: AssignmentIncident;
  declared: number;
  resolved: boolean;
  open: boolean;
  reopenedOrRepeated: boolean;
  /** Distinct, as listed (an incident touches one or two entities: arrays beat sets here). */
  entityRefs: string[];
  systemRefs: string[];
  type?: string;
  tech: string[];
  /** Role spans taken by `now`, with whether they are still held. */
  roles: Array<{ role: IncidentRole; userRef: string; assigned: number; held: boolean }>;
}

function label(incident: AssignmentIncident): string {
  return incident.title ? `${incident.id} '${incident.title}'` : incident.id;
}

const addDistinct = (list: string[], value: string) => {
  if (!list.includes(value)) list.push(value);
};

/**
 * An incident's timestamps as read, kept per incident object: the backend
 * passes the same records (kept in process) to request after request, and
 * reading ~10,000 timestamps was a tenth of the engine. Used only while the
 * object still holds the very same strings (a record changed in place is
 * read again), so the result is always that of reading them now.
 */
interface ReadTimes {
  declaredAt: string;
  declared: number;
  resolvedAt?: string;
  resolved?: number;
  reopenedAt?: string;
  reopened?: number;
  repeatLinkedAt?: string;
  repeated?: number;
  spans: AssignmentIncident['roles'];
  /** `assigned` and `released` are NaN where the text is no timestamp: read again (and the error raised) only where the engine reads it. */
  roles: Array<{ span: AssignmentIncident['roles'][number]; assignedAt: string; assigned: number; releasedAt?: string; released?: number }>;
}

/** The timestamp, or NaN where there is none to read. */
function readOrNaN(value: string, field: string): number {
  try {
    return readTimestamp(value, field);
  } catch {
    return NaN;
  }
}

const readTimes = new WeakMap<AssignmentIncident, ReadTimes>();

function stillRead(times: ReadTimes, incident: AssignmentIncident): boolean {
  if (
    times.declaredAt !== incident.declaredAt ||
    times.resolvedAt !== incident.resolvedAt ||
    times.reopenedAt !== incident.reopenedAt ||
    times.repeatLinkedAt !== incident.repeatLinkedAt ||
    times.spans !== incident.roles ||
    times.roles.length !== incident.roles.length
  ) {
    return false;
  }
  for (let r = 0; r < times.roles.length; r++) {
    const role = times.roles[r];
    const span = incident.roles[r];
    if (role.span !== span || role.assignedAt !== span.assignedAt || role.releasedAt !== span.releasedAt) return false;
  }
  return true;
}

function timesOf(incident: AssignmentIncident, index: number): ReadTimes {
  const kept = readTimes.get(incident);
  if (kept && stillRead(kept, incident)) return kept;
  const at = (value: string | undefined, field: string) =>
    value === undefined ? undefined : readTimestamp(value, `incidents[${index}].${field}`);
  // In the order the fields were always read, for the same first error.
  const declared = at(incident.declaredAt, 'declaredAt')!;
  const times: ReadTimes = {
    declaredAt: incident.declaredAt,
    declared,
    resolvedAt: incident.resolvedAt,
    resolved: at(incident.resolvedAt, 'resolvedAt'),
    reopenedAt: incident.reopenedAt,
    reopened: at(incident.reopenedAt, 'reopenedAt'),
    repeatLinkedAt: incident.repeatLinkedAt,
    repeated: at(incident.repeatLinkedAt, 'repeatLinkedAt'),
    spans: incident.roles,
    roles: incident.roles.map((span, r) => ({
      span,
      assignedAt: span.assignedAt,
      assigned: readOrNaN(span.assignedAt, `incidents[${index}].roles[${r}].assignedAt`),
      releasedAt: span.releasedAt,
      released: span.releasedAt === undefined ? undefined : readOrNaN(span.releasedAt, `incidents[${index}].roles[${r}].releasedAt`),
    })),
  };
  readTimes.set(incident, times);
  return times;
}

/**
 * An incident as it stands once everything on it happened (every timestamp
 * at or before `now`): the same for any later `now`, so kept per incident
 * object and reused while the record and what the catalog says of its
 * entities are the very same as when it was read.
 */
interface SettledIncident {
  known: KnownIncident;
  times: ReadTimes;
  /** The latest of its timestamps: reused only at this `now` or later. */
  settled: number;
  incidentType?: string;
  tech?: readonly string[];
  techValues?: string[];
  entities: AssignmentIncident['entities'];
  /** Per affected entity as read: its refs, and the catalog's system and tech for it then, where they were used. */
  affected: Array<{ entityRef: string; systemRef?: string; catalogSystemRef?: string; catalogTech?: string[] }>;
}

const settledIncidents = new WeakMap<AssignmentIncident, SettledIncident>();

/** No values and an empty list read alike. */
const nonEmpty = (values: readonly string[] | undefined) => (values && values.length > 0 ? values : undefined);

const sameValues = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

function stillSettled(kept: SettledIncident, incident: AssignmentIncident, entities: Map<string, AssignmentEntity>): boolean {
  const times = readTimes.get(incident);
  if (times !== kept.times || !stillRead(times, incident)) return false;
  if (incident.incidentType !== kept.incidentType || incident.tech !== kept.tech || !sameValues(incident.tech, kept.techValues)) return false;
  // Settled: every span is among the roles, in order.
  const roles = kept.known.roles;
  for (let r = 0; r < roles.length; r++) {
    const span = incident.roles[r];
    if (span.role !== roles[r].role || span.userRef !== roles[r].userRef) return false;
  }
  if (incident.entities !== kept.entities || incident.entities.length !== kept.affected.length) return false;
  for (let e = 0; e < kept.affected.length; e++) {
    const affected = incident.entities[e];
    const read = kept.affected[e];
    if (affected.entityRef !== read.entityRef || affected.systemRef !== read.systemRef) return false;
    // What the catalog says is compared only where it was used (incidents of other targets' entities are read alike).
    const catalog = entities.get(affected.entityRef);
    if (affected.systemRef == null && catalog?.systemRef !== read.catalogSystemRef) return false;
    if (incident.tech === undefined && !sameValues(nonEmpty(catalog?.tech), read.catalogTech)) return false;
  }
  return true;
}

function knownAt(
  incident: AssignmentIncident,
  index: number,
  nowMs: number,
  entities: Map<string, AssignmentEntity>,
): KnownIncident | undefined {
  const kept = settledIncidents.get(incident);
  if (kept && nowMs >= kept.settled && stillSettled(kept, incident, entities)) return kept.known;
  const known = readKnownAt(incident, index, nowMs, entities);
  if (!known) return undefined;
  const times = readTimes.get(incident)!;
  let settled = Math.max(times.declared, times.resolved ?? -Infinity, times.reopened ?? -Infinity, times.repeated ?? -Infinity);
  for (const role of times.roles) settled = Math.max(settled, role.assigned, role.released ?? -Infinity);
  // NaN (a role not read) never compares: such an incident is read again every time.
  if (nowMs >= settled && known.roles.length === incident.roles.length) {
    settledIncidents.set(incident, {
      known,
      times,
      settled,
      incidentType: incident.incidentType,
      tech: incident.tech,
      techValues: incident.tech ? [...incident.tech] : undefined,
      entities: incident.entities,
      affected: incident.entities.map(affected => {
        const catalog = entities.get(affected.entityRef);
        const tech = incident.tech === undefined ? nonEmpty(catalog?.tech) : undefined;
        return {
          entityRef: affected.entityRef,
          systemRef: affected.systemRef,
          catalogSystemRef: affected.systemRef == null ? catalog?.systemRef : undefined,
          catalogTech: tech ? [...tech] : undefined,
        };
      }),
    });
  }
  return known;
}

function readKnownAt(
  incident: AssignmentIncident,
  index: number,
  nowMs: number,
  entities: Map<string, AssignmentEntity>,
): KnownIncident | undefined {
  // An incident declared after `now` was never read further (nor its errors raised).
  const kept = readTimes.get(incident);
  const declared = kept?.declaredAt === incident.declaredAt ? kept.declared : readTimestamp(incident.declaredAt, `incidents[${index}].declaredAt`);
  if (declared > nowMs) return undefined;
  const times = timesOf(incident, index);
  const resolved = times.resolved !== undefined && times.resolved <= nowMs;
  const systemRefs: string[] = [];
  const entityRefs: string[] = [];
  const tech: string[] = [];
  if (incident.tech !== undefined) for (const t of incident.tech) addDistinct(tech, normalize(t));
  for (const affected of incident.entities) {
    addDistinct(entityRefs, affected.entityRef);
    const catalog = entities.get(affected.entityRef);
    const systemRef = affected.systemRef ?? catalog?.systemRef;
    if (systemRef) addDistinct(systemRefs, systemRef);
    if (incident.tech === undefined && catalog?.tech) for (const t of catalog.tech) addDistinct(tech, normalize(t));
  }
  const roles: KnownIncident['roles'] = [];
  for (let r = 0; r < times.roles.length; r++) {
    const { span } = times.roles[r];
    let { assigned, released } = times.roles[r];
    // Not a timestamp: read again, for the error (with this call's numbering).
    if (Number.isNaN(assigned)) assigned = readTimestamp(span.assignedAt, `incidents[${index}].roles[${r}].assignedAt`);
    if (assigned > nowMs) continue;
    if (released !== undefined && Number.isNaN(released)) released = readTimestamp(span.releasedAt!, `incidents[${index}].roles[${r}].releasedAt`);
    roles.push({ role: span.role, userRef: span.userRef, assigned, held: released === undefined || released > nowMs });
  }
  return {
    incident,
    declared,
    resolved,
    open: !resolved,
    reopenedOrRepeated: (times.reopened !== undefined && times.reopened <= nowMs) || (times.repeated !== undefined && times.repeated <= nowMs),
    entityRefs,
    systemRefs,
    type: incident.incidentType ? normalize(incident.incidentType) : undefined,
    tech,
    roles,
  };
}

/** A facet of the target a past incident can match: `entity:…`, `system:…`, `type:…`, `tech:…`, and its phrase. */
interface Facet {
  ref: string;
  key: string;
  phrase: string;
}

interface Target {
  entityRefs: string[];
  /** Per affected entity: its owner, its system and the system's owner. */
  ownership: Array<{ entityRef: string; ownerRef?: string; systemRef?: string; systemOwnerRef?: string }>;
  systemRefs: Set<string>;
  type?: string;
  tech: string[];
  /** The facets, written once per suggestion: entities, systems and tech sorted. */
  entityFacets: Facet[];
  systemFacets: Facet[];
  typeFacet?: Facet;
  techFacets: Facet[];
}

function describeTarget(input: AssignmentInput, entities: Map<string, AssignmentEntity>): Target {
  const ownership: Target['ownership'] = [];
  const systemRefs = new Set<string>();
  const tech = new Set<string>((input.incident.tech ?? []).map(normalize));
  for (const affected of input.incident.entities) {
    const catalog = entities.get(affected.entityRef);
    const systemRef = affected.systemRef ?? catalog?.systemRef;
    if (systemRef) systemRefs.add(systemRef);
    ownership.push({
      entityRef: affected.entityRef,
      ownerRef: affected.ownerRef ?? catalog?.ownerRef,
      systemRef,
      systemOwnerRef: systemRef ? entities.get(systemRef)?.ownerRef : undefined,
    });
    if (input.incident.tech === undefined) for (const t of catalog?.tech ?? []) tech.add(normalize(t));
  }
  const entityRefs = [...new Set(input.incident.entities.map(e => e.entityRef))].sort(compareStrings);
  const type = input.incident.incidentType ? normalize(input.incident.incidentType) : undefined;
  const sortedTech = [...tech].sort(compareStrings);
  return {
    entityRefs,
    ownership,
    systemRefs,
    type,
    tech: sortedTech,
    entityFacets: entityRefs.map(ref => ({ ref, key: `entity:${ref}`, phrase: `on ${ref}` })),
    systemFacets: [...systemRefs].sort(compareStrings).map(ref => ({ ref, key: `system:${ref}`, phrase: `in ${ref}` })),
    ...(type ? { typeFacet: { ref: type, key: `type:${type}`, phrase: `of type ${type}` } } : {}),
    techFacets: sortedTech.map(ref => ({ ref, key: `tech:${ref}`, phrase: `involving ${ref}` })),
  };
}

function component(value: number, weight: number, reasons: string[], penalty: boolean): AssignmentScoreComponent {
  const points = round1((penalty ? -1 : 1) * value * weight);
  return { value: round3(value), weight, points: points === 0 ? 0 : points, reasons };
}

/** The `points` of {@link component}, without the rest. */
function pointsOf(value: number, weight: number, penalty: boolean): number {
  const points = round1((penalty ? -1 : 1) * value * weight);
  return points === 0 ? 0 : points;
}

/** The `value` of {@link ownershipOf}. */
function ownershipValueOf(user: AssignmentUser, target: Target, config: AssignmentConfig): number {
  const mine = (ref: string) => ref === user.userRef || user.memberOf.includes(ref);
  let value = 0;
  for (const o of target.ownership) {
    if (o.ownerRef && mine(o.ownerRef)) value = Math.max(value, config.ownership.entity);
    else if (o.systemOwnerRef && mine(o.systemOwnerRef)) value = Math.max(value, config.ownership.system);
  }
  return value;
}

function ownershipOf(user: AssignmentUser, target: Target, config: AssignmentConfig) {
  const mine = new Set([...user.memberOf, user.userRef]);
  const via = (ownerRef: string) => (ownerRef === user.userRef ? 'Owns' : `Member of ${ownerRef}, which owns`);
  const reasons: string[] = [];
  let value = 0;
  for (const o of target.ownership) {
    if (o.ownerRef && mine.has(o.ownerRef)) {
      reasons.push(`${via(o.ownerRef)} ${o.entityRef}`);
      value = Math.max(value, config.ownership.entity);
    } else if (o.systemOwnerRef && mine.has(o.systemOwnerRef)) {
      reasons.push(`${via(o.systemOwnerRef)} ${o.systemRef}, the system of ${o.entityRef}`);
      value = Math.max(value, config.ownership.system);
    }
  }
  return { value, reasons };
}

function outcomeOf(known: KnownIncident): ExpertiseEvidence['outcome'] {
  if (!known.resolved) return 'unresolved';
  return known.reopenedOrRepeated ? 'reopened-or-repeated' : 'clean';
}

/** What a past incident is worth before the role held on it: outcome, severity and recency. */
interface IncidentFactors {
  outcome: ExpertiseEvidence['outcome'];
  outcomeFactor: number;
  severityFactor: number;
  decay: number;
}

function factorsOf(known: KnownIncident, nowMs: number, config: AssignmentConfig): IncidentFactors {
  const outcome = outcomeOf(known);
  const outcomeFactor =
    outcome === 'clean' ? config.outcomeFactors.clean : outcome === 'unresolved' ? config.outcomeFactors.unresolved : config.outcomeFactors.reopenedOrRepeated;
  const ageDays = Math.max(0, nowMs - known.declared) / MS_PER_DAY;
  return { outcome, outcomeFactor, severityFactor: config.severityFactors[known.incident.severity], decay: Math.pow(0.5, ageDays / config.halfLifeDays) };
}

/** How a past incident matches the target: computed once per incident, whoever held a role on it. */
interface IncidentMatch {
  /** Sum of the facets' weights. */
  match: number;
  /** The facets matched, in the order of the reasons; their keys are the evidence's `matches`. */
  facets: Facet[];
}

const NO_MATCH: IncidentMatch = { match: 0, facets: [] };

function matchOf(known: KnownIncident, target: Target, config: AssignmentConfig): IncidentMatch {
  let facets: Facet[] | undefined;
  let match = 0;
  for (const facet of target.entityFacets) {
    if (known.entityRefs.includes(facet.ref)) (facets ??= []).push(facet);
  }
  if (facets) match += config.facets.entity;
  else {
    for (const facet of target.systemFacets) {
      if (known.systemRefs.includes(facet.ref)) (facets ??= []).push(facet);
    }
    if (facets) match += config.facets.system;
  }
  if (target.typeFacet && known.type === target.typeFacet.ref) {
    match += config.facets.type;
    (facets ??= []).push(target.typeFacet);
  }
  let sharedTech = 0;
  for (const facet of target.techFacets) {
    if (known.tech.includes(facet.ref)) {
      sharedTech++;
      (facets ??= []).push(facet);
    }
  }
  if (sharedTech > 0) match += config.facets.tech * Math.min(sharedTech, config.facets.maxTechMatches);
  return facets ? { match, facets } : NO_MATCH;
}

/** A past incident as analysed once for the target. */
interface PastIncident {
  known: KnownIncident;
  factors: IncidentFactors;
  match: IncidentMatch;
}

/** Someone's part in a past incident: the role that counts most for them on it. */
interface Engagement {
  past: PastIncident;
  role: IncidentRole;
}

/** Same value, and same floating-point order, as role factor × outcome × severity × recency. */
function incidentWeight(past: PastIncident, role: IncidentRole, config: AssignmentConfig): number {
  const f = past.factors;
  return config.roleFactors[role] * f.outcomeFactor * f.severityFactor * f.decay;
}

/**
 * Each person's engagements in the history, in the history's order: per
 * incident the strongest role they held (the strongest factor, then the first
 * listed). Built once, so that each person's expertise reads only their own incidents.
 */
function engagementsByUserOf(history: PastIncident[], config: AssignmentConfig): Map<string, Engagement[]> {
  const byUser = new Map<string, Engagement[]>();
  const add = (userRef: string, engagement: Engagement) => {
    const list = byUser.get(userRef);
    if (list) list.push(engagement);
    else byUser.set(userRef, [engagement]);
  };
  // An incident has a handful of roles: the strongest per person found by scanning, in the order people first appear.
  const people: string[] = [];
  const strongest: IncidentRole[] = [];
  for (const past of history) {
    const spans = past.known.roles;
    if (spans.length === 1) {
      add(spans[0].userRef, { past, role: spans[0].role });
      continue;
    }
    people.length = 0;
    strongest.length = 0;
    for (const span of spans) {
      const at = people.indexOf(span.userRef);
      if (at < 0) {
        people.push(span.userRef);
        strongest.push(span.role);
      } else if (config.roleFactors[span.role] > config.roleFactors[strongest[at]]) strongest[at] = span.role;
    }
    for (let i = 0; i < people.length; i++) add(people[i], { past, role: strongest[i] });
  }
  return byUser;
}

/** At most this many past incidents are shown as evidence per person. */
const EVIDENCE_SHOWN = 5;

/** What a score needs of someone's expertise: the raw evidence, and whether any past incident matched a facet. */
function expertiseValueOf(engagements: Engagement[], config: AssignmentConfig): { raw: number; matchedAnyFacet: boolean } {
  let raw = 0;
  let matchedAnyFacet = false;
  for (const { past, role } of engagements) {
    const { facets, match } = past.match;
    if (facets.length === 0) continue;
    matchedAnyFacet = true;
    if (match === 0) continue;
    raw += match * incidentWeight(past, role, config);
  }
  return { raw, matchedAnyFacet };
}

/** The evidence and reasons of someone's expertise, for the people shown. */
function expertiseDetailsOf(engagements: Engagement[], nowMs: number, config: AssignmentConfig): { evidence: ExpertiseEvidence[]; reasons: string[] } {
  if (engagements.length === 0) return { evidence: [], reasons: [] };
  /** facet key → phrase and the incidents that matched it. */
  const facets = new Map<string, { phrase: string; items: Engagement[] }>();
  /** The heaviest engagements so far (rounded weight, then incident id), as a stable sort would order them. */
  const heaviest: Array<{ weight: number; engagement: Engagement }> = [];
  const before = (a: { weight: number; engagement: Engagement }, b: { weight: number; engagement: Engagement }) =>
    b.weight - a.weight || compareStrings(a.engagement.past.known.incident.id, b.engagement.past.known.incident.id);
  for (const engagement of engagements) {
    const { past, role } = engagement;
    const { facets: matched, match } = past.match;
    for (const { key, phrase } of matched) {
      const facet = facets.get(key);
      if (facet) facet.items.push(engagement);
      else facets.set(key, { phrase, items: [engagement] });
    }
    if (matched.length === 0 || match === 0) continue;
    const weight = match * incidentWeight(past, role, config);
    const entry = { weight: round3(weight), engagement };
    if (heaviest.length === EVIDENCE_SHOWN && before(heaviest[EVIDENCE_SHOWN - 1], entry) <= 0) continue;
    let at = heaviest.length;
    while (at > 0 && before(heaviest[at - 1], entry) > 0) at--;
    heaviest.splice(at, 0, entry);
    if (heaviest.length > EVIDENCE_SHOWN) heaviest.pop();
  }
  const evidence: ExpertiseEvidence[] = heaviest.map(({ weight, engagement: { past, role } }) => {
    const known = past.known;
    return {
      incidentId: known.incident.id,
      ...(known.incident.title ? { title: known.incident.title } : {}),
      severity: known.incident.severity,
      declaredAt: known.incident.declaredAt,
      role,
      matches: past.match.facets.map(f => f.key),
      outcome: past.factors.outcome,
      weight,
    };
  });
  const reasons: string[] = [];
  for (const { phrase, items } of facets.values()) {
    for (const commanded of [true, false]) {
      const group = items.filter(i => (i.role === 'incident-commander') === commanded);
      if (group.length === 0) continue;
      const major = group.every(i => isMajor(i.past.known.incident.severity)) ? 'SEV1/SEV2 ' : '';
      const lastYear = group.every(i => nowMs - i.past.known.declared <= YEAR_MS) ? ' in the last year' : '';
      const clean = group.filter(i => i.past.factors.outcome === 'clean').length;
      const verb = commanded ? 'Commanded' : 'Held a role on';
      reasons.push(`${verb} ${group.length} ${major}incident${group.length === 1 ? '' : 's'} ${phrase}${lastYear} (${clean} resolved without reopen or repeat)`);
    }
  }
  return { evidence, reasons };
}

function burnoutOf(reputation: AssignmentReputation | undefined, nowMs: number, config: AssignmentConfig): string[] {
  const workload = reputation?.workload;
  if (!workload) return [];
  const since = nowMs - config.burnoutLookbackDays * MS_PER_DAY;
  const relevant = (from: string, to: string) => Date.parse(from) <= nowMs && Date.parse(to) > since;
  const reasons: string[] = [];
  const flaggedWeeks = (workload.weeks ?? []).filter(w => w.flagged && relevant(w.from, w.to));
  if (flaggedWeeks.length > 0) {
    for (const week of flaggedWeeks) {
      for (const reason of week.reasons) {
        const text = reason.replace(/\.$/, '');
        reasons.push(
          text.includes(' this week')
            ? `Burnout flag: ${text.replace(' this week', ` in the week of ${week.weekOf}`)}`
            : `Burnout flag: ${text} (week of ${week.weekOf})`,
        );
      }
    }
    return reasons;
  }
  for (const period of workload.flaggedPeriods ?? []) {
    if (!relevant(period.from, period.to)) continue;
    const span = `${period.from.slice(0, 10)} to ${period.to.slice(0, 10)}`;
    for (const reason of period.reasons) reasons.push(`Burnout flag: ${reason.replace(/\.$/, '')} (${span})`);
  }
  return reasons;
}

/** Whether {@link burnoutOf} gives any reason; without weeks or periods, at no cost. */
function hasBurnout(reputation: AssignmentReputation | undefined, nowMs: number, config: AssignmentConfig): boolean {
  const workload = reputation?.workload;
  if (!workload || ((workload.weeks?.length ?? 0) === 0 && (workload.flaggedPeriods?.length ?? 0) === 0)) return false;
  return burnoutOf(reputation, nowMs, config).length > 0;
}

/** A candidate as scored: the values of the components; reasons and evidence are written when asked for. */
interface Scored {
  user: AssignmentUser;
  reputation?: AssignmentReputation;
  timeZone: string;
  /** Component values (0–1), in the order of `ASSIGNMENT_COMPONENTS`. */
  values: number[];
  score: number;
  busy: string[];
  engagements: Engagement[];
  relevant: boolean;
  /** Written by `detailsOf` for the people shown. */
  details?: { breakdown: Record<AssignmentComponent, AssignmentScoreComponent>; evidence: ExpertiseEvidence[] };
  /** This person's entries among the exclusions, in the order they were left out. */
  exclusions?: Exclusion[];
}

/** Someone left out of a slot: written out as an `AssignmentExclusion` only when listed. */
interface Exclusion {
  s: Scored;
  slot: AssignmentSlot;
  /** Shared between people left out for the same reasons: never changed. */
  reasons: readonly string[];
}

/** The key of every suspended person's eligibility, whatever their level. */
const SUSPENDED = Symbol('suspended');

const PENALTY = Object.fromEntries(ASSIGNMENT_COMPONENTS.map(c => [c, ASSIGNMENT_PENALTIES.includes(c)])) as Record<AssignmentComponent, boolean>;

const SLOT_ORDER: AssignmentSlot[] = ['incident-commander', 'operations-chief', 'expert'];

function exclusionOf(e: Exclusion): AssignmentExclusion {
  const user = e.s.user;
  return { userRef: user.userRef, ...(user.displayName ? { displayName: user.displayName } : {}), slot: e.slot, reasons: [...e.reasons] };
}

/** People left out of a slot for the same reasons, counted (the reasons compared one by one). */
class ExclusionCounter {
  private readonly groups: AssignmentExclusionSummary[] = [];
  /** Slot, then first reason → the groups starting with that reason (no key written per entry). */
  private readonly byFirst = new Map<AssignmentSlot, Map<string | undefined, AssignmentExclusionSummary[]>>();

  add(slot: AssignmentSlot, reasons: readonly string[]): void {
    let bySlot = this.byFirst.get(slot);
    if (!bySlot) {
      bySlot = new Map();
      this.byFirst.set(slot, bySlot);
    }
    let candidates = bySlot.get(reasons[0]);
    if (!candidates) {
      candidates = [];
      bySlot.set(reasons[0], candidates);
    }
    for (const group of candidates) {
      if (group.slot !== slot || group.reasons.length !== reasons.length) continue;
      let same = true;
      for (let i = 0; i < reasons.length && same; i++) same = group.reasons[i] === reasons[i];
      if (same) {
        group.count++;
        return;
      }
    }
    const group = { slot, reasons: [...reasons], count: 1 };
    candidates.push(group);
    this.groups.push(group);
  }

  /** By slot, the most common first, then by reasons; groups otherwise equal stay in the order first seen. */
  summary(): AssignmentExclusionSummary[] {
    return [...this.groups].sort(
      (a, b) =>
        SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot) ||
        b.count - a.count ||
        compareStrings(a.reasons.join('\n'), b.reasons.join('\n')),
    );
  }
}

/**
 * Everyone left out when there are at most `limit` entries. Beyond that, the
 * people with some relevance, highest score first, as many as fit whole in
 * `limit`; everyone else counted by slot and reasons. Sorted by userRef, then slot.
 */
function capExclusions(
  excluded: Exclusion[],
  scored: Scored[],
  limit: number,
): { listed: AssignmentExclusion[]; summary?: AssignmentExclusionSummary[] } {
  const bySlot = (a: AssignmentExclusion, b: AssignmentExclusion) =>
    compareStrings(a.userRef, b.userRef) || SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot);
  if (excluded.length <= limit) return { listed: excluded.map(exclusionOf).sort(bySlot) };
  const listed: AssignmentExclusion[] = [];
  const unlisted = new ExclusionCounter();
  // `scored` is ranked by score, then userRef.
  for (const s of scored) {
    const entries = s.exclusions;
    if (!entries) continue;
    if (s.relevant && listed.length + entries.length <= limit) for (const e of entries) listed.push(exclusionOf(e));
    else for (const e of entries) unlisted.add(e.slot, e.reasons);
  }
  return { listed: listed.sort(bySlot), summary: unlisted.summary() };
}

/**
 * The users with distinct refs, sorted by ref; for a duplicate ref the last
 * one listed. Input already sorted without duplicates (as the backend gives
 * it) is only copied.
 */
function distinctByRef(users: AssignmentUser[]): AssignmentUser[] {
  let sorted = true;
  for (let i = 1; i < users.length && sorted; i++) sorted = users[i - 1].userRef < users[i].userRef;
  if (sorted) return users.slice();
  return [...new Map(users.map(u => [u.userRef, u])).values()].sort((a, b) => compareStrings(a.userRef, b.userRef));
}

function validate(input: AssignmentInput) {
  input.reputation.forEach((r, i) => {
    if (r.peerPreference !== undefined && !(typeof r.peerPreference === 'number' && r.peerPreference >= 1 && r.peerPreference <= 10)) {
      throw new Error(`reputation[${i}].peerPreference must be an average from 1 to 10, got ${JSON.stringify(r.peerPreference)}`);
    }
    if (r.score !== undefined && !(typeof r.score === 'number' && r.score >= 0 && r.score <= 1000)) {
      throw new Error(`reputation[${i}].score must be from 0 to 1000, got ${JSON.stringify(r.score)}`);
    }
  });
}

/**
 * Suggestions for `input.incident` at `now`: the top N incident commanders,
 * a recommended operations chief, experts per incident type and tech value,
 * and everyone left out with the reason. Pure and deterministic: the same
 * input, in any order, gives the same output.
 */
export function suggestAssignments(
  input: AssignmentInput,
  now: string,
  config: AssignmentConfig = DEFAULT_ASSIGNMENT_CONFIG,
): AssignmentSuggestions {
  const nowMs = parseIsoTimestamp(now, 'now');
  validate(input);
  const severity = input.incident.severity;
  const entities = new Map(input.entities.map(e => [e.entityRef, e]));
  const reputations = new Map(input.reputation.map(r => [r.userRef, r]));
  const users = distinctByRef(input.users);
  const target = describeTarget(input, entities);
  const history: KnownIncident[] = [];
  // Numbered as in the incidents other than the target, for the errors.
  let index = 0;
  for (const incident of input.incidents) {
    if (incident.id === input.incident.id) continue;
    const known = knownAt(incident, index++, nowMs, entities);
    if (known) history.push(known);
  }
  history.sort((a, b) => a.declared - b.declared || compareStrings(a.incident.id, b.incident.id));
  // Each past incident is analysed once; each person then reads only their own engagements.
  const past: PastIncident[] = history.map(known => ({ known, factors: factorsOf(known, nowMs, config), match: matchOf(known, target, config) }));
  const engagementsOf = engagementsByUserOf(past, config);

  const busyByUser = new Map<string, string[]>();
  /** When each person took a role, in milliseconds. */
  const engagementsByUser = new Map<string, number[]>();
  for (const known of history) {
    for (const span of known.roles) {
      const list = engagementsByUser.get(span.userRef);
      if (list) list.push(span.assigned);
      else engagementsByUser.set(span.userRef, [span.assigned]);
      if (known.open && span.held && (span.role === 'incident-commander' || span.role === 'operations-chief')) {
        const reasons = busyByUser.get(span.userRef) ?? [];
        const doing = span.role === 'incident-commander' ? 'commanding' : 'running operations on';
        const reason = `Already ${doing} ${label(known.incident)}`;
        if (!reasons.includes(reason)) reasons.push(reason);
        busyByUser.set(span.userRef, reasons);
      }
    }
  }

  const w = config.weights;
  const timeOfDay = { config: config.timeOfDay };
  // Without engagements the pattern depends on the time zone only.
  const valueWithout = new Map<string, number>();
  /** The options of `engagementValueOfInstants` per time zone, written once. */
  const optionsByZone = new Map<string, { config: AssignmentConfig['timeOfDay']; timeZone: string }>();
  const timeOfDayValueOf = (userRef: string, timeZone: string): number => {
    const engagements = engagementsByUser.get(userRef);
    if (engagements) {
      let options = optionsByZone.get(timeZone);
      if (!options) {
        options = { ...timeOfDay, timeZone };
        optionsByZone.set(timeZone, options);
      }
      return engagementValueOfInstants(engagements, nowMs, options);
    }
    let value = valueWithout.get(timeZone);
    if (value === undefined) {
      value = engagementValueOfInstants([], nowMs, { ...timeOfDay, timeZone });
      valueWithout.set(timeZone, value);
    }
    return value;
  };
  // Busy people are left out rather than marked down when `excludeBusy` is set.
  const weightOf = (c: AssignmentComponent) => (c === 'busy' && config.excludeBusy ? 0 : w[c]);
  const weights = ASSIGNMENT_COMPONENTS.map(weightOf);
  const penalties = ASSIGNMENT_COMPONENTS.map(c => PENALTY[c]);
  const NO_BUSY: string[] = [];
  const NO_ENGAGEMENTS: Engagement[] = [];
  const scored: Scored[] = users.map(user => {
    const reputation = reputations.get(user.userRef);
    const timeZone = user.timeZone ?? input.timeZone ?? 'UTC';
    const ownership = ownershipValueOf(user, target, config);
    const engagements = engagementsOf.get(user.userRef) ?? NO_ENGAGEMENTS;
    const expertise = expertiseValueOf(engagements, config);
    const busy = busyByUser.get(user.userRef) ?? NO_BUSY;
    const hoursPerWeek = reputation?.workload?.totals?.incidentHoursPerWeek;
    const peer = reputation?.peerPreference;
    const score = reputation?.score;
    // In the order of ASSIGNMENT_COMPONENTS.
    const values = [
      score === undefined ? 0 : score / 1000,
      reputation?.badge?.holds ? 1 : 0,
      ownership,
      expertise.raw / (expertise.raw + config.expertiseSaturation),
      peer === undefined ? config.peerPreferenceNeutral : (peer - 1) / 9,
      timeOfDayValueOf(user.userRef, timeZone),
      hoursPerWeek === undefined || hoursPerWeek <= 0 ? 0 : Math.min(1, hoursPerWeek / config.workloadFullHoursPerWeek),
      hasBurnout(reputation, nowMs, config) ? 1 : 0,
      busy.length > 0 ? 1 : 0,
    ];
    let total = 0;
    for (let c = 0; c < values.length; c++) total += pointsOf(values[c], weights[c], penalties[c]);
    // Worth listing when left out: in an owning team, a track record on the incident's topics, or busy elsewhere.
    const relevant = ownership > 0 || expertise.matchedAnyFacet || busy.length > 0;
    return { user, reputation, timeZone, values, score: round1(total), busy, engagements, relevant };
  });
  scored.sort((a, b) => b.score - a.score || compareStrings(a.user.userRef, b.user.userRef));

  /** The breakdown with every reason, and the evidence, of someone shown. */
  const detailsOf = (s: Scored): NonNullable<Scored['details']> => {
    if (s.details) return s.details;
    const { user, reputation, values } = s;
    const score = reputation?.score;
    const peer = reputation?.peerPreference;
    const hoursPerWeek = reputation?.workload?.totals?.incidentHoursPerWeek;
    const expertise = expertiseDetailsOf(s.engagements, nowMs, config);
    const reasonsOf = (c: AssignmentComponent): string[] => {
      switch (c) {
        case 'reputation':
          return [score === undefined ? 'No reputation score yet' : `Reputation score ${score} of 1000`];
        case 'champion':
          return reputation?.badge?.holds ? ['Holds the SRE Champion badge'] : [];
        case 'ownership':
          return ownershipOf(user, target, config).reasons;
        case 'expertise':
          return expertise.reasons;
        case 'peerPreference':
          return peer === undefined
            ? ['No peer aggregate shown yet (too few raters): counted as neutral']
            : [`Peers would want them as primary contact on the next P1: ${peer}/10 on average`];
        case 'timeOfDay':
          return [
            engagementPatternOfInstants(engagementsByUser.get(user.userRef) ?? [], nowMs, { ...timeOfDay, timeZone: s.timeZone }).reason.replace(/\.$/, ''),
          ];
        case 'workload':
          return hoursPerWeek === undefined || hoursPerWeek <= 0 ? [] : [`${hoursPerWeek} hours in incidents per week recently`];
        case 'burnout':
          return burnoutOf(reputation, nowMs, config);
        case 'busy':
          return [...s.busy];
        default:
          return [];
      }
    };
    const breakdown = {} as Record<AssignmentComponent, AssignmentScoreComponent>;
    ASSIGNMENT_COMPONENTS.forEach((c, i) => {
      breakdown[c] = component(values[i], weights[i], reasonsOf(c), penalties[i]);
    });
    s.details = { breakdown, evidence: expertise.evidence };
    return s.details;
  };
  const candidate = (s: Scored, rank: number): AssignmentCandidate => {
    const order = (c: AssignmentComponent) => ASSIGNMENT_COMPONENTS.indexOf(c);
    const { breakdown, evidence } = detailsOf(s);
    const reasons = [...ASSIGNMENT_COMPONENTS]
      .filter(c => breakdown[c].reasons.length > 0)
      .sort((a, b) => Math.abs(breakdown[b].points) - Math.abs(breakdown[a].points) || order(a) - order(b))
      .flatMap(c => breakdown[c].reasons);
    return {
      userRef: s.user.userRef,
      ...(s.user.displayName ? { displayName: s.user.displayName } : {}),
      rank,
      score: s.score,
      ...(s.reputation?.level ? { level: { level: s.reputation.level.level, name: s.reputation.level.name } } : {}),
      breakdown,
      reasons,
      evidence,
    };
  };

  const excluded: Exclusion[] = [];
  const exclude = (s: Scored, slot: AssignmentSlot, reasons: readonly string[]) => {
    const e = { s, slot, reasons };
    excluded.push(e);
    if (s.exclusions) s.exclusions.push(e);
    else s.exclusions = [e];
  };
  /**
   * The one-reason lists of eligibility, shared by everyone at the same level (`eligibleFor` per level, not per
   * person): per role, by level, or `SUSPENDED` (whatever the level).
   */
  const eligibility = { 'incident-commander': new Map<unknown, readonly string[] | undefined>(), 'operations-chief': new Map<unknown, readonly string[] | undefined>() };
  const ineligibility = (level: NonNullable<AssignmentReputation['level']>, role: 'incident-commander' | 'operations-chief') => {
    const known = eligibility[role];
    const key = level.suspended ? SUSPENDED : level.level;
    const kept = known.get(key);
    if (kept !== undefined || known.has(key)) return kept;
    const result = eligibleFor(level, severity, role, config.levels);
    const reasons = result.eligible ? undefined : [result.reason];
    known.set(key, reasons);
    return reasons;
  };
  const noLevel = {
    'incident-commander': [`No level on record: ${INCIDENT_ROLE_TITLES['incident-commander']} on a ${severity} needs a level.`],
    'operations-chief': [`No level on record: ${INCIDENT_ROLE_TITLES['operations-chief']} on a ${severity} needs a level.`],
  };
  const eligibleFrom = (role: 'incident-commander' | 'operations-chief'): Scored[] =>
    scored.filter(s => {
      const level = s.reputation?.level;
      if (!level) {
        exclude(s, role, noLevel[role]);
        return false;
      }
      const ineligible = ineligibility(level, role);
      const busy = !level.suspended && config.excludeBusy && s.busy.length > 0;
      if (busy) {
        exclude(s, role, [...(ineligible ?? []), ...s.busy]);
        return false;
      }
      if (ineligible) {
        exclude(s, role, ineligible);
        return false;
      }
      return true;
    });

  const commanders = eligibleFrom('incident-commander').slice(0, config.topN);
  const top = commanders[0]?.user.userRef;
  const chief = eligibleFrom('operations-chief').find(s => {
    if (s.user.userRef !== top) return true;
    exclude(s, 'operations-chief', ['Suggested as Incident Commander: the Operations Chief should be someone else.']);
    return false;
  });

  const experts: AssignmentExpertTopic[] = [];
  const topics: Array<{ kind: 'type' | 'tech'; value: string }> = [
    ...(target.type ? [{ kind: 'type' as const, value: target.type }] : []),
    ...target.tech.map(value => ({ kind: 'tech' as const, value })),
  ];
  const suspendedExperts = new Map<string, { s: Scored; topics: string[] }>();
  for (const topic of topics) {
    const found: AssignmentExpertTopic['experts'] = [];
    const onTopic = ({ past: { known } }: Engagement) => (topic.kind === 'type' ? known.type === topic.value : known.tech.includes(topic.value));
    for (const s of scored) {
      if (s.engagements.length < config.expertMinIncidents) continue;
      // Counted first: most people have too few incidents on the topic.
      let count = 0;
      for (const engagement of s.engagements) if (onTopic(engagement)) count++;
      if (count < config.expertMinIncidents) continue;
      const matching = s.engagements.filter(onTopic).map(({ past, role }) => ({ past, known: past.known, role }));
      const what = topic.kind === 'type' ? `of type ${topic.value}` : `involving ${topic.value}`;
      if (s.reputation?.level?.suspended) {
        const entry = suspendedExperts.get(s.user.userRef) ?? { s, topics: [] };
        entry.topics.push(what);
        suspendedExperts.set(s.user.userRef, entry);
        continue;
      }
      const weight = matching.reduce((sum, m) => sum + incidentWeight(m.past, m.role, config), 0);
      const clean = matching.filter(m => m.past.factors.outcome === 'clean').length;
      const last = new Date(Math.max(...matching.map(m => m.known.declared))).toISOString().slice(0, 10);
      found.push({
        userRef: s.user.userRef,
        ...(s.user.displayName ? { displayName: s.user.displayName } : {}),
        incidents: matching.length,
        weight: round3(weight),
        reason: `${plural(matching.length, 'past incident')} ${what}, ${clean} resolved without reopen or repeat, the last on ${last}`,
      });
    }
    found.sort((a, b) => b.weight - a.weight || compareStrings(a.userRef, b.userRef));
    experts.push({ ...topic, experts: found.slice(0, config.expertsPerTopic) });
  }
  for (const { s, topics: what } of suspendedExperts.values()) {
    exclude(s, 'expert', [`Suspended: not flagged as an expert despite a track record (${what.join('; ')}).`]);
  }

  const { listed, summary } = capExclusions(excluded, scored, config.excludedListLimit);

  const explanation =
    commanders.length === 0
      ? `No one available is eligible to command this ${severity}; see who is left out and why.`
      : `${plural(commanders.length, 'suggested incident commander')} for this ${severity}, best first. A suggestion, not an assignment: the incident commander makes the call.`;

  return {
    incidentId: input.incident.id,
    severity,
    asOf: new Date(nowMs).toISOString(),
    incidentCommander: commanders.map((s, i) => candidate(s, i + 1)),
    ...(chief ? { operationsChief: candidate(chief, 1) } : {}),
    experts,
    excluded: listed,
    ...(summary ? { excludedSummary: summary } : {}),
    explanation,
  };
}
