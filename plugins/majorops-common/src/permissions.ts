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

/** The resource type of post-mortems, for conditional decisions on who may read one. */
export const POSTMORTEM_RESOURCE_TYPE = 'majorops-postmortem';

/**
 * Read a post-mortem and its action items. A resource permission: a policy
 * may answer with conditions (for example "organisation-wide, or restricted
 * to a group I belong to"), and lists are then filtered in the query, so a
 * post-mortem you may not read shows neither its title nor its existence.
 */
export const postmortemReadPermission = createPermission({
  name: 'majorops.postmortem.read',
  attributes: { action: 'read' },
  resourceType: POSTMORTEM_RESOURCE_TYPE,
});

/** Write post-mortems and action items, link repeat incidents and record runbook use on an incident. */
export const postmortemWritePermission = createPermission({
  name: 'majorops.postmortem.write',
  attributes: { action: 'update' },
});

/** Read anyone's full reputation (everyone may read their own). */
export const reputationReadPermission = createPermission({
  name: 'majorops.reputation.read',
  attributes: { action: 'read' },
});

/** Read a team's responder ranking (scores with workload) on a group page. */
export const rankingReadPermission = createPermission({
  name: 'majorops.ranking.read',
  attributes: { action: 'read' },
});

/** Record training and certifications, and suspend or reinstate a responder. */
export const responderManagePermission = createPermission({
  name: 'majorops.responder.manage',
  attributes: { action: 'update' },
});

/** Every permission the MajorOps backend registers. */
export const majoropsPermissions = [
  incidentReadPermission,
  incidentCreatePermission,
  incidentUpdatePermission,
  runbookReadPermission,
  runbookWritePermission,
  postmortemReadPermission,
  postmortemWritePermission,
  reputationReadPermission,
  rankingReadPermission,
  responderManagePermission,
];
