import { z } from 'zod';

/** The roles of the incident command structure. */
export const INCIDENT_ROLES = [
  'incident-commander',
  'communications-lead',
  'technical-lead',
  'scribe',
  'operations-chief',
] as const;

/** @public */
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const INCIDENT_ROLE_TITLES: Record<IncidentRole, string> = {
  'incident-commander': 'Incident Commander',
  'communications-lead': 'Communications Lead',
  'technical-lead': 'Technical Lead',
  scribe: 'Scribe',
  'operations-chief': 'Operations Chief',
};

export const incidentRoleSchema = z.enum(INCIDENT_ROLES, {
  error: `role must be one of ${INCIDENT_ROLES.join(', ')}`,
});
