/**
 * The numbers of a suggestion (score, level, the breakdown's value, weight and
 * points, an expert's weight) may be left out by the backend for callers who
 * may not see them. These helpers turn whatever arrived into text, or nothing.
 */

/** The number when one arrived, `undefined` when it was redacted or is not a number. */
export function shownNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Points with their sign (`+12.5`, `-4`, `0`), or `undefined` when redacted. */
export function signedPoints(value: unknown): string | undefined {
  const points = shownNumber(value);
  if (points === undefined) return undefined;
  return points > 0 ? `+${points}` : `${points}`;
}

/** `L5 Certified MIM`, `Certified MIM` or `L5`, from whatever part of the level arrived. */
export function levelLabel(level: { level?: unknown; name?: unknown } | undefined): string | undefined {
  if (!level) return undefined;
  const number = shownNumber(level.level);
  const name = typeof level.name === 'string' && level.name ? level.name : undefined;
  if (number !== undefined && name) return `L${number} ${name}`;
  if (number !== undefined) return `L${number}`;
  return name;
}
