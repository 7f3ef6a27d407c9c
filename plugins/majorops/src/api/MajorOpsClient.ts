import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  Incident,
  Page,
  Runbook,
  SeverityMatrix,
} from '@majorops/plugin-majorops-common';
import { ListIncidentsRequest, MajorOpsApi, ReputationResponse } from './MajorOpsApi';

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

  listRunbooks(request: { entityRef: string; limit?: number; cursor?: string }): Promise<Page<Runbook>> {
    return this.get('/runbooks', request);
  }

  getReputation(userRef: string): Promise<ReputationResponse> {
    return this.get(`/responders/${encodeURIComponent(userRef)}/reputation`);
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
