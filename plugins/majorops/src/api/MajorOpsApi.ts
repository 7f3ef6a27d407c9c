import { createApiRef } from '@backstage/core-plugin-api';
import type {
  Incident,
  IncidentStatus,
  Page,
  ResponderParticipation,
  Runbook,
  Severity,
  SeverityMatrix,
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

/**
 * The MajorOps backend, as the frontend sees it.
 *
 * @public
 */
export interface MajorOpsApi {
  listIncidents(request: ListIncidentsRequest): Promise<Page<Incident>>;
  getIncident(id: string): Promise<Incident>;
  getSeverityMatrix(): Promise<SeverityMatrix>;
  listRunbooks(request: { entityRef: string; limit?: number; cursor?: string }): Promise<Page<Runbook>>;
  getReputation(userRef: string): Promise<ReputationResponse>;
}

/** @public */
export const majorOpsApiRef = createApiRef<MajorOpsApi>({
  id: 'plugin.majorops.service',
});
