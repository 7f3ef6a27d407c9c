import type {
  AffectedEntity,
  Hypothesis,
  Incident,
  IncidentRole,
  IncidentSource,
  IncidentStatus,
  Page,
  ResponderParticipation,
  Severity,
  TimelineEvent,
  TimelineEventType,
  MetricsReport,
} from '@majorops/plugin-majorops-common';

/** Filters for listing incidents. The router resolves groups and systems to entity refs. */
export interface IncidentListFilter {
  /** Incidents touching any of these entities. An empty array matches nothing. */
  entityRefs?: string[];
  statuses?: IncidentStatus[];
  severities?: Severity[];
  limit: number;
  cursor?: string;
}

/** A timeline entry to write; the store assigns its id. */
export interface NewTimelineEvent {
  type: TimelineEventType;
  occurredAt: string;
  actorRef: string;
  body: { text: string } & Record<string, unknown>;
}

/** A role held, or shadowed, on an incident written with it; ended at `releasedAt` when given. */
export interface NewRoleSpan {
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  assignedAt: string;
  releasedAt?: string;
  releasedBy?: string;
}

/** What is written when an incident is created; the store assigns id and version. */
export interface NewIncident {
  title: string;
  summary: string;
  severity: Severity;
  status: IncidentStatus;
  incidentType?: string;
  tags: string[];
  externalCause: boolean;
  customerReported: boolean;
  payingCustomer?: boolean;
  dataIntegrityConcern?: boolean;
  impactScope?: number;
  source: IncidentSource;
  externalId?: string;
  externalUrl?: string;
  entities: AffectedEntity[];
  roles: NewRoleSpan[];
  /** Shadows of the roles (imported history); ended at `releasedAt` when given. */
  shadows?: NewRoleSpan[];
  milestones: Incident['milestones'];
  rootCauseIdentifiedAt?: string;
  createdBy: string;
  createdAt: string;
  /** Timeline entries written with the incident (declaration, automatic upgrades). */
  timeline?: NewTimelineEvent[];
}

type MilestoneKey = keyof Incident['milestones'];

/** Columns an update may change; `null` clears a value. */
export interface IncidentChanges {
  title?: string;
  summary?: string;
  severity?: Severity;
  status?: IncidentStatus;
  incidentType?: string | null;
  tags?: string[];
  externalCause?: boolean;
  customerReported?: boolean;
  payingCustomer?: boolean;
  dataIntegrityConcern?: boolean;
  impactScope?: number | null;
  baselineImpact?: number | null;
  milestones?: Partial<Record<MilestoneKey, string | null>>;
  rootCauseIdentifiedAt?: string | null;
  rootCauseEscalatedAt?: string | null;
}

/** The state the caller read; the update happens only if the incident still has it. */
export interface Expectation {
  version?: number;
  status?: IncidentStatus;
  /** For escalation sweeps: only if no escalation was recorded yet. */
  rootCauseNotEscalated?: boolean;
  /**
   * For role changes: only if the role is still held by this user (`null`:
   * by nobody), so a handover or release never acts on someone it did not name.
   */
  roleHolder?: string | null;
}

/** Fields the domain rules need that the API does not show. */
export interface IncidentInternals {
  baselineImpact?: number;
}

/** A compact view of an incident for metrics. */
export interface MetricRow {
  severity: Severity;
  externalCause: boolean;
  impactStartedAt?: string;
  detectedAt?: string;
  declaredAt: string;
  acknowledgedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
}

/** Which incidents the metrics are computed over. */
export interface MetricsFilter {
  /** Incidents touching any of these entities, each counted once; all incidents when undefined. */
  entityRefs?: string[];
  /** Declared at or after. */
  from?: string;
  /** Declared before. */
  to?: string;
}

/** Storage of incidents and what hangs off them. */
export interface IncidentStore {
  createIncident(incident: NewIncident): Promise<Incident>;
  getIncident(id: string): Promise<Incident | undefined>;
  getInternals(id: string): Promise<IncidentInternals | undefined>;
  listIncidents(filter: IncidentListFilter): Promise<Page<Incident>>;
  countIncidents(): Promise<number>;

  /**
   * Changes an incident and appends timeline entries in one transaction, bumping
   * its version. Throws NotFoundError when it does not exist and ConflictError
   * (naming the current version) when it no longer matches `expect`.
   */
  updateIncident(
    id: string,
    expect: Expectation,
    changes: IncidentChanges,
    events: NewTimelineEvent[],
    at: string,
  ): Promise<Incident>;

  /**
   * Gives a role to a person, releasing its current holder; bumps the version.
   * If the person shadowed that role, the shadow ends: they hold it now.
   */
  assignRole(
    id: string,
    expect: Expectation,
    assignment: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident>;

  /** Releases a role; throws NotFoundError when nobody holds it. Bumps the version. */
  releaseRole(
    id: string,
    expect: Expectation,
    release: { role: IncidentRole; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident>;

  /**
   * Adds a shadow to a held role; bumps the version. Throws ConflictError when
   * the person already shadows it (or `expect.roleHolder` no longer holds it).
   */
  addShadow(
    id: string,
    expect: Expectation,
    shadow: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident>;

  /** Ends a shadow; throws NotFoundError when the person does not shadow the role. Bumps the version. */
  releaseShadow(
    id: string,
    expect: Expectation,
    release: { role: IncidentRole; userRef: string; actorRef: string; at: string },
    event: NewTimelineEvent,
  ): Promise<Incident>;

  appendTimeline(id: string, events: NewTimelineEvent[]): Promise<TimelineEvent[]>;
  /** Timeline in the order things happened. */
  listTimeline(
    id: string,
    options: { limit: number; cursor?: string; types?: TimelineEventType[] },
  ): Promise<Page<TimelineEvent>>;

  addHypothesis(
    id: string,
    hypothesis: { statement: string; openedBy: string; openedAt: string; timeboxEndsAt: string },
    event: NewTimelineEvent,
  ): Promise<Hypothesis>;
  /** Confirms or refutes an open hypothesis; undefined when it is not open (or not found). */
  resolveHypothesis(
    id: string,
    hypothesisId: string,
    resolution: { status: 'confirmed' | 'refuted'; resolvedBy: string; resolvedAt: string },
    event: NewTimelineEvent,
  ): Promise<Hypothesis | undefined>;
  listHypotheses(id: string, now: string): Promise<Hypothesis[]>;

  /** Open SEV1/SEV2 incidents without identified root cause and without a recorded escalation. */
  listRootCauseEscalationCandidates(limit: number): Promise<Incident[]>;

  /** Milestones of incidents declared in [from, to) touching the entities (all when undefined). */
  listMetricRows(filter: MetricsFilter): Promise<MetricRow[]>;
  /**
   * The metrics of `computeIncidentMetrics` over the incidents of the filter,
   * aggregated by the database: the same figures as computing them from
   * {@link IncidentStore.listMetricRows}, without loading every incident.
   */
  computeMetrics(filter: MetricsFilter): Promise<MetricsReport>;

  getParticipation(userRef: string): Promise<ResponderParticipation>;
  /** Distinct affected-entity refs recorded without an owner snapshot. */
  listEntityRefsWithoutOwner(limit: number): Promise<string[]>;
  /** Records owner and system for rows of this entity that have none; returns rows changed. */
  setOwnerSnapshot(entityRef: string, ownerRef: string, systemRef?: string): Promise<number>;
}
