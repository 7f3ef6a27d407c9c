import type { Severity } from './severity';
import type { StatusUpdateAudience } from './timeline';

/**
 * A status update in CAN format: Conditions (what is happening now), Actions
 * (what is being done), Needs (what help or decisions are required).
 */
export interface CanUpdate {
  conditions: string;
  actions: string;
  needs: string;
}

/** Whether an update carries all three parts of the CAN format. */
export function isCanComplete(update: Partial<CanUpdate>): boolean {
  return [update.conditions, update.actions, update.needs].every(
    part => typeof part === 'string' && part.trim().length > 0,
  );
}

export interface StatusUpdateContext {
  severity: Severity;
  title: string;
  /** Service names or refs affected. */
  services: string[];
  status: string;
  nextUpdateMinutes: number;
}

/**
 * Renders a status update for its audience, after the incident commander's
 * stakeholder templates: engineers get the technical detail, executives the
 * impact and the next decision, customers plain language without internals.
 */
export function renderStatusUpdate(
  audience: StatusUpdateAudience,
  context: StatusUpdateContext,
  update: CanUpdate,
): { subject: string; text: string } {
  const service = context.services.join(', ') || context.title;
  const next = `Next update: in ${context.nextUpdateMinutes} minutes or when we have more information.`;
  switch (audience) {
    case 'engineering':
      return {
        subject: `[${context.severity} UPDATE] ${service} — ${context.status}`,
        text: [
          `Status: ${context.status}`,
          `Current understanding: ${update.conditions}`,
          `Actions taken: ${update.actions}`,
          `Needs: ${update.needs || 'none'}`,
          next,
        ].join('\n'),
      };
    case 'executives':
      return {
        subject: `[${context.severity}] ${context.title} — ${context.status}`,
        text: [
          `Impact: ${update.conditions}`,
          `What we are doing: ${update.actions}`,
          `Decisions or help needed: ${update.needs || 'none'}`,
          next,
        ].join('\n'),
      };
    case 'customers':
      return {
        subject: `${service}: ${context.status === 'resolved' ? 'resolved' : 'service disruption'}`,
        text: [
          `What is happening: ${update.conditions}`,
          `What we are doing: ${update.actions}`,
          next,
        ].join('\n'),
      };
  }
}
