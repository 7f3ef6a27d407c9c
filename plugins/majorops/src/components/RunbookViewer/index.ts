export { RunbookViewer } from './RunbookViewer';
export type { RunbookViewerProps } from './RunbookViewer';
export { RunbookMarkdown } from './RunbookMarkdown';
