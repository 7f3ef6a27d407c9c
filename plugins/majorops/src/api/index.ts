export { majorOpsApiRef } from './MajorOpsApi';
export type {
  IncidentInsights,
  ListIncidentsRequest,
  MajorOpsApi,
  MetricsResponse,
  ReputationResponse,
} from './MajorOpsApi';
export { MajorOpsClient } from './MajorOpsClient';
