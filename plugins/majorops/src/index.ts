/**
 * MajorOps frontend plugin: Incidents, Runbooks and Reputation tabs on catalog
 * entities. This entry point serves apps on the legacy frontend system; apps on
 * the new frontend system import `@majorops/plugin-majorops/alpha`.
 *
 * @packageDocumentation
 */
export {
  majorOpsPlugin,
  EntityMajorOpsIncidentsContent,
  EntityMajorOpsRunbooksContent,
  EntityMajorOpsReputationContent,
  EntityMajorOpsGroupReputationContent,
  MajorOpsResponderRankingCard,
  MajorOpsPage,
} from './plugin';
export { rootRouteRef as majorOpsRootRouteRef } from './routes';
export { majorOpsApiRef, MajorOpsClient } from './api';
export type { MajorOpsApi, ListIncidentsRequest } from './api';
