export { FollowThroughCard } from './FollowThroughCard';
export { OverdueFollowUpsCard } from './OverdueFollowUpsCard';
