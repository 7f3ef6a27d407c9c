import type {
  AssignmentCandidate,
  AssignmentComponent,
  AssignmentScoreComponent,
  AssignmentSuggestions,
} from '@majorops/plugin-majorops-common';
import { ASSIGNMENT_COMPONENTS } from '@majorops/plugin-majorops-common';

/** Fixtures for the suggestion tests (not exported from the package). */

export const JANE = 'user:default/jane';
export const AMARA = 'user:default/amara';
export const LIAM = 'user:default/liam';
export const SOFIA = 'user:default/sofia';

function emptyBreakdown(): Record<AssignmentComponent, AssignmentScoreComponent> {
  return Object.fromEntries(
    ASSIGNMENT_COMPONENTS.map(c => [c, { value: 0, weight: 10, points: 0, reasons: [] }]),
  ) as unknown as Record<AssignmentComponent, AssignmentScoreComponent>;
}

export function candidate(userRef: string, rank: number, overrides: Partial<AssignmentCandidate> = {}): AssignmentCandidate {
  return {
    userRef,
    rank,
    score: 61.5 - rank * 10,
    level: { level: 5, name: 'Certified MIM' },
    breakdown: {
      ...emptyBreakdown(),
      reputation: { value: 0.81, weight: 40, points: 32.4, reasons: ['Reputation 810 of 1000'] },
      ownership: {
        value: 1,
        weight: 25,
        points: 25,
        reasons: ['Member of group:default/payments, which owns component:default/checkout-api'],
      },
      workload: { value: 0.2, weight: 20, points: -4, reasons: ['2 incidents in the last week'] },
    },
    reasons: [
      'Reputation 810 of 1000',
      'Member of group:default/payments, which owns component:default/checkout-api',
      '2 incidents in the last week',
    ],
    evidence: [
      {
        incidentId: 'inc-7',
        title: 'Orders DB pool exhausted',
        severity: 'SEV1',
        declaredAt: '2026-09-01T10:00:00.000Z',
        role: 'incident-commander',
        matches: ['entity:component:default/checkout-api'],
        outcome: 'clean',
        weight: 0.9,
      },
    ],
    ...overrides,
  };
}

export function suggestions(overrides: Partial<AssignmentSuggestions> = {}): AssignmentSuggestions {
  return {
    incidentId: 'inc-1',
    severity: 'SEV1',
    asOf: '2026-11-20T14:30:00.000Z',
    incidentCommander: [
      candidate(JANE, 1),
      candidate(AMARA, 2, { reasons: ['Usually engaged at this time of the week'], evidence: [] }),
    ],
    operationsChief: candidate(AMARA, 1, { reasons: ['Usually engaged at this time of the week'], evidence: [] }),
    experts: [
      {
        kind: 'type',
        value: 'database',
        experts: [
          {
            userRef: LIAM,
            displayName: 'Liam from the suggestion',
            incidents: 3,
            weight: 1.75,
            reason: 'Worked 3 database incidents in the last year, 2 as incident commander',
          },
        ],
      },
      { kind: 'tech', value: 'kafka', experts: [] },
    ],
    excluded: [
      { userRef: SOFIA, slot: 'incident-commander', reasons: ['Suspended pending a retraining review.'] },
      { userRef: SOFIA, slot: 'operations-chief', reasons: ['Suspended pending a retraining review.'] },
      {
        userRef: LIAM,
        slot: 'incident-commander',
        reasons: ['Level 3 (Senior Responder) is not cleared to command a SEV1; level 5 is.'],
      },
    ],
    explanation:
      '2 suggested incident commanders for this SEV1, best first. A suggestion, not an assignment: the incident commander makes the call.',
    ...overrides,
  };
}

/** What a caller without permission to see the numbers gets: reasons stay, numbers go. */
export function redacted(s: AssignmentSuggestions): AssignmentSuggestions {
  const strip = (c: AssignmentCandidate) =>
    ({
      ...c,
      score: undefined,
      level: { name: c.level?.name },
      breakdown: Object.fromEntries(Object.entries(c.breakdown).map(([k, part]) => [k, { reasons: part.reasons }])),
    }) as unknown as AssignmentCandidate;
  return {
    ...s,
    incidentCommander: s.incidentCommander.map(strip),
    operationsChief: s.operationsChief && strip(s.operationsChief),
    experts: s.experts.map(t => ({ ...t, experts: t.experts.map(e => ({ ...e, weight: undefined as unknown as number })) })),
  };
}
