import type { IncidentStatus } from './lifecycle';
import type { IncidentRole } from './roles';
import type { Severity } from './severity';

/** Timestamps are ISO-8601 UTC strings throughout the API. */
export type IsoTimestamp = string;

/** A page of a list; pass `nextCursor` back as `cursor` for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A catalog entity touched by an incident, with its owner as the catalog said at declaration. */
export interface AffectedEntity {
  entityRef: string;
  /** Owner at declaration (snapshot); the live owner comes from the catalog. */
  ownerRef?: string;
  systemRef?: string;
  /** Owner in the catalog now; given by `GET /incidents/:id` when the catalog knows the entity. */
  currentOwnerRef?: string;
}

/** A role currently held on an incident. */
export interface RoleAssignment {
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  assignedAt: IsoTimestamp;
}

/**
 * A person shadowing a role: they follow its holder through the incident to
 * learn it (new responders shadow before they go primary). A shadow holds no
 * role and is not on a recovery track; the holders they learn from are
 * credited with mentoring once the time together has ended.
 */
export interface ShadowAssignment {
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  assignedAt: IsoTimestamp;
}

/** The moments that MTTD, MTTA and MTTR are measured between. */
export interface IncidentMilestones {
  impactStartedAt?: IsoTimestamp;
  detectedAt?: IsoTimestamp;
  declaredAt: IsoTimestamp;
  acknowledgedAt?: IsoTimestamp;
  mitigatedAt?: IsoTimestamp;
  resolvedAt?: IsoTimestamp;
  closedAt?: IsoTimestamp;
}

/** Where an incident came from. */
export type IncidentSource = 'majorops' | 'pagerduty' | 'opsgenie' | 'demo';

export interface Incident {
  id: string;
  title: string;
  summary: string;
  severity: Severity;
  status: IncidentStatus;
  incidentType?: string;
  tags: string[];
  /** Caused by a third party: shown, but never counted against individuals. */
  externalCause: boolean;
  customerReported: boolean;
  /** The reporting customer is on a paying account (at least SEV2). */
  payingCustomer: boolean;
  /** Data integrity is in question (SEV1). */
  dataIntegrityConcern: boolean;
  /** Current impact, e.g. % of users affected; doubling it raises the severity. */
  impactScope?: number;
  /** When the status first reached identified (root cause known). */
  rootCauseIdentifiedAt?: IsoTimestamp;
  /** When the no-root-cause escalation was raised, if it was. */
  rootCauseEscalatedAt?: IsoTimestamp;
  source: IncidentSource;
  externalId?: string;
  externalUrl?: string;
  entities: AffectedEntity[];
  roles: RoleAssignment[];
  /** Current shadows; given by `GET /incidents/:id` and by the writes on one incident, not by lists. */
  shadows?: ShadowAssignment[];
  milestones: IncidentMilestones;
  createdBy: string;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  /** Optimistic-locking version; send it back with every change. */
  version: number;
}

export interface Runbook {
  id: string;
  entityRef: string;
  title: string;
  /** Markdown following the runbook template. */
  body: string;
  /** When a drill or game day last passed. */
  lastTestedAt?: IsoTimestamp;
  /** Number of the latest revision; every edit adds one. */
  revision: number;
  updatedBy: string;
  createdBy: string;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
  version: number;
}

/** What the backend knows of one responder's part in incidents. */
export interface ResponderParticipation {
  userRef: string;
  /** Distinct incidents in which the person held any role. */
  incidents: number;
  /** How many times each role was held. */
  rolesHeld: Partial<Record<IncidentRole, number>>;
  /** The most recent incident the person held a role on. */
  lastIncidentAt?: IsoTimestamp;
}
