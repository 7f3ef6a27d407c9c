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
  if (people.size === 0) return [];

  // One pass over the timeline facts: the incident's own history, and each person's updates and escalations.
  let declared: IncidentRecord['events'][number] | undefined;
  const severityChanges: SeverityPeriod[] = [];
  const statusChanges: IncidentRecord['events'] = [];
  const updatesBy = new Map<string, ResponderIncidentFacts['statusUpdates']>();
  const escalationsBy = new Map<string, ResponderIncidentFacts['escalations']>();
  for (const e of incident.events) {
    switch (e.type) {
      case 'declared':
        declared ??= e;
        break;
      case 'severity-change':
        if (isSeverity(e.body.to)) severityChanges.push({ severity: e.body.to, from: e.occurredAt });
        break;
      case 'status-change':
        statusChanges.push(e);
        break;
      case 'status-update':
        listOf(updatesBy, e.actorRef).push({ postedAt: e.occurredAt, canComplete: e.body.canComplete === true });
        break;
      case 'escalation':
        listOf(escalationsBy, e.actorRef).push({ at: e.occurredAt, timing: escalationTiming(e.body) });
        break;
      default:
        break;
    }
  }
  const severityHistory: SeverityPeriod[] = [
    { severity: isSeverity(declared?.body.severity) ? declared!.body.severity : incident.severity, from: incident.declaredAt },
    ...severityChanges,
  ];

  // Reopens: a move from resolved back to investigating, against the resolution before it.
  const reopens: IncidentReopen[] = [];
  let lastResolved: string | undefined;
  let passedMonitoring = false;
  let monitoringSinceReopen = false;
  for (const event of statusChanges) {
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

  const rolesBy = new Map<string, ResponderIncidentFacts['roles']>();
  let hadCommunicationsLead = false;
  for (const r of incident.roles) {
    if (r.role === 'communications-lead') hadCommunicationsLead = true;
    listOf(rolesBy, r.userRef).push({ role: r.role, assignedAt: r.assignedAt, ...(r.releasedAt ? { releasedAt: r.releasedAt } : {}) });
  }
  const firstBy = new Map<string, string>();
  for (const e of incident.firstEntries) if (!firstBy.has(e.actorRef)) firstBy.set(e.actorRef, e.at);
  const milestones = {
    declaredAt: incident.declaredAt,
    detectedAt: incident.detectedAt,
    acknowledgedAt: incident.acknowledgedAt,
    mitigatedAt: incident.mitigatedAt,
    resolvedAt: incident.resolvedAt,
  };
  return [...people].sort().map(userRef => {
    const first = firstBy.get(userRef);
    return {
      userRef,
      incidentId: incident.id,
      severity: incident.severity,
      severityHistory,
      externalCause: incident.externalCause,
      milestones,
      roles: rolesBy.get(userRef) ?? [],
      ...(first !== undefined ? { firstTimelineEntryAt: first } : {}),
      hadCommunicationsLead,
      statusUpdates: updatesBy.get(userRef) ?? [],
      escalations: escalationsBy.get(userRef) ?? [],
      reopens,
      passedMonitoring,
      repeats: incident.repeats,
    };
  });
}

function listOf<T>(lists: Map<string, T[]>, key: string): T[] {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  return list;
}
