/**
 * Extension points for MajorOps backend modules.
 *
 * @packageDocumentation
 */
export {
  majorOpsIncidentSourcesExtensionPoint,
} from './IncidentSourcesExtensionPoint';
export type {
  IncidentSource,
  MajorOpsIncidentSourcesExtensionPoint,
} from './IncidentSourcesExtensionPoint';
export {
  createPostmortemConditionalDecision,
  postmortemConditions,
  postmortemPermissionResourceRef,
  postmortemPermissionRules,
} from './postmortemPermissions';
export type { PostmortemPermissionQuery, PostmortemPermissionResource } from './postmortemPermissions';
export {
  createResponderConditionalDecision,
  responderConditions,
  responderPermissionResourceRef,
  responderPermissionRules,
} from './responderPermissions';
export type { ResponderPermissionQuery, ResponderPermissionResource } from './responderPermissions';
export {
  createTeamConditionalDecision,
  teamConditions,
  teamPermissionResourceRef,
  teamPermissionRules,
} from './teamPermissions';
export type { TeamPermissionQuery, TeamPermissionResource } from './teamPermissions';
