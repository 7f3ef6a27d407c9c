export { majorOpsApiRef } from './MajorOpsApi';
export type {
  IncidentInsights,
  ListIncidentsRequest,
  MajorOpsApi,
  MetricsResponse,
  RecordDrillRequest,
  ReputationResponse,
  RunbookView,
} from './MajorOpsApi';
export { MajorOpsClient } from './MajorOpsClient';
