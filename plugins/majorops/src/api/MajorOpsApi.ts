import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CadenceReport,
  DeclareIncidentRequest,
  Hypothesis,
  Incident,
  IncidentRole,
  IncidentStatus,
  MetricsReport,
  Page,
  ResponderParticipation,
  RootCauseCheck,
  Runbook,
  RunbookDrill,
  RunbookFreshness,
  RunbookRevision,
  DrillKind,
  DrillOutcome,
  Severity,
  SeverityLevel,
  SeverityMatrix,
  StatusUpdateRequest,
  TimelineEntryRequest,
  TimelineEvent,
  TransitionRequest,
  UpdateIncidentRequest,
} from '@majorops/plugin-majorops-common';

/** Filters of {@link MajorOpsApi.listIncidents}. */
export interface ListIncidentsRequest {
  entityRef?: string;
  groupRef?: string;
  /** Statuses to include; 'open' stands for every unresolved status. */
  status?: Array<IncidentStatus | 'open'>;
  severity?: Severity[];
  limit?: number;
  cursor?: string;
}

export interface ReputationResponse {
  participation: ResponderParticipation;
}

/** The rules applied to an incident's history, as the incident page shows them. */
export interface IncidentInsights {
  severityLevel: SeverityLevel;
  cadence: CadenceReport;
  rootCause: RootCauseCheck;
  hypotheses: Hypothesis[];
}

/** A runbook as the backend serves it: with its freshness and the template sections it lacks. */
export interface RunbookView extends Runbook {
  freshness: RunbookFreshness;
  missingSections: string[];
}

export interface RecordDrillRequest {
  kind: DrillKind;
  outcome: DrillOutcome;
  performedAt: string;
  participants?: string[];
  notes?: string;
}

export interface MetricsResponse extends MetricsReport {
  scope: { entityRef?: string; groupRef?: string; from?: string; to?: string };
}

/**
 * The MajorOps backend, as the frontend sees it.
 *
 * @public
 */
export interface MajorOpsApi {
  listIncidents(request: ListIncidentsRequest): Promise<Page<Incident>>;
  getIncident(id: string): Promise<Incident>;
  getSeverityMatrix(): Promise<SeverityMatrix>;
  listRunbooks(request: { entityRef: string; limit?: number; cursor?: string }): Promise<Page<RunbookView>>;
  getRunbook(id: string): Promise<RunbookView>;
  /** Creates a runbook; without a body it starts from the template. */
  createRunbook(request: { entityRef: string; title: string; body?: string }): Promise<RunbookView>;
  /** Saves a new revision; a stale `version` gets a 409. */
  updateRunbook(id: string, request: { version: number; title: string; body: string; changeNote?: string }): Promise<RunbookView>;
  listRunbookRevisions(id: string, options?: { limit?: number; cursor?: string }): Promise<Page<RunbookRevision>>;
  getRunbookRevision(id: string, revision: number): Promise<RunbookRevision>;
  recordDrill(id: string, request: RecordDrillRequest): Promise<RunbookDrill>;
  listDrills(id: string): Promise<{ items: RunbookDrill[] }>;
  getReputation(userRef: string): Promise<ReputationResponse>;

  declareIncident(request: DeclareIncidentRequest): Promise<Incident>;
  updateIncident(id: string, request: UpdateIncidentRequest): Promise<Incident>;
  transitionIncident(id: string, request: TransitionRequest): Promise<Incident>;
  assignRole(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident>;
  releaseRole(id: string, role: IncidentRole, version?: number): Promise<Incident>;
  listTimeline(id: string, options?: { limit?: number; cursor?: string }): Promise<Page<TimelineEvent>>;
  addTimelineEntry(id: string, entry: TimelineEntryRequest): Promise<TimelineEvent>;
  postStatusUpdate(id: string, update: StatusUpdateRequest): Promise<TimelineEvent>;
  openHypothesis(id: string, statement: string): Promise<Hypothesis>;
  resolveHypothesis(id: string, hypothesisId: string, status: 'confirmed' | 'refuted', note?: string): Promise<Hypothesis>;
  getInsights(id: string): Promise<IncidentInsights>;
  getMetrics(request: { entityRef?: string; groupRef?: string; from?: string; to?: string }): Promise<MetricsResponse>;
}

/** @public */
export const majorOpsApiRef = createApiRef<MajorOpsApi>({
  id: 'plugin.majorops.service',
});
