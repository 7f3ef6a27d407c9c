/**
 * Incident records as the suggestion store loaded them, kept in process so
 * that the history of a suggestion (up to `maxHistoryIncidents` past
 * incidents) is not read and parsed again on every request.
 *
 * The store drops an entry when it learns that the incident changed
 * ({@link IncidentRecordCache.changed}: a version other than the one kept,
 * or a change near or after the moment it was read). Entries older than
 * `maxAgeMs` are read again whatever happened, which bounds how long a
 * change the store cannot learn of (an owner snapshot filled in later, a
 * direct write by another tool) goes unseen. At most `maxEntries` records
 * are kept, the least recently used dropped first; a record read again soon
 * after it was last moved to the recent end is not moved again (a
 * suggestion reads thousands), so it is dropped only once at least half of
 * `maxEntries` others were kept or used since it was last read.
 */
export class IncidentRecordCache<T> {
  /** Each record with the tick at which it was last moved to the recent end. */
  private readonly entries = new Map<string, { version: number; loadedAt: number; record: T; tick: number }>();
  private tick = 0;

  constructor(private readonly options: { maxEntries: number; maxAgeMs: number; now?: () => number }) {}

  get size(): number {
    return this.entries.size;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The record cached for the incident, when it is not too old. */
  get(id: string): T | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.loadedAt > this.options.maxAgeMs) {
      this.entries.delete(id);
      return undefined;
    }
    // Most recently used last, unless moved there recently.
    if (this.tick - entry.tick > this.options.maxEntries / 2) {
      entry.tick = ++this.tick;
      this.entries.delete(id);
      this.entries.set(id, entry);
    }
    return entry.record;
  }

  /**
   * Keeps `record`, of the incident at `version`; `loadedAt` is the moment
   * before it was read.
   */
  set(id: string, version: number, record: T, loadedAt: number): void {
    this.entries.delete(id);
    if (this.options.maxEntries <= 0) return;
    this.entries.set(id, { version, loadedAt, record, tick: ++this.tick });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /**
   * The incident is now at `version`, changed last at `updatedAt`: its entry
   * is dropped unless it has that version and was read more than `marginMs`
   * after the change (the parts of a record are read by separate queries,
   * so one read during a change may hold the new version with older roles).
   */
  changed(id: string, version: number, updatedAt: number, marginMs: number): void {
    const entry = this.entries.get(id);
    if (entry && (entry.version !== version || entry.loadedAt < updatedAt + marginMs)) this.entries.delete(id);
  }

  /** Replaces a cached record without changing its version or age (a fresher repeat link). */
  replace(id: string, record: T): void {
    const entry = this.entries.get(id);
    if (entry) entry.record = record;
  }
}
