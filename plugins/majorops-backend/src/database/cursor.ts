import { InputError } from '@backstage/errors';

/**
 * Keyset cursors: opaque to clients, they carry the sort key of the last row
 * returned, so the next page starts strictly after it and rows inserted
 * meanwhile neither repeat nor go missing.
 */
export function encodeCursor(keys: string[]): string {
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

/** Decodes a cursor of `length` string keys; anything else is the client's error. */
export function decodeCursor(value: string, length: number): string[] {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === length &&
      parsed.every(k => typeof k === 'string')
    ) {
      return parsed;
    }
  } catch {
    // fall through to the error below
  }
  throw new InputError(
    'cursor is not valid; pass back the nextCursor of a previous page',
  );
}

/** A cursor of [ISO timestamp, id]. */
export function decodeTimeCursor(value: string): { at: Date; id: string } {
  const [at, id] = decodeCursor(value, 2);
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) {
    throw new InputError(
      'cursor is not valid; pass back the nextCursor of a previous page',
    );
  }
  return { at: date, id };
}

/**
 * Turns the `limit + 1` rows a keyset query fetched into a page: the extra row
 * only says that more exist, and the last item's keys become the next cursor.
 */
export async function keysetPage<Row, Item>(
  rows: Row[],
  limit: number,
  toItems: (rows: Row[]) => Item[] | Promise<Item[]>,
  keysOf: (last: Item) => string[],
): Promise<{ items: Item[]; nextCursor?: string }> {
  const hasMore = rows.length > limit;
  const items = await toItems(hasMore ? rows.slice(0, limit) : rows);
  const last = items[items.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(keysOf(last)) : undefined };
}
