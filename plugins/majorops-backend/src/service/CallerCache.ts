import { BackstageCredentials } from '@backstage/backend-plugin-api';

/** Who a request is made as: the user or service of its credentials, as a string key. */
export function callerOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as { type?: string; userEntityRef?: string; subject?: string };
  return `${principal.type ?? 'unknown'}:${principal.userEntityRef ?? principal.subject ?? ''}`;
}

/**
 * Catalog answers kept briefly per caller (the catalog may show different
 * callers different entities), so that the requests a page makes at once share
 * one lookup. Requests arriving while a lookup runs wait for it; a failed
 * lookup is not kept. Holds at most `maxEntries`, dropping the oldest.
 */
export class CallerCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly maxAgeMs: number,
    private readonly maxEntries = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(credentials: BackstageCredentials, key: string, load: () => Promise<T>): Promise<T> {
    if (this.maxAgeMs <= 0) return load();
    const id = `${callerOf(credentials)}\n${key}`;
    const now = this.clock();
    const kept = this.entries.get(id);
    if (kept && now - kept.at <= this.maxAgeMs) return kept.value;
    const value = load();
    this.entries.delete(id);
    this.entries.set(id, { at: now, value });
    value.catch(() => {
      if (this.entries.get(id)?.value === value) this.entries.delete(id);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return value;
  }
}
