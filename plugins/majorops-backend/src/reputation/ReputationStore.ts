import type {
  KnowledgeContributionFact,
  LedgerEntry,
  LedgerEvent,
  Page,
  Severity,
  Suspension,
  TrainingRecordView,
} from '@majorops/plugin-majorops-common';
import type { IncidentRole, RoleSpan } from '@majorops/plugin-majorops-common';
import type { ReputationSummary } from './ReputationSummaryReader';

/** A ledger event with the key of the record it was derived from; recomputation replaces by this key. */
export interface KeyedLedgerEvent extends LedgerEvent {
  sourceKey: string;
}

/** One incident as the reputation model reads it, with everything recorded about it. */
export interface IncidentRecord {
  id: string;
  title: string;
  severity: Severity;
  status: string;
  externalCause: boolean;
  declaredAt: string;
  detectedAt?: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  roles: Array<{ role: IncidentRole; userRef: string; assignedAt: string; releasedAt?: string }>;
  /** Status updates, escalations, severity and status changes and the declaration, oldest first. */
  events: Array<{ type: string; occurredAt: string; actorRef: string; body: Record<string, unknown> }>;
  /** The first timeline entry of each person who wrote one. */
  firstEntries: Array<{ actorRef: string; at: string }>;
  /** Later incidents linked as repeats of this one. */
  repeats: Array<{ incidentId: string; declaredAt: string }>;
}

/** A piece of peacetime work with the key of the record it comes from. */
export interface KeyedKnowledgeFact extends KnowledgeContributionFact {
  sourceKey: string;
}

/** An incident on which someone shadowed a role: every span of its role holders and shadows (for mentoring). */
export interface ShadowedIncident {
  incidentId: string;
  title: string;
  resolvedAt?: string;
  holders: RoleSpan[];
  shadows: RoleSpan[];
}

/** What changed since a watermark: incidents to recompute, and people whose peacetime work changed. */
export interface ReputationChanges {
  incidentIds: string[];
  knowledgeUserRefs: string[];
}

/** One role span of a person, with the incident's severity, for levels and workload. */
export interface ResponderRoleRecord {
  incidentId: string;
  severity: Severity;
  role: IncidentRole;
  declaredAt: string;
  assignedAt: string;
  releasedAt?: string;
  resolvedAt?: string;
}

export interface StoredSuspension extends Suspension {
  id: string;
  userRef: string;
  liftedBy?: string;
  liftNote?: string;
}

/** The ledger sources of peacetime work (events without an incident). */
export const KNOWLEDGE_LEDGER_SOURCES = ['runbook-revision', 'drill', 'postmortem', 'action-item', 'mentoring'] as const;

/**
 * Where the reputation model reads its facts and keeps its ledger, training
 * records and suspensions.
 */
export interface ReputationStore {
  /** Ids of all incidents, in id order, `limit` after `afterId`. */
  listIncidentIds(afterId: string | undefined, limit: number): Promise<string[]>;
  /** The incidents with their roles, timeline facts and repeats. */
  loadIncidents(ids: string[]): Promise<IncidentRecord[]>;
  /** Peacetime work; of the given people only when `userRefs` is set. */
  loadKnowledgeFacts(userRefs?: string[]): Promise<KeyedKnowledgeFact[]>;
  /**
   * The incidents with shadows, in id order; with `userRefs`, only those on
   * which one of these people held a role that someone shadowed.
   */
  loadShadowedIncidents(userRefs?: string[]): Promise<ShadowedIncident[]>;
  /** Incidents and people whose records changed at or after `since`. */
  changedSince(since: Date): Promise<ReputationChanges>;

  /** Replaces every event of these incidents in the ledger readers see, in one transaction. */
  replaceIncidentEvents(incidentIds: string[], events: KeyedLedgerEvent[], computedAt: string): Promise<void>;
  /**
   * Replaces the events of these people from the given sources (events
   * without an incident) in the ledger readers see, in one transaction; an
   * event written here under a source key another person held moves to its new owner.
   */
  replaceUserEvents(userRefs: string[], sources: readonly string[], events: KeyedLedgerEvent[], computedAt: string): Promise<void>;

  /**
   * Starts a full rebuild: removes what an interrupted rebuild left and
   * returns the generation to write, which readers do not see yet.
   */
  beginRebuild(): Promise<number>;
  /** Appends events to a generation being rebuilt (no replacement: the generation starts empty). */
  appendEvents(generation: number, events: KeyedLedgerEvent[], computedAt: string): Promise<void>;
  /** Makes a rebuilt generation the one readers see, in one step; the older rows go then or, on PostgreSQL, at the next {@link ReputationStore.dropRetiredGenerations}. */
  finishRebuild(generation: number, builtAt: string): Promise<void>;
  /** Removes what is left of generations older than the visible one (kept a while after a switch for reads begun before it). */
  dropRetiredGenerations(): Promise<void>;

  listEvents(userRef: string): Promise<LedgerEvent[]>;
  listLedger(userRef: string, page: { limit: number; cursor?: string }): Promise<Page<LedgerEntry>>;
  /** Every ledger row without its id and time of computation, in a fixed order: for comparing recomputations. */
  dumpLedger(): Promise<Array<KeyedLedgerEvent>>;
  ledgerUpdatedAt(userRef: string): Promise<string | undefined>;

  getWatermark(name: string): Promise<Date | undefined>;
  setWatermark(name: string, value: Date): Promise<void>;

  listRoleRecords(userRef: string): Promise<ResponderRoleRecord[]>;
  /** The stored summaries of these people (those never summarised are absent). */
  getSummaries(userRefs: string[]): Promise<ReputationSummary[]>;
  /** When the stored summary of each of these people was computed (ISO-8601), for those with one: cheaper than reading them. */
  getSummaryTimes(userRefs: string[]): Promise<Map<string, string>>;
  /** Stores summaries, replacing each person's earlier one. */
  putSummaries(summaries: ReputationSummary[]): Promise<void>;
  /** People whose summary was computed before `before`, oldest first. */
  listSummariesComputedBefore(before: string, limit: number): Promise<string[]>;
  /** Those among `userRefs` with a role on an incident, a training record or a suspension. */
  withRecords(userRefs: string[]): Promise<Set<string>>;

  listTraining(userRef: string): Promise<TrainingRecordView[]>;
  addTraining(record: Omit<TrainingRecordView, 'id'>): Promise<TrainingRecordView>;
  listSuspensions(userRef: string): Promise<StoredSuspension[]>;
  /** Sets a suspension unless one is active; false when one is. */
  suspend(suspension: Omit<StoredSuspension, 'id' | 'liftedAt' | 'liftedBy' | 'liftNote'>): Promise<StoredSuspension | undefined>;
  /** Lifts the active suspension; undefined when none is active. */
  lift(userRef: string, lift: { liftedBy: string; liftedAt: string; note: string }): Promise<StoredSuspension | undefined>;
}
