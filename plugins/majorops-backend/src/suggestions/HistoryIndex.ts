/**
 * What the history of a suggestion is selected by, for one incident: when it
 * was declared, the entities and systems it touches and its type.
 */
export interface IndexedIncident {
  id: string;
  /**
   * When it was declared, as the database orders it: microseconds since the
   * epoch on PostgreSQL, milliseconds on SQLite (what each stores).
   */
  declared: number;
  entityRefs: readonly string[];
  /** The systems recorded with its entities. */
  systemRefs: readonly string[];
  /** Lower case, as the database's `lower(incident_type)`. */
  type?: string;
  /** The incident's version and last change (milliseconds) when these were read. */
  version: number;
  updatedAt: number;
}

/** Which incidents a history holds: the same as `HistoryFilter`, with `since` in the unit of `declared`. */
export interface IndexSelection {
  entityRefs: readonly string[];
  systemRefs: readonly string[];
  incidentType?: string;
  since: number;
  limit: number;
}

const byEntity = (ref: string) => `e ${ref}`;
const bySystem = (ref: string) => `s ${ref}`;
const byType = (type: string) => `t ${type}`;

/** Newest first, then by id as JavaScript compares strings (the "C" collation of the database's order). */
function before(a: IndexedIncident, b: IndexedIncident): boolean {
  return a.declared > b.declared || (a.declared === b.declared && a.id < b.id);
}

/** Where `incident` goes (or is) in `list`, kept newest first. */
function positionIn(list: IndexedIncident[], incident: IndexedIncident): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(list[mid], incident)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The incidents the history of a suggestion is chosen from, kept in process
 * and listed per entity, per system and per type, newest first: what the
 * union of three index ranges gives in the database, without asking it.
 * Pure data structure; {@link DatabaseSuggestionStore} fills it and keeps it
 * current.
 */
export class HistoryIndex {
  private readonly incidents = new Map<string, IndexedIncident>();
  private readonly lists = new Map<string, IndexedIncident[]>();

  get size(): number {
    return this.incidents.size;
  }

  get(id: string): IndexedIncident | undefined {
    return this.incidents.get(id);
  }

  private keysOf(incident: IndexedIncident): Set<string> {
    const keys = new Set<string>();
    for (const ref of incident.entityRefs) keys.add(byEntity(ref));
    for (const ref of incident.systemRefs) keys.add(bySystem(ref));
    if (incident.type !== undefined) keys.add(byType(incident.type));
    return keys;
  }

  /** Adds the incident, or replaces what was kept of it. */
  put(incident: IndexedIncident): void {
    this.remove(incident.id);
    this.incidents.set(incident.id, incident);
    for (const key of this.keysOf(incident)) {
      let list = this.lists.get(key);
      if (!list) {
        list = [];
        this.lists.set(key, list);
      }
      list.splice(positionIn(list, incident), 0, incident);
    }
  }

  /** An index of `incidents` (a first load): each list sorted once rather than kept in order by every insertion. */
  static of(incidents: Iterable<IndexedIncident>): HistoryIndex {
    const index = new HistoryIndex();
    for (const incident of incidents) index.incidents.set(incident.id, incident);
    for (const incident of index.incidents.values()) {
      for (const key of index.keysOf(incident)) {
        const list = index.lists.get(key);
        if (list) list.push(incident);
        else index.lists.set(key, [incident]);
      }
    }
    for (const list of index.lists.values()) list.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    return index;
  }

  remove(id: string): void {
    const kept = this.incidents.get(id);
    if (!kept) return;
    this.incidents.delete(id);
    for (const key of this.keysOf(kept)) {
      const list = this.lists.get(key);
      if (!list) continue;
      const at = positionIn(list, kept);
      if (list[at] === kept) list.splice(at, 1);
      if (list.length === 0) this.lists.delete(key);
    }
  }

  /**
   * The ids of the most recent `limit` incidents declared at or after
   * `since` that touch one of the entities or systems, or have the type;
   * newest first, then by id.
   */
  select(selection: IndexSelection): string[] {
    const lists: IndexedIncident[][] = [];
    const add = (key: string) => {
      const list = this.lists.get(key);
      if (list && list.length > 0 && !lists.includes(list)) lists.push(list);
    };
    selection.entityRefs.forEach(ref => add(byEntity(ref)));
    selection.systemRefs.forEach(ref => add(bySystem(ref)));
    if (selection.incidentType !== undefined) add(byType(selection.incidentType));
    // A k-way merge of lists already in order. An incident on several lists is the same object in each,
    // at the same place in the order: the merge meets its copies one after the other, and takes the first.
    const heads = lists.map(() => 0);
    const ids: string[] = [];
    let last: IndexedIncident | undefined;
    while (ids.length < selection.limit) {
      let best = -1;
      for (let l = 0; l < lists.length; l++) {
        const head = lists[l][heads[l]];
        if (head !== undefined && (best < 0 || before(head, lists[best][heads[best]]))) best = l;
      }
      if (best < 0) break;
      const next = lists[best][heads[best]++];
      if (next.declared < selection.since) break;
      if (next === last) continue;
      last = next;
      ids.push(next.id);
    }
    return ids;
  }
}
