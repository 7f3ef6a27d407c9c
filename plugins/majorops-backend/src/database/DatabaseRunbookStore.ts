import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  DrillKind,
  DrillOutcome,
  Page,
  Runbook,
  RunbookDrill,
  RunbookRevision,
} from '@majorops/plugin-majorops-common';
import { randomUUID } from 'crypto';
import { Knex } from 'knex';
import { decodeCursor, keysetPage } from './cursor';
import { RunbookListFilter, RunbookStore } from './RunbookStore';
import {
  DbRunbookDrillRow,
  DbRunbookRevisionRow,
  DbRunbookRow,
  toIso,
} from './tables';

/** RunbookStore on knex. Runbooks of an entity are listed by title. */
export class DatabaseRunbookStore implements RunbookStore {
  /** Takes a client on which the plugin's migrations have run. */
  static create(db: Knex): DatabaseRunbookStore {
    return new DatabaseRunbookStore(db);
  }

  private constructor(private readonly db: Knex) {}

  async listRunbooks(filter: RunbookListFilter): Promise<Page<Runbook>> {
    const query = this.db<DbRunbookRow>('runbooks').where('entity_ref', filter.entityRef);
    if (filter.cursor) {
      const [title, id] = decodeCursor(filter.cursor, 2);
      query.where('title', '>=', title).andWhere(w => w.where('title', '>', title).orWhere('id', '>', id));
    }
    const rows = await query
      .orderBy([
        { column: 'title', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit + 1);
    return keysetPage(rows, filter.limit, page => page.map(rowToRunbook), last => [last.title, last.id]);
  }

  async getRunbook(id: string): Promise<Runbook | undefined> {
    const row = await this.db<DbRunbookRow>('runbooks').where({ id }).first();
    return row ? rowToRunbook(row) : undefined;
  }

  async createRunbook(input: {
    entityRef: string;
    title: string;
    body: string;
    authorRef: string;
    at: string;
  }): Promise<Runbook> {
    const id = randomUUID();
    const at = new Date(input.at);
    await this.db.transaction(async tx => {
      await tx('runbooks').insert({
        id,
        entity_ref: input.entityRef,
        title: input.title,
        body: input.body,
        created_by: input.authorRef,
        updated_by: input.authorRef,
        created_at: at,
        updated_at: at,
        version: 1,
      });
      await tx('runbook_revisions').insert({
        runbook_id: id,
        revision: 1,
        title: input.title,
        body: input.body,
        author_ref: input.authorRef,
        created_at: at,
        change_note: 'Created',
      });
    });
    return (await this.getRunbook(id))!;
  }

  async updateRunbook(
    id: string,
    expectedVersion: number,
    change: { title: string; body: string; changeNote?: string; authorRef: string; at: string },
  ): Promise<Runbook> {
    const at = new Date(change.at);
    await this.db.transaction(async tx => {
      const updated = await tx('runbooks')
        .where({ id, version: expectedVersion })
        .update({
          title: change.title,
          body: change.body,
          updated_by: change.authorRef,
          updated_at: at,
          version: expectedVersion + 1,
        });
      if (updated === 0) {
        const current = await tx<DbRunbookRow>('runbooks').where({ id }).first('version');
        if (!current) throw new NotFoundError(`No runbook with id ${id}`);
        throw new ConflictError(
          `Runbook ${id} was edited by someone else: you sent version ${expectedVersion}, it is now at version ${current.version}. Reload it, merge your change and save again.`,
        );
      }
      await tx('runbook_revisions').insert({
        runbook_id: id,
        revision: expectedVersion + 1,
        title: change.title,
        body: change.body,
        author_ref: change.authorRef,
        created_at: at,
        // An empty note is no note: optional fields are left out, never "".
        change_note: change.changeNote || null,
      });
    });
    return (await this.getRunbook(id))!;
  }

  async listRevisions(
    id: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<RunbookRevision>> {
    const query = this.db<DbRunbookRevisionRow>('runbook_revisions').where('runbook_id', id);
    if (options.cursor) {
      const [raw] = decodeCursor(options.cursor, 1);
      const revision = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(revision) || revision < 1) {
        // A cursor that decodes but names no revision would silently give an empty page.
        throw new InputError('cursor is not valid; pass back the nextCursor of a previous page');
      }
      query.where('revision', '<', revision);
    }
    const rows = await query.orderBy('revision', 'desc').limit(options.limit + 1);
    return keysetPage(rows, options.limit, page => page.map(rowToRevision), last => [String(last.revision)]);
  }

  async getRevision(id: string, revision: number): Promise<RunbookRevision | undefined> {
    const row = await this.db<DbRunbookRevisionRow>('runbook_revisions')
      .where({ runbook_id: id, revision })
      .first();
    return row ? rowToRevision(row) : undefined;
  }

  async recordDrill(
    id: string,
    drill: {
      kind: DrillKind;
      outcome: DrillOutcome;
      performedAt: string;
      participants: string[];
      notes: string;
      recordedBy: string;
      recordedAt: string;
    },
  ): Promise<RunbookDrill> {
    return this.db.transaction(async tx => {
      const exists = await tx('runbooks').where({ id }).first('id');
      if (!exists) throw new NotFoundError(`No runbook with id ${id}`);
      const [inserted] = await tx('runbook_drills')
        .insert({
          runbook_id: id,
          kind: drill.kind,
          outcome: drill.outcome,
          performed_at: new Date(drill.performedAt),
          participants: JSON.stringify(drill.participants),
          notes: drill.notes,
          recorded_by: drill.recordedBy,
          recorded_at: new Date(drill.recordedAt),
        })
        .returning('id');
      if (drill.outcome === 'passed') {
        const performedAt = new Date(drill.performedAt);
        await tx('runbooks')
          .where({ id })
          .andWhere(w => w.whereNull('last_tested_at').orWhere('last_tested_at', '<', performedAt))
          .update({ last_tested_at: performedAt });
      }
      const drillId = typeof inserted === 'object' ? inserted.id : inserted;
      const row = await tx<DbRunbookDrillRow>('runbook_drills').where({ id: drillId }).first();
      return rowToDrill(row!);
    });
  }

  async listRunbookFreshnessInputs(entityRefs: string[]): Promise<Array<{ id: string; lastTestedAt?: string }>> {
    const rows = await this.db<DbRunbookRow>('runbooks').whereIn('entity_ref', entityRefs).select('id', 'last_tested_at');
    return rows.map(r => ({ id: r.id, lastTestedAt: toIso(r.last_tested_at) }));
  }

  async listDrills(id: string, limit: number): Promise<RunbookDrill[]> {
    const rows = await this.db<DbRunbookDrillRow>('runbook_drills')
      .where({ runbook_id: id })
      .orderBy([
        { column: 'performed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(rowToDrill);
  }
}

function rowToRunbook(row: DbRunbookRow): Runbook {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    title: row.title,
    body: row.body,
    lastTestedAt: toIso(row.last_tested_at),
    revision: row.version,
    createdBy: row.created_by,
    updatedBy: row.updated_by ?? row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}

function rowToRevision(row: DbRunbookRevisionRow): RunbookRevision {
  return {
    runbookId: row.runbook_id,
    revision: row.revision,
    title: row.title,
    body: row.body,
    authorRef: row.author_ref,
    createdAt: toIso(row.created_at),
    changeNote: row.change_note ?? undefined,
  };
}

function rowToDrill(row: DbRunbookDrillRow): RunbookDrill {
  return {
    id: String(row.id),
    runbookId: row.runbook_id,
    kind: row.kind as DrillKind,
    outcome: row.outcome as DrillOutcome,
    performedAt: toIso(row.performed_at),
    participants: JSON.parse(row.participants),
    notes: row.notes,
    recordedBy: row.recorded_by,
    recordedAt: toIso(row.recorded_at),
  };
}
