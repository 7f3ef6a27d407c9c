import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  actionItemDueAt,
  actionItemFollowThrough,
  actionItemState,
  blamelessWordingHints,
  findRepeatCandidates,
  missingPostmortemSections,
  postmortemDeadline,
  postmortemFollowThrough,
  postmortemRequirement,
  postmortemText,
  postmortemTimelineFromEvents,
  postmortemTransitionProblem,
  repeatCallout,
  repeatRate,
  runbookFreshness,
  type ActionItemView,
  type FollowThroughMetrics,
  type Incident,
  type OverduePostmortem,
  type Postmortem,
  type PostmortemSummary,
  type PostmortemView,
  type PutPostmortem,
  type RepeatsView,
  type TimelineEvent,
} from '@majorops/plugin-majorops-common';
import { IncidentStore } from '../database/IncidentStore';
import { ActionItemRow, PostmortemAccess, PostmortemContent, PostmortemListRow, PostmortemStore } from '../database/PostmortemStore';
import { RunbookStore } from '../database/RunbookStore';

export interface PostmortemServiceOptions {
  incidents: IncidentStore;
  postmortems: PostmortemStore;
  runbooks: RunbookStore;
  deadlineHours: number;
  repeatWindowDays: number;
  runbookStaleAfterDays: number;
  /** The clock; tests pass their own. */
  now?: () => string;
}

/** The most timeline events a generated post-mortem timeline is built from. */
const MAX_GENERATED_EVENTS = 500;

/**
 * Post-mortems and their follow-through: applies the rules of -common to
 * what the stores hold. Access to restricted post-mortems is decided by the
 * caller (the router, from the permission decision) and passed in.
 */
export class PostmortemService {
  private readonly now: () => string;

  constructor(private readonly options: PostmortemServiceOptions) {
    this.now = options.now ?? (() => new Date().toISOString());
  }

  private async loadIncident(id: string): Promise<Incident> {
    const incident = await this.options.incidents.getIncident(id);
    if (!incident) throw new NotFoundError(`No incident with id ${id}`);
    return incident;
  }

  private async isRepeat(incidentId: string): Promise<boolean> {
    return (await this.options.postmortems.listRepeatLinks(incidentId)).length > 0;
  }

  private async view(incident: Incident, postmortem: Postmortem): Promise<PostmortemView> {
    const requirement = postmortemRequirement({ severity: incident.severity, isRepeat: await this.isRepeat(incident.id) });
    const actionItems = await this.options.postmortems.listActionItems(incident.id);
    return {
      ...postmortem,
      requirement,
      deadline: postmortemDeadline({
        required: requirement.required,
        resolvedAt: incident.milestones.resolvedAt,
        finalizedAt: postmortem.finalizedAt,
        now: this.now(),
        deadlineHours: this.options.deadlineHours,
      }),
      missingSections: missingPostmortemSections(
        postmortem,
        actionItems.filter(a => a.status !== 'cancelled').length,
      ),
      blamelessHints: blamelessWordingHints(postmortemText(postmortem)),
    };
  }

  /** The post-mortem the caller may read; NotFoundError when none exists or it is hidden from them. */
  async get(incidentId: string, access: PostmortemAccess): Promise<PostmortemView> {
    const incident = await this.loadIncident(incidentId);
    const postmortem = await this.options.postmortems.getPostmortem(incidentId, access);
    if (!postmortem) {
      // The same answer whether there is none or it is restricted: existence is not revealed.
      throw new NotFoundError(`Incident ${incidentId} has no post-mortem that you can read`);
    }
    return this.view(incident, postmortem);
  }

  /**
   * Creates the post-mortem (no version) or replaces it (with the version
   * read). A new one starts with the timeline generated from the incident's
   * events and the kind its severity calls for.
   */
  async put(
    incidentId: string,
    body: PutPostmortem,
    actorRef: string,
    access: PostmortemAccess,
  ): Promise<{ created: boolean; postmortem: PostmortemView }> {
    const incident = await this.loadIncident(incidentId);
    const at = this.now();
    const { postmortems } = this.options;
    const activeActionItems = (await postmortems.listActionItems(incidentId)).filter(a => a.status !== 'cancelled').length;

    if (body.version === undefined) {
      if (await postmortems.hasPostmortem(incidentId)) {
        throw new ConflictError(
          `Incident ${incidentId} already has a post-mortem; load it and send its version to change it`,
        );
      }
      const requirement = postmortemRequirement({ severity: incident.severity, isRepeat: await this.isRepeat(incidentId) });
      const content = toContent(body, {
        kind: body.kind ?? requirement.kind,
        timeline: body.timeline ?? postmortemTimelineFromEvents(await this.allEvents(incidentId)),
        facilitatorRef: body.facilitatorRef ?? undefined,
      });
      const problem = postmortemTransitionProblem('draft', content.status, missingPostmortemSections(content, activeActionItems));
      if (problem) throw new InputError(problem);
      const created = await postmortems.createPostmortem(incidentId, content, actorRef, at);
      return { created: true, postmortem: await this.view(incident, created) };
    }

    const current = await postmortems.getPostmortem(incidentId, access);
    if (!current) throw new NotFoundError(`Incident ${incidentId} has no post-mortem that you can read`);
    if (current.version !== body.version) {
      throw new ConflictError(
        `The post-mortem of incident ${incidentId} was saved by someone else: you sent version ${body.version}, it is now at version ${current.version}. Reload it, merge your changes and save again.`,
      );
    }
    const content = toContent(body, {
      kind: body.kind ?? current.kind,
      timeline: body.timeline ?? current.timeline,
      facilitatorRef: body.facilitatorRef === undefined ? current.facilitatorRef : body.facilitatorRef ?? undefined,
    });
    if (current.status === 'final' && content.status === 'final' && contentChanged(current, content)) {
      throw new ConflictError('This post-mortem is final; reopen it (status review) before changing it');
    }
    const problem = postmortemTransitionProblem(current.status, content.status, missingPostmortemSections(content, activeActionItems));
    if (problem) {
      if (problem.startsWith('Fill in')) throw new InputError(problem);
      throw new ConflictError(problem);
    }
    const updated = await postmortems.updatePostmortem(incidentId, body.version, content, actorRef, at);
    return { created: false, postmortem: await this.view(incident, updated) };
  }

  private async allEvents(incidentId: string): Promise<TimelineEvent[]> {
    const page = await this.options.incidents.listTimeline(incidentId, { limit: MAX_GENERATED_EVENTS });
    return page.items;
  }

  /** Post-mortems the caller may read, with their deadlines. */
  async list(
    filter: { entityRefs?: string[]; statuses?: PostmortemSummary['status'][]; limit: number; cursor?: string },
    access: PostmortemAccess,
  ) {
    const page = await this.options.postmortems.listPostmortems(filter, access);
    return { ...page, items: page.items.map(row => this.summary(row)) };
  }

  private summary(row: PostmortemListRow): PostmortemSummary {
    const requirement = postmortemRequirement({ severity: row.severity, isRepeat: row.isRepeat });
    return {
      incidentId: row.incidentId,
      incidentTitle: row.incidentTitle,
      severity: row.severity,
      kind: row.kind,
      status: row.status,
      authorRef: row.authorRef,
      updatedAt: row.updatedAt,
      deadline: postmortemDeadline({
        required: requirement.required,
        resolvedAt: row.resolvedAt,
        finalizedAt: row.finalizedAt,
        now: this.now(),
        deadlineHours: this.options.deadlineHours,
      }),
    };
  }

  /** Resolved incidents whose required post-mortem is past its deadline, most overdue first. */
  async overdue(entityRefs: string[] | undefined, access: PostmortemAccess): Promise<OverduePostmortem[]> {
    const now = this.now();
    const rows = await this.options.postmortems.listDeadlineRows({
      entityRefs,
      severities: ['SEV1', 'SEV2'],
      to: new Date(Date.parse(now) - this.options.deadlineHours * 3_600_000).toISOString(),
    });
    const overdue = rows
      .map(row => ({
        row,
        deadline: postmortemDeadline({
          required: postmortemRequirement({ severity: row.severity, isRepeat: row.isRepeat }).required,
          resolvedAt: row.resolvedAt,
          finalizedAt: row.finalizedAt,
          now,
          deadlineHours: this.options.deadlineHours,
        }),
      }))
      .filter(o => o.deadline.state === 'overdue');
    const statuses = await this.options.postmortems.postmortemStatuses(overdue.map(o => o.row.incidentId), access);
    return overdue.map(({ row, deadline }) => ({
      incidentId: row.incidentId,
      incidentTitle: row.incidentTitle,
      severity: row.severity,
      resolvedAt: row.resolvedAt,
      deadline,
      postmortemStatus: statuses.get(row.incidentId),
    }));
  }

  // -------------------------------------------------------------------------
  // Action items

  /** Action items follow their post-mortem's visibility: hidden with it. */
  private async assertItemsReadable(incidentId: string, access: PostmortemAccess) {
    await this.loadIncident(incidentId);
    if (access.kind === 'all') return;
    const hidden =
      (await this.options.postmortems.hasPostmortem(incidentId)) &&
      !(await this.options.postmortems.getPostmortem(incidentId, access));
    if (hidden) {
      throw new NotFoundError(`Incident ${incidentId} has no action items that you can read`);
    }
  }

  private itemView(row: ActionItemRow): ActionItemView {
    return { ...row, state: actionItemState(row, this.now()), dueAt: actionItemDueAt(row.dueDate) };
  }

  async listActionItems(incidentId: string, access: PostmortemAccess): Promise<ActionItemView[]> {
    await this.assertItemsReadable(incidentId, access);
    return (await this.options.postmortems.listActionItems(incidentId)).map(row => this.itemView(row));
  }

  async createActionItem(
    incidentId: string,
    input: Parameters<PostmortemStore['createActionItem']>[1],
    actorRef: string,
    access: PostmortemAccess,
  ): Promise<ActionItemView> {
    await this.assertItemsReadable(incidentId, access);
    return this.itemView(await this.options.postmortems.createActionItem(incidentId, input, actorRef, this.now()));
  }

  async updateActionItem(
    incidentId: string,
    itemId: string,
    version: number,
    change: Parameters<PostmortemStore['updateActionItem']>[3],
    actorRef: string,
    access: PostmortemAccess,
  ): Promise<ActionItemView> {
    await this.assertItemsReadable(incidentId, access);
    return this.itemView(
      await this.options.postmortems.updateActionItem(incidentId, itemId, version, change, actorRef, this.now()),
    );
  }

  async findActionItems(
    filter: { entityRefs?: string[]; ownerRefs?: string[]; state?: 'open' | 'overdue'; limit: number; cursor?: string },
    access: PostmortemAccess,
  ) {
    const now = this.now();
    const page = await this.options.postmortems.findActionItems({ ...filter, today: now.slice(0, 10) }, access);
    return { ...page, items: page.items.map(row => this.itemView(row)) };
  }

  // -------------------------------------------------------------------------
  // Repeats

  async repeats(incidentId: string, access: PostmortemAccess): Promise<RepeatsView> {
    const inputs = await this.options.postmortems.listRepeatCandidateInputs(
      incidentId,
      this.options.repeatWindowDays,
      access,
    );
    if (!inputs) throw new NotFoundError(`No incident with id ${incidentId}`);
    const links = await this.options.postmortems.listRepeatLinks(incidentId);
    const linked = new Set(links.map(l => l.earlierIncidentId));
    const byId = new Map(inputs.earlier.map(e => [e.incidentId, e]));
    const candidates = findRepeatCandidates(inputs.incident, inputs.earlier, this.options.repeatWindowDays)
      .filter(c => !linked.has(c.incidentId))
      .slice(0, 10)
      .map(c => ({ ...c, title: byId.get(c.incidentId)!.title, declaredAt: byId.get(c.incidentId)!.declaredAt }));
    return {
      links: links.map(link => {
        const callout = repeatCallout(link);
        return callout ? { ...link, callout } : link;
      }),
      candidates,
    };
  }

  async linkRepeat(
    incidentId: string,
    earlierIncidentId: string,
    failureMode: string,
    actorRef: string,
    access: PostmortemAccess,
  ): Promise<RepeatsView> {
    const incident = await this.loadIncident(incidentId);
    if (earlierIncidentId === incidentId) throw new InputError('An incident cannot repeat itself');
    const earlier = await this.options.incidents.getIncident(earlierIncidentId);
    if (!earlier) throw new InputError(`No earlier incident with id ${earlierIncidentId}`);
    if (Date.parse(earlier.milestones.declaredAt) >= Date.parse(incident.milestones.declaredAt)) {
      throw new InputError(
        `Incident ${earlierIncidentId} was declared at ${earlier.milestones.declaredAt}, not before this one (${incident.milestones.declaredAt}); a repeat links to an earlier incident`,
      );
    }
    await this.options.postmortems.linkRepeat(incidentId, earlierIncidentId, failureMode, actorRef, this.now());
    return this.repeats(incidentId, access);
  }

  async unlinkRepeat(incidentId: string, earlierIncidentId: string, access: PostmortemAccess): Promise<RepeatsView> {
    await this.loadIncident(incidentId);
    await this.options.postmortems.unlinkRepeat(incidentId, earlierIncidentId);
    return this.repeats(incidentId, access);
  }

  // -------------------------------------------------------------------------
  // Runbook adherence

  async listRunbookUsage(incidentId: string) {
    await this.loadIncident(incidentId);
    return this.options.postmortems.listRunbookUsage(incidentId);
  }

  async recordRunbookUsage(
    incidentId: string,
    runbookId: string,
    usage: { adherence: 'followed' | 'deviated' | 'not-followed'; deviationReason?: string },
    actorRef: string,
  ) {
    await this.loadIncident(incidentId);
    const runbook = await this.options.runbooks.getRunbook(runbookId);
    if (!runbook) throw new InputError(`No runbook with id ${runbookId}`);
    return this.options.postmortems.recordRunbookUsage(incidentId, runbookId, usage, actorRef, this.now());
  }

  /** Knowledge a person contributed (runbook revisions, drills, post-mortems, completed action items). */
  knowledgeContributions(userRef: string) {
    return this.options.postmortems.knowledgeContributions(userRef);
  }

  // -------------------------------------------------------------------------
  // Figures

  /**
   * Does the learning loop close? Post-mortems final within the deadline (of
   * incidents resolved in the window), action items done on time and repeats
   * (of incidents declared in the window), and stale runbooks of the entities.
   */
  async followThrough(scope: {
    entityRefs?: string[];
    runbookEntityRefs?: string[];
    from?: string;
    to?: string;
  }): Promise<Omit<FollowThroughMetrics, 'scope'>> {
    const now = this.now();
    const { postmortems } = this.options;
    const [deadlineRows, items, repeats, runbooks] = await Promise.all([
      postmortems.listDeadlineRows({ entityRefs: scope.entityRefs, from: scope.from, to: scope.to }),
      postmortems.listActionItemsForMetrics(scope),
      postmortems.countRepeats(scope),
      scope.runbookEntityRefs ? this.options.runbooks.listRunbookFreshnessInputs(scope.runbookEntityRefs) : Promise.resolve([]),
    ]);
    const deadlines = deadlineRows.map(row =>
      postmortemDeadline({
        required: postmortemRequirement({ severity: row.severity, isRepeat: row.isRepeat }).required,
        resolvedAt: row.resolvedAt,
        finalizedAt: row.finalizedAt,
        now,
        deadlineHours: this.options.deadlineHours,
      }),
    );
    const freshness = runbooks.map(r => runbookFreshness(r.lastTestedAt, now, this.options.runbookStaleAfterDays).status);
    return {
      postmortems: postmortemFollowThrough(deadlines),
      actionItems: actionItemFollowThrough(items, now),
      repeats: repeatRate(repeats.incidents, repeats.repeats),
      runbooks: {
        total: runbooks.length,
        stale: freshness.filter(s => s === 'stale').length,
        neverTested: freshness.filter(s => s === 'never-tested').length,
      },
      postmortemDeadlineHours: this.options.deadlineHours,
    };
  }
}

function toContent(
  body: PutPostmortem,
  fill: Pick<PostmortemContent, 'kind' | 'timeline' | 'facilitatorRef'>,
): PostmortemContent {
  const { version: _version, timeline: _timeline, kind: _kind, facilitatorRef: _facilitator, ...rest } = body;
  return { ...rest, ...fill };
}

const CONTENT_FIELDS = [
  'kind',
  'executiveSummary',
  'impact',
  'timeline',
  'whatHappened',
  'contributingFactors',
  'fiveWhys',
  'wentWell',
  'wentPoorly',
  'lessonsLearned',
  'failureModes',
  'facilitatorRef',
  'visibility',
  'visibleToGroups',
] as const;

function contentChanged(current: Postmortem, next: PostmortemContent): boolean {
  const comparable = (field: (typeof CONTENT_FIELDS)[number], value: unknown) =>
    JSON.stringify(field === 'visibleToGroups' ? [...(value as string[])].sort() : value ?? null);
  return CONTENT_FIELDS.some(field => comparable(field, current[field]) !== comparable(field, next[field]));
}
