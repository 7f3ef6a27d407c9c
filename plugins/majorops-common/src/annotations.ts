/** Catalog annotations read by MajorOps. Each accepts a comma-separated list. */
export const ANNOTATION_INCIDENT_TYPES = 'majorops.dev/incident-types';
export const ANNOTATION_TECH = 'majorops.dev/tech';
export const ANNOTATION_PAGERDUTY_SERVICE_ID = 'majorops.dev/pagerduty-service-id';
export const ANNOTATION_OPSGENIE_TEAM = 'majorops.dev/opsgenie-team';
export const ANNOTATION_SLO_AVAILABILITY = 'majorops.dev/slo-availability';
export const ANNOTATION_TIER = 'majorops.dev/tier';

/**
 * Splits a list annotation into trimmed, lower-cased, de-duplicated values.
 * Commas and whitespace-only entries are tolerated: "postgres, kafka ,," gives
 * ["postgres", "kafka"].
 */
export function parseAnnotationList(value: string | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const item = part.trim().toLowerCase();
    if (item) seen.add(item);
  }
  return [...seen];
}

/** Reads a list annotation from an entity's annotations map. */
export function readAnnotationList(
  annotations: Record<string, string> | undefined,
  key: string,
): string[] {
  return parseAnnotationList(annotations?.[key]);
}
