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
