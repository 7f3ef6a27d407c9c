import { parseIsoTimestamp } from '../escalation';
import type { Severity } from '../severity';
import { BadgeConfig, DEFAULT_REPUTATION_CONFIG } from './config';
import type { LedgerEvent } from './ledger';
import type { PeerFeedbackAggregate, PeerFeedbackShown } from './peerFeedback';

/**
 * The SRE Champion badge of the seed. Someone holds it when all four hold:
 *
 * - participation: at least 5 SEV1/SEV2 incidents in the last 365 days;
 * - peer feedback: an average of at least 8/10 over their last 10 incidents
 *   that have an aggregate (the newest fixed block of 10 with enough raters);
 * - track record across tiers: response speed and communication quality both at least 60;
 * - knowledge sharing: at least 3 contributions (runbooks, post-mortems,
 *   drills, action items, mentoring) in the last 183 days;
 *
 * and neither revocation rule fires:
 *
 * - inactivity: no incident in the last 90 days;
 * - declining feedback: the last block's average is below 8, or it dropped by
 *   1.0 or more against the block of 10 before it.
 *
 * Participation alone never earns it — feedback, track record and knowledge
 * sharing are required too — so it rewards steady, shared work rather than heroics.
 */

export const CHAMPION_CRITERIA = ['participation', 'peer-feedback', 'track-record', 'knowledge-sharing'] as const;
export type ChampionCriterion = (typeof CHAMPION_CRITERIA)[number];

export interface ChampionParticipation {
  incidentId: string;
  severity: Severity;
  /** When the incident was declared (or the person joined it). */
  at: string;
}

export interface ChampionBadgeInput {
  /** Incidents the person held a role on. */
  participations: ChampionParticipation[];
  /** Aggregates of the person's fixed blocks of incidents, any order; suppressed ones are skipped. */
  feedback: PeerFeedbackAggregate[];
  /** Current metric values, from `computeReputation`. */
  responseSpeed: number;
  communicationQuality: number;
  /** The person's ledger; knowledge-contribution events are counted. */
  events: LedgerEvent[];
  /** The person held the badge before; a revocation is then reported as such. */
  previouslyHeld?: boolean;
}

export interface ChampionBadgeResult {
  holds: boolean;
  criteria: Array<{ id: ChampionCriterion; met: boolean; detail: string }>;
  /** Revocation rules that fire, with their reasons; only when the badge was previously held. */
  revokedBecause?: string[];
}

const MS_PER_DAY = 24 * 60 * 60 * 1000;

function dropOf(previous: number, latest: number): number {
  return Math.round((previous - latest) * 10) / 10;
}

/** Whether the person holds the SRE Champion badge at `now`, criterion by criterion. */
export function computeChampionBadge(
  input: ChampionBadgeInput,
  now: string,
  config: BadgeConfig = DEFAULT_REPUTATION_CONFIG.badge,
): ChampionBadgeResult {
  const nowMs = parseIsoTimestamp(now, 'now');
  const participations = input.participations
    .map((p, i) => ({ ...p, ms: parseIsoTimestamp(p.at, `participations[${i}].at`) }))
    .filter(p => p.ms <= nowMs);
  const criteria: ChampionBadgeResult['criteria'] = [];

  const since = nowMs - config.participationWindowDays * MS_PER_DAY;
  const major = new Set(participations.filter(p => (p.severity === 'SEV1' || p.severity === 'SEV2') && p.ms > since).map(p => p.incidentId)).size;
  criteria.push({
    id: 'participation',
    met: major >= config.minSev1or2Participations,
    detail: `${major} SEV1/SEV2 incident${major === 1 ? '' : 's'} in the last ${config.participationWindowDays} days (needs ${config.minSev1or2Participations}).`,
  });

  const blocks = input.feedback
    .filter((a): a is PeerFeedbackShown => !a.suppressed && a.window.kind === 'incidents')
    .sort((a, b) => (a.window.kind === 'incidents' && b.window.kind === 'incidents' ? a.window.index - b.window.index : 0));
  const latest = blocks[blocks.length - 1];
  const previous = blocks[blocks.length - 2];
  criteria.push({
    id: 'peer-feedback',
    met: latest !== undefined && latest.overallAverage >= config.minPeerFeedbackAverage,
    detail: latest
      ? `Peer feedback ${latest.overallAverage}/10 over ${latest.window.label} (needs ${config.minPeerFeedbackAverage}).`
      : `No peer feedback yet over a block of incidents with enough colleagues answering (needs ${config.minPeerFeedbackAverage}/10).`,
  });

  const trackMet = input.responseSpeed >= config.minResponseSpeed && input.communicationQuality >= config.minCommunicationQuality;
  criteria.push({
    id: 'track-record',
    met: trackMet,
    detail: `Response speed ${input.responseSpeed} (needs ${config.minResponseSpeed}) and communication quality ${input.communicationQuality} (needs ${config.minCommunicationQuality}).`,
  });

  const knowledgeSince = nowMs - config.knowledgeWindowDays * MS_PER_DAY;
  const contributions = input.events.filter(e => {
    if (e.metric !== 'knowledgeContribution') return false;
    const at = Date.parse(e.occurredAt);
    return at > knowledgeSince && at <= nowMs;
  }).length;
  criteria.push({
    id: 'knowledge-sharing',
    met: contributions >= config.minKnowledgeContributions,
    detail: `${contributions} knowledge contribution${contributions === 1 ? '' : 's'} (runbooks, post-mortems, drills, action items, mentoring) in the last ${config.knowledgeWindowDays} days (needs ${config.minKnowledgeContributions}).`,
  });

  const revocations: string[] = [];
  const last = Math.max(-Infinity, ...participations.map(p => p.ms));
  if (nowMs - last > config.inactivityDays * MS_PER_DAY) {
    revocations.push(
      last === -Infinity
        ? 'Inactivity: no incident yet.'
        : `Inactivity: no incident since ${new Date(last).toISOString().slice(0, 10)}, more than ${config.inactivityDays} days.`,
    );
  }
  if (latest && latest.overallAverage < config.minPeerFeedbackAverage) {
    revocations.push(`Declining feedback: ${latest.overallAverage}/10 over ${latest.window.label}, below ${config.minPeerFeedbackAverage}.`);
  } else if (latest && previous && dropOf(previous.overallAverage, latest.overallAverage) >= config.feedbackDropRevokes) {
    revocations.push(
      `Declining feedback: ${latest.overallAverage}/10 over ${latest.window.label}, down ${dropOf(previous.overallAverage, latest.overallAverage)} from ${previous.overallAverage} over ${previous.window.label}.`,
    );
  }

  const holds = criteria.every(c => c.met) && revocations.length === 0;
  return {
    holds,
    criteria,
    ...(input.previouslyHeld && !holds && revocations.length > 0 ? { revokedBecause: revocations } : {}),
  };
}
