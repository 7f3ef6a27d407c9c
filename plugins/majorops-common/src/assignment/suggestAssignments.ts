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
import { engagementPatternOfInstants } from './timeOfDay';
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
  entityRefs: Set<string>;
  systemRefs: Set<string>;
  type?: string;
  tech: Set<string>;
  /** Role spans taken by `now`, with whether they are still held. */
  roles: Array<{ role: IncidentRole; userRef: string; assigned: number; held: boolean }>;
}

function label(incident: AssignmentIncident): string {
  return incident.title ? `${incident.id} '${incident.title}'` : incident.id;
}

function knownAt(
  incident: AssignmentIncident,
  index: number,
  nowMs: number,
  entities: Map<string, AssignmentEntity>,
): KnownIncident | undefined {
  const at = (value: string | undefined, field: string) =>
    value === undefined ? undefined : readTimestamp(value, `incidents[${index}].${field}`);
  const declared = at(incident.declaredAt, 'declaredAt')!;
  if (declared > nowMs) return undefined;
  const resolvedAt = at(incident.resolvedAt, 'resolvedAt');
  const reopenedAt = at(incident.reopenedAt, 'reopenedAt');
  const repeatAt = at(incident.repeatLinkedAt, 'repeatLinkedAt');
  const resolved = resolvedAt !== undefined && resolvedAt <= nowMs;
  const systemRefs = new Set<string>();
  const tech = new Set<string>((incident.tech ?? []).map(normalize));
  for (const affected of incident.entities) {
    const catalog = entities.get(affected.entityRef);
    const systemRef = affected.systemRef ?? catalog?.systemRef;
    if (systemRef) systemRefs.add(systemRef);
    if (incident.tech === undefined) for (const t of catalog?.tech ?? []) tech.add(normalize(t));
  }
  const roles: KnownIncident['roles'] = [];
  incident.roles.forEach((span, r) => {
    const assigned = at(span.assignedAt, `roles[${r}].assignedAt`)!;
    if (assigned > nowMs) return;
    const released = at(span.releasedAt, `roles[${r}].releasedAt`);
    roles.push({ role: span.role, userRef: span.userRef, assigned, held: released === undefined || released > nowMs });
  });
  return {
    incident,
    declared,
    resolved,
    open: !resolved,
    reopenedOrRepeated: (reopenedAt !== undefined && reopenedAt <= nowMs) || (repeatAt !== undefined && repeatAt <= nowMs),
    entityRefs: new Set(incident.entities.map(e => e.entityRef)),
    systemRefs,
    type: incident.incidentType ? normalize(incident.incidentType) : undefined,
    tech,
    roles,
  };
}

interface Target {
  entityRefs: string[];
  /** Per affected entity: its owner, its system and the system's owner. */
  ownership: Array<{ entityRef: string; ownerRef?: string; systemRef?: string; systemOwnerRef?: string }>;
  systemRefs: Set<string>;
  type?: string;
  tech: string[];
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
  return {
    entityRefs: [...new Set(input.incident.entities.map(e => e.entityRef))].sort(compareStrings),
    ownership,
    systemRefs,
    type: input.incident.incidentType ? normalize(input.incident.incidentType) : undefined,
    tech: [...tech].sort(compareStrings),
  };
}

function component(value: number, weight: number, reasons: string[], penalty: boolean): AssignmentScoreComponent {
  const points = round1((penalty ? -1 : 1) * value * weight);
  return { value: round3(value), weight, points: points === 0 ? 0 : points, reasons };
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

interface Expertise {
  raw: number;
  evidence: ExpertiseEvidence[];
  /** Whether any past incident matched a facet of the target (then there is at least one reason). */
  matchedAnyFacet: boolean;
  /** The reasons, written only when asked for (for the people shown). */
  reasons(): string[];
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
  /** `entity:…`, `system:…`, `type:…`, `tech:…`. */
  matches: string[];
  /** Sum of the facets' weights. */
  match: number;
  /** The facets for the reasons: key and phrase. */
  facets: Array<{ key: string; phrase: string }>;
}

function matchOf(known: KnownIncident, target: Target, config: AssignmentConfig): IncidentMatch {
  const matches: string[] = [];
  const facets: IncidentMatch['facets'] = [];
  let match = 0;
  const sameEntities = target.entityRefs.filter(ref => known.entityRefs.has(ref));
  if (sameEntities.length > 0) {
    match += config.facets.entity;
    for (const ref of sameEntities) {
      matches.push(`entity:${ref}`);
      facets.push({ key: `entity:${ref}`, phrase: `on ${ref}` });
    }
  } else {
    const sameSystems = [...target.systemRefs].filter(ref => known.systemRefs.has(ref)).sort(compareStrings);
    if (sameSystems.length > 0) {
      match += config.facets.system;
      for (const ref of sameSystems) {
        matches.push(`system:${ref}`);
        facets.push({ key: `system:${ref}`, phrase: `in ${ref}` });
      }
    }
  }
  if (target.type && known.type === target.type) {
    match += config.facets.type;
    matches.push(`type:${target.type}`);
    facets.push({ key: `type:${target.type}`, phrase: `of type ${target.type}` });
  }
  const sharedTech = target.tech.filter(t => known.tech.has(t));
  if (sharedTech.length > 0) {
    match += config.facets.tech * Math.min(sharedTech.length, config.facets.maxTechMatches);
    for (const t of sharedTech) {
      matches.push(`tech:${t}`);
      facets.push({ key: `tech:${t}`, phrase: `involving ${t}` });
    }
  }
  return { matches, match, facets };
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
  for (const past of history) {
    const strongest = new Map<string, IncidentRole>();
    for (const span of past.known.roles) {
      const best = strongest.get(span.userRef);
      if (best === undefined || config.roleFactors[span.role] > config.roleFactors[best]) strongest.set(span.userRef, span.role);
    }
    for (const [userRef, role] of strongest) {
      const list = byUser.get(userRef);
      if (list) list.push({ past, role });
      else byUser.set(userRef, [{ past, role }]);
    }
  }
  return byUser;
}

/** At most this many past incidents are shown as evidence per person. */
const EVIDENCE_SHOWN = 5;

function expertiseOf(engagements: Engagement[], nowMs: number, config: AssignmentConfig): Expertise {
  if (engagements.length === 0) return { raw: 0, evidence: [], matchedAnyFacet: false, reasons: () => [] };
  /** facet key → phrase and the incidents that matched it. */
  const facets = new Map<string, { phrase: string; items: Engagement[] }>();
  /** The heaviest engagements so far (rounded weight, then incident id), as a stable sort would order them. */
  const heaviest: Array<{ weight: number; engagement: Engagement }> = [];
  const before = (a: { weight: number; engagement: Engagement }, b: { weight: number; engagement: Engagement }) =>
    b.weight - a.weight || compareStrings(a.engagement.past.known.incident.id, b.engagement.past.known.incident.id);
  let raw = 0;
  for (const engagement of engagements) {
    const { past, role } = engagement;
    const { matches, match } = past.match;
    for (const { key, phrase } of past.match.facets) {
      const facet = facets.get(key);
      if (facet) facet.items.push(engagement);
      else facets.set(key, { phrase, items: [engagement] });
    }
    if (matches.length === 0 || match === 0) continue;
    const weight = match * incidentWeight(past, role, config);
    raw += weight;
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
      matches: [...past.match.matches],
      outcome: past.factors.outcome,
      weight,
    };
  });
  const reasons = (): string[] => {
    const out: string[] = [];
    for (const { phrase, items } of facets.values()) {
      for (const commanded of [true, false]) {
        const group = items.filter(i => (i.role === 'incident-commander') === commanded);
        if (group.length === 0) continue;
        const major = group.every(i => isMajor(i.past.known.incident.severity)) ? 'SEV1/SEV2 ' : '';
        const lastYear = group.every(i => nowMs - i.past.known.declared <= YEAR_MS) ? ' in the last year' : '';
        const clean = group.filter(i => i.past.factors.outcome === 'clean').length;
        const verb = commanded ? 'Commanded' : 'Held a role on';
        out.push(`${verb} ${group.length} ${major}incident${group.length === 1 ? '' : 's'} ${phrase}${lastYear} (${clean} resolved without reopen or repeat)`);
      }
    }
    return out;
  };
  return { raw, evidence, matchedAnyFacet: facets.size > 0, reasons };
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

interface Scored {
  user: AssignmentUser;
  reputation?: AssignmentReputation;
  score: number;
  /** The components with their reasons, written when first asked for (for the people shown). */
  breakdown(): Record<AssignmentComponent, AssignmentScoreComponent>;
  evidence: ExpertiseEvidence[];
  busy: string[];
  engagements: Engagement[];
  relevant: boolean;
}

function candidate(s: Scored, rank: number): AssignmentCandidate {
  const order = (c: AssignmentComponent) => ASSIGNMENT_COMPONENTS.indexOf(c);
  const breakdown = s.breakdown();
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
    evidence: s.evidence,
  };
}

const NO_REASONS: string[] = [];
const PENALTY = Object.fromEntries(ASSIGNMENT_COMPONENTS.map(c => [c, ASSIGNMENT_PENALTIES.includes(c)])) as Record<AssignmentComponent, boolean>;

const SLOT_ORDER: AssignmentSlot[] = ['incident-commander', 'operations-chief', 'expert'];

/**
 * Everyone left out when there are at most `limit` entries. Beyond that, the
 * people with some relevance, highest score first, as many as fit whole in
 * `limit`; everyone else counted by slot and reasons. Sorted by userRef, then slot.
 */
function capExclusions(
  excluded: AssignmentExclusion[],
  scored: Scored[],
  limit: number,
): { listed: AssignmentExclusion[]; summary?: AssignmentExclusionSummary[] } {
  const bySlot = (a: AssignmentExclusion, b: AssignmentExclusion) =>
    compareStrings(a.userRef, b.userRef) || SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot);
  if (excluded.length <= limit) return { listed: excluded.sort(bySlot) };
  const entriesOf = new Map<string, AssignmentExclusion[]>();
  for (const e of excluded) {
    const list = entriesOf.get(e.userRef);
    if (list) list.push(e);
    else entriesOf.set(e.userRef, [e]);
  }
  const listed: AssignmentExclusion[] = [];
  const unlisted: AssignmentExclusion[] = [];
  // `scored` is ranked by score, then userRef.
  for (const s of scored) {
    const entries = entriesOf.get(s.user.userRef);
    if (!entries) continue;
    if (s.relevant && listed.length + entries.length <= limit) listed.push(...entries);
    else unlisted.push(...entries);
  }
  const groups = new Map<string, AssignmentExclusionSummary>();
  for (const e of unlisted) {
    const key = JSON.stringify([e.slot, e.reasons]);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { slot: e.slot, reasons: e.reasons, count: 1 });
  }
  const summary = [...groups.values()].sort(
    (a, b) =>
      SLOT_ORDER.indexOf(a.slot) - SLOT_ORDER.indexOf(b.slot) ||
      b.count - a.count ||
      compareStrings(a.reasons.join('\n'), b.reasons.join('\n')),
  );
  return { listed: listed.sort(bySlot), summary };
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
  const users = [...new Map(input.users.map(u => [u.userRef, u])).values()].sort((a, b) => compareStrings(a.userRef, b.userRef));
  const target = describeTarget(input, entities);
  const history = input.incidents
    .filter(i => i.id !== input.incident.id)
    .map((incident, i) => knownAt(incident, i, nowMs, entities))
    .filter((k): k is KnownIncident => k !== undefined)
    .sort((a, b) => a.declared - b.declared || compareStrings(a.incident.id, b.incident.id));
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
  // Without engagements the pattern depends on the time zone only.
  const patternWithout = new Map<string, ReturnType<typeof engagementPatternOfInstants>>();
  const patternOf = (userRef: string, timeZone: string) => {
    const engagements = engagementsByUser.get(userRef);
    if (engagements) return engagementPatternOfInstants(engagements, nowMs, { timeZone, config: config.timeOfDay });
    let pattern = patternWithout.get(timeZone);
    if (!pattern) {
      pattern = engagementPatternOfInstants([], nowMs, { timeZone, config: config.timeOfDay });
      patternWithout.set(timeZone, pattern);
    }
    return pattern;
  };
  // Busy people are left out rather than marked down when `excludeBusy` is set.
  const weightOf = (c: AssignmentComponent) => (c === 'busy' && config.excludeBusy ? 0 : w[c]);
  const scored: Scored[] = users.map(user => {
    const reputation = reputations.get(user.userRef);
    const timeZone = user.timeZone ?? input.timeZone ?? 'UTC';
    const ownership = ownershipOf(user, target, config);
    const engagements = engagementsOf.get(user.userRef) ?? [];
    const expertise = expertiseOf(engagements, nowMs, config);
    const pattern = patternOf(user.userRef, timeZone);
    const burnout = burnoutOf(reputation, nowMs, config);
    const busy = busyByUser.get(user.userRef) ?? [];
    const hoursPerWeek = reputation?.workload?.totals?.incidentHoursPerWeek;
    const peer = reputation?.peerPreference;
    const score = reputation?.score;
    // The score needs only the values; the reasons are written for the people shown.
    const values: Record<AssignmentComponent, number> = {
      reputation: score === undefined ? 0 : score / 1000,
      champion: reputation?.badge?.holds ? 1 : 0,
      ownership: ownership.value,
      expertise: expertise.raw / (expertise.raw + config.expertiseSaturation),
      peerPreference: peer === undefined ? config.peerPreferenceNeutral : (peer - 1) / 9,
      timeOfDay: pattern.value,
      workload: hoursPerWeek === undefined || hoursPerWeek <= 0 ? 0 : Math.min(1, hoursPerWeek / config.workloadFullHoursPerWeek),
      burnout: burnout.length > 0 ? 1 : 0,
      busy: busy.length > 0 ? 1 : 0,
    };
    const reasonsOf = (c: AssignmentComponent): string[] => {
      switch (c) {
        case 'reputation':
          return [score === undefined ? 'No reputation score yet' : `Reputation score ${score} of 1000`];
        case 'champion':
          return reputation?.badge?.holds ? ['Holds the SRE Champion badge'] : [];
        case 'ownership':
          return ownership.reasons;
        case 'expertise':
          return expertise.reasons();
        case 'peerPreference':
          return peer === undefined
            ? ['No peer aggregate shown yet (too few raters): counted as neutral']
            : [`Peers would want them as primary contact on the next P1: ${peer}/10 on average`];
        case 'timeOfDay':
          return [pattern.reason.replace(/\.$/, '')];
        case 'workload':
          return hoursPerWeek === undefined || hoursPerWeek <= 0 ? [] : [`${hoursPerWeek} hours in incidents per week recently`];
        case 'burnout':
          return burnout;
        case 'busy':
          return busy;
        default:
          return [];
      }
    };
    let total = 0;
    for (const c of ASSIGNMENT_COMPONENTS) total += component(values[c], weightOf(c), NO_REASONS, PENALTY[c]).points;
    let breakdown: Record<AssignmentComponent, AssignmentScoreComponent> | undefined;
    const breakdownOf = () => {
      if (!breakdown) {
        breakdown = {} as Record<AssignmentComponent, AssignmentScoreComponent>;
        for (const c of ASSIGNMENT_COMPONENTS) breakdown[c] = component(values[c], weightOf(c), reasonsOf(c), PENALTY[c]);
      }
      return breakdown;
    };
    // Worth listing when left out: in an owning team, a track record on the incident's topics, or busy elsewhere.
    const relevant = ownership.value > 0 || expertise.matchedAnyFacet || busy.length > 0;
    return { user, reputation, score: round1(total), breakdown: breakdownOf, evidence: expertise.evidence, busy, engagements, relevant };
  });
  scored.sort((a, b) => b.score - a.score || compareStrings(a.user.userRef, b.user.userRef));

  const excluded: AssignmentExclusion[] = [];
  const exclude = (s: Scored, slot: AssignmentSlot, reasons: string[]) =>
    excluded.push({ userRef: s.user.userRef, ...(s.user.displayName ? { displayName: s.user.displayName } : {}), slot, reasons });
  const eligibleFrom = (role: 'incident-commander' | 'operations-chief'): Scored[] =>
    scored.filter(s => {
      const level = s.reputation?.level;
      if (!level) {
        exclude(s, role, [`No level on record: ${INCIDENT_ROLE_TITLES[role]} on a ${severity} needs a level.`]);
        return false;
      }
      const eligibility = eligibleFor(level, severity, role, config.levels);
      const reasons = eligibility.eligible ? [] : [eligibility.reason];
      if (!level.suspended && config.excludeBusy && s.busy.length > 0) reasons.push(...s.busy);
      if (reasons.length > 0) {
        exclude(s, role, reasons);
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
    for (const s of scored) {
      if (s.engagements.length < config.expertMinIncidents) continue;
      const matching = s.engagements
        .filter(({ past: { known } }) => (topic.kind === 'type' ? known.type === topic.value : known.tech.has(topic.value)))
        .map(({ past, role }) => ({ past, known: past.known, role }));
      if (matching.length < config.expertMinIncidents) continue;
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
