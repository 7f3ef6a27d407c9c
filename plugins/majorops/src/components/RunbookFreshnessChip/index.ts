export { RunbookFreshnessChip, freshnessLabel, needsDrill } from './RunbookFreshnessChip';
