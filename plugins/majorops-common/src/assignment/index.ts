/**
 * The assignment engine: best-fit suggestions for incident commander,
 * operations chief and experts, with their reasons; acceptance and offline replay.
 */
export * from './config';
export * from './types';
export * from './timeOfDay';
export * from './suggestAssignments';
export * from './acceptanceRate';
export * from './replaySuggestions';
