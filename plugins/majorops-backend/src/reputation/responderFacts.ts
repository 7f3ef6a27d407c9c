import type {
  EscalationTiming,
  IncidentReopen,
  ResponderIncidentFacts,
  Severity,
  SeverityPeriod,
} from '@majorops/plugin-majorops-common';
import { SEVERITIES } from '@majorops/plugin-majorops-common';
import type { IncidentRecord } from './ReputationStore';

const isUser = (ref: string) => ref.startsWith('user:');
const isSeverity = (value: unknown): value is Severity => (SEVERITIES as readonly unknown[]).includes(value);
const TIMINGS: EscalationTiming[] = ['in-window', 'late', 'no-trigger'];

/**
 * How a person's escalation related to the escalation triggers, from what the
 * timeline recorded: an explicit `timing`, else `late` when marked late, else
 * `in-window` when it named a trigger and `no-trigger` when it did not.
 */
function escalationTiming(body: Record<string, unknown>): EscalationTiming {
  if (TIMINGS.includes(body.timing as EscalationTiming)) return body.timing as EscalationTiming;
  if (body.late === true) return 'late';
  return typeof body.trigger === 'string' && body.trigger.length > 0 ? 'in-window' : 'no-trigger';
}

/**
 * The facts of every person on one incident, for the -common derive
 * functions: the people are those who held a role or wrote on the timeline
 * (the system's own entries are no one's). Sorted by person, so the same
 * records always give the same list.
 */
export function responderFactsOf(incident: IncidentRecord): ResponderIncidentFacts[] {
  const people = new Set<string>();
  incident.roles.forEach(r => isUser(r.userRef) && people.add(r.userRef));
  incident.firstEntries.forEach(e => isUser(e.actorRef) && people.add(e.actorRef));

  const declared = incident.events.find(e => e.type === 'declared');
  const severityHistory: SeverityPeriod[] = [
    { severity: isSeverity(declared?.body.severity) ? declared!.body.severity : incident.severity, from: incident.declaredAt },
    ...incident.events
      .filter(e => e.type === 'severity-change' && isSeverity(e.body.to))
      .map(e => ({ severity: e.body.to as Severity, from: e.occurredAt })),
  ];

  // Reopens: a move from resolved back to investigating, against the resolution before it.
  const reopens: IncidentReopen[] = [];
  let lastResolved: string | undefined;
  let passedMonitoring = false;
  let monitoringSinceReopen = false;
  for (const event of incident.events.filter(e => e.type === 'status-change')) {
    if (event.body.to === 'monitoring') monitoringSinceReopen = true;
    if (event.body.to === 'resolved') {
      lastResolved = event.occurredAt;
      passedMonitoring = monitoringSinceReopen;
    }
    if (event.body.from === 'resolved' && event.body.to === 'investigating') {
      reopens.push({ resolvedAt: lastResolved ?? event.occurredAt, reopenedAt: event.occurredAt });
      monitoringSinceReopen = false;
    }
  }
  if (incident.resolvedAt && lastResolved === undefined) {
    // Resolved without a recorded transition (imported data): verified if it ever was in monitoring.
    passedMonitoring = monitoringSinceReopen;
  }

  const hadCommunicationsLead = incident.roles.some(r => r.role === 'communications-lead');
  return [...people].sort().map(userRef => {
    const first = incident.firstEntries.find(e => e.actorRef === userRef);
    return {
      userRef,
      incidentId: incident.id,
      severity: incident.severity,
      severityHistory,
      externalCause: incident.externalCause,
      milestones: {
        declaredAt: incident.declaredAt,
        detectedAt: incident.detectedAt,
        acknowledgedAt: incident.acknowledgedAt,
        mitigatedAt: incident.mitigatedAt,
        resolvedAt: incident.resolvedAt,
      },
      roles: incident.roles
        .filter(r => r.userRef === userRef)
        .map(r => ({ role: r.role, assignedAt: r.assignedAt, ...(r.releasedAt ? { releasedAt: r.releasedAt } : {}) })),
      ...(first ? { firstTimelineEntryAt: first.at } : {}),
      hadCommunicationsLead,
      statusUpdates: incident.events
        .filter(e => e.type === 'status-update' && e.actorRef === userRef)
        .map(e => ({ postedAt: e.occurredAt, canComplete: e.body.canComplete === true })),
      escalations: incident.events
        .filter(e => e.type === 'escalation' && e.actorRef === userRef)
        .map(e => ({ at: e.occurredAt, timing: escalationTiming(e.body) })),
      reopens,
      passedMonitoring,
      repeats: incident.repeats,
    };
  });
}
