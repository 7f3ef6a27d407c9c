export { RepeatsCard } from './RepeatsCard';
export { RunbookUsageCard } from './RunbookUsageCard';
