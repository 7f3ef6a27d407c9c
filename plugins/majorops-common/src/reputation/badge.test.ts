import { ChampionBadgeInput, computeChampionBadge } from './badge';
import { DEFAULT_REPUTATION_CONFIG } from './config';
import { aggregateFeedback, FeedbackIncident, incidentFeedbackWindows, PeerFeedbackAggregate, PeerFeedbackResponse } from './peerFeedback';
import { ADA, DAY, ledgerEvent, plus } from './testUtils';

const NOW = '2026-11-20T12:00:00.000Z';
const daysAgo = (n: number) => plus(NOW, -n * DAY);

/** ADA's incidents: 30, one every 6 days up to 10 days ago, all SEV2. */
const history: FeedbackIncident[] = Array.from({ length: 30 }, (_, i) => ({ incidentId: `inc-${i}`, declaredAt: daysAgo(10 + (29 - i) * 6) }));
const windows = incidentFeedbackWindows(ADA, history);

/** Aggregates for blocks 0, 1, 2 with these averages (three raters each, all answers equal). */
function feedback(...averages: Array<number | undefined>): PeerFeedbackAggregate[] {
  return averages.map((average, index) => {
    const window = windows[index];
    const responses: PeerFeedbackResponse[] =
      average === undefined
        ? []
        : [1, 2, 3].map(r => ({
            incidentId: window.incidentIds[0],
            subjectRef: ADA,
            raterRef: `user:default/r${r}`,
            incidentAt: window.from,
            answers: { clearAndCalm: average, helpedResolution: average, primaryContact: average },
          }));
    return aggregateFeedback(responses, window, { now: plus(NOW, 30 * DAY) });
  });
}

const knowledge = (n: number, ago = 10) =>
  Array.from({ length: n }, (_, i) => ledgerEvent({ occurredAt: daysAgo(ago + i), metric: 'knowledgeContribution', incidentId: undefined, severity: undefined, reason: `k${i}` }));

const champion: ChampionBadgeInput = {
  participations: history.slice(-5).map(h => ({ incidentId: h.incidentId, severity: 'SEV1', at: h.declaredAt })),
  feedback: feedback(9, 8.5, 8),
  responseSpeed: 60,
  communicationQuality: 60,
  events: knowledge(3),
};

describe('computeChampionBadge', () => {
  it.each<[string, Partial<ChampionBadgeInput>, boolean, Record<string, boolean>]>([
    ['exactly at every threshold', {}, true, { participation: true, 'peer-feedback': true, 'track-record': true, 'knowledge-sharing': true }],
    ['4 SEV1/SEV2 in the year', { participations: champion.participations.slice(1) }, false, { participation: false }],
    ['SEV3s do not count toward participation', { participations: champion.participations.map(p => ({ ...p, severity: 'SEV3' as const })) }, false, { participation: false }],
    ['a SEV1 365 days ago is outside the year', { participations: [...champion.participations.slice(1), { incidentId: 'old', severity: 'SEV1', at: daysAgo(365) }] }, false, { participation: false }],
    ['latest block at 7.9', { feedback: feedback(8.5, 8.5, 7.9) }, false, { 'peer-feedback': false }],
    ['latest block suppressed: the last shown block counts', { feedback: feedback(8.5, 8.5, undefined) }, true, { 'peer-feedback': true }],
    ['no block shown yet', { feedback: feedback(undefined, undefined, undefined) }, false, { 'peer-feedback': false }],
    ['response speed 59.9', { responseSpeed: 59.9 }, false, { 'track-record': false }],
    ['communication 59.9', { communicationQuality: 59.9 }, false, { 'track-record': false }],
    ['2 contributions', { events: knowledge(2) }, false, { 'knowledge-sharing': false }],
    ['3 contributions but one is 183 days old', { events: [...knowledge(2), ...knowledge(1, 183)] }, false, { 'knowledge-sharing': false }],
    ['other metrics do not count as knowledge', { events: [...knowledge(2), ledgerEvent({ occurredAt: daysAgo(1) })] }, false, { 'knowledge-sharing': false }],
  ])('%s', (_case, overrides, holds, criteria) => {
    const result = computeChampionBadge({ ...champion, ...overrides }, NOW);
    expect(result.holds).toBe(holds);
    for (const [id, met] of Object.entries(criteria)) expect(result.criteria.find(c => c.id === id)?.met).toBe(met);
  });

  it.each<[string, Partial<ChampionBadgeInput>, string[] | undefined]>([
    ['still held', { previouslyHeld: true }, undefined],
    ['last incident 90 days ago: still active', { previouslyHeld: true, participations: [...champion.participations, { incidentId: 'x', severity: 'SEV3' as const, at: daysAgo(90) }].map(p => ({ ...p, at: p.at < daysAgo(90) ? p.at : daysAgo(90) })) }, undefined],
    ['no incident for 91 days', { previouslyHeld: true, participations: champion.participations.map(p => ({ ...p, at: daysAgo(91) })) }, ['Inactivity: no incident since 2026-08-21, more than 90 days.']],
    ['feedback dropped exactly 1.0', { previouslyHeld: true, feedback: feedback(9, 9, 8) }, ['Declining feedback: 8/10 over incidents 21–30, down 1 from 9 over incidents 11–20.']],
    ['feedback dropped 0.9', { previouslyHeld: true, feedback: feedback(9, 8.9, 8) }, undefined],
    ['feedback below 8', { previouslyHeld: true, feedback: feedback(9, 8.5, 7) }, ['Declining feedback: 7/10 over incidents 21–30, below 8.']],
  ])('revocation: %s', (_case, overrides, revokedBecause) => {
    const result = computeChampionBadge({ ...champion, ...overrides }, NOW);
    expect(result.revokedBecause).toEqual(revokedBecause);
    expect(result.holds).toBe(revokedBecause === undefined);
  });

  it('blocks the badge on declining feedback even for someone who never held it, without calling it a revocation', () => {
    const result = computeChampionBadge({ ...champion, feedback: feedback(9, 9.5, 8.5) }, NOW);
    expect(result.holds).toBe(false);
    expect(result.revokedBecause).toBeUndefined();
    expect(result.criteria.every(c => c.met)).toBe(true);
  });

  it('explains each criterion with its numbers', () => {
    expect(computeChampionBadge(champion, NOW).criteria.map(c => c.detail)).toEqual([
      '5 SEV1/SEV2 incidents in the last 365 days (needs 5).',
      'Peer feedback 8/10 over incidents 21–30 (needs 8).',
      'Response speed 60 (needs 60) and communication quality 60 (needs 60).',
      '3 knowledge contributions (runbooks, post-mortems, drills, action items, mentoring) in the last 183 days (needs 3).',
    ]);
  });

  it('follows configured thresholds', () => {
    const config = { ...DEFAULT_REPUTATION_CONFIG.badge, minSev1or2Participations: 6 };
    expect(computeChampionBadge(champion, NOW, config).holds).toBe(false);
  });
});
