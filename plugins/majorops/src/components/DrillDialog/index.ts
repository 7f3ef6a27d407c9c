export { DrillDialog } from './DrillDialog';
export type { DrillDialogProps } from './DrillDialog';
export { fromDatetimeLocal, toDatetimeLocal } from './datetime';
