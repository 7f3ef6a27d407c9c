export { RunbookEditor } from './RunbookEditor';
export type { RunbookEditorProps } from './RunbookEditor';
export { errorMessage, isConflict } from './errors';
