import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  DeclareIncidentRequest,
  Hypothesis,
  Incident,
  IncidentRole,
  Page,
  RunbookDrill,
  RunbookRevision,
  SeverityMatrix,
  StatusUpdateRequest,
  TimelineEntryRequest,
  TimelineEvent,
  TransitionRequest,
  UpdateIncidentRequest,
} from '@majorops/plugin-majorops-common';
import {
  FindActionItemsRequest,
  ScopeRequest,
  IncidentInsights,
  ListIncidentsRequest,
  MajorOpsApi,
  MetricsResponse,
  RecordDrillRequest,
  RunbookView,
} from './MajorOpsApi';

type QueryValue = string | number | string[] | undefined;

/**
 * Talks to the MajorOps backend through Backstage's discovery and fetch APIs,
 * so the signed-in user's token goes with every request.
 *
 * @public
 */
export class MajorOpsClient implements MajorOpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listIncidents(request: ListIncidentsRequest): Promise<Page<Incident>> {
    return this.get('/incidents', {
      entityRef: request.entityRef,
      groupRef: request.groupRef,
      status: request.status,
      severity: request.severity,
      limit: request.limit,
      cursor: request.cursor,
    });
  }

  getIncident(id: string): Promise<Incident> {
    return this.get(`/incidents/${encodeURIComponent(id)}`);
  }

  getSeverityMatrix(): Promise<SeverityMatrix> {
    return this.get('/severity-matrix');
  }

  listRunbooks(request: { entityRef: string; limit?: number; cursor?: string }): Promise<Page<RunbookView>> {
    return this.get('/runbooks', request);
  }

  getRunbook(id: string): Promise<RunbookView> {
    return this.get(`/runbooks/${encodeURIComponent(id)}`);
  }

  createRunbook(request: { entityRef: string; title: string; body?: string }): Promise<RunbookView> {
    return this.send('POST', '/runbooks', request);
  }

  updateRunbook(
    id: string,
    request: { version: number; title: string; body: string; changeNote?: string },
  ): Promise<RunbookView> {
    return this.send('PUT', `/runbooks/${encodeURIComponent(id)}`, request);
  }

  listRunbookRevisions(id: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<RunbookRevision>> {
    return this.get(`/runbooks/${encodeURIComponent(id)}/revisions`, options);
  }

  getRunbookRevision(id: string, revision: number): Promise<RunbookRevision> {
    return this.get(`/runbooks/${encodeURIComponent(id)}/revisions/${revision}`);
  }

  recordDrill(id: string, request: RecordDrillRequest): Promise<RunbookDrill> {
    return this.send('POST', `/runbooks/${encodeURIComponent(id)}/drills`, request);
  }

  listDrills(id: string): Promise<{ items: RunbookDrill[] }> {
    return this.get(`/runbooks/${encodeURIComponent(id)}/drills`);
  }

  declareIncident(request: DeclareIncidentRequest): Promise<Incident> {
    return this.send('POST', '/incidents', request);
  }

  updateIncident(id: string, request: UpdateIncidentRequest): Promise<Incident> {
    return this.send('PATCH', `/incidents/${encodeURIComponent(id)}`, request);
  }

  transitionIncident(id: string, request: TransitionRequest): Promise<Incident> {
    return this.send('POST', `/incidents/${encodeURIComponent(id)}/transitions`, request);
  }

  assignRole(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident> {
    return this.send('PUT', `/incidents/${encodeURIComponent(id)}/roles/${encodeURIComponent(role)}`, {
      userRef,
      ...(version === undefined ? {} : { version }),
    });
  }

  releaseRole(id: string, role: IncidentRole, version?: number): Promise<Incident> {
    const query = version === undefined ? '' : `?version=${version}`;
    return this.send('DELETE', `/incidents/${encodeURIComponent(id)}/roles/${encodeURIComponent(role)}${query}`);
  }

  addShadow(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident> {
    return this.send('PUT', this.shadowPath(id, role, userRef), version === undefined ? {} : { version });
  }

  releaseShadow(id: string, role: IncidentRole, userRef: string, version?: number): Promise<Incident> {
    const query = version === undefined ? '' : `?version=${version}`;
    return this.send('DELETE', `${this.shadowPath(id, role, userRef)}${query}`);
  }

  private shadowPath(id: string, role: IncidentRole, userRef: string) {
    return `/incidents/${encodeURIComponent(id)}/roles/${encodeURIComponent(role)}/shadows/${encodeURIComponent(userRef)}`;
  }

  listTimeline(id: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<TimelineEvent>> {
    return this.get(`/incidents/${encodeURIComponent(id)}/timeline`, options);
  }

  addTimelineEntry(id: string, entry: TimelineEntryRequest): Promise<TimelineEvent> {
    return this.send('POST', `/incidents/${encodeURIComponent(id)}/timeline`, entry);
  }

  postStatusUpdate(id: string, update: StatusUpdateRequest): Promise<TimelineEvent> {
    return this.send('POST', `/incidents/${encodeURIComponent(id)}/status-updates`, update);
  }

  openHypothesis(id: string, statement: string): Promise<Hypothesis> {
    return this.send('POST', `/incidents/${encodeURIComponent(id)}/hypotheses`, { statement });
  }

  resolveHypothesis(
    id: string,
    hypothesisId: string,
    status: 'confirmed' | 'refuted',
    note?: string,
  ): Promise<Hypothesis> {
    return this.send(
      'PATCH',
      `/incidents/${encodeURIComponent(id)}/hypotheses/${encodeURIComponent(hypothesisId)}`,
      { status, ...(note ? { note } : {}) },
    );
  }

  getInsights(id: string): Promise<IncidentInsights> {
    return this.get(`/incidents/${encodeURIComponent(id)}/insights`);
  }

  getMetrics(request: { entityRef?: string; groupRef?: string; from?: string; to?: string }): Promise<MetricsResponse> {
    return this.get('/metrics', request);
  }

  async getPostmortem(incidentId: string): Promise<PostmortemView | undefined> {
    try {
      return await this.get<PostmortemView>(`/incidents/${encodeURIComponent(incidentId)}/postmortem`);
    } catch (error) {
      if (error instanceof ResponseError && error.response.status === 404) return undefined;
      throw error;
    }
  }

  savePostmortem(incidentId: string, request: PutPostmortemRequest): Promise<PostmortemView> {
    return this.send('PUT', `/incidents/${encodeURIComponent(incidentId)}/postmortem`, request);
  }

  listPostmortems(
    request: ScopeRequest & { status?: PostmortemStatus[]; limit?: number; cursor?: string },
  ): Promise<Page<PostmortemSummary>> {
    return this.get('/postmortems', { ...request });
  }

  listOverduePostmortems(request: ScopeRequest): Promise<{ items: OverduePostmortem[] }> {
    return this.get('/postmortems/overdue', { ...request });
  }

  listActionItems(incidentId: string): Promise<{ items: ActionItemView[] }> {
    return this.get(`/incidents/${encodeURIComponent(incidentId)}/action-items`);
  }

  createActionItem(incidentId: string, request: CreateActionItemRequest): Promise<ActionItemView> {
    return this.send('POST', `/incidents/${encodeURIComponent(incidentId)}/action-items`, request);
  }

  updateActionItem(incidentId: string, itemId: string, request: UpdateActionItemRequest): Promise<ActionItemView> {
    return this.send(
      'PATCH',
      `/incidents/${encodeURIComponent(incidentId)}/action-items/${encodeURIComponent(itemId)}`,
      request,
    );
  }

  findActionItems(request: FindActionItemsRequest): Promise<Page<ActionItemView>> {
    return this.get('/action-items', { ...request });
  }

  getRepeats(incidentId: string): Promise<RepeatsView> {
    return this.get(`/incidents/${encodeURIComponent(incidentId)}/repeats`);
  }

  linkRepeat(incidentId: string, request: { earlierIncidentId: string; failureMode: string }): Promise<RepeatsView> {
    return this.send('POST', `/incidents/${encodeURIComponent(incidentId)}/repeats`, request);
  }

  unlinkRepeat(incidentId: string, earlierIncidentId: string): Promise<RepeatsView> {
    return this.send(
      'DELETE',
      `/incidents/${encodeURIComponent(incidentId)}/repeats/${encodeURIComponent(earlierIncidentId)}`,
    );
  }

  listRunbookUsage(incidentId: string): Promise<{ items: RunbookUsage[] }> {
    return this.get(`/incidents/${encodeURIComponent(incidentId)}/runbooks`);
  }

  recordRunbookUsage(
    incidentId: string,
    runbookId: string,
    request: { adherence: RunbookAdherence; deviationReason?: string },
  ): Promise<RunbookUsage> {
    return this.send(
      'PUT',
      `/incidents/${encodeURIComponent(incidentId)}/runbooks/${encodeURIComponent(runbookId)}`,
      request,
    );
  }

  getFollowThrough(request: ScopeRequest & { from?: string; to?: string }): Promise<FollowThroughMetrics> {
    return this.get('/metrics/follow-through', { ...request });
  }

  getResponderReputation(userRef: string): Promise<ReputationView> {
    return this.get(`/responders/${encodeURIComponent(userRef)}/reputation`);
  }

  listLedger(userRef: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<LedgerEntry>> {
    return this.get(`/responders/${encodeURIComponent(userRef)}/ledger`, options);
  }

  getGroupRanking(groupRef: string): Promise<GroupRanking> {
    return this.get(`/groups/${encodeURIComponent(groupRef)}/ranking`);
  }

  listPendingSurveys(): Promise<{ items: PendingSurvey[] }> {
    return this.get('/surveys/pending');
  }

  async answerSurvey(surveyId: string, request: PeerFeedbackSurveyRequest): Promise<void> {
    const baseUrl = await this.discoveryApi.getBaseUrl('majorops');
    const response = await this.fetchApi.fetch(`${baseUrl}/surveys/${encodeURIComponent(surveyId)}/responses`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    // The answer is not echoed back (it is never shown individually): 201 or 204, body ignored.
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
  }

  recordTraining(
    userRef: string,
    request: { kind: string; issuer: string; completedAt: string; expiresAt?: string },
  ): Promise<TrainingRecordView> {
    return this.send('POST', `/responders/${encodeURIComponent(userRef)}/training`, request);
  }

  suspendResponder(userRef: string, request: { reason: string; reviewAt: string }): Promise<ReputationView> {
    return this.send('PUT', `/responders/${encodeURIComponent(userRef)}/suspension`, request);
  }

  liftSuspension(userRef: string, request: { note: string }): Promise<ReputationView> {
    return this.send('DELETE', `/responders/${encodeURIComponent(userRef)}/suspension`, request);
  }

  getSuggestions(incidentId: string): Promise<AssignmentSuggestions> {
    return this.get(`/incidents/${encodeURIComponent(incidentId)}/suggestions`);
  }

  suggestForDraft(request: {
    severity: string;
    entityRefs: string[];
    incidentType?: string;
    tags?: string[];
  }): Promise<AssignmentSuggestions> {
    return this.send('POST', '/suggestions', request);
  }

  acceptSuggestion(
    incidentId: string,
    request: { role: 'incident-commander' | 'operations-chief'; userRef: string; version?: number },
  ): Promise<Incident> {
    return this.send('POST', `/incidents/${encodeURIComponent(incidentId)}/suggestions/accept`, request);
  }

  getReadyCommanders(groupRef: string): Promise<{ groupRef: string; items: AssignmentSuggestions['incidentCommander'] }> {
    return this.get(`/groups/${encodeURIComponent(groupRef)}/ready-commanders`);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('majorops');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  private async get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        if (value.length) params.set(key, value.join(','));
      } else {
        params.set(key, String(value));
      }
    }
    const baseUrl = await this.discoveryApi.getBaseUrl('majorops');
    const search = params.toString();
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${search ? `?${search}` : ''}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
