import {
  ASSIGNMENT_COMPONENTS,
  AssignmentCandidate,
  AssignmentComponent,
  AssignmentSuggestions,
} from '@majorops/plugin-majorops-common';

/** Parts of a candidate's score that are another person's restricted data. */
export const RESTRICTED_COMPONENTS: readonly AssignmentComponent[] = ['reputation', 'peerPreference'];

export const RESTRICTED_REASON = 'Restricted: reading reputation and peer preference needs majorops.reputation.read';

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A candidate without the numbers a reader may not see: the reputation score
 * and the peer preference become zero with a note, and the total counts only
 * what is shown (so that it gives nothing away). Rank, level name and the
 * other reasons (ownership, expertise, availability, workload) stay.
 */
export function redactCandidate(candidate: AssignmentCandidate): AssignmentCandidate {
  const breakdown = { ...candidate.breakdown };
  const hidden = new Set<string>();
  for (const c of RESTRICTED_COMPONENTS) {
    candidate.breakdown[c].reasons.forEach(r => hidden.add(r));
    breakdown[c] = { value: 0, weight: candidate.breakdown[c].weight, points: 0, reasons: [RESTRICTED_REASON] };
  }
  const score = round1(ASSIGNMENT_COMPONENTS.reduce((sum, c) => sum + breakdown[c].points, 0));
  return {
    ...candidate,
    score,
    breakdown,
    reasons: [...candidate.reasons.filter(r => !hidden.has(r)), RESTRICTED_REASON],
  };
}

/** Suggestions as a reader without `majorops.reputation.read` sees them. */
export function redactSuggestions(suggestions: AssignmentSuggestions): AssignmentSuggestions {
  return {
    ...suggestions,
    incidentCommander: suggestions.incidentCommander.map(redactCandidate),
    ...(suggestions.operationsChief ? { operationsChief: redactCandidate(suggestions.operationsChief) } : {}),
    explanation: `${suggestions.explanation} Reputation scores and peer preference are hidden: reading them needs majorops.reputation.read.`,
  };
}
