import { suggestAssignments } from './suggestAssignments';
import { AssignmentHistory, buildReplayInput, ReplayIncident, replaySuggestions } from './replaySuggestions';
import { ADA, baseInput, BO, CHECKOUT, CY, level, pastIncident } from './testFixtures';

const SNAPSHOT_AT = '2026-01-01T00:00:00.000Z';
const at = (date: string) => `${date}T10:00:00.000Z`;

function history(extra: Partial<AssignmentHistory> = {}, incidents: ReplayIncident[] = []): AssignmentHistory {
  const base = baseInput();
  return {
    users: base.users.filter(u => u.userRef !== 'user:default/dee'),
    entities: base.entities,
    incidents: [
      pastIncident('h1', BO, at('2026-06-01'), { entities: [{ entityRef: CHECKOUT }], resolvedAt: at('2026-06-02') }),
      pastIncident('h2', BO, at('2026-07-01'), { entities: [{ entityRef: CHECKOUT }], resolvedAt: at('2026-07-02') }),
      pastIncident('h3', ADA, at('2026-07-15'), { severity: 'SEV3' }),
      pastIncident('h4', ADA, at('2026-07-20'), { severity: 'SEV2', roles: [] }),
      ...incidents,
    ],
    reputation: [
      { userRef: ADA, asOf: SNAPSHOT_AT, level: level(5), score: 700 },
      { userRef: BO, asOf: SNAPSHOT_AT, level: level(5), score: 700 },
      { userRef: CY, asOf: SNAPSHOT_AT, level: level(4), score: 700 },
    ],
    ...extra,
  };
}

/** Facts that all happen after h2 was declared (2026-07-01 10:00). */
function futureFacts(when: string): { extra: Partial<AssignmentHistory>; incidents: ReplayIncident[]; patch: (h: AssignmentHistory) => AssignmentHistory } {
  const h = history();
  return {
    extra: {
      reputation: [...h.reputation!, { userRef: ADA, asOf: when, level: level(5), score: 1000, badge: { holds: true }, peerPreference: 10 }],
      suspensions: [{ userRef: BO, reason: 'retraining', setBy: 'user:default/lead', setAt: when, reviewAt: '2026-12-01T00:00:00.000Z' }],
      trainings: [{ userRef: CY, kind: 'certified-mim', issuer: 'x', completedAt: when }],
    },
    incidents: [pastIncident('f1', ADA, when, { entities: [{ entityRef: CHECKOUT }], incidentType: 'database' })],
    patch: (hist: AssignmentHistory) => ({
      ...hist,
      incidents: hist.incidents.map(i =>
        i.id === 'h1' ? { ...i, reopenedAt: when, roles: [...i.roles, { role: 'technical-lead' as const, userRef: ADA, assignedAt: when }] } : i,
      ),
    }),
  };
}

describe('replaySuggestions', () => {
  it('replays SEV1/SEV2 incidents with a commander and reports the hit rate', () => {
    const result = replaySuggestions(history());
    expect(result.perIncident.map(p => [p.incidentId, p.evaluated, p.hit, p.rank])).toEqual([
      ['h1', true, true, 2],
      ['h2', true, true, 1],
      ['h4', false, false, undefined],
    ]);
    expect(result).toMatchObject({ evaluated: 2, hits: 2, hitRate: 1 });
    expect(result.perIncident[1].reason).toBe('The actual commander, user:default/bo, was suggested at place 1.');
    expect(result.perIncident[2].reason).toBe('No commander recorded: nothing to compare with.');
  });

  it.each<[string, Parameters<typeof replaySuggestions>[1], string[]]>([
    ['top 1: the tie at h1 goes to ada', { topN: 1 }, ['h2']],
    ['SEV3 included on request', { severities: ['SEV3'] }, ['h3']],
    ['a time range', { from: at('2026-06-15'), to: at('2026-07-10') }, ['h2']],
  ])('options: %s', (_case, options, hitIds) => {
    const result = replaySuggestions(history(), options);
    expect(result.perIncident.filter(p => p.hit).map(p => p.incidentId)).toEqual(hitIds);
  });

  it('checks the best-rated commander when one is given', () => {
    const h = history();
    h.incidents = h.incidents.map(i => (i.id === 'h2' ? { ...i, bestRatedCommanderRef: CY } : i));
    const h2 = replaySuggestions(h).perIncident.find(p => p.incidentId === 'h2')!;
    expect(h2).toMatchObject({ target: 'best-rated', expectedRef: CY, hit: false });
    expect(h2.reason).toBe('The best-rated commander, user:default/cy, was not among the top 3 suggested.');
  });

  it('an incident resolved only after the declaration is still open at replay time', () => {
    const h = history();
    h.incidents = h.incidents.map(i => (i.id === 'h1' ? { ...i, resolvedAt: at('2026-07-05') } : i));
    const h2 = replaySuggestions(h).perIncident.find(p => p.incidentId === 'h2')!;
    expect(h2.hit).toBe(false);
    const { input, now } = buildReplayInput(h, h.incidents[1]);
    expect(suggestAssignments(input, now).excluded.find(e => e.userRef === BO)?.reasons).toEqual(['Already commanding h1']);
  });

  it('computes a level from what was known when no snapshot gives one, and applies suspensions in force', () => {
    const h = history({
      reputation: [{ userRef: ADA, asOf: SNAPSHOT_AT, level: level(5), score: 700 }],
      suspensions: [{ userRef: ADA, reason: 'review', setBy: 'user:default/lead', setAt: at('2026-06-15'), reviewAt: at('2026-08-01'), liftedAt: at('2026-06-25') }],
    });
    const { input } = buildReplayInput(h, h.incidents[1]);
    expect(input.reputation.find(r => r.userRef === CY)?.level).toEqual({ level: 0, name: 'Not yet levelled', suspended: false });
    expect(input.reputation.find(r => r.userRef === ADA)?.level?.suspended).toBe(false);
    const during = { ...h, incidents: h.incidents.map(i => (i.id === 'h2' ? { ...i, declaredAt: at('2026-06-20') } : i)) };
    const input2 = buildReplayInput(during, during.incidents[1]).input;
    expect(input2.reputation.find(r => r.userRef === ADA)?.level).toEqual({ level: 5, name: 'Suspended', suspended: true });
  });

  describe('no peeking', () => {
    const H = history();
    const future = futureFacts(at('2026-07-03'));
    const withFuture = future.patch(history(future.extra, future.incidents));

    it('the input for an incident holds no fact from after its declaration', () => {
      const h2 = H.incidents[1];
      expect(buildReplayInput(withFuture, h2)).toEqual(buildReplayInput(H, h2));
      const { input } = buildReplayInput(withFuture, h2);
      const cutoff = Date.parse(h2.declaredAt);
      for (const incident of input.incidents) {
        for (const time of [incident.declaredAt, incident.resolvedAt, incident.reopenedAt, incident.repeatLinkedAt, ...incident.roles.flatMap(r => [r.assignedAt, r.releasedAt])]) {
          if (time !== undefined) expect(Date.parse(time)).toBeLessThan(cutoff);
        }
      }
    });

    it('a future fact cannot change an earlier decision', () => {
      const before = replaySuggestions(H).perIncident.filter(p => p.incidentId !== 'f1');
      const after = replaySuggestions(withFuture).perIncident.filter(p => Date.parse(p.declaredAt) <= Date.parse(at('2026-07-01')));
      expect(after).toEqual(before.filter(p => Date.parse(p.declaredAt) <= Date.parse(at('2026-07-01'))));
    });

    it('the same facts known before the declaration do change it (the test above is not vacuous)', () => {
      const past = futureFacts(at('2026-06-20'));
      const withPast = past.patch(history(past.extra, past.incidents));
      const h2Before = replaySuggestions(H).perIncident.find(p => p.incidentId === 'h2')!;
      const h2After = replaySuggestions(withPast).perIncident.find(p => p.incidentId === 'h2')!;
      expect(h2Before.hit).toBe(true);
      expect(h2After.hit).toBe(false);
      expect(h2After.suggested[0].userRef).toBe(ADA);
      expect(h2After.suggested.map(s => s.userRef)).not.toContain(BO);
    });
  });

  it('never reads the clock: the same history gives the same replay', () => {
    expect(replaySuggestions(history())).toEqual(replaySuggestions({ ...history(), incidents: [...history().incidents].reverse() }));
  });
});
