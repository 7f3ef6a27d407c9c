import { acceptanceRate, CommanderAcceptance } from './acceptanceRate';
import type { AssignmentCandidate } from './types';

const suggested = (incidentId: string, asOf: string, ...userRefs: string[]) => ({
  incidentId,
  asOf,
  incidentCommander: userRefs.map((userRef, i) => ({ userRef, rank: i + 1 }) as AssignmentCandidate),
});

describe('acceptanceRate', () => {
  it.each<[string, ReturnType<typeof suggested>[], CommanderAcceptance[], number, number, number | undefined]>([
    ['no data', [], [], 0, 0, undefined],
    ['commander among the suggested', [suggested('i1', '2026-11-01T10:00:00Z', 'a', 'b', 'c')], [{ incidentId: 'i1', commanderRef: 'c' }], 1, 1, 1],
    ['commander not suggested', [suggested('i1', '2026-11-01T10:00:00Z', 'a', 'b', 'c')], [{ incidentId: 'i1', commanderRef: 'd' }], 1, 0, 0],
    ['incident without a recorded commander is left out', [suggested('i1', '2026-11-01T10:00:00Z', 'a'), suggested('i2', '2026-11-01T10:00:00Z', 'a')], [{ incidentId: 'i1', commanderRef: 'a' }], 1, 1, 1],
    ['commander without a suggestion is left out', [suggested('i1', '2026-11-01T10:00:00Z', 'a')], [{ incidentId: 'i1', commanderRef: 'a' }, { incidentId: 'i9', commanderRef: 'a' }], 1, 1, 1],
    ['the suggestion at declaration counts, not a later one', [suggested('i1', '2026-11-01T11:00:00Z', 'b'), suggested('i1', '2026-11-01T10:00:00Z', 'a')], [{ incidentId: 'i1', commanderRef: 'b' }], 1, 0, 0],
    ['the earliest commander counts', [suggested('i1', '2026-11-01T10:00:00Z', 'a')], [{ incidentId: 'i1', commanderRef: 'b', acceptedAt: '2026-11-01T12:00:00Z' }, { incidentId: 'i1', commanderRef: 'a', acceptedAt: '2026-11-01T10:05:00Z' }], 1, 1, 1],
    ['two of three', ['i1', 'i2', 'i3'].map(id => suggested(id, '2026-11-01T10:00:00Z', 'a', 'b')), [{ incidentId: 'i1', commanderRef: 'a' }, { incidentId: 'i2', commanderRef: 'b' }, { incidentId: 'i3', commanderRef: 'c' }], 3, 2, 0.667],
  ])('%s', (_case, suggestions, acceptances, incidents, accepted, rate) => {
    const result = acceptanceRate(suggestions, acceptances);
    expect(result.incidents).toBe(incidents);
    expect(result.accepted).toBe(accepted);
    expect(result.rate).toBe(rate);
  });

  it('reports each incident with the commander’s place', () => {
    const result = acceptanceRate([suggested('i1', '2026-11-01T10:00:00Z', 'a', 'b')], [{ incidentId: 'i1', commanderRef: 'b' }]);
    expect(result.perIncident).toEqual([{ incidentId: 'i1', commanderRef: 'b', suggested: ['a', 'b'], accepted: true, rank: 2 }]);
  });
});
