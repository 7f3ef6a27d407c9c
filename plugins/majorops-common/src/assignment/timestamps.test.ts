import { parseIsoTimestamp } from '../escalation';
import { readTimestamp } from './timestamps';

/** What parseIsoTimestamp says: the milliseconds, or the error message. */
const outcome = (read: (value: string, field: string) => number, value: string) => {
  try {
    return read(value, 'field');
  } catch (error) {
    return (error as Error).message;
  }
};

describe('readTimestamp', () => {
  it.each([
    '2026-11-01T10:00:00.000Z',
    '2024-02-29T23:59:59.999Z',
    '2000-02-29T00:00:00.000Z',
    '1970-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '0000-03-01T00:00:00.000Z',
    '0099-12-31T12:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    // Invalid in the canonical form: refused as parseIsoTimestamp refuses them.
    '2023-02-29T00:00:00.000Z',
    '1900-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z',
    '2026-13-01T00:00:00.000Z',
    '2026-00-01T00:00:00.000Z',
    '2026-11-00T00:00:00.000Z',
    '2026-11-01T24:00:00.000Z',
    '2026-11-01T10:60:00.000Z',
    '2026-11-01T10:00:60.000Z',
    '2026-11-0xT10:00:00.000Z',
    '2026-11-01T10:00:00.0a0Z',
    // Other forms: left to parseIsoTimestamp.
    '2026-11-01T10:00:00Z',
    '2026-11-01T10:00Z',
    '2026-11-01T10:00:00.000+02:00',
    '2026-11-01T10:00:00.123456Z',
    '2026-11-01',
    '2026-11-01T10:00:00.000',
    '',
    'yesterday',
  ])('reads %p as parseIsoTimestamp does', value => {
    expect(outcome(readTimestamp, value)).toEqual(outcome(parseIsoTimestamp, value));
  });

  it('agrees with parseIsoTimestamp and toISOString over a century of generated instants', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const from = Date.parse('1950-01-01T00:00:00.000Z');
    const to = Date.parse('2050-01-01T00:00:00.000Z');
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(from + next() * (to - from));
      const iso = new Date(ms).toISOString();
      expect(readTimestamp(iso, 'at')).toBe(ms);
    }
  });

  it('names the field when it refuses a value', () => {
    expect(() => readTimestamp(123 as unknown as string, 'incidents[3].declaredAt')).toThrow(/incidents\[3\]\.declaredAt must be an ISO-8601 timestamp/);
  });
});
