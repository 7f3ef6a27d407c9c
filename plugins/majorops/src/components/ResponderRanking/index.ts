export { ResponderRankingCard } from './ResponderRankingCard';
export { EntityGroupReputationContent } from './EntityGroupReputationContent';
