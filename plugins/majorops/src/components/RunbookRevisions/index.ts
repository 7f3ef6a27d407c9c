export { RunbookRevisions } from './RunbookRevisions';
export { LineDiffView } from './LineDiffView';
export { lineDiff, collapseUnchanged } from './lineDiff';
export type { DiffLine } from './lineDiff';
