const pad = (n: number) => String(n).padStart(2, '0');

/** A date as the value of a `datetime-local` input, in the browser's time zone, to the minute. */
export function toDatetimeLocal(date: Date): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The ISO UTC timestamp of a `datetime-local` value ("2026-03-01T10:30",
 * optionally with seconds), read in the browser's time zone; undefined when
 * the value is empty or not a real date and time.
 */
export function fromDatetimeLocal(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hours, minutes] = match.slice(1, 6).map(Number);
  const seconds = Number(match[6] ?? 0);
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  const date = new Date(year, month - 1, day, hours, minutes, seconds, millis);
  // Reject days that roll over into the next month, such as 2026-02-31.
  if (date.getMonth() !== month - 1 || date.getDate() !== day) return undefined;
  return date.toISOString();
}
