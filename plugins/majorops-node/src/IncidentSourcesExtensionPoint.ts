import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * A tool that incidents come from (PagerDuty, Opsgenie, ...), contributed by a
 * backend module. Incidents ingested from it carry its id as their `source`
 * and link back to it, so nothing is entered twice.
 *
 * @public
 */
export interface IncidentSource {
  /** Stable id, lower-case, e.g. `pagerduty`. */
  id: string;
  /** Name shown to people, e.g. `PagerDuty`. */
  title: string;
  /**
   * Catalog annotation whose (comma-separated) values map the tool's services
   * to entities, e.g. `majorops.dev/pagerduty-service-id`.
   */
  entityAnnotation?: string;
}

/**
 * Lets backend modules contribute incident sources to the MajorOps backend.
 *
 * @public
 */
export interface MajorOpsIncidentSourcesExtensionPoint {
  addIncidentSource(source: IncidentSource): void;
}

/** @public */
export const majorOpsIncidentSourcesExtensionPoint =
  createExtensionPoint<MajorOpsIncidentSourcesExtensionPoint>({
    id: 'majorops.incident-sources',
  });
