import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type {
  ActionItem,
  ActionItemPriority,
  ActionItemStatus,
  Page,
  Postmortem,
  PostmortemStatus,
  PutPostmortem,
  RepeatCandidateInput,
  RepeatLink,
  RunbookAdherence,
  RunbookUsage,
  Severity,
} from '@majorops/plugin-majorops-common';
import type { PostmortemPermissionQuery } from '@majorops/plugin-majorops-node';

/**
 * Which post-mortems the caller may read, from the permission decision:
 * all, none, or those matching the policy's conditions (applied in SQL).
 */
export type PostmortemAccess =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'conditional'; criteria: PermissionCriteria<PostmortemPermissionQuery> };

/** The sections of a post-mortem as a request gives them, with the timeline filled in. */
export type PostmortemContent = Omit<PutPostmortem, 'version' | 'timeline' | 'kind' | 'facilitatorRef'> & {
  kind: Postmortem['kind'];
  timeline: Postmortem['timeline'];
  facilitatorRef?: string;
};

export interface PostmortemListRow {
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  resolvedAt?: string;
  isRepeat: boolean;
  kind: Postmortem['kind'];
  status: PostmortemStatus;
  authorRef: string;
  updatedAt: string;
  finalizedAt?: string;
}

/** A resolved incident, what its post-mortem deadline depends on, and nothing a restricted post-mortem says. */
export interface DeadlineRow {
  incidentId: string;
  incidentTitle: string;
  severity: Severity;
  resolvedAt: string;
  isRepeat: boolean;
  finalizedAt?: string;
}

export interface ActionItemRow extends ActionItem {
  incidentTitle: string;
  incidentSeverity: Severity;
}

export interface ActionItemFilter {
  entityRefs?: string[];
  ownerRefs?: string[];
  /** `open`: neither done nor cancelled; `overdue`: open with a due date before `today`. */
  state?: 'open' | 'overdue';
  /** Today's date (YYYY-MM-DD, UTC), for `overdue`. */
  today: string;
  limit: number;
  cursor?: string;
}

export interface KnowledgeContributions {
  runbookRevisions: number;
  drillsRecorded: number;
  postmortemsAuthored: number;
  postmortemsFacilitated: number;
  actionItemsCompleted: number;
}

/** Post-mortems, action items, repeat links and runbook adherence, on the incidents they belong to. */
export interface PostmortemStore {
  getPostmortem(incidentId: string, access: PostmortemAccess): Promise<Postmortem | undefined>;
  /** Whether the incident has a post-mortem at all, readable or not (to refuse a second one). */
  hasPostmortem(incidentId: string): Promise<boolean>;
  /** Creates it; ConflictError when the incident already has one. */
  createPostmortem(incidentId: string, content: PostmortemContent, actorRef: string, at: string): Promise<Postmortem>;
  /** Replaces it if still at `expectedVersion`; ConflictError (naming the current version) otherwise. */
  updatePostmortem(
    incidentId: string,
    expectedVersion: number,
    content: PostmortemContent,
    actorRef: string,
    at: string,
  ): Promise<Postmortem>;
  /** Post-mortems the caller may read, of incidents touching the entities; most recently changed first. */
  listPostmortems(
    filter: { entityRefs?: string[]; statuses?: PostmortemStatus[]; limit: number; cursor?: string },
    access: PostmortemAccess,
  ): Promise<Page<PostmortemListRow>>;
  /** Statuses of the readable post-mortems of these incidents. */
  postmortemStatuses(incidentIds: string[], access: PostmortemAccess): Promise<Map<string, PostmortemStatus>>;
  /** For the permission framework: the post-mortems behind these incident ids. */
  getPermissionResources(incidentIds: string[]): Promise<Array<
    | { incidentId: string; visibility: Postmortem['visibility']; visibleToGroups: string[]; authorRef: string; facilitatorRef?: string }
    | undefined
  >>;
  /** Resolved incidents in scope (resolved within the window), with the finalisation time of their post-mortem. */
  listDeadlineRows(filter: { entityRefs?: string[]; from?: string; to?: string; severities?: Severity[] }): Promise<DeadlineRow[]>;

  listActionItems(incidentId: string): Promise<ActionItemRow[]>;
  getActionItem(incidentId: string, itemId: string): Promise<ActionItemRow | undefined>;
  createActionItem(
    incidentId: string,
    input: { title: string; ownerRef: string; priority: ActionItemPriority; dueDate: string; trackerUrl?: string },
    actorRef: string,
    at: string,
  ): Promise<ActionItemRow>;
  updateActionItem(
    incidentId: string,
    itemId: string,
    expectedVersion: number,
    change: {
      title?: string;
      ownerRef?: string;
      priority?: ActionItemPriority;
      dueDate?: string;
      status?: ActionItemStatus;
      trackerUrl?: string | null;
    },
    actorRef: string,
    at: string,
  ): Promise<ActionItemRow>;
  /** Action items across incidents, of readable (or absent) post-mortems, by due date. */
  findActionItems(filter: ActionItemFilter, access: PostmortemAccess): Promise<Page<ActionItemRow>>;
  /** Action items of incidents in scope declared within the window, for the on-time share. */
  listActionItemsForMetrics(filter: { entityRefs?: string[]; from?: string; to?: string }): Promise<
    Array<Pick<ActionItem, 'status' | 'dueDate' | 'completedAt'>>
  >;

  listRepeatLinks(incidentId: string): Promise<RepeatLink[]>;
  /** ConflictError when already linked. */
  linkRepeat(incidentId: string, earlierIncidentId: string, failureMode: string, actorRef: string, at: string): Promise<void>;
  /** NotFoundError when there was no such link. */
  unlinkRepeat(incidentId: string, earlierIncidentId: string): Promise<void>;
  /**
   * Earlier incidents on the same entities within the window, with their
   * failure modes: their tags and the failure modes of their readable post-mortems.
   */
  listRepeatCandidateInputs(
    incidentId: string,
    windowDays: number,
    access: PostmortemAccess,
  ): Promise<{ incident: RepeatCandidateInput; earlier: Array<RepeatCandidateInput & { title: string }> } | undefined>;
  /** Incidents in scope declared within the window, and how many of them are linked as repeats. */
  countRepeats(filter: { entityRefs?: string[]; from?: string; to?: string }): Promise<{ incidents: number; repeats: number }>;

  listRunbookUsage(incidentId: string): Promise<RunbookUsage[]>;
  /** Records or corrects how a runbook was used on an incident. */
  recordRunbookUsage(
    incidentId: string,
    runbookId: string,
    usage: { adherence: RunbookAdherence; deviationReason?: string },
    actorRef: string,
    at: string,
  ): Promise<RunbookUsage>;

  /** Runbook revisions, drills, post-mortems and completed action items a person contributed. */
  knowledgeContributions(userRef: string): Promise<KnowledgeContributions>;
}
