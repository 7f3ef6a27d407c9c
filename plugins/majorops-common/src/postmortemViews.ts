import type { Severity } from './severity';
import type {
  ActionItem,
  ActionItemFollowThrough,
  ActionItemState,
  PostmortemDeadline,
  PostmortemFollowThrough,
  PostmortemKind,
  PostmortemStatus,
  RepeatCandidate,
  RepeatLink,
  RepeatRate,
} from './postmortems';

/** An action item as the API returns it, with where it stands and the incident it came from. */
export interface ActionItemView extends ActionItem {
  state: ActionItemState;
  /** End of the due day, UTC. */
  dueAt: string;
  incidentTitle: string;
  incidentSeverity: Severity;
}

/** A row of `GET /postmortems`: only post-mortems the caller may read are listed. */
export interface PostmortemSummary {
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  kind: PostmortemKind;
  status: PostmortemStatus;
  authorRef: string;
  updatedAt: string;
  deadline: PostmortemDeadline;
}

/**
 * A resolved incident whose required post-mortem missed its deadline. The
 * post-mortem's own status is given only when the caller may read it, so a
 * restricted one does not reveal that it exists.
 */
export interface OverduePostmortem {
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  resolvedAt: string;
  deadline: PostmortemDeadline;
  postmortemStatus?: PostmortemStatus;
}

/** `GET /incidents/:id/repeats`: links made, with call-outs, and suggestions. */
export interface RepeatsView {
  links: Array<RepeatLink & { callout?: string }>;
  candidates: Array<RepeatCandidate & { title: string; declaredAt: string }>;
}

/** `GET /metrics/follow-through`: does the learning loop close? */
export interface FollowThroughMetrics {
  scope: { entityRef?: string; groupRef?: string; from?: string; to?: string };
  postmortems: PostmortemFollowThrough;
  actionItems: ActionItemFollowThrough;
  repeats: RepeatRate;
  runbooks: { total: number; stale: number; neverTested: number };
  /** The deadline, in hours after resolution, the figures were judged against. */
  postmortemDeadlineHours: number;
}
