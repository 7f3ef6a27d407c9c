export { EntityReputationContent } from './EntityReputationContent';
