import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AssignmentSuggestions,
  GroupRanking,
  LedgerEntry,
  PendingSurvey,
  PeerFeedbackSurveyRequest,
  ReputationView,
  TrainingRecordView,
  ActionItemView,
  CreateActionItemRequest,
  FollowThroughMetrics,
  OverduePostmortem,
  PostmortemStatus,
  PostmortemSummary,
  PostmortemView,
  PutPostmortemRequest,
  RepeatsView,
  RunbookAdherence,
  RunbookUsage,
  UpdateActionItemRequest,
  CadenceReport,
  DeclareIncidentRequest,
  Hypothesis,
  Incident,
  IncidentRole,
  IncidentStatus,
  MetricsReport,
  Page,
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

/** Scope of lists and figures: one entity (with its parts, for systems) or what a group owns. */
export interface ScopeRequest {
  entityRef?: string;
  groupRef?: string;
}

/** Filters of {@link MajorOpsApi.findActionItems}. */
export interface FindActionItemsRequest extends ScopeRequest {
  /** Items owned by this user or group. */
  ownerRef?: string;
  /** `open`: not done and not cancelled (overdue ones included); `overdue`: open and past the due day. */
  state?: 'open' | 'overdue';
  limit?: number;
  cursor?: string;
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

  declareIncident(request: DeclareIncidentRequest): Promise<Incident>;
  updateIncident(id: string, request: UpdateIncidentRequest): Promise<Incident>;
  transitionIncident(id: string, request: TransitionRequest): Promise<Incident>;
  assignRole(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident>;
  releaseRole(id: string, role: IncidentRole, version?: number): Promise<Incident>;
  /** Adds a shadow (someone learning the role) to a held role. */
  addShadow(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident>;
  /** Ends a shadow. */
  releaseShadow(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident>;
  listTimeline(id: string, options?: { limit?: number; cursor?: string }): Promise<Page<TimelineEvent>>;
  addTimelineEntry(id: string, entry: TimelineEntryRequest): Promise<TimelineEvent>;
  postStatusUpdate(id: string, update: StatusUpdateRequest): Promise<TimelineEvent>;
  openHypothesis(id: string, statement: string): Promise<Hypothesis>;
  resolveHypothesis(id: string, hypothesisId: string, status: 'confirmed' | 'refuted', note?: string): Promise<Hypothesis>;
  getInsights(id: string): Promise<IncidentInsights>;
  getMetrics(request: { entityRef?: string; groupRef?: string; from?: string; to?: string }): Promise<MetricsResponse>;

  /** The incident's post-mortem, or undefined when it has none the caller may read. */
  getPostmortem(incidentId: string): Promise<PostmortemView | undefined>;
  /** Creates the post-mortem (no `version`) or replaces it (the `version` last read; stale → 409). */
  savePostmortem(incidentId: string, request: PutPostmortemRequest): Promise<PostmortemView>;
  /** Post-mortems the caller may read, most recently changed first. */
  listPostmortems(request: ScopeRequest & { status?: PostmortemStatus[]; limit?: number; cursor?: string }): Promise<Page<PostmortemSummary>>;
  /** Resolved incidents whose required post-mortem is past its deadline. */
  listOverduePostmortems(request: ScopeRequest): Promise<{ items: OverduePostmortem[] }>;
  listActionItems(incidentId: string): Promise<{ items: ActionItemView[] }>;
  createActionItem(incidentId: string, request: CreateActionItemRequest): Promise<ActionItemView>;
  updateActionItem(incidentId: string, itemId: string, request: UpdateActionItemRequest): Promise<ActionItemView>;
  /** Action items across incidents: of an entity, a team, or an owner. */
  findActionItems(request: FindActionItemsRequest): Promise<Page<ActionItemView>>;
  getRepeats(incidentId: string): Promise<RepeatsView>;
  linkRepeat(incidentId: string, request: { earlierIncidentId: string; failureMode: string }): Promise<RepeatsView>;
  unlinkRepeat(incidentId: string, earlierIncidentId: string): Promise<RepeatsView>;
  listRunbookUsage(incidentId: string): Promise<{ items: RunbookUsage[] }>;
  /** Records (or corrects) whether the responders followed a runbook; a deviation needs its reason. */
  recordRunbookUsage(
    incidentId: string,
    runbookId: string,
    request: { adherence: RunbookAdherence; deviationReason?: string },
  ): Promise<RunbookUsage>;
  getFollowThrough(request: ScopeRequest & { from?: string; to?: string }): Promise<FollowThroughMetrics>;

  /** A responder's full reputation: yours, or anyone's with majorops.reputation.read. */
  getResponderReputation(userRef: string): Promise<ReputationView>;
  /** The ledger of score events behind a reputation, newest first. */
  listLedger(userRef: string, options?: { limit?: number; cursor?: string }): Promise<Page<LedgerEntry>>;
  /** A team's members ranked by score, with workload beside each (majorops.ranking.read). */
  getGroupRanking(groupRef: string): Promise<GroupRanking>;
  /** Peer-feedback surveys waiting for the signed-in user. */
  listPendingSurveys(): Promise<{ items: PendingSurvey[] }>;
  /** Answers one survey; the answers are never shown to anyone individually. */
  answerSurvey(surveyId: string, request: PeerFeedbackSurveyRequest): Promise<void>;
  /** Records a training or certification (majorops.responder.manage). */
  recordTraining(
    userRef: string,
    request: { kind: string; issuer: string; completedAt: string; expiresAt?: string },
  ): Promise<TrainingRecordView>;
  /** Suspends a responder pending a retraining review (majorops.responder.manage). */
  suspendResponder(userRef: string, request: { reason: string; reviewAt: string }): Promise<ReputationView>;
  /** Lifts the active suspension after its review (majorops.responder.manage). */
  liftSuspension(userRef: string, request: { note: string }): Promise<ReputationView>;

  /** Best-fit commander, operations chief and experts for an incident; never an assignment. */
  getSuggestions(incidentId: string): Promise<AssignmentSuggestions>;
  /** The same for an incident not declared yet (the declare dialog). */
  suggestForDraft(request: {
    severity: string;
    entityRefs: string[];
    incidentType?: string;
    tags?: string[];
  }): Promise<AssignmentSuggestions>;
  /** Accepts a suggestion: assigns the role as the signed-in user and records the acceptance. */
  acceptSuggestion(
    incidentId: string,
    request: { role: 'incident-commander' | 'operations-chief'; userRef: string; version?: number },
  ): Promise<Incident>;
  /** A team's members ready to command SEV1/SEV2 incidents now, with reasons. */
  getReadyCommanders(groupRef: string): Promise<{ groupRef: string; items: AssignmentSuggestions['incidentCommander'] }>;
}

/** @public */
export const majorOpsApiRef = createApiRef<MajorOpsApi>({
  id: 'plugin.majorops.service',
});
