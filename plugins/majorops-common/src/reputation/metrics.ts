import { computeCadence, SeverityPeriod } from '../cadence';
import { readTimestamp } from '../assignment/timestamps';
import { timestampText } from './timestampText';
import { formatMinutes } from '../escalation';
import type { IncidentRole } from '../roles';
import type { DrillOutcome } from '../runbooks';
import { DEFAULT_SEVERITY_MATRIX, Severity, SeverityMatrix } from '../severity';
import { DEFAULT_REPUTATION_CONFIG, DerivationConfig, KnowledgeContributionKind } from './config';
import { clampMetricValue, LedgerEvent } from './ledger';
import type { PeerFeedbackAggregate } from './peerFeedback';

/**
 * Turning facts the backend records into ledger events. One function per
 * metric; each returns no event when the facts say nothing about the metric
 * (the person had no role that the metric judges, or nothing happened yet),
 * so that the score only moves on evidence.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

/** A role the person held on the incident, from assignment to release (open while still held). */
export interface ResponderRoleSpan {
  role: IncidentRole;
  assignedAt: string;
  releasedAt?: string;
}

/** A status update the person posted. */
export interface ResponderStatusUpdate {
  postedAt: string;
  /** Conditions, Actions and Needs were all filled (see `isCanComplete`). */
  canComplete: boolean;
}

/**
 * How an escalation related to the escalation triggers:
 * - `in-window`: raised while a trigger was due and within its window;
 * - `late`: raised after the trigger's window had passed;
 * - `no-trigger`: raised when no trigger asked for it.
 */
export type EscalationTiming = 'in-window' | 'late' | 'no-trigger';

export interface ResponderEscalation {
  at: string;
  timing: EscalationTiming;
}

/** A resolved incident moved back to investigating. */
export interface IncidentReopen {
  /** The resolution that did not hold. */
  resolvedAt: string;
  reopenedAt: string;
}

/** A later incident linked as a repeat of the same failure mode. */
export interface LinkedRepeat {
  incidentId: string;
  declaredAt: string;
}

/**
 * What the backend knows about one responder on one incident. Only the
 * person's own records are given (their roles, updates, escalations); the
 * incident's records (milestones, reopens, repeats) are the same for everyone.
 */
export interface ResponderIncidentFacts {
  userRef: string;
  incidentId: string;
  /** Severity the incident ended with (the highest it reached is also fair; the caller decides). */
  severity: Severity;
  /** Severity changes, oldest first; defaults to `severity` from declaration. Used for the update cadence. */
  severityHistory?: SeverityPeriod[];
  externalCause: boolean;
  milestones: {
    declaredAt: string;
    detectedAt?: string;
    acknowledgedAt?: string;
    mitigatedAt?: string;
    resolvedAt?: string;
  };
  /** When this person was paged for the incident, if they were. */
  pagedAt?: string;
  roles: ResponderRoleSpan[];
  /** The first timeline entry the person wrote. */
  firstTimelineEntryAt?: string;
  /** Someone held communications-lead at some point of the incident. */
  hadCommunicationsLead: boolean;
  statusUpdates: ResponderStatusUpdate[];
  escalations: ResponderEscalation[];
  reopens: IncidentReopen[];
  /** The incident was in `monitoring` before it was resolved (the fix was verified). */
  passedMonitoring: boolean;
  repeats: LinkedRepeat[];
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function baseEvent(facts: ResponderIncidentFacts) {
  return {
    userRef: facts.userRef,
    incidentId: facts.incidentId,
    severity: facts.severity,
    externalCause: facts.externalCause,
  };
}

function externalNote(facts: ResponderIncidentFacts): string {
  return facts.externalCause ? ' The incident had an external cause, so this can only raise the score.' : '';
}

/**
 * Response speed: minutes from the start of the clock to the person's first
 * engagement, against the severity's response time T.
 *
 * - The clock starts when the person was paged, or at declaration when they
 *   were not paged.
 * - Engagement is the first role assigned to them or their first timeline
 *   entry, whichever came first. Engaging before the clock started counts as 0 minutes.
 * - At or under T: 100. From T to 4 × T the value falls in a straight line to 0;
 *   at 4 × T and beyond: 0 (the multiple is `responseSpeedZeroAtMultiple`).
 * - No role and no timeline entry: no event.
 */
export function deriveResponseSpeed(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  const declared = readTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const start = facts.pagedAt === undefined ? declared : readTimestamp(facts.pagedAt, 'pagedAt');
  let firstRole = Infinity;
  for (let i = 0; i < facts.roles.length; i++) {
    firstRole = Math.min(firstRole, readTimestamp(facts.roles[i].assignedAt, `roles[${i}].assignedAt`));
  }
  const firstEntry =
    facts.firstTimelineEntryAt === undefined ? Infinity : readTimestamp(facts.firstTimelineEntryAt, 'firstTimelineEntryAt');
  const engaged = Math.min(firstRole, firstEntry);
  if (engaged === Infinity) return [];
  const minutes = Math.max(0, (engaged - start) / MS_PER_MINUTE);
  const target = matrix[facts.severity].responseTimeMinutes;
  const zeroAt = target * config.responseSpeedZeroAtMultiple;
  const value =
    minutes <= target ? 100 : minutes >= zeroAt ? 0 : clampMetricValue((100 * (zeroAt - minutes)) / (zeroAt - target));
  const from = facts.pagedAt === undefined ? 'declaration' : 'being paged';
  const verdict =
    minutes <= target
      ? `within the ${formatMinutes(target)} a ${facts.severity} asks for`
      : minutes >= zeroAt
        ? `${config.responseSpeedZeroAtMultiple} times or more the ${formatMinutes(target)} a ${facts.severity} asks for`
        : `over the ${formatMinutes(target)} a ${facts.severity} asks for; the value falls to 0 at ${formatMinutes(zeroAt)}`;
  return [
    {
      ...baseEvent(facts),
      metric: 'responseSpeed',
      value,
      occurredAt: timestampText(engaged),
      reason: `Engaged ${formatMinutes(minutes)} after ${from}, ${verdict}.${externalNote(facts)}`,
      source: firstRole <= firstEntry ? 'role' : 'timeline',
    },
  ];
}

/**
 * Resolution quality, for whoever was incident commander or technical lead
 * at any time on a resolved incident. Starts at 100 and loses:
 *
 * - 50 when a resolution was undone (reopened) within 7 days of it;
 * - 40 when a later incident was linked as a repeat of the same failure mode
 *   and declared within the repeat window (180 days) after the resolution;
 * - 20 when the incident was resolved without passing through monitoring (no verification).
 *
 * Each penalty counts once, the value never goes below 0. The event is dated
 * at the latest fact it uses (the resolution, or the repeat), since that is
 * when the value became known.
 */
export function deriveResolutionQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  const led = facts.roles.some(r => r.role === 'incident-commander' || r.role === 'technical-lead');
  if (!led || facts.milestones.resolvedAt === undefined) return [];
  const resolved = readTimestamp(facts.milestones.resolvedAt, 'milestones.resolvedAt');
  let value = 100;
  let occurred = resolved;
  const parts: string[] = [];
  const reopen = facts.reopens.find((r, i) => {
    const gap = readTimestamp(r.reopenedAt, `reopens[${i}].reopenedAt`) - readTimestamp(r.resolvedAt, `reopens[${i}].resolvedAt`);
    return gap >= 0 && gap <= config.reopenWindowDays * MS_PER_DAY;
  });
  if (reopen) {
    value -= config.reopenPenalty;
    parts.push(`reopened within ${plural(config.reopenWindowDays, 'day')} of being resolved (−${config.reopenPenalty})`);
  }
  // The earliest repeat declared within the window after the resolution (the first listed among equals).
  let repeat: { incidentId: string; ms: number } | undefined;
  for (let i = 0; i < facts.repeats.length; i++) {
    const ms = readTimestamp(facts.repeats[i].declaredAt, `repeats[${i}].declaredAt`);
    if (ms >= resolved && ms - resolved <= config.repeatWindowDays * MS_PER_DAY && (repeat === undefined || ms < repeat.ms)) {
      repeat = { incidentId: facts.repeats[i].incidentId, ms };
    }
  }
  if (repeat) {
    value -= config.repeatPenalty;
    occurred = Math.max(occurred, repeat.ms);
    parts.push(`the same failure mode came back in ${repeat.incidentId} within ${plural(config.repeatWindowDays, 'day')} (−${config.repeatPenalty})`);
  }
  if (!facts.passedMonitoring) {
    value -= config.noVerificationPenalty;
    parts.push(`resolved without passing through monitoring to verify the fix (−${config.noVerificationPenalty})`);
  }
  value = Math.max(0, value);
  const reason =
    parts.length === 0
      ? 'Resolved and verified in monitoring; the fix held with no reopen and no repeat.'
      : `Resolved, but ${parts.join('; ')}.`;
  return [
    {
      ...baseEvent(facts),
      metric: 'resolutionQuality',
      value,
      occurredAt: timestampText(occurred),
      reason: reason + externalNote(facts),
      source: repeat ? 'repeat' : reopen ? 'reopen' : 'resolution',
    },
  ];
}

/**
 * Communication quality, for the communications lead — or the incident
 * commander when the incident had no communications lead — once the incident
 * is resolved:
 *
 *   70 × (cadence windows with an update ÷ cadence windows) + 30 × (CAN-complete updates ÷ updates)
 *
 * Cadence windows follow the severity matrix (`computeCadence`), counted only
 * while the person held that role (from assignment, or declaration if later,
 * to release or resolution). Only updates posted while they held it count.
 * When no window ended while they held it, no update was due: the cadence
 * part is full. When they posted no update, the CAN part is 0. With neither
 * a window nor an update there is nothing to judge: no event.
 */
export function deriveCommunicationQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  if (facts.milestones.resolvedAt === undefined) return [];
  const role: IncidentRole = facts.hadCommunicationsLead ? 'communications-lead' : 'incident-commander';
  const spans = facts.roles.filter(r => r.role === role);
  if (spans.length === 0) return [];
  const declared = readTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const resolved = readTimestamp(facts.milestones.resolvedAt, 'milestones.resolvedAt');
  const history = facts.severityHistory?.length ? facts.severityHistory : [{ severity: facts.severity, from: facts.milestones.declaredAt }];
  const periods = history
    .map((p, i) => ({ severity: p.severity, ms: i === 0 ? declared : readTimestamp(p.from, `severityHistory[${i}].from`) }))
    .sort((a, b) => a.ms - b.ms);
  const updates = facts.statusUpdates;
  const updateMs = updates.map((u, i) => readTimestamp(u.postedAt, `statusUpdates[${i}].postedAt`));

  let windows = 0;
  let met = 0;
  /** The updates posted while the person held the role (in any of its spans). */
  const counted: boolean[] = new Array(updates.length).fill(false);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i];
    const from = Math.max(declared, readTimestamp(span.assignedAt, `roles.assignedAt`));
    const to = Math.min(resolved, span.releasedAt === undefined ? resolved : readTimestamp(span.releasedAt, `roles[${i}].releasedAt`));
    if (to <= from) continue;
    const fromIso = timestampText(from);
    const toIso = timestampText(to);
    let severityAtStart = periods[0].severity;
    for (const p of periods) if (p.ms <= from) severityAtStart = p.severity;
    const severities = [{ severity: severityAtStart, from: fromIso }];
    for (const p of periods) if (p.ms > from && p.ms <= to) severities.push({ severity: p.severity, from: timestampText(p.ms) });
    // The cadence reads only the moments of the updates: the texts as posted stand for themselves.
    const inSpan: string[] = [];
    for (let u = 0; u < updates.length; u++) {
      if (updateMs[u] >= from && updateMs[u] <= to) {
        inSpan.push(updates[u].postedAt);
        counted[u] = true;
      }
    }
    const report = computeCadence({ declaredAt: fromIso, severities, updates: inSpan, resolvedAt: toIso }, toIso, matrix, { listWindows: false });
    windows += report.windows.length + report.windowsOmitted;
    met += report.windows.length + report.windowsOmitted - report.missedWindows;
  }
  let postedCount = 0;
  let complete = 0;
  for (let u = 0; u < updates.length; u++) {
    if (!counted[u]) continue;
    postedCount++;
    if (updates[u].canComplete) complete++;
  }
  if (windows === 0 && postedCount === 0) return [];
  const cadenceShare = windows === 0 ? 1 : met / windows;
  const canShare = postedCount === 0 ? 0 : complete / postedCount;
  const value = clampMetricValue(config.cadenceShareWeight * cadenceShare + config.canShareWeight * canShare);
  const cadenceText =
    windows === 0
      ? 'no update fell due while you held the role'
      : `an update went out in ${met} of ${plural(windows, 'cadence window')} (${percent(cadenceShare)})`;
  const canText =
    postedCount === 0
      ? 'no update was posted'
      : `${complete} of ${plural(postedCount, 'update')} had Conditions, Actions and Needs (${percent(canShare)})`;
  const title = role === 'communications-lead' ? 'As communications lead' : 'As incident commander without a communications lead';
  return [
    {
      ...baseEvent(facts),
      metric: 'communicationQuality',
      value,
      occurredAt: timestampText(resolved),
      reason: `${title}: ${cadenceText}; ${canText}. ${config.cadenceShareWeight} × ${Math.round(cadenceShare * 100) / 100} + ${config.canShareWeight} × ${Math.round(canShare * 100) / 100} = ${value}.${externalNote(facts)}`,
      source: 'status-update',
    },
  ];
}

/**
 * Escalation quality: one event per incident on which the person escalated,
 * the average of their escalations, each valued:
 *
 * - raised within a trigger's window: 100;
 * - raised after the trigger's window had passed: 40;
 * - raised with no trigger within 5 minutes of declaration (reflexive): 60;
 * - raised with no trigger later than that (a judgement call the seed does
 *   not name): 70.
 *
 * No escalation: no event — not escalating when nothing asked for it is fine,
 * and a missed trigger shows up as a late escalation or in response speed.
 */
export function deriveEscalationQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  if (facts.escalations.length === 0) return [];
  const declared = readTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const judged = facts.escalations
    .map((e, i) => ({ timing: e.timing, ms: readTimestamp(e.at, `escalations[${i}].at`) }))
    .sort((a, b) => a.ms - b.ms)
    .map(e => {
      const minutes = Math.max(0, (e.ms - declared) / MS_PER_MINUTE);
      if (e.timing === 'in-window') return { ms: e.ms, value: config.escalationInWindowValue, text: 'within its trigger window' };
      if (e.timing === 'late') return { ms: e.ms, value: config.escalationLateValue, text: 'after its trigger window had passed' };
      if (minutes <= config.reflexiveWithinMinutes) {
        return { ms: e.ms, value: config.escalationReflexiveValue, text: `reflexively, ${formatMinutes(minutes)} after declaration with no trigger` };
      }
      return { ms: e.ms, value: config.escalationUnpromptedValue, text: `on your own judgement, ${formatMinutes(minutes)} after declaration with no trigger` };
    });
  const value = clampMetricValue(judged.reduce((sum, j) => sum + j.value, 0) / judged.length);
  const list = judged.map(j => `${j.text} (${j.value})`).join('; ');
  return [
    {
      ...baseEvent(facts),
      metric: 'escalationQuality',
      value,
      occurredAt: timestampText(judged[judged.length - 1].ms),
      reason:
        (judged.length === 1 ? `Escalated ${list}.` : `Escalated ${judged.length} times: ${list}; average ${value}.`) +
        externalNote(facts),
      source: 'escalation',
    },
  ];
}

/**
 * Every incident metric for one responder on one incident: response speed,
 * resolution quality, communication quality and escalation quality (peer
 * feedback comes from survey aggregates, see `derivePeerFeedback`).
 */
export function deriveIncidentEvents(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  const events = deriveResponseSpeed(facts, config, matrix);
  for (const event of deriveResolutionQuality(facts, config)) events.push(event);
  for (const event of deriveCommunicationQuality(facts, config, matrix)) events.push(event);
  for (const event of deriveEscalationQuality(facts, config)) events.push(event);
  return events;
}

/** A piece of peacetime work by one person. */
export interface KnowledgeContributionFact {
  userRef: string;
  kind: KnowledgeContributionKind;
  at: string;
  /** What it is about, for the reason: a runbook title, a post-mortem's incident, an action item. */
  subject: string;
  /** For drills: the outcome; only passed drills count. */
  drillOutcome?: DrillOutcome;
  /** For action items: completed by the due date; only those count. */
  completedOnTime?: boolean;
  /** For mentoring: the less experienced responder the person held a role alongside. */
  mentoredUserRef?: string;
}

const KNOWLEDGE_SOURCES = {
  'runbook-revision': 'runbook-revision',
  drill: 'drill',
  'postmortem-authored': 'postmortem',
  'postmortem-facilitated': 'postmortem',
  'action-item': 'action-item',
  mentoring: 'mentoring',
} as const;

/**
 * Knowledge contribution: one event of value 100 per piece of peacetime work,
 * weighted by its kind (`knowledgeWeights`: a passed drill or a mentored
 * incident counts twice a runbook revision by default). Not tied to an
 * incident, so severity does not apply. Left out: drills that did not pass,
 * action items completed late or not at all, mentoring without a mentee or of
 * oneself. With few contributions the metric sits near neutral and rises as
 * they accumulate; old ones fade with recency.
 */
export function deriveKnowledgeContribution(
  facts: KnowledgeContributionFact[],
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const [i, fact] of facts.entries()) {
    const at = timestampText(readTimestamp(fact.at, `contributions[${i}].at`));
    let reason: string | undefined;
    switch (fact.kind) {
      case 'runbook-revision':
        reason = `Revised the runbook "${fact.subject}".`;
        break;
      case 'drill':
        if (fact.drillOutcome === 'passed') reason = `Ran a drill of "${fact.subject}" that passed.`;
        break;
      case 'postmortem-authored':
        reason = `Wrote the post-mortem of ${fact.subject}.`;
        break;
      case 'postmortem-facilitated':
        reason = `Facilitated the post-mortem review of ${fact.subject}.`;
        break;
      case 'action-item':
        if (fact.completedOnTime === true) reason = `Completed the action item "${fact.subject}" on time.`;
        break;
      case 'mentoring':
        if (fact.mentoredUserRef && fact.mentoredUserRef !== fact.userRef) {
          reason = `Mentored ${fact.mentoredUserRef} by holding a role alongside them on ${fact.subject}.`;
        }
        break;
      default:
        break;
    }
    if (reason === undefined) continue;
    events.push({
      userRef: fact.userRef,
      metric: 'knowledgeContribution',
      value: 100,
      externalCause: false,
      occurredAt: at,
      reason,
      source: KNOWLEDGE_SOURCES[fact.kind],
      weight: config.knowledgeWeights[fact.kind],
    });
  }
  return events;
}

/**
 * Peer feedback: one event per fixed feedback window whose aggregate is
 * shown (enough distinct raters). The value maps the 1–10 average to 0–100:
 * (average − 1) ÷ 9 × 100, so 1 → 0, 5.5 → 50, 10 → 100. Suppressed
 * aggregates give no event: individual answers never reach the score.
 */
export function derivePeerFeedback(
  userRef: string,
  aggregate: PeerFeedbackAggregate,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  if (aggregate.suppressed) return [];
  const value = clampMetricValue(((aggregate.overallAverage - 1) / 9) * 100);
  return [
    {
      userRef,
      metric: 'peerFeedback',
      value,
      externalCause: false,
      occurredAt: aggregate.window.to,
      reason: `Colleagues rated you ${aggregate.overallAverage} out of 10 on average over ${aggregate.window.label} (${aggregate.raters} colleagues answered).`,
      source: 'survey',
      weight: config.peerFeedbackEventWeight,
    },
  ];
}
