/**
 * Types, severity matrix, schemas, permissions and domain rules shared by the
 * MajorOps frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './lifecycle';
export * from './permissions';
export * from './roles';
export * from './schemas';
export * from './severity';
export * from './types';
