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
import { engagementPatternOfCounts, engagementValueOfCounts, hourOfWeek, inEngagementWindow } from './timeOfDay';
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
  roles: KnownRole[];
}

/** A role taken by `now`, and whether it is still held. */
interface KnownRole {
  role: IncidentRole;
  userRef: string;
  assigned: number;
  held: boolean;
  /** The hour of the week of `assigned` in `zone`, the last zone asked about (see `hourAssignedIn`). */
  zone?: string;
  hour: number;
}

/**
 * The hour of the week at which the role was taken, in `timeZone`: kept on
 * the role for the last zone asked about, since most people share a zone and
 * the roles of an incident settled are read again on every call.
 */
function hourAssignedIn(role: KnownRole, timeZone: string): number {
  if (role.zone !== timeZone) {
    role.hour = hourOfWeek(role.assigned, timeZone);
    role.zone = timeZone;
  }
  return role.hour;
}

function label(incident: AssignmentIncident): string {
  return incident.title ? `${incident.id} '${incident.title}'` : incident.id;
}

/**
 * One instance of each ref kept in what is read of the incidents (the same
 * text, so nothing reads differently). The backend keeps thousands of
 * incident records, each with its own copies of the same few thousand user
 * and entity refs; kept as one shared copy, the refs looked up on every call
 * are in the processor's cache rather than scattered over the heap, where each
 * look-up cost a memory access. Bounded: cleared when full (it only saves time).
 */
const sharedRefs = new Map<string, string>();
const MAX_SHARED_REFS = 100_000;

function shared(ref: string): string {
  const kept = sharedRefs.get(ref);
  if (kept !== undefined) return kept;
  if (sharedRefs.size >= MAX_SHARED_REFS) sharedRefs.clear();
  sharedRefs.set(ref, ref);
  return ref;
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
 * entities are the very same as when it was read. The incident as known and
 * what it was read of are one object: the check on every call brings into
 * the processor's cache what the call then reads.
 */
interface SettledIncident extends KnownIncident {
  /** The latest of its timestamps: reused only at this `now` or later. */
  settled: number;
  /** The record as read: each field (string, array or span object) compared by identity. */
  declaredAt: string;
  resolvedAt?: string;
  reopenedAt?: string;
  repeatLinkedAt?: string;
  spans: AssignmentIncident['roles'];
  /**
   * Per span, `SPAN_FIELDS` entries in a row: the span object, and its
   * `assignedAt`, `releasedAt`, `role` and `userRef` as read. One array rather
   * than objects per span: the check of every incident on every call reads
   * one place in memory.
   */
  spanFields: unknown[];
  incidentType?: string;
  techAsRead?: readonly string[];
  techValues?: string[];
  entities: AssignmentIncident['entities'];
  /** Per affected entity as read: its refs, and the catalog's system and tech for it then, where they were used. */
  affected: Array<{ entityRef: string; systemRef?: string; key: string; catalogSystemRef?: string; catalogTech?: string[] }>;
}

const SPAN_FIELDS = 5;

const spanFieldsOf = (spans: AssignmentIncident['roles']): unknown[] =>
  spans.flatMap(span => [span, span.assignedAt, span.releasedAt, span.role, span.userRef]);

const settledIncidents = new WeakMap<AssignmentIncident, SettledIncident>();

/** No values and an empty list read alike. */
const nonEmpty = (values: readonly string[] | undefined) => (values && values.length > 0 ? values : undefined);

const sameValues = (a: readonly string[] | undefined, b: readonly string[] | undefined) => {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/**
 * Whether the incident is still as it was read when settled: the very same
 * strings, spans and arrays (the timestamps read of the same strings are the
 * same numbers), and the same from the catalog where its entities' system or
 * tech were taken from it.
 */
function stillSettled(kept: SettledIncident, incident: AssignmentIncident, entities: Map<string, AssignmentEntity>): boolean {
  const spans = incident.roles;
  if (
    kept.declaredAt !== incident.declaredAt ||
    kept.resolvedAt !== incident.resolvedAt ||
    kept.reopenedAt !== incident.reopenedAt ||
    kept.repeatLinkedAt !== incident.repeatLinkedAt ||
    kept.spans !== spans ||
    kept.spanFields.length !== spans.length * SPAN_FIELDS
  ) {
    return false;
  }
  if (incident.incidentType !== kept.incidentType || incident.tech !== kept.techAsRead || !sameValues(incident.tech, kept.techValues)) return false;
  const fields = kept.spanFields;
  for (let r = 0, f = 0; r < spans.length; r++, f += SPAN_FIELDS) {
    const span = spans[r];
    if (fields[f] !== span || fields[f + 1] !== span.assignedAt || fields[f + 2] !== span.releasedAt) return false;
    if (fields[f + 3] !== span.role || fields[f + 4] !== span.userRef) return false;
  }
  if (incident.entities !== kept.entities || incident.entities.length !== kept.affected.length) return false;
  for (let e = 0; e < kept.affected.length; e++) {
    const affected = incident.entities[e];
    const read = kept.affected[e];
    if (affected.entityRef !== read.entityRef || affected.systemRef !== read.systemRef) return false;
    // What the catalog says is compared only where it was used (incidents of other targets' entities are read alike).
    if (affected.systemRef == null || incident.tech === undefined) {
      const catalog = entities.get(read.key);
      if (affected.systemRef == null && catalog?.systemRef !== read.catalogSystemRef) return false;
      if (incident.tech === undefined && !sameValues(nonEmpty(catalog?.tech), read.catalogTech)) return false;
    }
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
  if (kept && nowMs >= kept.settled && stillSettled(kept, incident, entities)) return kept;
  const known = readKnownAt(incident, index, nowMs, entities);
  if (!known) return undefined;
  const times = readTimes.get(incident)!;
  let settled = Math.max(times.declared, times.resolved ?? -Infinity, times.reopened ?? -Infinity, times.repeated ?? -Infinity);
  for (const role of times.roles) settled = Math.max(settled, role.assigned, role.released ?? -Infinity);
  // NaN (a role not read) never compares: such an incident is read again every time.
  if (nowMs >= settled && known.roles.length === incident.roles.length) {
    // The strings the times were read of (`times` was read of the record as it is now).
    settledIncidents.set(incident, {
      ...known,
      settled,
      declaredAt: times.declaredAt,
      resolvedAt: times.resolvedAt,
      reopenedAt: times.reopenedAt,
      repeatLinkedAt: times.repeatLinkedAt,
      spans: times.spans,
      spanFields: spanFieldsOf(incident.roles),
      incidentType: incident.incidentType,
      techAsRead: incident.tech,
      techValues: incident.tech ? [...incident.tech] : undefined,
      entities: incident.entities,
      affected: incident.entities.map(affected => {
        const catalog = entities.get(affected.entityRef);
        const tech = incident.tech === undefined ? nonEmpty(catalog?.tech) : undefined;
        return {
          entityRef: affected.entityRef,
          systemRef: affected.systemRef,
          key: shared(affected.entityRef),
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
  if (incident.tech !== undefined) for (const t of incident.tech) addDistinct(tech, shared(normalize(t)));
  for (const affected of incident.entities) {
    addDistinct(entityRefs, shared(affected.entityRef));
    const catalog = entities.get(affected.entityRef);
    const systemRef = affected.systemRef ?? catalog?.systemRef;
    if (systemRef) addDistinct(systemRefs, shared(systemRef));
    if (incident.tech === undefined && catalog?.tech) for (const t of catalog.tech) addDistinct(tech, shared(normalize(t)));
  }
  const roles: KnownIncident['roles'] = [];
  for (let r = 0; r < times.roles.length; r++) {
    const { span } = times.roles[r];
    let { assigned, released } = times.roles[r];
    // Not a timestamp: read again, for the error (with this call's numbering).
    if (Number.isNaN(assigned)) assigned = readTimestamp(span.assignedAt, `incidents[${index}].roles[${r}].assignedAt`);
    if (assigned > nowMs) continue;
    if (released !== undefined && Number.isNaN(released)) released = readTimestamp(span.releasedAt!, `incidents[${index}].roles[${r}].releasedAt`);
    roles.push({ role: span.role, userRef: shared(span.userRef), assigned, held: released === undefined || released > nowMs, zone: undefined, hour: 0 });
  }
  return {
    incident,
    declared,
    resolved,
    open: !resolved,
    reopenedOrRepeated: (times.reopened !== undefined && times.reopened <= nowMs) || (times.repeated !== undefined && times.repeated <= nowMs),
    entityRefs,
    systemRefs,
    type: incident.incidentType ? shared(normalize(incident.incidentType)) : undefined,
    tech,
    roles,
  };
}

/** A facet of the target a past incident can match: `entity:…`, `system:…`, `type:…`, `tech:…`, and its phrase. */
interface Facet {
  ref: string;
  key: string;
  phrase: string;
  /** Its place among the facets of its kind (they are matched in this order). */
  order: number;
  /** The type and tech facets: the index of their topic among the experts' topics. */
  topic?: number;
}

interface Target {
  entityRefs: string[];
  /** Per affected entity: its owner, its system and the system's owner. */
  ownership: Array<{ entityRef: string; ownerRef?: string; systemRef?: string; systemOwnerRef?: string }>;
  /** Every owner and system owner in `ownership`: someone in none of them owns nothing here. */
  owners: Set<string>;
  systemRefs: Set<string>;
  type?: string;
  tech: string[];
  /** The facets, written once per suggestion: entities, systems and tech sorted. */
  entityFacets: Facet[];
  systemFacets: Facet[];
  typeFacet?: Facet;
  techFacets: Facet[];
  /** The facets by ref, to match a past incident's (distinct) refs without comparing each with each. */
  entityFacetOf: Map<string, Facet>;
  systemFacetOf: Map<string, Facet>;
  techFacetOf: Map<string, Facet>;
  /** The experts' topics: the type, if any, then the tech values (the topic of each facet). */
  topics: Array<{ kind: 'type' | 'tech'; value: string }>;
}

const facetsOf = (refs: string[], kind: string, phrase: (ref: string) => string, firstTopic?: number): Facet[] =>
  refs.map((ref, order) => ({ ref, key: `${kind}:${ref}`, phrase: phrase(ref), order, ...(firstTopic === undefined ? {} : { topic: firstTopic + order }) }));

const byRef = (facets: Facet[]) => new Map(facets.map(f => [f.ref, f]));

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
  const owners = new Set<string>();
  for (const o of ownership) {
    if (o.ownerRef) owners.add(o.ownerRef);
    if (o.systemOwnerRef) owners.add(o.systemOwnerRef);
  }
  const entityFacets = facetsOf(entityRefs, 'entity', ref => `on ${ref}`);
  const systemFacets = facetsOf([...systemRefs].sort(compareStrings), 'system', ref => `in ${ref}`);
  const techFacets = facetsOf(sortedTech, 'tech', ref => `involving ${ref}`, type ? 1 : 0);
  return {
    entityRefs,
    ownership,
    owners,
    systemRefs,
    type,
    tech: sortedTech,
    entityFacets,
    systemFacets,
    ...(type ? { typeFacet: { ref: type, key: `type:${type}`, phrase: `of type ${type}`, order: 0, topic: 0 } } : {}),
    techFacets,
    entityFacetOf: byRef(entityFacets),
    systemFacetOf: byRef(systemFacets),
    techFacetOf: byRef(techFacets),
    topics: [...(type ? [{ kind: 'type' as const, value: type }] : []), ...sortedTech.map(value => ({ kind: 'tech' as const, value }))],
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

/** Whether the user, or a group they are a member of, is among `refs`. */
function inAnyOf(refs: Set<string>, user: AssignmentUser): boolean {
  if (refs.has(user.userRef)) return true;
  for (const ref of user.memberOf) if (refs.has(ref)) return true;
  return false;
}

/** The `value` of {@link ownershipOf}. */
function ownershipValueOf(user: AssignmentUser, target: Target, config: AssignmentConfig): number {
  // Most people are in none of the owning teams: told by a look-up per team rather than a comparison with each owner.
  if (!inAnyOf(target.owners, user)) return 0;
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

/** How a past incident matches the target: computed once per incident, whoever held a role on it. */
interface IncidentMatch {
  /** Sum of the facets' weights. */
  match: number;
  /** The facets matched, in the order of the reasons; their keys are the evidence's `matches`. */
  facets: Facet[];
}

const NO_FACETS: Facet[] = [];

/** A past incident as analysed once for the target and `now`. */
interface PastIncident extends IncidentFactors, IncidentMatch {
  known: KnownIncident;
  /** `known.declared`, for the sort. */
  declared: number;
  /** Its candidates' engagements in the `EngagementLog`: this many from this one. */
  firstEngagement: number;
  engagements: number;
}

/** The facets of `facetOf` among `refs` (distinct), in the facets' order. */
function facetsAmong(refs: readonly string[], facetOf: Map<string, Facet>): Facet[] | undefined {
  let found: Facet[] | undefined;
  if (facetOf.size === 0) return found;
  for (const ref of refs) {
    const facet = facetOf.get(ref);
    if (facet) (found ??= []).push(facet);
  }
  if (found && found.length > 1) found.sort((a, b) => a.order - b.order);
  return found;
}

function pastIncidentOf(known: KnownIncident, target: Target, nowMs: number, config: AssignmentConfig): PastIncident {
  const outcome = outcomeOf(known);
  const outcomeFactor =
    outcome === 'clean' ? config.outcomeFactors.clean : outcome === 'unresolved' ? config.outcomeFactors.unresolved : config.outcomeFactors.reopenedOrRepeated;
  const ageDays = Math.max(0, nowMs - known.declared) / MS_PER_DAY;
  // The facets matched: the entities, or else the systems; the type; the tech values.
  let match = 0;
  let facets = facetsAmong(known.entityRefs, target.entityFacetOf);
  if (facets) match += config.facets.entity;
  else {
    facets = facetsAmong(known.systemRefs, target.systemFacetOf);
    if (facets) match += config.facets.system;
  }
  if (target.typeFacet && known.type === target.typeFacet.ref) {
    match += config.facets.type;
    (facets ??= []).push(target.typeFacet);
  }
  const tech = facetsAmong(known.tech, target.techFacetOf);
  if (tech) {
    match += config.facets.tech * Math.min(tech.length, config.facets.maxTechMatches);
    if (facets) facets.push(...tech);
    else facets = tech;
  }
  return {
    known,
    declared: known.declared,
    firstEngagement: 0,
    engagements: 0,
    outcome,
    outcomeFactor,
    severityFactor: config.severityFactors[known.incident.severity],
    decay: Math.pow(0.5, ageDays / config.halfLifeDays),
    match: facets ? match : 0,
    facets: facets ?? NO_FACETS,
  };
}

/** Someone's part in a past incident: the role that counts most for them on it. */
interface Engagement {
  past: PastIncident;
  role: IncidentRole;
}

/** Same value, and same floating-point order, as role factor × outcome × severity × recency. */
function incidentWeight(past: PastIncident, role: IncidentRole, config: AssignmentConfig): number {
  return config.roleFactors[role] * past.outcomeFactor * past.severityFactor * past.decay;
}

/** At most this many past incidents are shown as evidence per person. */
const EVIDENCE_SHOWN = 5;

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
    const { facets: matched, match } = past;
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
      matches: past.facets.map(f => f.key),
      outcome: past.outcome,
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
      const clean = group.filter(i => i.past.outcome === 'clean').length;
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

/** A candidate: what the history says of them, then their score; reasons and evidence are written when asked for. */
interface Scored {
  user: AssignmentUser;
  /** Their place in userRef order (the users are sorted by it): equal scores are ranked by it. */
  index: number;
  reputation?: AssignmentReputation;
  timeZone: string;
  /** The hour of the week of `now` in their time zone; or the error of an unknown zone, raised once the incidents are read. */
  hourNow: number;
  zoneError?: unknown;
  /** Past incidents they held a role on (their engagements). */
  engagements: number;
  /** The raw evidence of expertise (match × weight of each engagement, in the history's order). */
  expertise: number;
  /** Whether any of their past incidents matched a facet of the target. */
  matchedAnyFacet: boolean;
  /** Roles they took before `now`, and those of them in the window around its hour of the week (time of day). */
  rolesTaken: number;
  rolesInWindow: number;
  /** Why they are busy elsewhere, if they are. */
  busy: string[];
  ownership: number;
  score: number;
  /** Worth listing when left out: in an owning team, a track record on the incident's topics, or busy elsewhere. */
  relevant: boolean;
  /** Written by `detailsOf` for the people shown. */
  details?: { breakdown: Record<AssignmentComponent, AssignmentScoreComponent>; evidence: ExpertiseEvidence[] };
  /**
   * Why they are left out of each slot they are left out of, by the slot's place in `SLOT_ORDER` (the order in
   * which anyone is left out). The reasons are shared between people left out for the same ones: never changed.
   */
  leftOut?: Array<readonly string[] | undefined>;
}

/** The key of every suspended person's eligibility, whatever their level. */
const SUSPENDED = Symbol('suspended');

const PENALTY = Object.fromEntries(ASSIGNMENT_COMPONENTS.map(c => [c, ASSIGNMENT_PENALTIES.includes(c)])) as Record<AssignmentComponent, boolean>;

const SLOT_ORDER: AssignmentSlot[] = ['incident-commander', 'operations-chief', 'expert'];

function exclusionOf(s: Scored, slot: number): AssignmentExclusion {
  const user = s.user;
  return { userRef: user.userRef, ...(user.displayName ? { displayName: user.displayName } : {}), slot: SLOT_ORDER[slot], reasons: [...s.leftOut![slot]!] };
}

/** How many slots someone is left out of. */
function leftOutCount(s: Scored): number {
  let count = 0;
  if (s.leftOut) for (const reasons of s.leftOut) if (reasons) count++;
  return count;
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
 * Everyone left out (`excluded` entries in all) when there are at most `limit` entries. Beyond that, the
 * people with some relevance, highest score first, as many as fit whole in
 * `limit`; everyone else counted by slot and reasons. Sorted by userRef, then slot.
 */
function capExclusions(
  scored: Scored[],
  excluded: number,
  limit: number,
): { listed: AssignmentExclusion[]; summary?: AssignmentExclusionSummary[] } {
  const bySlot = (a: AssignmentExclusion, b: AssignmentExclusion) =>
    compareStrings(a.userRef, b.userRef) || SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot);
  const listed: AssignmentExclusion[] = [];
  const listAll = excluded <= limit;
  const unlisted = new ExclusionCounter();
  // `scored` is ranked by score, then userRef.
  for (const s of scored) {
    const entries = s.leftOut;
    if (!entries) continue;
    const list = listAll || (s.relevant && listed.length + leftOutCount(s) <= limit);
    for (let slot = 0; slot < entries.length; slot++) {
      const reasons = entries[slot];
      if (!reasons) continue;
      if (list) listed.push(exclusionOf(s, slot));
      else unlisted.add(SLOT_ORDER[slot], reasons);
    }
  }
  return listAll ? { listed: listed.sort(bySlot) } : { listed: listed.sort(bySlot), summary: unlisted.summary() };
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

/** Each user as a candidate, in userRef order, with their reputation (for a ref listed twice, the last) and time zone. */
function candidatesOf(users: AssignmentUser[], input: AssignmentInput, nowMs: number): { scored: Scored[]; byRef: Map<string, Scored> } {
  const byRef = new Map<string, Scored>();
  /** The hour of the week of `now` per time zone. */
  const hourNowIn = new Map<string, number>();
  const scored = users.map((user, index): Scored => {
    const timeZone = user.timeZone ?? input.timeZone ?? 'UTC';
    let hourNow = hourNowIn.get(timeZone);
    let zoneError: unknown;
    if (hourNow === undefined) {
      try {
        hourNow = hourOfWeek(nowMs, timeZone);
        hourNowIn.set(timeZone, hourNow);
      } catch (error) {
        zoneError = error;
        hourNow = NaN;
      }
    }
    const s: Scored = {
      user,
      index,
      reputation: undefined,
      timeZone,
      hourNow,
      zoneError,
      engagements: 0,
      expertise: 0,
      matchedAnyFacet: false,
      rolesTaken: 0,
      rolesInWindow: 0,
      busy: NO_BUSY,
      ownership: 0,
      score: 0,
      relevant: false,
      details: undefined,
      leftOut: undefined,
    };
    byRef.set(user.userRef, s);
    return s;
  });
  for (const reputation of input.reputation) {
    const s = byRef.get(reputation.userRef);
    if (s) s.reputation = reputation;
  }
  return { scored, byRef };
}

const NO_BUSY: string[] = [];

/**
 * The candidates' engagements, incident by incident as the incidents are
 * read (with the roles they took, for the time of day): per incident, each candidate who held a role on it with the strongest
 * role they held (the strongest factor, then the first listed). Kept in two
 * flat lists, so that reading them again in the history's order reads no
 * incident record.
 */
class EngagementLog {
  readonly people: Scored[] = [];
  readonly roles: IncidentRole[] = [];

  /**
   * Logs the engagements on `past` and notes where they are, and counts the
   * roles taken before `now` for the time of day (only counts: in any order),
   * as `engagementPatternOfInstants` counts instants. Done as the incident is read.
   */
  addAll(past: PastIncident, byRef: Map<string, Scored>, nowMs: number, config: AssignmentConfig): void {
    const factor = config.roleFactors;
    const { windowHours } = config.timeOfDay;
    past.firstEngagement = this.people.length;
    const spans = past.known.roles;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const s = byRef.get(span.userRef);
      if (!s) continue;
      if (span.assigned < nowMs && !s.zoneError) {
        s.rolesTaken++;
        if (inEngagementWindow(hourAssignedIn(span, s.timeZone), s.hourNow, windowHours)) s.rolesInWindow++;
      }
      // One engagement per person, logged at their first span.
      if (this.people.indexOf(s, past.firstEngagement) >= 0) continue;
      let role = span.role;
      for (let j = i + 1; j < spans.length; j++) if (spans[j].userRef === span.userRef && factor[spans[j].role] > factor[role]) role = spans[j].role;
      this.people.push(s);
      this.roles.push(role);
    }
    past.engagements = this.people.length - past.firstEngagement;
  }

  /** Someone's engagements, in the history's order. */
  of(s: Scored, history: PastIncident[]): Engagement[] {
    const engagements: Engagement[] = [];
    for (const past of history) {
      const end = past.firstEngagement + past.engagements;
      for (let k = past.firstEngagement; k < end; k++) if (this.people[k] === s) engagements.push({ past, role: this.roles[k] });
    }
    return engagements;
  }
}

/**
 * Per candidate and expert topic (the target's type, then its tech values):
 * the past incidents on the topic, their summed weight (in the history's
 * order), how many were clean, and when the last was declared.
 */
class TopicTallies {
  private readonly incidentCounts: Float64Array;
  private readonly weights: Float64Array;
  private readonly cleanCounts: Float64Array;
  private readonly lastDeclared: Float64Array;

  constructor(
    people: number,
    private readonly topics: number,
  ) {
    const size = people * topics;
    this.incidentCounts = new Float64Array(size);
    this.weights = new Float64Array(size);
    this.cleanCounts = new Float64Array(size);
    this.lastDeclared = new Float64Array(size).fill(-Infinity);
  }

  add(person: number, topic: number, past: PastIncident, weight: number): void {
    const at = person * this.topics + topic;
    this.incidentCounts[at]++;
    this.weights[at] += weight;
    if (past.outcome === 'clean') this.cleanCounts[at]++;
    this.lastDeclared[at] = Math.max(this.lastDeclared[at], past.declared);
  }

  of(person: number, topic: number): { incidents: number; weight: number; clean: number; last: number } {
    const at = person * this.topics + topic;
    return { incidents: this.incidentCounts[at], weight: this.weights[at], clean: this.cleanCounts[at], last: this.lastDeclared[at] };
  }

  incidents(person: number, topic: number): number {
    return this.incidentCounts[person * this.topics + topic];
  }
}

/**
 * The history read again in its order, from the engagements logged (no
 * incident record but the open ones is read again): per candidate their
 * engagements, the evidence of expertise and the tallies per expert topic
 * (sums in the history's order, as ever), and why they are busy elsewhere.
 */
function readHistory(history: PastIncident[], byRef: Map<string, Scored>, log: EngagementLog, config: AssignmentConfig, tallies: TopicTallies): void {
  for (const past of history) {
    const end = past.firstEngagement + past.engagements;
    for (let k = past.firstEngagement; k < end; k++) {
      const s = log.people[k];
      s.engagements++;
      if (past.facets.length === 0) continue;
      s.matchedAnyFacet = true;
      const weight = incidentWeight(past, log.roles[k], config);
      if (past.match !== 0) s.expertise += past.match * weight;
      for (const facet of past.facets) if (facet.topic !== undefined) tallies.add(s.index, facet.topic, past, weight);
    }
    if (past.known.open) {
      for (const span of past.known.roles) {
        const s = byRef.get(span.userRef);
        if (!s || !span.held || (span.role !== 'incident-commander' && span.role !== 'operations-chief')) continue;
        const doing = span.role === 'incident-commander' ? 'commanding' : 'running operations on';
        const reason = `Already ${doing} ${label(past.known.incident)}`;
        if (s.busy === NO_BUSY) s.busy = [reason];
        else addDistinct(s.busy, reason);
      }
    }
  }
}

/** The values (0–1) of the components of someone's score, in the order of `ASSIGNMENT_COMPONENTS`, written into `values`. */
function componentValues(s: Scored, nowMs: number, config: AssignmentConfig, values: number[]): number[] {
  const reputation = s.reputation;
  const score = reputation?.score;
  const peer = reputation?.peerPreference;
  const hoursPerWeek = reputation?.workload?.totals?.incidentHoursPerWeek;
  values[0] = score === undefined ? 0 : score / 1000;
  values[1] = reputation?.badge?.holds ? 1 : 0;
  values[2] = s.ownership;
  values[3] = s.expertise / (s.expertise + config.expertiseSaturation);
  values[4] = peer === undefined ? config.peerPreferenceNeutral : (peer - 1) / 9;
  values[5] = engagementValueOfCounts({ total: s.rolesTaken, inWindow: s.rolesInWindow }, config.timeOfDay);
  values[6] = hoursPerWeek === undefined || hoursPerWeek <= 0 ? 0 : Math.min(1, hoursPerWeek / config.workloadFullHoursPerWeek);
  values[7] = hasBurnout(reputation, nowMs, config) ? 1 : 0;
  values[8] = s.busy.length > 0 ? 1 : 0;
  return values;
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
  const entities = new Map<string, AssignmentEntity>();
  for (const entity of input.entities) entities.set(entity.entityRef, entity);
  const users = distinctByRef(input.users);
  const target = describeTarget(input, entities);
  const { scored, byRef } = candidatesOf(users, input, nowMs);
  // Each past incident is read once, in the order given: what it is at `now`, how it matches, who took part.
  const history: PastIncident[] = [];
  const log = new EngagementLog();
  // Numbered as in the incidents other than the target, for the errors.
  let index = 0;
  for (const incident of input.incidents) {
    if (incident.id === input.incident.id) continue;
    const known = knownAt(incident, index++, nowMs, entities);
    if (!known) continue;
    const past = pastIncidentOf(known, target, nowMs, config);
    log.addAll(past, byRef, nowMs, config);
    history.push(past);
  }
  // An unknown time zone: its error, once the incidents were read (as before, the first in userRef order).
  for (const s of scored) if (s.zoneError) throw s.zoneError;
  history.sort((a, b) => a.declared - b.declared || compareStrings(a.known.incident.id, b.known.incident.id));
  const tallies = new TopicTallies(scored.length, target.topics.length);
  readHistory(history, byRef, log, config, tallies);

  const w = config.weights;
  // Busy people are left out rather than marked down when `excludeBusy` is set.
  const weightOf = (c: AssignmentComponent) => (c === 'busy' && config.excludeBusy ? 0 : w[c]);
  const weights = ASSIGNMENT_COMPONENTS.map(weightOf);
  const penalties = ASSIGNMENT_COMPONENTS.map(c => PENALTY[c]);
  const values: number[] = ASSIGNMENT_COMPONENTS.map(() => 0);
  for (const s of scored) {
    s.ownership = ownershipValueOf(s.user, target, config);
    componentValues(s, nowMs, config, values);
    let total = 0;
    for (let c = 0; c < values.length; c++) total += pointsOf(values[c], weights[c], penalties[c]);
    s.score = round1(total);
    s.relevant = s.ownership > 0 || s.matchedAnyFacet || s.busy.length > 0;
  }
  // By score, then userRef (the order of `index`).
  scored.sort((a, b) => b.score - a.score || a.index - b.index);

  /** The breakdown with every reason, and the evidence, of someone shown. */
  const detailsOf = (s: Scored): NonNullable<Scored['details']> => {
    if (s.details) return s.details;
    const { user, reputation } = s;
    const values = componentValues(s, nowMs, config, []);
    const score = reputation?.score;
    const peer = reputation?.peerPreference;
    const hoursPerWeek = reputation?.workload?.totals?.incidentHoursPerWeek;
    const expertise = expertiseDetailsOf(log.of(s, history), nowMs, config);
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
            engagementPatternOfCounts({ total: s.rolesTaken, inWindow: s.rolesInWindow }, s.hourNow, s.timeZone, config.timeOfDay).reason.replace(/\.$/, ''),
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

  /** Entries of `excluded` in all: written out only for the people listed. */
  let excluded = 0;
  const exclude = (s: Scored, slot: AssignmentSlot, reasons: readonly string[]) => {
    (s.leftOut ??= [])[SLOT_ORDER.indexOf(slot)] = reasons;
    excluded++;
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
  /** Why someone may not take the role, or nothing when they may. */
  const ineligibleFor = (s: Scored, role: 'incident-commander' | 'operations-chief'): readonly string[] | undefined => {
    const level = s.reputation?.level;
    if (!level) return noLevel[role];
    const ineligible = ineligibility(level, role);
    if (!level.suspended && config.excludeBusy && s.busy.length > 0) return [...(ineligible ?? []), ...s.busy];
    return ineligible;
  };

  // Everyone eligible or left out, in rank order: the first N eligible command.
  const commanders: Scored[] = [];
  for (const s of scored) {
    const reasons = ineligibleFor(s, 'incident-commander');
    if (reasons) exclude(s, 'incident-commander', reasons);
    else if (commanders.length < config.topN) commanders.push(s);
  }
  const top = commanders[0]?.user.userRef;
  // The best eligible who is not the top commander (the top commander is left out only when met before them).
  let chief: Scored | undefined;
  for (const s of scored) {
    const reasons = ineligibleFor(s, 'operations-chief');
    if (reasons) exclude(s, 'operations-chief', reasons);
    else if (chief) continue;
    else if (s.user.userRef === top) exclude(s, 'operations-chief', ['Suggested as Incident Commander: the Operations Chief should be someone else.']);
    else chief = s;
  }

  const suspendedExperts = new Map<Scored, string[]>();
  const experts: AssignmentExpertTopic[] = target.topics.map((topic, t) => {
    const what = topic.kind === 'type' ? `of type ${topic.value}` : `involving ${topic.value}`;
    /** Everyone with a track record on the topic, by rounded weight; only those shown are written out. */
    const found: Array<{ s: Scored; weight: number }> = [];
    for (const s of scored) {
      // Counted first: most people have too few incidents on the topic.
      if (s.engagements < config.expertMinIncidents || tallies.incidents(s.index, t) < config.expertMinIncidents) continue;
      if (s.reputation?.level?.suspended) {
        const topics = suspendedExperts.get(s);
        if (topics) topics.push(what);
        else suspendedExperts.set(s, [what]);
        continue;
      }
      const { incidents, weight, last } = tallies.of(s.index, t);
      // Without incidents on the topic (a minimum below 1) there is no last date, and no reason can be written: the error as ever.
      if (incidents === 0) new Date(last).toISOString();
      found.push({ s, weight: round3(weight) });
    }
    // By weight, then userRef (the order of `index`).
    found.sort((a, b) => b.weight - a.weight || a.s.index - b.s.index);
    const shown = found.slice(0, config.expertsPerTopic).map(({ s, weight }) => {
      const { incidents, clean, last } = tallies.of(s.index, t);
      return {
        userRef: s.user.userRef,
        ...(s.user.displayName ? { displayName: s.user.displayName } : {}),
        incidents,
        weight,
        reason: `${plural(incidents, 'past incident')} ${what}, ${clean} resolved without reopen or repeat, the last on ${new Date(last).toISOString().slice(0, 10)}`,
      };
    });
    return { ...topic, experts: shown };
  });
  for (const [s, what] of suspendedExperts) {
    exclude(s, 'expert', [`Suspended: not flagged as an expert despite a track record (${what.join('; ')}).`]);
  }

  const { listed, summary } = capExclusions(scored, excluded, config.excludedListLimit);

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
