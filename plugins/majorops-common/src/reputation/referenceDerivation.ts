import { computeCadence } from '../cadence';
import { formatMinutes, parseIsoTimestamp } from '../escalation';
import type { IncidentRole } from '../roles';
import { DEFAULT_SEVERITY_MATRIX, SeverityMatrix } from '../severity';
import { DEFAULT_REPUTATION_CONFIG, DerivationConfig } from './config';
import { clampMetricValue, LedgerEvent } from './ledger';
import type { KnowledgeContributionFact, ResponderIncidentFacts } from './metrics';

/**
 * Test oracle, not exported from the package: the ledger derivation as it was
 * before it was made cheaper per event (timestamps read with the general
 * parser, windows of every span listed through arrays). The equivalence tests
 * check that `deriveIncidentEvents` and `deriveKnowledgeContribution` give
 * exactly the events these give.
 */

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

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
export function referenceDeriveResponseSpeed(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  const declared = parseIsoTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const start = facts.pagedAt === undefined ? declared : parseIsoTimestamp(facts.pagedAt, 'pagedAt');
  const firstRole = Math.min(...facts.roles.map((r, i) => parseIsoTimestamp(r.assignedAt, `roles[${i}].assignedAt`)));
  const firstEntry =
    facts.firstTimelineEntryAt === undefined ? Infinity : parseIsoTimestamp(facts.firstTimelineEntryAt, 'firstTimelineEntryAt');
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
      occurredAt: new Date(engaged).toISOString(),
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
export function referenceDeriveResolutionQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  const led = facts.roles.some(r => r.role === 'incident-commander' || r.role === 'technical-lead');
  if (!led || facts.milestones.resolvedAt === undefined) return [];
  const resolved = parseIsoTimestamp(facts.milestones.resolvedAt, 'milestones.resolvedAt');
  let value = 100;
  let occurred = resolved;
  const parts: string[] = [];
  const reopen = facts.reopens.find((r, i) => {
    const gap = parseIsoTimestamp(r.reopenedAt, `reopens[${i}].reopenedAt`) - parseIsoTimestamp(r.resolvedAt, `reopens[${i}].resolvedAt`);
    return gap >= 0 && gap <= config.reopenWindowDays * MS_PER_DAY;
  });
  if (reopen) {
    value -= config.reopenPenalty;
    parts.push(`reopened within ${plural(config.reopenWindowDays, 'day')} of being resolved (−${config.reopenPenalty})`);
  }
  const repeat = facts.repeats
    .map((r, i) => ({ ...r, ms: parseIsoTimestamp(r.declaredAt, `repeats[${i}].declaredAt`) }))
    .filter(r => r.ms >= resolved && r.ms - resolved <= config.repeatWindowDays * MS_PER_DAY)
    .sort((a, b) => a.ms - b.ms)[0];
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
      occurredAt: new Date(occurred).toISOString(),
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
export function referenceDeriveCommunicationQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  if (facts.milestones.resolvedAt === undefined) return [];
  const role: IncidentRole = facts.hadCommunicationsLead ? 'communications-lead' : 'incident-commander';
  const spans = facts.roles.filter(r => r.role === role);
  if (spans.length === 0) return [];
  const declared = parseIsoTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const resolved = parseIsoTimestamp(facts.milestones.resolvedAt, 'milestones.resolvedAt');
  const history = facts.severityHistory?.length ? facts.severityHistory : [{ severity: facts.severity, from: facts.milestones.declaredAt }];
  const periods = history
    .map((p, i) => ({ severity: p.severity, ms: i === 0 ? declared : parseIsoTimestamp(p.from, `severityHistory[${i}].from`) }))
    .sort((a, b) => a.ms - b.ms);
  const updates = facts.statusUpdates.map((u, i) => ({ ...u, ms: parseIsoTimestamp(u.postedAt, `statusUpdates[${i}].postedAt`) }));

  let windows = 0;
  let met = 0;
  const counted = new Set<number>();
  for (const [i, span] of spans.entries()) {
    const from = Math.max(declared, parseIsoTimestamp(span.assignedAt, `roles.assignedAt`));
    const to = Math.min(resolved, span.releasedAt === undefined ? resolved : parseIsoTimestamp(span.releasedAt, `roles[${i}].releasedAt`));
    if (to <= from) continue;
    let severityAtStart = periods[0].severity;
    for (const p of periods) if (p.ms <= from) severityAtStart = p.severity;
    const severities = [
      { severity: severityAtStart, from: new Date(from).toISOString() },
      ...periods.filter(p => p.ms > from && p.ms <= to).map(p => ({ severity: p.severity, from: new Date(p.ms).toISOString() })),
    ];
    const inSpan = updates.filter(u => u.ms >= from && u.ms <= to);
    inSpan.forEach(u => counted.add(updates.indexOf(u)));
    const report = computeCadence(
      {
        declaredAt: new Date(from).toISOString(),
        severities,
        updates: inSpan.map(u => new Date(u.ms).toISOString()),
        resolvedAt: new Date(to).toISOString(),
      },
      new Date(to).toISOString(),
      matrix,
      { listWindows: false },
    );
    windows += report.windows.length + report.windowsOmitted;
    met += report.windows.length + report.windowsOmitted - report.missedWindows;
  }
  const posted = [...counted].map(i => updates[i]);
  if (windows === 0 && posted.length === 0) return [];
  const cadenceShare = windows === 0 ? 1 : met / windows;
  const complete = posted.filter(u => u.canComplete).length;
  const canShare = posted.length === 0 ? 0 : complete / posted.length;
  const value = clampMetricValue(config.cadenceShareWeight * cadenceShare + config.canShareWeight * canShare);
  const cadenceText =
    windows === 0
      ? 'no update fell due while you held the role'
      : `an update went out in ${met} of ${plural(windows, 'cadence window')} (${percent(cadenceShare)})`;
  const canText =
    posted.length === 0
      ? 'no update was posted'
      : `${complete} of ${plural(posted.length, 'update')} had Conditions, Actions and Needs (${percent(canShare)})`;
  const title = role === 'communications-lead' ? 'As communications lead' : 'As incident commander without a communications lead';
  return [
    {
      ...baseEvent(facts),
      metric: 'communicationQuality',
      value,
      occurredAt: new Date(resolved).toISOString(),
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
export function referenceDeriveEscalationQuality(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  if (facts.escalations.length === 0) return [];
  const declared = parseIsoTimestamp(facts.milestones.declaredAt, 'milestones.declaredAt');
  const judged = facts.escalations
    .map((e, i) => ({ ...e, ms: parseIsoTimestamp(e.at, `escalations[${i}].at`) }))
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
      occurredAt: new Date(judged[judged.length - 1].ms).toISOString(),
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
export function referenceDeriveIncidentEvents(
  facts: ResponderIncidentFacts,
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
  matrix: SeverityMatrix = DEFAULT_SEVERITY_MATRIX,
): LedgerEvent[] {
  return [
    ...referenceDeriveResponseSpeed(facts, config, matrix),
    ...referenceDeriveResolutionQuality(facts, config),
    ...referenceDeriveCommunicationQuality(facts, config, matrix),
    ...referenceDeriveEscalationQuality(facts, config),
  ];
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
export function referenceDeriveKnowledgeContribution(
  facts: KnowledgeContributionFact[],
  config: DerivationConfig = DEFAULT_REPUTATION_CONFIG.derivation,
): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const [i, fact] of facts.entries()) {
    const at = new Date(parseIsoTimestamp(fact.at, `contributions[${i}].at`)).toISOString();
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

