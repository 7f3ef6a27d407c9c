import type { AssignmentIncident, IncidentRole, Severity } from '@majorops/plugin-majorops-common';
import { Knex } from 'knex';
import { DbTimestamp, isPostgres, toDate, toIso, toMillis } from '../database/tables';
import { HistoryIndex, IndexedIncident } from './HistoryIndex';
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
 * The history index ({@link HistoryIndex}) holds the incidents declared from
 * this long before the first history asked for: the window of later
 * requests moves forward from there, and the index is read again whole
 * every `maxAgeSeconds`.
 */
const INDEX_SLACK_MS = 7 * 24 * 3600_000;
/**
 * Beyond this many incidents in the window (about 380 bytes each, so ~75 MB) the
 * history is selected by the database, as without an index.
 */
const INDEX_MAX_INCIDENTS = 200_000;

/** A row of the index query: an incident with one of its entities (none: null refs). */
interface DbIndexRow {
  id: string;
  version: number | string;
  updated_at: DbTimestamp;
  declared: number | string;
  type: string | null;
  entity_ref: string | null;
  system_ref: string | null;
}

/** The history index with the window it holds (in its `declared` unit) and when its load began. */
interface IndexState {
  index: HistoryIndex;
  since: number;
  loadedAt: number;
}

/**
 * How far apart the `updated_at` a writer records and the moment its change
 * is visible may be (clocks of the instances, length of the transaction):
 * changes are looked for from this long before the previous look.
 */
export const CHANGE_MARGIN_MS = 5 * 60 * 1000;

/** The knex implementation of {@link SuggestionStore}, over the incident tables and `suggestion_acceptances`. */
export class DatabaseSuggestionStore implements SuggestionStore {
  /** Takes a client on which the migrations have run. */
  static create(
    db: Knex,
    options: {
      historyCache?: HistoryCacheOptions;
      /**
       * Selects the history in process ({@link HistoryIndex}) rather than by
       * one database query per suggestion; true by default, used only when
       * records are kept in process (`historyCache.maxIncidents` > 0).
       */
      indexHistory?: boolean;
      now?: () => number;
    } = {},
  ): DatabaseSuggestionStore {
    const cache = options.historyCache ?? DEFAULT_HISTORY_CACHE;
    return new DatabaseSuggestionStore(db, cache, (options.indexHistory ?? true) && cache.maxIncidents > 0, options.now ?? Date.now);
  }

  private readonly isPostgres: boolean;
  private readonly history: IncidentRecordCache<LoadedIncident>;
  /** When this store last looked for changed incidents (its own clock), once it keeps any. */
  private lastChangeCheck: number | undefined;
  /** The history index, once loaded; undefined while it is not (or when the window is too large for it). */
  private indexState: IndexState | undefined;
  /** The load of the index under way, shared by the requests that wait for it. */
  private indexLoad: Promise<IndexState | undefined> | undefined;
  /** True once a load found more incidents than the index holds: the database selects every history. */
  private indexTooLarge = false;
  private readonly maxAgeMs: number;

  private constructor(
    private readonly db: Knex,
    cache: HistoryCacheOptions,
    private readonly useIndex: boolean,
    private readonly clock: () => number,
  ) {
    this.isPostgres = isPostgres(db);
    this.maxAgeMs = cache.maxAgeSeconds * 1000;
    this.history = new IncidentRecordCache({ maxEntries: cache.maxIncidents, maxAgeMs: this.maxAgeMs, now: clock });
  }

  /** How many incidents the history index holds (0 before its first load). */
  get indexedIncidents(): number {
    return this.indexState?.index.size ?? 0;
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
   * Per entity, per system and for the type, the `limit` most recent
   * incidents declared since `since`, merged, each once, cut to `limit`, the
   * most recent first and then by id; with their first repeat links, and
   * loaded from the records kept in process where unchanged (see
   * {@link IncidentRecordCache}).
   *
   * The ids are selected in process by the {@link HistoryIndex} (loaded on
   * the first history, kept current by the change look every history makes,
   * and read again whole every `maxAgeSeconds`), while the repeat links of
   * that selection are read (they change no version). The index sees every
   * change the incident store makes (each sets `updated_at` to the moment of
   * the write); a write that bypasses it (an owner snapshot filling in a
   * system later) is seen within `maxAgeSeconds`, as for the kept records.
   *
   * Without the index (a window older than the one it holds, more than
   * {@link INDEX_MAX_INCIDENTS} in it, or `indexHistory: false`) one query
   * selects the ids: each part an index range read backwards
   * (incident_entities_ref_idx, incident_entities_system_idx,
   * incidents_type_declared_idx). On PostgreSQL the merge is done here rather
   * than by the database (a hash aggregate, a sort in the "C" collation and
   * 2,000 correlated look-ups of the first repeat link were ~20 ms of its
   * time at 200k incidents; the union alone is ~5 ms), and the first repeat
   * links of the ids kept are read with one more query through
   * incident_repeats_earlier_idx.
   */
  async listHistory(filter: HistoryFilter): Promise<AssignmentIncident[]> {
    if (this.useIndex && !this.indexTooLarge) {
      const indexed = await this.historyFromIndex(filter);
      if (indexed) return indexed;
    }
    return this.historyFromDatabase(filter);
  }

  /** The history selected by the database: the union of index ranges described on {@link listHistory}. */
  private async historyFromDatabase(filter: HistoryFilter): Promise<AssignmentIncident[]> {
    const since = toDate(filter.since)!;
    /**
     * The `limit` most recent of one part, newest first. `once`: one row per incident, for the system parts
     * (several entities of one incident may be in the same system, and their rows could fill the limit with
     * repeats); a Unique over the same index range.
     */
    const recent = (query: Knex.QueryBuilder, idColumn: string, alias: string, once = false) => {
      query
        .where('declared_at', '>=', since)
        .orderBy([
          { column: 'declared_at', order: 'desc' },
          { column: idColumn, order: 'desc' },
        ])
        .limit(filter.limit);
      if (once) query.distinct({ id: idColumn }, 'declared_at');
      else query.select({ id: idColumn }, 'declared_at');
      // On PostgreSQL microseconds since the epoch, exact in a double: the order the database keeps, without
      // the driver making a Date of each of the thousands of rows.
      return this.db
        .select('id')
        .select(this.isPostgres ? this.db.raw('(extract(epoch from declared_at) * 1000000)::bigint as declared_us') : 'declared_at')
        .from(query.as(alias));
    };
    const parts: Knex.QueryBuilder[] = [];
    [...new Set(filter.entityRefs)].forEach((ref, i) =>
      parts.push(recent(this.db('incident_entities').where('entity_ref', ref), 'incident_id', `e${i}`)),
    );
    [...new Set(filter.systemRefs)].forEach((ref, i) =>
      parts.push(recent(this.db('incident_entities').where('system_ref', ref), 'incident_id', `s${i}`, true)),
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
      const firstRepeat = await this.firstRepeats(ids);
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
  private async dropChanged(): Promise<boolean> {
    const startedAt = this.clock();
    const previous = this.lastChangeCheck;
    if (previous === undefined || (this.history.size === 0 && !this.indexState)) {
      this.lastChangeCheck = startedAt;
      return false;
    }
    const rows: Array<{ id: string; version: number | string; updated_at: DbTimestamp }> = await this.db('incidents')
      .where('updated_at', '>=', new Date(previous - CHANGE_MARGIN_MS))
      .select('id', 'version', this.timestamp('updated_at', 'updated_at'));
    for (const row of rows) this.history.changed(row.id, Number(row.version), Date.parse(this.isoOf(row.updated_at)), CHANGE_MARGIN_MS);
    const indexChanged = await this.refreshIndex(rows);
    // A concurrent look may have started later: keep the earliest moment not looked at yet.
    if (this.lastChangeCheck === previous) this.lastChangeCheck = startedAt;
    return indexChanged;
  }

  // -------------------------------------------------------------------------
  // The history index

  /** `declared` of {@link IndexedIncident} for milliseconds since the epoch. */
  private declaredKey(ms: number): number {
    return this.isPostgres ? ms * 1000 : ms;
  }

  /**
   * Incidents with what the history index needs, one row per entity, in one
   * statement (so a change is seen whole or not at all).
   */
  private async indexRows(where: (query: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<DbIndexRow[]> {
    return where(this.db('incidents as i').leftJoin('incident_entities as e', 'e.incident_id', 'i.id')).select(
      'i.id',
      'i.version',
      this.timestamp('i.updated_at', 'updated_at'),
      this.isPostgres ? this.db.raw('(extract(epoch from i.declared_at) * 1000000)::bigint as declared') : 'i.declared_at as declared',
      this.db.raw('lower(i.incident_type) as type'),
      'e.entity_ref',
      'e.system_ref',
    );
  }

  private indexedOf(rows: DbIndexRow[]): Map<string, IndexedIncident> {
    const out = new Map<string, IndexedIncident & { entityRefs: string[]; systemRefs: string[] }>();
    // Refs and types repeat across thousands of rows: one string each, not one per row.
    const strings = new Map<string, string>();
    const one = (value: string) => {
      const kept = strings.get(value);
      if (kept !== undefined) return kept;
      strings.set(value, value);
      return value;
    };
    for (const row of rows) {
      let incident = out.get(row.id);
      if (!incident) {
        incident = {
          id: row.id,
          declared: typeof row.declared === 'number' || /^\d+$/.test(row.declared) ? Number(row.declared) : this.declaredKey(toMillis(row.declared)!),
          entityRefs: [],
          systemRefs: [],
          ...(row.type === null ? {} : { type: one(row.type) }),
          version: Number(row.version),
          updatedAt: toMillis(row.updated_at)!,
        };
        out.set(row.id, incident);
      }
      if (row.entity_ref !== null && !incident.entityRefs.includes(row.entity_ref)) incident.entityRefs.push(one(row.entity_ref));
      if (row.system_ref !== null && !incident.systemRefs.includes(row.system_ref)) incident.systemRefs.push(one(row.system_ref));
    }
    // Arrays grown by push keep room for more; copies hold exactly their refs (a third of the index's memory).
    for (const incident of out.values()) {
      incident.entityRefs = incident.entityRefs.slice();
      incident.systemRefs = incident.systemRefs.slice();
    }
    return out;
  }

  /**
   * Loads the index of the incidents declared since `sinceMs` less
   * {@link INDEX_SLACK_MS}, once for all the requests waiting; it replaces
   * the index in use when done. Undefined when the window holds more than
   * {@link INDEX_MAX_INCIDENTS}: every history is then selected by the database.
   */
  private loadIndex(sinceMs: number): Promise<IndexState | undefined> {
    if (!this.indexLoad) {
      const loadedAt = this.clock();
      const from = new Date(sinceMs - INDEX_SLACK_MS);
      this.indexLoad = (async () => {
        const counted = await this.db('incidents').where('declared_at', '>=', from).count({ n: '*' }).first();
        if (Number(counted?.n ?? 0) > INDEX_MAX_INCIDENTS) {
          this.indexTooLarge = true;
          this.indexState = undefined;
          return undefined;
        }
        const rows = await this.indexRows(query => query.where('i.declared_at', '>=', from));
        const state: IndexState = { index: HistoryIndex.of(this.indexedOf(rows).values()), since: this.declaredKey(from.getTime()), loadedAt };
        this.indexState = state;
        // Changes from the moment the load began are looked for again, now in this index.
        if (this.lastChangeCheck === undefined || this.lastChangeCheck > loadedAt) this.lastChangeCheck = loadedAt;
        return state;
      })().finally(() => {
        this.indexLoad = undefined;
      });
    }
    return this.indexLoad;
  }

  /**
   * Reads again the incidents of `rows` (changed ones, from {@link dropChanged})
   * whose version or last change is not what the index holds. A read older
   * than what the index holds already (a concurrent refresh) is not applied.
   * True when the index changed.
   */
  private async refreshIndex(rows: Array<{ id: string; version: number | string; updated_at: DbTimestamp }>): Promise<boolean> {
    if (!this.indexState) return false;
    const stale = rows.filter(row => {
      const kept = this.indexState?.index.get(row.id);
      return !kept || kept.version !== Number(row.version) || kept.updatedAt !== toMillis(row.updated_at);
    });
    if (stale.length === 0) return false;
    const ids = stale.map(row => row.id);
    const read = this.indexedOf(await this.indexRows(query => this.whereAmong(query, 'i.id', this.idList(ids))));
    const index = this.indexState?.index;
    if (!index) return false;
    for (const id of ids) {
      const incident = read.get(id);
      const kept = index.get(id);
      if (!incident) index.remove(id);
      else if (!kept || kept.version < incident.version || (kept.version === incident.version && kept.updatedAt <= incident.updatedAt)) index.put(incident);
    }
    return true;
  }

  /**
   * The history from the index: the ids selected in process, their first
   * repeat links (which change no version) read while the index is brought
   * up to date, and read again only if that changed the selection.
   * Undefined when the index cannot answer (too large, or a window older
   * than the one it holds).
   */
  private async historyFromIndex(filter: HistoryFilter): Promise<LoadedIncident[] | undefined> {
    const sinceMs = Date.parse(filter.since);
    const state = this.indexState ?? (await this.loadIndex(sinceMs));
    const since = this.declaredKey(sinceMs);
    if (!state || since < state.since) return undefined;
    // Past its maximum age the index is read again whole, behind the requests it keeps answering.
    if (this.clock() - state.loadedAt > this.maxAgeMs) this.loadIndex(sinceMs).catch(() => undefined);
    const selection = {
      entityRefs: [...new Set(filter.entityRefs)],
      systemRefs: [...new Set(filter.systemRefs)],
      ...(filter.incidentType ? { incidentType: filter.incidentType.toLocaleLowerCase('en-US') } : {}),
      since,
      limit: filter.limit,
    };
    const first = state.index.select(selection);
    const [changed, firstRepeats] = await Promise.all([this.dropChanged(), this.firstRepeats(first)]);
    let ids = first;
    let repeats = firstRepeats;
    if (changed || this.indexState !== state) {
      const again = (this.indexState ?? state).index.select(selection);
      if (again.length !== first.length || again.some((id, i) => id !== first[i])) {
        ids = again;
        repeats = await this.firstRepeats(ids);
      }
    }
    return this.withKept(ids.map(id => ({ id, repeat_at: repeats.get(id) ?? null })));
  }

  /**
   * Loads the history index, or reads it again once it is older than half
   * its maximum age, so that neither the first suggestion after a start nor
   * the renewal is paid for by a request (the plugin's scheduled task).
   */
  async prepareHistory(since: string): Promise<void> {
    if (!this.useIndex || this.indexTooLarge) return;
    const state = this.indexState;
    if (state && this.clock() - state.loadedAt <= this.maxAgeMs / 2) return;
    await this.loadIndex(Date.parse(since));
  }

  /** The first repeat link of each of the incidents that have one (one query, incident_repeats_earlier_idx). */
  private async firstRepeats(ids: string[]): Promise<Map<string, DbTimestamp>> {
    if (ids.length === 0) return new Map();
    const rows: Array<{ earlier_incident_id: string; at: DbTimestamp }> = await this.whereAmong(
      this.db('incident_repeats'),
      'earlier_incident_id',
      this.idList(ids),
    )
      .groupBy('earlier_incident_id')
      .select('earlier_incident_id', this.timestamp('min(linked_at)', 'at'));
    return new Map(rows.map(row => [row.earlier_incident_id, row.at]));
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
