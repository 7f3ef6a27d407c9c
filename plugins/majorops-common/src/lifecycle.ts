import { z } from 'zod';

/** The states an incident moves through, in order. */
export const INCIDENT_STATUSES = [
  'declared',
  'investigating',
  'identified',
  'mitigating',
  'monitoring',
  'resolved',
  'closed',
] as const;

/** @public */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const incidentStatusSchema = z.enum(INCIDENT_STATUSES, {
  error: `status must be one of ${INCIDENT_STATUSES.join(', ')}`,
});

/** Statuses in which the incident is still being worked on. */
export const OPEN_STATUSES: readonly IncidentStatus[] = [
  'declared',
  'investigating',
  'identified',
  'mitigating',
  'monitoring',
];

export function isOpenStatus(status: IncidentStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/**
 * Allowed transitions. Work may move forward through the phases, may skip
 * phases that did not happen (a rollback can go straight from investigating
 * to monitoring), and may step back when a fix does not hold. A resolved
 * incident can be reopened into investigating; a closed one is final.
 */
export const INCIDENT_TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  declared: ['investigating', 'identified', 'mitigating', 'monitoring', 'resolved'],
  investigating: ['identified', 'mitigating', 'monitoring', 'resolved'],
  identified: ['investigating', 'mitigating', 'monitoring', 'resolved'],
  mitigating: ['investigating', 'identified', 'monitoring', 'resolved'],
  monitoring: ['investigating', 'mitigating', 'resolved'],
  resolved: ['investigating', 'closed'],
  closed: [],
};

export type TransitionCheck =
  | { allowed: true }
  | { allowed: false; reason: string; allowedTargets: readonly IncidentStatus[] };

/** Whether an incident in `from` may move to `to`, with a reason a person can read when not. */
export function checkTransition(from: IncidentStatus, to: IncidentStatus): TransitionCheck {
  const allowedTargets = INCIDENT_TRANSITIONS[from];
  if (allowedTargets.includes(to)) {
    return { allowed: true };
  }
  const reason =
    from === to
      ? `The incident is already ${from}.`
      : allowedTargets.length === 0
        ? `A ${from} incident cannot change status.`
        : `Cannot move from ${from} to ${to}; allowed next: ${allowedTargets.join(', ')}.`;
  return { allowed: false, reason, allowedTargets };
}
