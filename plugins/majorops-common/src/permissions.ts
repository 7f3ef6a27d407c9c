import { createPermission } from '@backstage/plugin-permission-common';

/** Read incidents, their timelines and metrics. */
export const incidentReadPermission = createPermission({
  name: 'majorops.incident.read',
  attributes: { action: 'read' },
});

/** Declare a new incident. */
export const incidentCreatePermission = createPermission({
  name: 'majorops.incident.create',
  attributes: { action: 'create' },
});

/** Change an incident: fields, status, roles, timeline, status updates. */
export const incidentUpdatePermission = createPermission({
  name: 'majorops.incident.update',
  attributes: { action: 'update' },
});

/** Read runbooks. */
export const runbookReadPermission = createPermission({
  name: 'majorops.runbook.read',
  attributes: { action: 'read' },
});

/** Create and edit runbooks, record drills. */
export const runbookWritePermission = createPermission({
  name: 'majorops.runbook.write',
  attributes: { action: 'update' },
});

/** Read anyone's full reputation (everyone may read their own). */
export const reputationReadPermission = createPermission({
  name: 'majorops.reputation.read',
  attributes: { action: 'read' },
});

/** Every permission the MajorOps backend registers. */
export const majoropsPermissions = [
  incidentReadPermission,
  incidentCreatePermission,
  incidentUpdatePermission,
  runbookReadPermission,
  runbookWritePermission,
  reputationReadPermission,
];
