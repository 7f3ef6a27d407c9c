export { SuggestionsCard } from './SuggestionsCard';
export { DraftSuggestions } from './DraftSuggestions';
export { ReadyCommandersCard } from './ReadyCommandersCard';
