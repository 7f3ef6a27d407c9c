export { PostmortemCard } from './PostmortemCard';
export type { PostmortemCardProps } from './PostmortemCard';
export { ActionItemsCard } from './ActionItemsCard';
export type { ActionItemsCardProps } from './ActionItemsCard';
export { PostmortemSection } from './PostmortemSection';
