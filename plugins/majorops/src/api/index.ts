export { majorOpsApiRef } from './MajorOpsApi';
export type { MajorOpsApi, ListIncidentsRequest, ReputationResponse } from './MajorOpsApi';
export { MajorOpsClient } from './MajorOpsClient';
