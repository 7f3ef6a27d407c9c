import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type {
  ActionItemPriority,
  ActionItemStatus,
  Page,
  Postmortem,
  PostmortemStatus,
  RepeatLink,
  RunbookAdherence,
  RunbookUsage,
  Severity,
} from '@majorops/plugin-majorops-common';
import type { PostmortemPermissionQuery } from '@majorops/plugin-majorops-node';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { decodeCursor, decodeTimeCursor, keysetPage } from './cursor';
import {
  ActionItemFilter,
  ActionItemRow,
  DeadlineRow,
  KnowledgeContributions,
  PostmortemAccess,
  PostmortemContent,
  PostmortemListRow,
  PostmortemStore,
} from './PostmortemStore';
import { DbTimestamp, toIso } from './tables';

interface DbPostmortemRow {
  incident_id: string;
  kind: string;
  status: string;
  executive_summary: string;
  impact: string;
  timeline: string;
  what_happened: string;
  contributing_factors: string;
  five_whys: string;
  went_well: string;
  went_poorly: string;
  lessons_learned: string;
  failure_modes: string;
  author_ref: string;
  facilitator_ref: string | null;
  visibility: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  updated_by: string;
  review_started_at: DbTimestamp | null;
  finalized_at: DbTimestamp | null;
  version: number;
}

interface DbActionItemRow {
  id: string;
  incident_id: string;
  title: string;
  owner_ref: string;
  priority: string;
  due_date: string;
  status: string;
  completed_at: DbTimestamp | null;
  tracker_url: string | null;
  created_by: string;
  created_at: DbTimestamp;
  updated_by: string;
  updated_at: DbTimestamp;
  version: number;
  incident_title: string;
  incident_severity: string;
}

/**
 * Adds the caller's post-mortem access to a query over `postmortems` aliased
 * `alias`: the policy's conditions become SQL, so rows the caller may not read
 * never leave the database.
 */
export function whereReadable(
  db: Knex,
  query: Knex.QueryBuilder,
  access: PostmortemAccess,
  alias: string,
): Knex.QueryBuilder {
  if (access.kind === 'all') return query;
  if (access.kind === 'none') return query.whereRaw('1 = 0');
  return query.where(builder => applyCriteria(db, builder, access.criteria, alias));
}

function applyCriteria(
  db: Knex,
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<PostmortemPermissionQuery>,
  alias: string,
): void {
  if (isAndCriteria(criteria)) {
    for (const part of criteria.allOf) {
      query.andWhere(builder => applyCriteria(db, builder, part, alias));
    }
    return;
  }
  if (isOrCriteria(criteria)) {
    if (criteria.anyOf.length === 0) {
      query.whereRaw('1 = 0');
      return;
    }
    for (const part of criteria.anyOf) {
      query.orWhere(builder => applyCriteria(db, builder, part, alias));
    }
    return;
  }
  if (isNotCriteria(criteria)) {
    query.whereNot(builder => applyCriteria(db, builder, criteria.not, alias));
    return;
  }
  switch (criteria.kind) {
    case 'organization-wide':
      query.where(`${alias}.visibility`, 'organization');
      return;
    case 'visible-to-groups':
      query.where(`${alias}.visibility`, 'restricted').whereExists(
        db('postmortem_groups as pg')
          .whereRaw('pg.incident_id = ??', [`${alias}.incident_id`])
          .whereIn('pg.group_ref', criteria.refs),
      );
      return;
    case 'written-by':
      // Null-safe: a missing facilitator is "no", never "unknown", so a `not` around this stays exact.
      query.where(builder =>
        builder
          .whereIn(`${alias}.author_ref`, criteria.refs)
          .orWhere(b => b.whereNotNull(`${alias}.facilitator_ref`).whereIn(`${alias}.facilitator_ref`, criteria.refs)),
      );
      return;
    default:
      // An unknown fragment grants nothing.
      query.whereRaw('1 = 0');
  }
}

/** PostmortemStore on knex. JSON sections are stored as text, timestamps as the engine's timestamps. */
export class DatabasePostmortemStore implements PostmortemStore {
  /** Takes a client on which the plugin's migrations have run. */
  static create(db: Knex): DatabasePostmortemStore {
    return new DatabasePostmortemStore(db);
  }

  private constructor(private readonly db: Knex) {}

  /** Incidents touching any of the entities. */
  private incidentsOf(entityRefs: string[]) {
    return this.db('incident_entities').distinct('incident_id').whereIn('entity_ref', entityRefs);
  }

  // -------------------------------------------------------------------------
  // Post-mortems

  async getPostmortem(incidentId: string, access: PostmortemAccess): Promise<Postmortem | undefined> {
    const query = this.db<DbPostmortemRow>('postmortems as p').where('p.incident_id', incidentId).select('p.*');
    const row = await whereReadable(this.db, query, access, 'p').first();
    if (!row) return undefined;
    return this.withGroups(row);
  }

  async hasPostmortem(incidentId: string): Promise<boolean> {
    return !!(await this.db('postmortems').where({ incident_id: incidentId }).first('incident_id'));
  }

  async createPostmortem(incidentId: string, content: PostmortemContent, actorRef: string, at: string): Promise<Postmortem> {
    const when = new Date(at);
    await this.db.transaction(async tx => {
      if (await tx('postmortems').where({ incident_id: incidentId }).first('incident_id')) {
        throw new ConflictError(
          `Incident ${incidentId} already has a post-mortem; load it and save with its version`,
        );
      }
      await tx('postmortems').insert({
        incident_id: incidentId,
        ...contentColumns(content),
        author_ref: actorRef,
        created_at: when,
        updated_at: when,
        updated_by: actorRef,
        review_started_at: content.status === 'draft' ? null : when,
        finalized_at: content.status === 'final' ? when : null,
        version: 1,
      });
      await this.replaceGroups(tx, incidentId, content);
    }).catch(error => {
      // Two first saves at once: the primary key lets only one through.
      if (!(error instanceof ConflictError) && /unique|duplicate/i.test(String(error?.message))) {
        throw new ConflictError(`Incident ${incidentId} already has a post-mortem; load it and save with its version`);
      }
      throw error;
    });
    return (await this.getPostmortem(incidentId, { kind: 'all' }))!;
  }

  async updatePostmortem(
    incidentId: string,
    expectedVersion: number,
    content: PostmortemContent,
    actorRef: string,
    at: string,
  ): Promise<Postmortem> {
    const when = new Date(at);
    await this.db.transaction(async tx => {
      const current = await tx<DbPostmortemRow>('postmortems').where({ incident_id: incidentId }).first();
      if (!current) throw new NotFoundError(`Incident ${incidentId} has no post-mortem`);
      const statusChanged = current.status !== content.status;
      const updated = await tx('postmortems')
        .where({ incident_id: incidentId, version: expectedVersion })
        .update({
          ...contentColumns(content),
          updated_at: when,
          updated_by: actorRef,
          review_started_at:
            current.review_started_at ?? (content.status !== 'draft' ? when : null),
          // Final is when it last became final; reopening clears it.
          finalized_at:
            content.status === 'final' ? (statusChanged ? when : current.finalized_at) : null,
          version: expectedVersion + 1,
        });
      if (updated === 0) {
        throw new ConflictError(
          `The post-mortem of incident ${incidentId} was saved by someone else: you sent version ${expectedVersion}, it is now at version ${current.version}. Reload it, merge your changes and save again.`,
        );
      }
      await this.replaceGroups(tx, incidentId, content);
    });
    return (await this.getPostmortem(incidentId, { kind: 'all' }))!;
  }

  private async replaceGroups(tx: Knex.Transaction, incidentId: string, content: PostmortemContent) {
    await tx('postmortem_groups').where({ incident_id: incidentId }).delete();
    const groups = content.visibility === 'restricted' ? content.visibleToGroups : [];
    if (groups.length) {
      await tx('postmortem_groups').insert(groups.map(group_ref => ({ incident_id: incidentId, group_ref })));
    }
  }

  private async withGroups(row: DbPostmortemRow): Promise<Postmortem> {
    const groups: string[] = await this.db('postmortem_groups')
      .where({ incident_id: row.incident_id })
      .orderBy('group_ref')
      .pluck('group_ref');
    return rowToPostmortem(row, groups);
  }

  async listPostmortems(
    filter: { entityRefs?: string[]; statuses?: PostmortemStatus[]; limit: number; cursor?: string },
    access: PostmortemAccess,
  ): Promise<Page<PostmortemListRow>> {
    const query = this.db('postmortems as p')
      .join('incidents as i', 'i.id', 'p.incident_id')
      .select(
        'p.incident_id',
        'p.kind',
        'p.status',
        'p.author_ref',
        'p.updated_at',
        'p.finalized_at',
        'i.title',
        'i.severity',
        'i.resolved_at',
        this.db.raw('exists (select 1 from incident_repeats r where r.incident_id = p.incident_id) as is_repeat'),
      );
    if (filter.entityRefs) query.whereIn('p.incident_id', this.incidentsOf(filter.entityRefs));
    if (filter.statuses) query.whereIn('p.status', filter.statuses);
    if (filter.cursor) {
      const { at, id } = decodeTimeCursor(filter.cursor);
      query
        .where('p.updated_at', '<=', at)
        .andWhere(w => w.where('p.updated_at', '<', at).orWhere('p.incident_id', '<', id));
    }
    whereReadable(this.db, query, access, 'p');
    const rows = await query
      .orderBy([
        { column: 'p.updated_at', order: 'desc' },
        { column: 'p.incident_id', order: 'desc' },
      ])
      .limit(filter.limit + 1);
    return keysetPage(
      rows,
      filter.limit,
      page =>
        page.map(r => ({
          incidentId: r.incident_id,
          incidentTitle: r.title,
          severity: r.severity as Severity,
          resolvedAt: toIso(r.resolved_at),
          isRepeat: truthy(r.is_repeat),
          kind: r.kind,
          status: r.status,
          authorRef: r.author_ref,
          updatedAt: toIso(r.updated_at),
          finalizedAt: toIso(r.finalized_at),
        })),
      last => [last.updatedAt, last.incidentId],
    );
  }

  async postmortemStatuses(incidentIds: string[], access: PostmortemAccess): Promise<Map<string, PostmortemStatus>> {
    if (incidentIds.length === 0) return new Map();
    const query = this.db('postmortems as p').whereIn('p.incident_id', incidentIds).select('p.incident_id', 'p.status');
    const rows = await whereReadable(this.db, query, access, 'p');
    return new Map(rows.map((r: { incident_id: string; status: PostmortemStatus }) => [r.incident_id, r.status]));
  }

  async getPermissionResources(incidentIds: string[]) {
    const rows = await this.db<DbPostmortemRow>('postmortems').whereIn('incident_id', incidentIds);
    const groups = await this.db('postmortem_groups').whereIn('incident_id', incidentIds);
    const byId = new Map(rows.map(r => [r.incident_id, r]));
    return incidentIds.map(id => {
      const row = byId.get(id);
      if (!row) return undefined;
      return {
        incidentId: id,
        visibility: row.visibility as Postmortem['visibility'],
        visibleToGroups: groups.filter(g => g.incident_id === id).map(g => g.group_ref),
        authorRef: row.author_ref,
        facilitatorRef: row.facilitator_ref ?? undefined,
      };
    });
  }

  async listDeadlineRows(filter: {
    entityRefs?: string[];
    from?: string;
    to?: string;
    severities?: Severity[];
  }): Promise<DeadlineRow[]> {
    const query = this.db('incidents as i')
      .leftJoin('postmortems as p', 'p.incident_id', 'i.id')
      .whereNotNull('i.resolved_at')
      .select(
        'i.id',
        'i.title',
        'i.severity',
        'i.resolved_at',
        'p.finalized_at',
        this.db.raw('exists (select 1 from incident_repeats r where r.incident_id = i.id) as is_repeat'),
      );
    if (filter.entityRefs) query.whereIn('i.id', this.incidentsOf(filter.entityRefs));
    if (filter.from) query.where('i.resolved_at', '>=', new Date(filter.from));
    if (filter.to) query.where('i.resolved_at', '<', new Date(filter.to));
    if (filter.severities) {
      const severities = filter.severities;
      // Repeats need a full post-mortem whatever their severity.
      query.where(w =>
        w
          .whereIn('i.severity', severities)
          .orWhereExists(this.db('incident_repeats as r').whereRaw('r.incident_id = i.id')),
      );
    }
    const rows = await query.orderBy('i.resolved_at', 'asc');
    return rows.map(r => ({
      incidentId: r.id,
      incidentTitle: r.title,
      severity: r.severity,
      resolvedAt: toIso(r.resolved_at),
      isRepeat: truthy(r.is_repeat),
      finalizedAt: toIso(r.finalized_at),
    }));
  }

  // -------------------------------------------------------------------------
  // Action items

  private actionItems() {
    return this.db<DbActionItemRow>('action_items as a')
      .join('incidents as i', 'i.id', 'a.incident_id')
      .select('a.*', 'i.title as incident_title', 'i.severity as incident_severity');
  }

  async listActionItems(incidentId: string): Promise<ActionItemRow[]> {
    const rows = await this.actionItems()
      .where('a.incident_id', incidentId)
      .orderBy([
        { column: 'a.created_at', order: 'asc' },
        { column: 'a.id', order: 'asc' },
      ]);
    return rows.map(rowToActionItem);
  }

  async getActionItem(incidentId: string, itemId: string): Promise<ActionItemRow | undefined> {
    const row = await this.actionItems().where({ 'a.incident_id': incidentId, 'a.id': itemId }).first();
    return row ? rowToActionItem(row) : undefined;
  }

  async createActionItem(
    incidentId: string,
    input: { title: string; ownerRef: string; priority: ActionItemPriority; dueDate: string; trackerUrl?: string },
    actorRef: string,
    at: string,
  ): Promise<ActionItemRow> {
    const id = randomUUID();
    const when = new Date(at);
    await this.db('action_items').insert({
      id,
      incident_id: incidentId,
      title: input.title,
      owner_ref: input.ownerRef,
      priority: input.priority,
      due_date: input.dueDate,
      status: 'not-started',
      tracker_url: input.trackerUrl ?? null,
      created_by: actorRef,
      created_at: when,
      updated_by: actorRef,
      updated_at: when,
      version: 1,
    });
    return (await this.getActionItem(incidentId, id))!;
  }

  async updateActionItem(
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
  ): Promise<ActionItemRow> {
    const when = new Date(at);
    await this.db.transaction(async tx => {
      const current = await tx<DbActionItemRow>('action_items').where({ id: itemId, incident_id: incidentId }).first();
      if (!current) throw new NotFoundError(`Incident ${incidentId} has no action item ${itemId}`);
      const columns: Record<string, unknown> = { updated_by: actorRef, updated_at: when, version: expectedVersion + 1 };
      if (change.title !== undefined) columns.title = change.title;
      if (change.ownerRef !== undefined) columns.owner_ref = change.ownerRef;
      if (change.priority !== undefined) columns.priority = change.priority;
      if (change.dueDate !== undefined) columns.due_date = change.dueDate;
      if (change.trackerUrl !== undefined) columns.tracker_url = change.trackerUrl;
      if (change.status !== undefined && change.status !== current.status) {
        columns.status = change.status;
        // Completion time is when it became done; leaving done clears it.
        columns.completed_at = change.status === 'done' ? when : null;
      }
      const updated = await tx('action_items').where({ id: itemId, version: expectedVersion }).update(columns);
      if (updated === 0) {
        throw new ConflictError(
          `Action item ${itemId} was changed by someone else: you sent version ${expectedVersion}, it is now at version ${current.version}. Reload it and apply your change again.`,
        );
      }
    });
    return (await this.getActionItem(incidentId, itemId))!;
  }

  async findActionItems(filter: ActionItemFilter, access: PostmortemAccess): Promise<Page<ActionItemRow>> {
    const query = this.actionItems();
    if (filter.entityRefs) query.whereIn('a.incident_id', this.incidentsOf(filter.entityRefs));
    if (filter.ownerRefs) query.whereIn('a.owner_ref', filter.ownerRefs);
    if (filter.state) query.whereIn('a.status', ['not-started', 'in-progress']);
    if (filter.state === 'overdue') query.where('a.due_date', '<', filter.today);
    if (access.kind !== 'all') {
      // Items of an incident whose post-mortem the caller may not read stay hidden with it.
      query.where(visible =>
        visible
          .whereNotExists(this.db('postmortems as p').whereRaw('p.incident_id = a.incident_id'))
          .orWhereExists(
            whereReadable(this.db, this.db('postmortems as p').whereRaw('p.incident_id = a.incident_id'), access, 'p'),
          ),
      );
    }
    if (filter.cursor) {
      const [dueDate, id] = decodeCursor(filter.cursor, 2);
      query.where('a.due_date', '>=', dueDate).andWhere(w => w.where('a.due_date', '>', dueDate).orWhere('a.id', '>', id));
    }
    const rows = await query
      .orderBy([
        { column: 'a.due_date', order: 'asc' },
        { column: 'a.id', order: 'asc' },
      ])
      .limit(filter.limit + 1);
    return keysetPage(rows, filter.limit, page => page.map(rowToActionItem), last => [last.dueDate, last.id]);
  }

  async listActionItemsForMetrics(filter: { entityRefs?: string[]; from?: string; to?: string }) {
    const query = this.db('action_items as a')
      .join('incidents as i', 'i.id', 'a.incident_id')
      .select('a.status', 'a.due_date', 'a.completed_at');
    if (filter.entityRefs) query.whereIn('a.incident_id', this.incidentsOf(filter.entityRefs));
    if (filter.from) query.where('i.declared_at', '>=', new Date(filter.from));
    if (filter.to) query.where('i.declared_at', '<', new Date(filter.to));
    const rows = await query;
    return rows.map(r => ({
      status: r.status as ActionItemStatus,
      dueDate: r.due_date as string,
      completedAt: toIso(r.completed_at),
    }));
  }

  // -------------------------------------------------------------------------
  // Repeats

  async listRepeatLinks(incidentId: string): Promise<RepeatLink[]> {
    const rows = await this.db('incident_repeats as r')
      .join('incidents as e', 'e.id', 'r.earlier_incident_id')
      .where('r.incident_id', incidentId)
      .select(
        'r.incident_id',
        'r.earlier_incident_id',
        'r.failure_mode',
        'r.linked_by',
        'r.linked_at',
        'e.title',
        'e.declared_at',
      )
      .orderBy('e.declared_at', 'desc');
    const counts: Array<{ incident_id: string; status: string; n: number | string }> = rows.length
      ? await this.db('action_items')
          .whereIn('incident_id', rows.map(r => r.earlier_incident_id))
          .whereNot('status', 'cancelled')
          .groupBy('incident_id', 'status')
          .select('incident_id', 'status')
          .count({ n: '*' })
      : [];
    return rows.map(r => {
      const mine = counts.filter(c => c.incident_id === r.earlier_incident_id);
      const total = mine.reduce((sum, c) => sum + Number(c.n), 0);
      const done = mine.filter(c => c.status === 'done').reduce((sum, c) => sum + Number(c.n), 0);
      return {
        incidentId: r.incident_id,
        earlierIncidentId: r.earlier_incident_id,
        earlierTitle: r.title,
        earlierDeclaredAt: toIso(r.declared_at),
        failureMode: r.failure_mode,
        linkedBy: r.linked_by,
        linkedAt: toIso(r.linked_at),
        earlierActionItems: { total, done, open: total - done },
      };
    });
  }

  async linkRepeat(incidentId: string, earlierIncidentId: string, failureMode: string, actorRef: string, at: string) {
    await this.db.transaction(async tx => {
      if (await tx('incident_repeats').where({ incident_id: incidentId, earlier_incident_id: earlierIncidentId }).first('incident_id')) {
        throw new ConflictError(`Incident ${incidentId} is already linked as a repeat of ${earlierIncidentId}`);
      }
      await tx('incident_repeats').insert({
        incident_id: incidentId,
        earlier_incident_id: earlierIncidentId,
        failure_mode: failureMode,
        linked_by: actorRef,
        linked_at: new Date(at),
      });
    });
  }

  async unlinkRepeat(incidentId: string, earlierIncidentId: string) {
    const deleted = await this.db('incident_repeats')
      .where({ incident_id: incidentId, earlier_incident_id: earlierIncidentId })
      .delete();
    if (deleted === 0) {
      throw new NotFoundError(`Incident ${incidentId} is not linked as a repeat of ${earlierIncidentId}`);
    }
  }

  async listRepeatCandidateInputs(incidentId: string, windowDays: number, access: PostmortemAccess) {
    const incident = await this.db('incidents').where({ id: incidentId }).first('id', 'declared_at', 'tags');
    if (!incident) return undefined;
    const declaredAt = new Date(toIso(incident.declared_at));
    const entityRefs: string[] = await this.db('incident_entities').where({ incident_id: incidentId }).pluck('entity_ref');
    const from = new Date(declaredAt.getTime() - windowDays * 24 * 60 * 60 * 1000);
    const earlierRows = entityRefs.length
      ? await this.db('incident_entities as ie')
          .join('incidents as i', 'i.id', 'ie.incident_id')
          .whereIn('ie.entity_ref', entityRefs)
          .where('ie.declared_at', '>=', from)
          .where('ie.declared_at', '<', declaredAt)
          .whereNot('ie.incident_id', incidentId)
          .select('i.id', 'i.title', 'i.declared_at', 'i.tags', 'ie.entity_ref')
          .orderBy('ie.declared_at', 'desc')
          .limit(1000)
      : [];
    const ids = [...new Set([incidentId, ...earlierRows.map(r => r.id as string)])];
    const modeQuery = this.db('postmortems as p').whereIn('p.incident_id', ids).select('p.incident_id', 'p.failure_modes');
    const modes = new Map<string, string[]>(
      (await whereReadable(this.db, modeQuery, access, 'p')).map((r: { incident_id: string; failure_modes: string }) => [
        r.incident_id,
        JSON.parse(r.failure_modes) as string[],
      ]),
    );
    const failureModesOf = (id: string, tags: string) => [
      ...new Set([...(JSON.parse(tags || '[]') as string[]), ...(modes.get(id) ?? [])]),
    ];
    const earlier = new Map<string, { incidentId: string; title: string; declaredAt: string; entityRefs: string[]; failureModes: string[] }>();
    for (const r of earlierRows) {
      const found = earlier.get(r.id);
      if (found) {
        found.entityRefs.push(r.entity_ref);
      } else {
        earlier.set(r.id, {
          incidentId: r.id,
          title: r.title,
          declaredAt: toIso(r.declared_at),
          entityRefs: [r.entity_ref],
          failureModes: failureModesOf(r.id, r.tags),
        });
      }
    }
    return {
      incident: {
        incidentId,
        declaredAt: declaredAt.toISOString(),
        entityRefs,
        failureModes: failureModesOf(incidentId, incident.tags),
      },
      earlier: [...earlier.values()],
    };
  }

  async countRepeats(filter: { entityRefs?: string[]; from?: string; to?: string }) {
    const query = this.db('incidents as i');
    if (filter.entityRefs) query.whereIn('i.id', this.incidentsOf(filter.entityRefs));
    if (filter.from) query.where('i.declared_at', '>=', new Date(filter.from));
    if (filter.to) query.where('i.declared_at', '<', new Date(filter.to));
    const row = await query
      .select(
        this.db.raw('count(*) as incidents'),
        this.db.raw(
          'sum(case when exists (select 1 from incident_repeats r where r.incident_id = i.id) then 1 else 0 end) as repeats',
        ),
      )
      .first();
    return { incidents: Number(row?.incidents ?? 0), repeats: Number(row?.repeats ?? 0) };
  }

  // -------------------------------------------------------------------------
  // Runbook adherence

  async listRunbookUsage(incidentId: string): Promise<RunbookUsage[]> {
    const rows = await this.db('incident_runbooks as u')
      .join('runbooks as b', 'b.id', 'u.runbook_id')
      .where('u.incident_id', incidentId)
      .select('u.*', 'b.title')
      .orderBy([
        { column: 'u.recorded_at', order: 'asc' },
        { column: 'u.runbook_id', order: 'asc' },
      ]);
    return rows.map(r => ({
      incidentId: r.incident_id,
      runbookId: r.runbook_id,
      runbookTitle: r.title,
      adherence: r.adherence as RunbookAdherence,
      deviationReason: r.deviation_reason ?? undefined,
      recordedBy: r.recorded_by,
      recordedAt: toIso(r.recorded_at),
    }));
  }

  async recordRunbookUsage(
    incidentId: string,
    runbookId: string,
    usage: { adherence: RunbookAdherence; deviationReason?: string },
    actorRef: string,
    at: string,
  ): Promise<RunbookUsage> {
    await this.db('incident_runbooks')
      .insert({
        incident_id: incidentId,
        runbook_id: runbookId,
        adherence: usage.adherence,
        deviation_reason: usage.deviationReason || null,
        recorded_by: actorRef,
        recorded_at: new Date(at),
      })
      .onConflict(['incident_id', 'runbook_id'])
      .merge();
    const found = (await this.listRunbookUsage(incidentId)).find(u => u.runbookId === runbookId);
    return found!;
  }

  async knowledgeContributions(userRef: string): Promise<KnowledgeContributions> {
    const count = async (query: Knex.QueryBuilder) => Number((await query.count({ n: '*' }).first())?.n ?? 0);
    const [runbookRevisions, drillsRecorded, postmortemsAuthored, postmortemsFacilitated, actionItemsCompleted] =
      await Promise.all([
        count(this.db('runbook_revisions').where({ author_ref: userRef })),
        count(this.db('runbook_drills').where({ recorded_by: userRef })),
        count(this.db('postmortems').where({ author_ref: userRef })),
        count(this.db('postmortems').where({ facilitator_ref: userRef })),
        count(this.db('action_items').where({ owner_ref: userRef, status: 'done' })),
      ]);
    return { runbookRevisions, drillsRecorded, postmortemsAuthored, postmortemsFacilitated, actionItemsCompleted };
  }
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}

function contentColumns(content: PostmortemContent) {
  return {
    kind: content.kind,
    status: content.status,
    executive_summary: content.executiveSummary,
    impact: JSON.stringify(content.impact),
    timeline: JSON.stringify(content.timeline),
    what_happened: content.whatHappened,
    contributing_factors: JSON.stringify(content.contributingFactors),
    five_whys: JSON.stringify(content.fiveWhys),
    went_well: JSON.stringify(content.wentWell),
    went_poorly: JSON.stringify(content.wentPoorly),
    lessons_learned: content.lessonsLearned,
    failure_modes: JSON.stringify(content.failureModes),
    facilitator_ref: content.facilitatorRef ?? null,
    visibility: content.visibility,
  };
}

function rowToPostmortem(row: DbPostmortemRow, groups: string[]): Postmortem {
  return {
    incidentId: row.incident_id,
    kind: row.kind as Postmortem['kind'],
    status: row.status as PostmortemStatus,
    executiveSummary: row.executive_summary,
    impact: JSON.parse(row.impact),
    timeline: JSON.parse(row.timeline),
    whatHappened: row.what_happened,
    contributingFactors: JSON.parse(row.contributing_factors),
    fiveWhys: JSON.parse(row.five_whys),
    wentWell: JSON.parse(row.went_well),
    wentPoorly: JSON.parse(row.went_poorly),
    lessonsLearned: row.lessons_learned,
    failureModes: JSON.parse(row.failure_modes),
    authorRef: row.author_ref,
    facilitatorRef: row.facilitator_ref ?? undefined,
    visibility: row.visibility as Postmortem['visibility'],
    visibleToGroups: groups,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    updatedBy: row.updated_by,
    reviewStartedAt: toIso(row.review_started_at),
    finalizedAt: toIso(row.finalized_at),
    version: row.version,
  };
}

function rowToActionItem(row: DbActionItemRow): ActionItemRow {
  return {
    id: row.id,
    incidentId: row.incident_id,
    title: row.title,
    ownerRef: row.owner_ref,
    priority: row.priority as ActionItemPriority,
    dueDate: row.due_date,
    status: row.status as ActionItemStatus,
    completedAt: toIso(row.completed_at),
    trackerUrl: row.tracker_url ?? undefined,
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedBy: row.updated_by,
    updatedAt: toIso(row.updated_at),
    version: row.version,
    incidentTitle: row.incident_title,
    incidentSeverity: row.incident_severity as Severity,
  };
}
