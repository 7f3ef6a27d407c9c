import type { ReputationSummary } from './ReputationSummaryReader';

/**
 * Stored reputation summaries as last read, kept in process so that a
 * suggestion reads only when each of its ~1,000–2,000 people's summary was
 * computed, not every summary's JSON again.
 *
 * A summary is used only while the stored one has the same computation time
 * (read on every call, from any backend instance's writes); it is at least
 * as recent as that time because it is read after it. People found to have
 * no record at all (no role, training or suspension) are remembered as such
 * for `noRecordMs`: someone's first role is seen in their reputation within
 * that time, or as soon as a summary is stored for them (on training,
 * suspension, lift, or by the ledger task). At most `maxEntries` of each
 * are kept, the least recently used dropped first; a summary read again
 * soon after it was last moved to the recent end is not moved again (a
 * suggestion reads thousands), so it is dropped only once at least half of
 * `maxEntries` others were stored or used since it was last read.
 */
export class ReputationSummaryCache {
  /** Each summary with the tick at which it was last moved to the recent end. */
  private readonly summaries = new Map<string, { summary: ReputationSummary; tick: number }>();
  private readonly withoutRecord = new Map<string, number>();
  private tick = 0;

  constructor(private readonly options: { maxEntries: number; noRecordMs: number; now?: () => number }) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private static touch<V>(map: Map<string, V>, key: string, value: V, max: number) {
    map.delete(key);
    map.set(key, value);
    while (map.size > max) map.delete(map.keys().next().value as string);
  }

  /** The cached summary when it was computed at `computedAt` (the stored one's time). */
  get(userRef: string, computedAt: string): ReputationSummary | undefined {
    const entry = this.summaries.get(userRef);
    if (!entry) return undefined;
    const summary = entry.summary;
    if (summary.computedAt !== computedAt && Date.parse(summary.computedAt) !== Date.parse(computedAt)) {
      this.summaries.delete(userRef);
      return undefined;
    }
    if (this.tick - entry.tick > this.options.maxEntries / 2) this.store(summary);
    return summary;
  }

  set(summary: ReputationSummary): void {
    this.withoutRecord.delete(summary.userRef);
    this.store(summary);
  }

  private store(summary: ReputationSummary): void {
    ReputationSummaryCache.touch(this.summaries, summary.userRef, { summary, tick: ++this.tick }, this.options.maxEntries);
  }

  /** Whether the person was found without any record less than `noRecordMs` ago. */
  knownWithoutRecord(userRef: string): boolean {
    const at = this.withoutRecord.get(userRef);
    if (at === undefined) return false;
    if (this.now() - at > this.options.noRecordMs) {
      this.withoutRecord.delete(userRef);
      return false;
    }
    return true;
  }

  /** Remembers people found without any record, `checkedAt` being the moment before they were looked for. */
  setWithoutRecord(userRefs: string[], checkedAt: number): void {
    for (const ref of userRefs) ReputationSummaryCache.touch(this.withoutRecord, ref, checkedAt, this.options.maxEntries);
  }
}
