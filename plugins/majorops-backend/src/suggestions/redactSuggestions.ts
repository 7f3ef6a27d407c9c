import {
  ASSIGNMENT_COMPONENTS,
  AssignmentCandidate,
  AssignmentComponent,
  AssignmentSuggestions,
} from '@majorops/plugin-majorops-common';

/** Parts of a candidate's score that are another person's restricted data. */
export const RESTRICTED_COMPONENTS: readonly AssignmentComponent[] = ['reputation', 'peerPreference'];

export const RESTRICTED_REASON = "Restricted: reading this person's reputation and peer preference needs majorops.reputation.read for them";

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

/** The candidates of suggestions whose numbers are shown: the commanders and the operations chief. */
export function suggestedCandidates(suggestions: AssignmentSuggestions): AssignmentCandidate[] {
  return [...suggestions.incidentCommander, ...(suggestions.operationsChief ? [suggestions.operationsChief] : [])];
}

/**
 * Suggestions as a reader sees them: the candidates for whom `mayRead` is
 * false are redacted (see {@link redactCandidate}), the others kept whole.
 * The explanation says so when any is.
 */
export function redactSuggestions(
  suggestions: AssignmentSuggestions,
  mayRead: (userRef: string) => boolean,
): AssignmentSuggestions {
  const present = (candidate: AssignmentCandidate) => (mayRead(candidate.userRef) ? candidate : redactCandidate(candidate));
  const redacted = suggestedCandidates(suggestions).filter(c => !mayRead(c.userRef)).length;
  return {
    ...suggestions,
    incidentCommander: suggestions.incidentCommander.map(present),
    ...(suggestions.operationsChief ? { operationsChief: present(suggestions.operationsChief) } : {}),
    explanation: redacted
      ? `${suggestions.explanation} Reputation scores and peer preference are hidden for ${redacted === 1 ? 'one candidate' : `${redacted} candidates`}: reading them needs majorops.reputation.read for that person.`
      : suggestions.explanation,
  };
}
