import type { Page, Runbook } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { decodeCursor, keysetPage } from './cursor';
import { RunbookListFilter, RunbookStore } from './RunbookStore';
import { DbRunbookRow, toIso } from './tables';

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
      query.where(w =>
        w.where('title', '>', title).orWhere(w2 => w2.where('title', '=', title).andWhere('id', '>', id)),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'title', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit + 1);
    return keysetPage(rows, filter.limit, page => page.map(rowToRunbook), last => [last.title, last.id]);
  }
}

function rowToRunbook(row: DbRunbookRow): Runbook {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    title: row.title,
    body: row.body,
    lastTestedAt: toIso(row.last_tested_at),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}
