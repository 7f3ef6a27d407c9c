import { Knex } from 'knex';
import { buildScopeRollups, scopeKeyOf, touchScope } from './metricRollups';

const DAY_MS = 24 * 3600 * 1000;
/** After a failed build, the same scope is not tried again for this long. */
const RETRY_AFTER_MS = 10 * 60 * 1000;

/**
 * The scope rollups that reads ask for, built one after another in the
 * background of this process. Several backend instances may build the same
 * scope at once: the build is guarded in the database, and the second finds
 * it done. Also remembers when each scope was last marked as read, so that
 * reads write that mark at most once a day per process.
 */
export class ScopeBuilds {
  private readonly pending = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  private readonly touchedAt = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Queues the build of the scope of these entities, unless queued already or failed recently. */
  request(entityRefs: string[]): void {
    const key = scopeKeyOf(entityRefs);
    if (this.pending.has(key) || Date.now() - (this.failedAt.get(key) ?? -Infinity) < RETRY_AFTER_MS) return;
    this.pending.add(key);
    this.queue = this.queue.then(async () => {
      try {
        await buildScopeRollups(this.db, entityRefs);
        this.failedAt.delete(key);
      } catch (error) {
        this.failedAt.set(key, Date.now());
        this.onError(error as Error);
      } finally {
        this.pending.delete(key);
      }
    });
  }

  /** Resolves when every build queued so far has finished. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Marks the scope as read (see `SCOPE_UNREAD_DAYS`), at most once a day per process. */
  async touched(entityRefs: string[]): Promise<void> {
    const key = scopeKeyOf(entityRefs);
    const now = Date.now();
    if (now - (this.touchedAt.get(key) ?? -Infinity) < DAY_MS) return;
    this.touchedAt.set(key, now);
    await touchScope(this.db, key);
  }
}
