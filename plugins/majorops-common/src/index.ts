/**
 * Types, severity matrix, schemas, permissions and domain rules shared by the
 * MajorOps frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './assignment';
export * from './cadence';
export * from './commandSchemas';
export * from './escalation';
export * from './lifecycle';
export * from './metrics';
export * from './metricsRollup';
export * from './permissions';
export * from './postmortems';
export * from './postmortemViews';
export * from './postmortemQueries';
export * from './reputation';
export * from './reputationViews';
export * from './roles';
export * from './runbooks';
export * from './schemas';
export * from './severity';
export * from './statusUpdates';
export * from './timeline';
export * from './types';
