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
