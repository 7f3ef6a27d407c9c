import type {
  AffectedEntity,
  Incident,
  IncidentRole,
  IncidentSource,
  IncidentStatus,
  Page,
  ResponderParticipation,
  Severity,
} from '@majorops/plugin-majorops-common';

/** Filters for listing incidents. Either entity refs or nothing; the router resolves groups to refs. */
export interface IncidentListFilter {
  /** Incidents touching any of these entities. An empty array matches nothing. */
  entityRefs?: string[];
  statuses?: IncidentStatus[];
  severities?: Severity[];
  limit: number;
  cursor?: string;
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
  source: IncidentSource;
  externalId?: string;
  externalUrl?: string;
  entities: AffectedEntity[];
  roles: Array<{ role: IncidentRole; userRef: string; assignedBy: string; assignedAt: string; releasedAt?: string; releasedBy?: string }>;
  milestones: Incident['milestones'];
  createdBy: string;
  createdAt: string;
}

/** Storage of incidents and what hangs off them. */
export interface IncidentStore {
  createIncident(incident: NewIncident): Promise<Incident>;
  getIncident(id: string): Promise<Incident | undefined>;
  listIncidents(filter: IncidentListFilter): Promise<Page<Incident>>;
  countIncidents(): Promise<number>;
  getParticipation(userRef: string): Promise<ResponderParticipation>;
  /** Distinct affected-entity refs recorded without an owner snapshot. */
  listEntityRefsWithoutOwner(limit: number): Promise<string[]>;
  /** Records owner and system for rows of this entity that have none; returns rows changed. */
  setOwnerSnapshot(entityRef: string, ownerRef: string, systemRef?: string): Promise<number>;
}
