const MS_PER_DAY = 86_400_000;
/** 10000-01-01T00:00:00.000Z: from there on `toISOString` writes a six-digit year with a sign. */
const FOUR_DIGIT_YEARS_END = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `YYYY-MM-DDT` of the days seen lately, by day since the epoch. Bounded. */
const dayPrefixes = new Map<number, string>();
const DAY_PREFIXES_LIMIT = 20_000;

/**
 * `new Date(ms).toISOString()`, the same text, written without the engine's
 * date formatting for every call (which costs about a microsecond, and the
 * ledger writes a timestamp for every event): the date part is cached per
 * day and the time of day is put together from tables. Times before 1970 or
 * after year 9999 and values that are no time at all go to `toISOString`
 * (which throws a RangeError for the last).
 */
export function timestampText(ms: number): string {
  if (!(ms >= 0 && ms < FOUR_DIGIT_YEARS_END) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / MS_PER_DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
    if (dayPrefixes.size >= DAY_PREFIXES_LIMIT) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}
