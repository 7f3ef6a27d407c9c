import { z } from 'zod';

/** Kinds of timeline entries. Entries are append-only: corrections are new entries. */
export const TIMELINE_EVENT_TYPES = [
  'declared',
  'status-change',
  'severity-change',
  'role-assigned',
  'role-released',
  'shadow-assigned',
  'shadow-released',
  'field-change',
  'note',
  'action',
  'decision',
  'status-update',
  'hypothesis-opened',
  'hypothesis-resolved',
  'escalation',
] as const;

/** @public */
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** Entry kinds a person writes directly with `POST /incidents/:id/timeline`. */
export const MANUAL_TIMELINE_TYPES = ['note', 'action', 'decision'] as const;
export type ManualTimelineType = (typeof MANUAL_TIMELINE_TYPES)[number];

export interface TimelineEvent {
  id: string;
  incidentId: string;
  type: TimelineEventType;
  occurredAt: string;
  /** Who did it: the signed-in user, or `majorops` for automatic rules. */
  actorRef: string;
  /** What happened, by type; always carries a human-readable `text`. */
  body: { text: string } & Record<string, unknown>;
}

/** The actor recorded for entries made by MajorOps' own rules (escalation triggers). */
export const SYSTEM_ACTOR = 'majorops';

/** Audiences of status updates, each with its own template. */
export const STATUS_UPDATE_AUDIENCES = ['engineering', 'executives', 'customers'] as const;
export type StatusUpdateAudience = (typeof STATUS_UPDATE_AUDIENCES)[number];

export const statusUpdateAudienceSchema = z.enum(STATUS_UPDATE_AUDIENCES, {
  error: `audience must be one of ${STATUS_UPDATE_AUDIENCES.join(', ')}`,
});

/** Hypotheses are timeboxed: confirm or refute within this many minutes, then pivot. */
export const HYPOTHESIS_TIMEBOX_MINUTES = 15;

export const HYPOTHESIS_STATUSES = ['open', 'confirmed', 'refuted', 'expired'] as const;
export type HypothesisStatus = (typeof HYPOTHESIS_STATUSES)[number];

export interface Hypothesis {
  id: string;
  incidentId: string;
  statement: string;
  openedBy: string;
  openedAt: string;
  timeboxEndsAt: string;
  /** `expired` is derived: still open after its timebox. */
  status: HypothesisStatus;
  resolvedBy?: string;
  resolvedAt?: string;
}

/** The status of a hypothesis at `now`: an open one past its timebox has expired. */
export function hypothesisStatusAt(
  stored: 'open' | 'confirmed' | 'refuted',
  timeboxEndsAt: string,
  now: string,
): HypothesisStatus {
  if (stored !== 'open') return stored;
  return Date.parse(now) > Date.parse(timeboxEndsAt) ? 'expired' : 'open';
}
