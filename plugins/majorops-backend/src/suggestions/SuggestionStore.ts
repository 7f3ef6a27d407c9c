import type { AssignmentIncident, IncidentRole, Severity } from '@majorops/plugin-majorops-common';

/** Which past incidents count as history for a suggestion. */
export interface HistoryFilter {
  /** Incidents touching any of these entities. */
  entityRefs: string[];
  /** Incidents touching an entity of these systems (as recorded at declaration). */
  systemRefs: string[];
  /** Incidents of this type. */
  incidentType?: string;
  /** Declared at or after. */
  since: string;
  /** At most this many, the most recent first. */
  limit: number;
}

/** An acceptance of a suggestion, as recorded. */
export interface SuggestionAcceptance {
  incidentId: string;
  role: IncidentRole;
  userRef: string;
  /** 1 for the best; absent when the person was not suggested. */
  rankAtAcceptance?: number;
  /** The suggested refs at that moment, best first. */
  suggestedTopN: string[];
  acceptedBy: string;
  acceptedAt: string;
}

/** A SEV1/SEV2 incident with its first incident commander, for the acceptance rate. */
export interface CommandedIncident {
  incidentId: string;
  severity: Severity;
  declaredAt: string;
  commanderRef?: string;
  commanderAssignedAt?: string;
}

/**
 * What the assignment engine reads from the MajorOps database, and where
 * accepted suggestions are recorded. Reads are bounded: history by entity,
 * system and type within a time window, open incidents only while open.
 */
export interface SuggestionStore {
  /** Incidents not resolved yet, with roles and entities. */
  listOpenIncidents(limit: number): Promise<AssignmentIncident[]>;
  /** Past incidents matching the filter, with roles, entities, reopen and repeat times. */
  listHistory(filter: HistoryFilter): Promise<AssignmentIncident[]>;
  /**
   * Gets ready, off the request path, to answer histories declared since
   * `since` (loads or renews what it keeps in process); optional.
   */
  prepareHistory?(since: string): Promise<void>;
  /** Every incident with what the engine needs, oldest first (for offline replay). */
  listAllIncidents(): Promise<Array<AssignmentIncident & { externalCause: boolean }>>;
  /** The incident as the engine's target, or undefined when it does not exist. */
  getIncident(id: string): Promise<(AssignmentIncident & { tags: string[] }) | undefined>;

  recordAcceptance(acceptance: SuggestionAcceptance): Promise<void>;
  /** Acceptances of incidents declared in [from, to). */
  listAcceptances(range: { from?: string; to?: string }): Promise<SuggestionAcceptance[]>;
  /** SEV1/SEV2 incidents declared in [from, to) with their first incident commander. */
  listCommandedIncidents(range: { from?: string; to?: string }): Promise<CommandedIncident[]>;
}
