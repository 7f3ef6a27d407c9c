import type { AssignmentReputation, ReputationView } from '@majorops/plugin-majorops-common';

/**
 * What other parts of the backend (suggestions, rankings) read about a
 * person's reputation: score, level, badge, workload and the k-anonymous
 * "primary contact" aggregate — never an individual survey answer.
 */
export interface ReputationSummary extends AssignmentReputation {
  /** When this summary was computed; workload and recency are as of that moment. */
  computedAt: string;
}

export interface ReputationSummaryReader {
  /**
   * Summaries of those among `userRefs` who have a record (a role on an
   * incident, a training record or a suspension). People without one are
   * absent from the map: they have no level and are never eligible.
   */
  summariesOf(userRefs: string[]): Promise<Map<string, ReputationSummary>>;
}

/** The part of a reputation view that other features read. */
export function summaryFromView(
  view: Pick<ReputationView, 'userRef' | 'reputation' | 'level' | 'badge' | 'workload' | 'peerFeedback'>,
  computedAt: string,
): ReputationSummary {
  // Only the k-anonymous aggregate of "primary contact on the next P1": the newest window shown.
  const shown = view.peerFeedback.find(a => !a.suppressed);
  return {
    userRef: view.userRef,
    computedAt,
    score: view.reputation.score,
    level: { level: view.level.level, name: view.level.name, suspended: view.level.suspended },
    badge: { holds: view.badge.holds },
    // Only the flagged weeks: the suggestion engine reads no other, and every summary is read per request.
    workload: { weeks: view.workload.weeks.filter(w => w.flagged), flaggedPeriods: view.workload.flaggedPeriods, totals: view.workload.totals },
    ...(shown && !shown.suppressed ? { peerPreference: shown.averages.primaryContact } : {}),
  };
}
