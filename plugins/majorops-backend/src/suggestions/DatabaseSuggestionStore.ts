import type { AssignmentIncident, IncidentRole, Severity } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { DbTimestamp, isPostgres, toDate, toIso } from '../database/tables';
import { IncidentRecordCache } from './IncidentRecordCache';
import type {
  CommandedIncident,
  HistoryFilter,
  SuggestionAcceptance,
  SuggestionStore,
} from './SuggestionStore';

/** Bound parameters per query stay well below every engine's limit. */
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const truthy = (value: unknown) => value === true || value === 1 || value === '1';

interface DbAcceptanceRow {
  incident_id: string;
  role: string;
  user_ref: string;
  rank_at_acceptance: number | null;
  suggested_top_n: string;
  accepted_by: string;
  accepted_at: DbTimestamp;
}

function parseRefs(value: string): string[] {
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

type LoadedIncident = AssignmentIncident & { tags: string[]; externalCause: boolean };

/** How many past incidents the store keeps in process, and for how long at most (see {@link IncidentRecordCache}). */
export interface HistoryCacheOptions {
  /** At most this many incident records; 0 reads every history from the database. */
  maxIncidents: number;
  /** A record is read again after this many seconds even when its version is the same. */
  maxAgeSeconds: number;
}

export const DEFAULT_HISTORY_CACHE: HistoryCacheOptions = { maxIncidents: 50_000, maxAgeSeconds: 3600 };

/**
 * How far apart the `updated_at` a writer records and the moment its change
 * is visible may be (clocks of the instances, length of the transaction):
 * changes are looked for from this long before the previous look.
 */
export const CHANGE_MARGIN_MS = 5 * 60 * 1000;

/** The knex implementation of {@link SuggestionStore}, over the incident tables and `suggestion_acceptances`. */
export class DatabaseSuggestionStore implements SuggestionStore {
  /** Takes a client on which the migrations have run. */
  static create(db: Knex, options: { historyCache?: HistoryCacheOptions; now?: () => number } = {}): DatabaseSuggestionStore {
    return new DatabaseSuggestionStore(db, options.historyCache ?? DEFAULT_HISTORY_CACHE, options.now ?? Date.now);
  }

  private readonly isPostgres: boolean;
  private readonly history: IncidentRecordCache<LoadedIncident>;
  /** When this store last looked for changed incidents (its own clock), once it keeps any. */
  private lastChangeCheck: number | undefined;

  private constructor(
    private readonly db: Knex,
    cache: HistoryCacheOptions,
    private readonly clock: () => number,
  ) {
    this.isPostgres = isPostgres(db);
    this.history = new IncidentRecordCache({ maxEntries: cache.maxIncidents, maxAgeMs: cache.maxAgeSeconds * 1000, now: clock });
  }

  /** How many past incidents are kept in process now. */
  get cachedIncidents(): number {
    return this.history.size;
  }

  /**
   * The ids as one bound parameter: a PostgreSQL array literal written once
   * (not escaped again by the driver for every query), or a JSON array for
   * SQLite's `json_each`.
   */
  private idList(ids: string[]): string {
    return this.isPostgres ? `{${ids.map(id => `"${id.replace(/["\\]/g, c => `\\${c}`)}"`).join(',')}}` : JSON.stringify(ids);
  }

  /**
   * `column` is one of the ids of {@link idList}: a single bound parameter
   * whatever their number, so one query per table instead of one per chunk of 500.
   */
  private whereAmong(query: Knex.QueryBuilder, column: string, idList: string): Knex.QueryBuilder {
    return this.isPostgres
      ? query.whereRaw('?? = any(?::text[])', [column, idList])
      : query.whereRaw('?? in (select value from json_each(?))', [column, idList]);
  }

  /**
   * A timestamp column as the driver returns it cheapest: on PostgreSQL
   * milliseconds since the epoch (truncated, as the driver's own parsing
   * does), read back by {@link isoOf}; on SQLite the stored milliseconds.
   */
  private timestamp(expression: string, alias: string): Knex.Raw {
    return this.isPostgres
      ? this.db.raw(`trunc(extract(epoch from ${expression}) * 1000)::bigint as ??`, [alias])
      : this.db.raw(`${expression} as ??`, [alias]);
  }

  private isoOf(value: DbTimestamp): string {
    return this.isPostgres ? new Date(Number(value)).toISOString() : toIso(value);
  }

  /** Incidents with entities, roles, first reopen and first repeat link, in the order of `ids`. */
  private async load(ids: string[], versions?: Map<string, number>): Promise<LoadedIncident[]> {
    const records = new Map<string, LoadedIncident>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const idList = this.idList(unique);
    const [incidents, entities, roles, reopens, repeats] = await Promise.all([
      this.whereAmong(this.db('incidents'), 'id', idList).select(
        'id',
        'title',
        'severity',
        'incident_type',
        'tags',
        'external_cause',
        'version',
        this.timestamp('declared_at', 'declared_at'),
        this.timestamp('resolved_at', 'resolved_at'),
      ),
      this.whereAmong(this.db('incident_entities'), 'incident_id', idList)
        .select('incident_id', 'entity_ref', 'owner_ref', 'system_ref')
        .orderBy(['incident_id', 'entity_ref']),
      this.whereAmong(this.db('incident_roles'), 'incident_id', idList)
        .select('incident_id', 'role', 'user_ref', this.timestamp('assigned_at', 'assigned_at'), this.timestamp('released_at', 'released_at'))
        .orderBy(['incident_id', 'incident_roles.assigned_at', 'id']),
      // A reopen is a status change away from resolved; the first one counts.
      this.whereAmong(this.db('timeline_events'), 'incident_id', idList)
        .where('type', 'status-change')
        .where('body', 'like', '%"from":"resolved"%')
        .groupBy('incident_id')
        .select('incident_id', this.timestamp('min(occurred_at)', 'at')),
      this.whereAmong(this.db('incident_repeats'), 'earlier_incident_id', idList)
        .groupBy('earlier_incident_id')
        .select('earlier_incident_id', this.timestamp('min(linked_at)', 'at')),
    ]);
    for (const row of incidents) {
      versions?.set(row.id, Number(row.version));
      let tags: string[] = [];
      try {
        tags = JSON.parse(row.tags ?? '[]');
      } catch {
        tags = [];
      }
      records.set(row.id, {
        id: row.id,
        title: row.title,
        severity: row.severity as Severity,
        ...(row.incident_type ? { incidentType: row.incident_type } : {}),
        declaredAt: this.isoOf(row.declared_at),
        ...(row.resolved_at ? { resolvedAt: this.isoOf(row.resolved_at) } : {}),
        entities: [],
        roles: [],
        tags,
        externalCause: truthy(row.external_cause),
      });
    }
    for (const row of entities) {
      records.get(row.incident_id)?.entities.push({
        entityRef: row.entity_ref,
        ...(row.owner_ref ? { ownerRef: row.owner_ref } : {}),
        ...(row.system_ref ? { systemRef: row.system_ref } : {}),
      });
    }
    for (const row of roles) {
      records.get(row.incident_id)?.roles.push({
        role: row.role as IncidentRole,
        userRef: row.user_ref,
        assignedAt: this.isoOf(row.assigned_at),
        ...(row.released_at ? { releasedAt: this.isoOf(row.released_at) } : {}),
      });
    }
    for (const row of reopens as Array<{ incident_id: string; at: DbTimestamp }>) {
      const record = records.get(row.incident_id);
      if (record) record.reopenedAt = this.isoOf(row.at);
    }
    for (const row of repeats as Array<{ earlier_incident_id: string; at: DbTimestamp }>) {
      const record = records.get(row.earlier_incident_id);
      if (record) record.repeatLinkedAt = this.isoOf(row.at);
    }
    return ids.filter(id => records.has(id)).map(id => records.get(id)!);
  }

  /**
   * The first repeat link of the incident in `alias` (which changes no
   * version), as {@link timestamp} reads it.
   */
  private firstRepeatOf(alias: string): Knex.Raw {
    return this.db.raw(
      `(select ${this.isPostgres ? 'trunc(extract(epoch from min(r.linked_at)) * 1000)::bigint' : 'min(r.linked_at)'} from incident_repeats r where r.earlier_incident_id = ${alias}.id) as repeat_at`,
    );
  }

  /**
   * The incidents of `rows`, in their order: the kept record when the
   * incident is still at the version kept and was not changed near or after
   * the moment it was read (see {@link IncidentRecordCache.changed}), with
   * the first repeat link of the row; the others loaded and kept.
   */
  private async current(rows: Array<{ id: string; version: number | string; updated_at: DbTimestamp; repeat_at: DbTimestamp | null }>): Promise<LoadedIncident[]> {
    for (const row of rows) this.history.changed(row.id, Number(row.version), Date.parse(this.isoOf(row.updated_at)), CHANGE_MARGIN_MS);
    return this.withKept(rows);
  }

  /**
   * The kept records of the rows' incidents (with the row's first repeat
   * link) and the others loaded and kept, in the order of `rows`.
   */
  private async withKept(rows: Array<{ id: string; repeat_at?: DbTimestamp | null }>): Promise<LoadedIncident[]> {
    const out: Array<LoadedIncident | undefined> = new Array(rows.length);
    const missing: number[] = [];
    rows.forEach((row, i) => {
      const cached = this.history.get(row.id);
      if (!cached) {
        missing.push(i);
        return;
      }
      const repeatLinkedAt = row.repeat_at === null || row.repeat_at === undefined ? undefined : this.isoOf(row.repeat_at);
      if (cached.repeatLinkedAt === repeatLinkedAt) {
        out[i] = cached;
        return;
      }
      const { repeatLinkedAt: _previous, ...rest } = cached;
      const record: LoadedIncident = repeatLinkedAt ? { ...rest, repeatLinkedAt } : rest;
      this.history.replace(row.id, record);
      out[i] = record;
    });
    if (missing.length > 0) {
      const loadedAt = this.clock();
      const versions = new Map<string, number>();
      const loaded = new Map((await this.load(missing.map(i => rows[i].id), versions)).map(record => [record.id, record]));
      for (const i of missing) {
        const record = loaded.get(rows[i].id);
        if (!record) continue;
        this.history.set(record.id, versions.get(record.id)!, record, loadedAt);
        out[i] = record;
      }
    }
    return out.filter((record): record is LoadedIncident => record !== undefined);
  }

  /**
   * One query for the open incidents with their version, last change and
   * first repeat link (incidents_open_idx); those kept in process and
   * unchanged are not read again, the others are loaded and kept.
   */
  async listOpenIncidents(limit: number): Promise<AssignmentIncident[]> {
    const rows = await this.db('incidents')
      .whereNull('resolved_at')
      .orderBy([{ column: 'declared_at', order: 'desc' }, 'id'])
      .limit(limit)
      .select('id', 'version', this.timestamp('updated_at', 'updated_at'), this.firstRepeatOf('incidents'));
    return this.current(rows);
  }

  /**
   * One query for the ids: per entity, per system and for the type, the
   * `limit` most recent since `since` (each an index range read backwards:
   * incident_entities_ref_idx, incident_entities_system_idx,
   * incidents_type_declared_idx), merged, de-duplicated and cut to `limit`,
   * the most recent first and then by id. Then one query per table to load
   * those not kept in process (see {@link IncidentRecordCache}), after dropping
   * the kept incidents changed since the previous read.
   *
   * On PostgreSQL the merge is done here rather than by the database (a hash
   * aggregate, a sort in the "C" collation and 2,000 correlated look-ups of
   * the first repeat link were ~20 ms of its time at 200k incidents; the
   * union alone is ~5 ms), and the first repeat links of the ids kept are
   * read with one more query through incident_repeats_earlier_idx.
   */
  async listHistory(filter: HistoryFilter): Promise<AssignmentIncident[]> {
    const since = toDate(filter.since)!;
    const recent = (query: Knex.QueryBuilder, idColumn: string, alias: string) => {
      query.where('declared_at', '>=', since).orderBy('declared_at', 'desc').limit(filter.limit).select({ id: idColumn });
      // On PostgreSQL microseconds since the epoch, exact in a double: the order the database keeps, without
      // the driver making a Date of each of the thousands of rows.
      if (this.isPostgres) query.select(this.db.raw('(extract(epoch from declared_at) * 1000000)::bigint as declared_us'));
      else query.select({ declared_at: 'declared_at' });
      return this.db.select('*').from(query.as(alias));
    };
    const parts: Knex.QueryBuilder[] = [];
    [...new Set(filter.entityRefs)].forEach((ref, i) =>
      parts.push(recent(this.db('incident_entities').where('entity_ref', ref), 'incident_id', `e${i}`)),
    );
    [...new Set(filter.systemRefs)].forEach((ref, i) =>
      parts.push(recent(this.db('incident_entities').where('system_ref', ref), 'incident_id', `s${i}`)),
    );
    if (filter.incidentType) {
      parts.push(
        recent(this.db('incidents').whereRaw('lower(incident_type) = ?', [filter.incidentType.toLocaleLowerCase('en-US')]), 'id', 't'),
      );
    }
    if (parts.length === 0) return [];
    const changes = this.dropChanged();
    const [first, ...rest] = parts;
    const merged = rest.length > 0 ? first.unionAll(rest) : first;
    if (this.isPostgres) {
      const [union] = await Promise.all([merged.then(result => result as Array<{ id: string; declared_us: string | number }>), changes]);
      const newest = new Map<string, number>();
      for (const row of union) {
        const at = Number(row.declared_us);
        const seen = newest.get(row.id);
        if (seen === undefined || at > seen) newest.set(row.id, at);
      }
      // The most recent first, then by id compared as JavaScript compares strings (the "C" collation for these ids).
      const ids = [...newest]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, filter.limit)
        .map(([id]) => id);
      if (ids.length === 0) return [];
      // With each id its first repeat link, which changes no version: read fresh for cached records too.
      const repeats: Array<{ earlier_incident_id: string; at: DbTimestamp }> = await this.whereAmong(
        this.db('incident_repeats'),
        'earlier_incident_id',
        this.idList(ids),
      )
        .groupBy('earlier_incident_id')
        .select('earlier_incident_id', this.timestamp('min(linked_at)', 'at'));
      const firstRepeat = new Map(repeats.map(row => [row.earlier_incident_id, row.at]));
      return this.withKept(ids.map(id => ({ id, repeat_at: firstRepeat.get(id) ?? null })));
    }
    // Ids compared byte by byte, as JavaScript compares strings, whatever the database's collation.
    const byId = this.isPostgres ? 'id collate "C"' : 'id';
    const recentIds = this.db
      .from(merged.as('h'))
      .groupBy('id')
      .select('id')
      .max({ declared_at: 'declared_at' })
      .orderByRaw(`max(declared_at) desc, ${byId}`)
      .limit(filter.limit);
    // With each id its first repeat link, which changes no version: read fresh for cached records too.
    const ids: Promise<Array<{ id: string; repeat_at: DbTimestamp | null }>> = this.db
      .from(recentIds.as('t'))
      .select('t.id', this.firstRepeatOf('t'))
      .orderByRaw(`t.declared_at desc, ${this.isPostgres ? 't.id collate "C"' : 't.id'}`)
      .then(result => result);
    // Changed incidents are dropped before any kept record is used.
    const [rows] = await Promise.all([ids, changes]);
    return this.withKept(rows);
  }

  /**
   * Drops the kept records of incidents changed since the previous look
   * (less {@link CHANGE_MARGIN_MS}): the incident store sets `updated_at`
   * and increments `version` with every change it makes to an incident, its
   * roles or its status, from whichever instance (incidents_updated_idx).
   */
  private async dropChanged(): Promise<void> {
    const startedAt = this.clock();
    const previous = this.lastChangeCheck;
    if (previous === undefined || this.history.size === 0) {
      this.lastChangeCheck = startedAt;
      return;
    }
    const rows: Array<{ id: string; version: number | string; updated_at: DbTimestamp }> = await this.db('incidents')
      .where('updated_at', '>=', new Date(previous - CHANGE_MARGIN_MS))
      .select('id', 'version', this.timestamp('updated_at', 'updated_at'));
    for (const row of rows) this.history.changed(row.id, Number(row.version), Date.parse(this.isoOf(row.updated_at)), CHANGE_MARGIN_MS);
    // A concurrent look may have started later: keep the earliest moment not looked at yet.
    if (this.lastChangeCheck === previous) this.lastChangeCheck = startedAt;
  }

  async listAllIncidents(): Promise<Array<AssignmentIncident & { externalCause: boolean }>> {
    const ids: string[] = await this.db('incidents').orderBy(['declared_at', 'id']).pluck('id');
    return (await this.load(ids)).map(({ tags: _tags, ...incident }) => incident);
  }

  /** One query for the version, last change and first repeat link; the record kept in process when unchanged. */
  async getIncident(id: string): Promise<(AssignmentIncident & { tags: string[] }) | undefined> {
    const rows = await this.db('incidents')
      .where('id', id)
      .select('id', 'version', this.timestamp('updated_at', 'updated_at'), this.firstRepeatOf('incidents'));
    const [incident] = await this.current(rows);
    if (!incident) return undefined;
    const { externalCause: _external, ...rest } = incident;
    return rest;
  }

  async recordAcceptance(acceptance: SuggestionAcceptance): Promise<void> {
    await this.db('suggestion_acceptances').insert({
      incident_id: acceptance.incidentId,
      role: acceptance.role,
      user_ref: acceptance.userRef,
      rank_at_acceptance: acceptance.rankAtAcceptance ?? null,
      suggested_top_n: JSON.stringify(acceptance.suggestedTopN),
      accepted_by: acceptance.acceptedBy,
      accepted_at: toDate(acceptance.acceptedAt),
    });
  }

  private inRange(query: Knex.QueryBuilder, column: string, range: { from?: string; to?: string }) {
    if (range.from) query.where(column, '>=', toDate(range.from)!);
    if (range.to) query.where(column, '<', toDate(range.to)!);
    return query;
  }

  async listAcceptances(range: { from?: string; to?: string }): Promise<SuggestionAcceptance[]> {
    const rows: DbAcceptanceRow[] = await this.inRange(
      this.db('suggestion_acceptances as a').join('incidents as i', 'i.id', 'a.incident_id'),
      'i.declared_at',
      range,
    )
      .select('a.incident_id', 'a.role', 'a.user_ref', 'a.rank_at_acceptance', 'a.suggested_top_n', 'a.accepted_by', 'a.accepted_at')
      .orderBy(['a.incident_id', 'a.accepted_at', 'a.id']);
    return rows.map(row => ({
      incidentId: row.incident_id,
      role: row.role as IncidentRole,
      userRef: row.user_ref,
      ...(row.rank_at_acceptance !== null && row.rank_at_acceptance !== undefined ? { rankAtAcceptance: Number(row.rank_at_acceptance) } : {}),
      suggestedTopN: parseRefs(row.suggested_top_n),
      acceptedBy: row.accepted_by,
      acceptedAt: toIso(row.accepted_at),
    }));
  }

  async listCommandedIncidents(range: { from?: string; to?: string }): Promise<CommandedIncident[]> {
    const incidents = await this.inRange(this.db('incidents').whereIn('severity', ['SEV1', 'SEV2']), 'declared_at', range)
      .select('id', 'severity', 'declared_at')
      .orderBy(['declared_at', 'id']);
    const out = new Map<string, CommandedIncident>();
    for (const row of incidents) {
      out.set(row.id, { incidentId: row.id, severity: row.severity, declaredAt: toIso(row.declared_at) });
    }
    for (const part of chunks([...out.keys()])) {
      const roles = await this.db('incident_roles')
        .whereIn('incident_id', part)
        .where('role', 'incident-commander')
        .select('incident_id', 'user_ref', 'assigned_at')
        .orderBy(['incident_id', 'assigned_at', 'id']);
      for (const role of roles) {
        const incident = out.get(role.incident_id);
        if (incident && !incident.commanderRef) {
          incident.commanderRef = role.user_ref;
          incident.commanderAssignedAt = toIso(role.assigned_at);
        }
      }
    }
    return [...out.values()];
  }
}
