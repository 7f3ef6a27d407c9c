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

/**
 * The resource type of responders, for conditional decisions on whose
 * reputation and records someone may see or change. The resource ref is the
 * responder's user entity ref, e.g. `user:default/jane.doe`.
 */
export const RESPONDER_RESOURCE_TYPE = 'majorops-responder';

/**
 * The resource type of teams, for conditional decisions on whose ranking
 * someone may read. The resource ref is the team's group entity ref, e.g.
 * `group:default/sre`.
 */
export const TEAM_RESOURCE_TYPE = 'majorops-team';

/**
 * Read another person's full reputation, ledger and the reputation numbers
 * in suggestions (everyone reads their own without it). A resource
 * permission on the responder: a policy may allow it only for, say, the
 * members of the groups the reader leads.
 */
export const reputationReadPermission = createPermission({
  name: 'majorops.reputation.read',
  attributes: { action: 'read' },
  resourceType: RESPONDER_RESOURCE_TYPE,
});

/**
 * Read a team's responder ranking (scores with workload) on a group page. A
 * resource permission on the team.
 */
export const rankingReadPermission = createPermission({
  name: 'majorops.ranking.read',
  attributes: { action: 'read' },
  resourceType: TEAM_RESOURCE_TYPE,
});

/**
 * Record training and certifications, and suspend or reinstate a responder.
 * A resource permission on the responder.
 */
export const responderManagePermission = createPermission({
  name: 'majorops.responder.manage',
  attributes: { action: 'update' },
  resourceType: RESPONDER_RESOURCE_TYPE,
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
