import type { ChampionBadgeResult } from '../reputation/badge';
import type { LevelResult } from '../reputation/levels';
import type { WorkloadReport } from '../reputation/workload';
import type { IncidentRole } from '../roles';
import type { Severity } from '../severity';
import type { AssignmentComponent } from './config';

/**
 * The plain data the assignment engine works on. The backend loads it from the
 * catalog, the incident store and the reputation views; the frontend shows the
 * explanations the engine returns. All timestamps are ISO-8601 strings.
 */

/** A catalog user. */
export interface AssignmentUser {
  userRef: string;
  displayName?: string;
  /** Groups the user is a member of (`spec.memberOf`, as entity refs). */
  memberOf: string[];
  /** IANA time zone for the person's engagement pattern; the input's time zone otherwise. */
  timeZone?: string;
}

/** A catalog entity (component, resource, API or system) with what the engine needs of it. */
export interface AssignmentEntity {
  entityRef: string;
  /** `spec.owner` as an entity ref: a group, or a user. */
  ownerRef?: string;
  /** `spec.system` as an entity ref. */
  systemRef?: string;
  /** Values of the `majorops.dev/tech` annotation (see `parseAnnotationList`). */
  tech?: string[];
}

/** An entity affected by an incident, with the catalog's answer at declaration when known. */
export interface AssignmentAffectedEntity {
  entityRef: string;
  ownerRef?: string;
  systemRef?: string;
}

/** A role held on an incident over a stretch of time. */
export interface AssignmentRoleSpan {
  role: IncidentRole;
  userRef: string;
  assignedAt: string;
  /** When the person handed the role over; still held when absent. */
  releasedAt?: string;
}

/** A past or open incident. */
export interface AssignmentIncident {
  id: string;
  title?: string;
  severity: Severity;
  incidentType?: string;
  declaredAt: string;
  resolvedAt?: string;
  /** When it was reopened after resolution, if it was. */
  reopenedAt?: string;
  /** When a repeat of the same failure mode was linked to it, if one was. */
  repeatLinkedAt?: string;
  entities: AssignmentAffectedEntity[];
  /** Tech values of the incident; the affected entities' annotations when absent. */
  tech?: string[];
  roles: AssignmentRoleSpan[];
}

/** The incident suggestions are made for. */
export interface AssignmentTarget {
  id: string;
  title?: string;
  severity: Severity;
  incidentType?: string;
  declaredAt?: string;
  entities: AssignmentAffectedEntity[];
  tech?: string[];
}

/** What reputation says of one person at the moment of the suggestion. */
export interface AssignmentReputation {
  userRef: string;
  /** 0–1000, from `computeReputation`. */
  score?: number;
  /** From `computeLevel`; without it the person is not eligible for any role. */
  level?: Pick<LevelResult, 'level' | 'name' | 'suspended'>;
  /** From `computeChampionBadge`. */
  badge?: Pick<ChampionBadgeResult, 'holds'>;
  /** From `computeWorkload`, over the last weeks up to now. */
  workload?: Pick<WorkloadReport, 'weeks' | 'flaggedPeriods' | 'totals'>;
  /**
   * The shown (k-anonymous) average answer to "Would you want X as your
   * primary contact on the next P1?", 1–10. Absent when suppressed. Never an individual answer.
   */
  peerPreference?: number;
}

export interface AssignmentInput {
  incident: AssignmentTarget;
  users: AssignmentUser[];
  /** Affected entities, their systems, and any other entity worth knowing. */
  entities: AssignmentEntity[];
  /** Past and open incidents (the target itself is ignored if present). */
  incidents: AssignmentIncident[];
  reputation: AssignmentReputation[];
  /** IANA time zone of engagement patterns when a user has none; UTC by default. */
  timeZone?: string;
}

/** One part of a candidate's score. */
export interface AssignmentScoreComponent {
  /** 0–1 before the weight. */
  value: number;
  weight: number;
  /** value × weight, negative for penalties, one decimal. */
  points: number;
  reasons: string[];
}

/** A past incident that counted as expertise. */
export interface ExpertiseEvidence {
  incidentId: string;
  title?: string;
  severity: Severity;
  declaredAt: string;
  role: IncidentRole;
  /** What matched: `entity:…`, `system:…`, `type:…`, `tech:…`. */
  matches: string[];
  outcome: 'clean' | 'reopened-or-repeated' | 'unresolved';
  /** Weight after match, role, outcome, severity and recency, three decimals. */
  weight: number;
}

export interface AssignmentCandidate {
  userRef: string;
  displayName?: string;
  /** 1 for the best. */
  rank: number;
  /** Sum of the components' points, one decimal. */
  score: number;
  level?: Pick<LevelResult, 'level' | 'name'>;
  breakdown: Record<AssignmentComponent, AssignmentScoreComponent>;
  /** The reasons of the components that moved the score, largest effect first. */
  reasons: string[];
  /** The past incidents that count most as expertise, heaviest first. */
  evidence: ExpertiseEvidence[];
}

/** Which suggestion someone is left out of. */
export type AssignmentSlot = 'incident-commander' | 'operations-chief' | 'expert';

/** Someone not suggested for a slot, and why, for the UI. */
export interface AssignmentExclusion {
  userRef: string;
  displayName?: string;
  slot: AssignmentSlot;
  reasons: string[];
}

/** People left out of a slot for the same reasons and not listed one by one (see `excludedSummary`). */
export interface AssignmentExclusionSummary {
  slot: AssignmentSlot;
  reasons: string[];
  /** How many people. */
  count: number;
}

export interface AssignmentExpert {
  userRef: string;
  displayName?: string;
  /** Past incidents with the topic. */
  incidents: number;
  /** Recency- and outcome-weighted evidence, three decimals. */
  weight: number;
  reason: string;
}

/** Experts for one incident type or tech value. */
export interface AssignmentExpertTopic {
  kind: 'type' | 'tech';
  value: string;
  experts: AssignmentExpert[];
}

export interface AssignmentSuggestions {
  incidentId: string;
  severity: Severity;
  asOf: string;
  /** Best first; at most `topN`. */
  incidentCommander: AssignmentCandidate[];
  /** The best eligible person who is not the top commander. */
  operationsChief?: AssignmentCandidate;
  experts: AssignmentExpertTopic[];
  /**
   * Who is left out of a slot, and why, one entry per person and slot. Beyond
   * `excludedListLimit` entries only people with some relevance to the
   * incident are listed; the others are counted in `excludedSummary`.
   */
  excluded: AssignmentExclusion[];
  /**
   * Present only when `excluded` is capped: the people not listed, counted
   * by slot and reasons (most common first within a slot). No userRefs.
   */
  excludedSummary?: AssignmentExclusionSummary[];
  /** One line for the UI; never an assignment. */
  explanation: string;
}
