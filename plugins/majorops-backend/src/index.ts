/**
 * The MajorOps backend plugin.
 *
 * @packageDocumentation
 */
export { majoropsPlugin as default } from './plugin';
