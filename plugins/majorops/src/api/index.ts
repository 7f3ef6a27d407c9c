export { majorOpsApiRef } from './MajorOpsApi';
export type {
  FindActionItemsRequest,
  ScopeRequest,
  IncidentInsights,
  ListIncidentsRequest,
  MajorOpsApi,
  MetricsResponse,
  RecordDrillRequest,
  RunbookView,
} from './MajorOpsApi';
export { MajorOpsClient } from './MajorOpsClient';
