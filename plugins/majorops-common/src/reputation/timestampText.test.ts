import { timestampText } from './timestampText';

describe('timestampText', () => {
  it.each([
    ['the epoch', 0],
    ['minus zero', -0],
    ['a time with milliseconds', Date.UTC(2026, 10, 23, 19, 37, 13, 45)],
    ['the last millisecond of a day', Date.UTC(2026, 0, 1) - 1],
    ['a leap day', Date.UTC(2024, 1, 29, 12, 0, 0, 1)],
    ['the end of year 9999', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
    ['year 10000 (six-digit year)', Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1],
    ['before 1970', Date.UTC(1969, 11, 31, 23, 59, 59, 999)],
    ['a fraction of a millisecond', Date.UTC(2026, 5, 1) + 0.75],
  ])('writes %s as toISOString does', (_, ms) => {
    expect(timestampText(ms)).toBe(new Date(ms).toISOString());
  });

  it('writes moments all through a year and over four centuries as toISOString does', () => {
    for (let ms = Date.UTC(2027, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 7 * 60_000 + 7) {
      expect(timestampText(ms)).toBe(new Date(ms).toISOString());
    }
    let seed = 7;
    for (let n = 0; n < 10_000; n++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const ms = Math.floor((seed / 2147483648) * Date.UTC(2400, 0, 1));
      expect(timestampText(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses what is no time, as toISOString does', () => {
    expect(() => timestampText(NaN)).toThrow(RangeError);
    expect(() => timestampText(Infinity)).toThrow(RangeError);
  });
});
