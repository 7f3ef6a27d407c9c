import type { Severity } from '../severity';

/**
 * The six inputs of the Response Reputation Score, in the order the seed lists them.
 *
 * - responseSpeed: how fast the person engaged after the incident was declared or they were paged.
 * - resolutionQuality: whether the fix held (no reopen, no repeat, verified in monitoring).
 * - communicationQuality: status updates on cadence and in CAN format.
 * - knowledgeContribution: peacetime work — runbooks, drills, post-mortems, action items, mentoring.
 * - peerFeedback: what colleagues said in the post-incident survey, only as an anonymous aggregate.
 * - escalationQuality: escalating at the right moment, not late and not reflexively.
 */
export const REPUTATION_METRICS = [
  'responseSpeed',
  'resolutionQuality',
  'communicationQuality',
  'knowledgeContribution',
  'peerFeedback',
  'escalationQuality',
] as const;

/** @public */
export type ReputationMetric = (typeof REPUTATION_METRICS)[number];

/** The seed gives each metric a weight of High or Medium. */
export type MetricWeightClass = 'High' | 'Medium';

/** The seed's weight class of each metric. */
export const METRIC_WEIGHT_CLASSES: Record<ReputationMetric, MetricWeightClass> = {
  responseSpeed: 'High',
  resolutionQuality: 'High',
  communicationQuality: 'Medium',
  knowledgeContribution: 'Medium',
  peerFeedback: 'High',
  escalationQuality: 'Medium',
};

/** Names of the metrics as a responder reads them. */
export const REPUTATION_METRIC_TITLES: Record<ReputationMetric, string> = {
  responseSpeed: 'Response speed',
  resolutionQuality: 'Resolution quality',
  communicationQuality: 'Communication quality',
  knowledgeContribution: 'Knowledge contribution',
  peerFeedback: 'Peer feedback',
  escalationQuality: 'Escalation quality',
};

/** What kind of record an event was derived from. */
export const LEDGER_SOURCES = [
  'role',
  'timeline',
  'status-update',
  'escalation',
  'resolution',
  'reopen',
  'repeat',
  'postmortem',
  'action-item',
  'runbook-revision',
  'drill',
  'mentoring',
  'survey',
] as const;

export type LedgerSource = (typeof LEDGER_SOURCES)[number];

/**
 * One line of the reputation ledger: what one record says about one metric of
 * one person. The score is computed from these lines only, so every point can
 * be traced back to them.
 */
export interface LedgerEvent {
  userRef: string;
  /** The incident the event is about; absent for peacetime work and feedback windows. */
  incidentId?: string;
  metric: ReputationMetric;
  /** 0–100: what this event says about the metric (100 is the best possible). */
  value: number;
  /** Severity of the incident; absent when there is no incident. */
  severity?: Severity;
  /** The incident was caused by a third party: such events can raise a score but never lower it. */
  externalCause: boolean;
  /** When the event happened (ISO-8601); recency is counted from here. */
  occurredAt: string;
  /** A sentence for the responder: why this value. */
  reason: string;
  source: LedgerSource;
  /**
   * How much this event counts relative to others of its kind (default 1):
   * a drill counts more than a typo fix in a runbook. Multiplied with the
   * severity and recency weights.
   */
  weight?: number;
}

/** Clamps to 0–100 and rounds to one decimal, so values read well and compare exactly. */
export function clampMetricValue(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(100, Math.max(0, value)) * 10) / 10;
}

/**
 * Canonical order of ledger events: oldest first, then by metric, incident,
 * source and reason. Used wherever the result must not depend on the order
 * in which the caller happened to load the events.
 */
export function compareLedgerEvents(a: LedgerEvent, b: LedgerEvent): number {
  const at = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (at !== 0) return at;
  const keys: Array<keyof LedgerEvent> = ['metric', 'incidentId', 'source', 'reason', 'value'];
  for (const key of keys) {
    const x = String(a[key] ?? '');
    const y = String(b[key] ?? '');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
