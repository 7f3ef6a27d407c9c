export { DeclareIncidentDialog } from './DeclareIncidentDialog';
export type { DeclareIncidentDialogProps } from './DeclareIncidentDialog';
