import { durationBetween, timeAgo } from './time';

describe('timeAgo', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const SEC = 1000;
  const MIN = 60 * SEC;
  const HOUR = 60 * MIN;
  const DAY = 24 * HOUR;

  it.each<[string, number, string]>([
    ['the same instant', 0, 'just now'],
    ['59 s', 59 * SEC, 'just now'],
    ['59.4 s (rounds down)', 59.4 * SEC, 'just now'],
    ['60 s', 60 * SEC, '1 min ago'],
    ['89 s', 89 * SEC, '1 min ago'],
    ['90 s (rounds up)', 90 * SEC, '2 min ago'],
    ['3 min', 3 * MIN, '3 min ago'],
    ['59 min', 59 * MIN, '59 min ago'],
    ['59 min 29 s', 59 * MIN + 29 * SEC, '59 min ago'],
    ['59 min 30 s (rounds to an hour)', 59 * MIN + 30 * SEC, '1 h ago'],
    ['60 min', 60 * MIN, '1 h ago'],
    ['2 h', 2 * HOUR, '2 h ago'],
    ['2 h 29 min', 2 * HOUR + 29 * MIN, '2 h ago'],
    ['2 h 30 min', 2 * HOUR + 30 * MIN, '3 h ago'],
    ['47 h', 47 * HOUR, '47 h ago'],
    ['48 h', 48 * HOUR, '2 days ago'],
    ['5 days', 5 * DAY, '5 days ago'],
    ['5 days 11 h', 5 * DAY + 11 * HOUR, '5 days ago'],
    ['5 days 12 h', 5 * DAY + 12 * HOUR, '6 days ago'],
    ['400 days', 400 * DAY, '400 days ago'],
  ])('%s before now is "%s"', (_what, ms, expected) => {
    expect(timeAgo(before(ms), now)).toBe(expected);
  });

  it.each<[string, number]>([
    ['1 s', 1 * SEC],
    ['10 min', 10 * MIN],
    ['3 days', 3 * DAY],
  ])('a timestamp %s in the future is "just now"', (_what, ms) => {
    expect(timeAgo(new Date(now.getTime() + ms).toISOString(), now)).toBe('just now');
  });

  it('accepts timestamps with an offset', () => {
    // 13:00 at +02:00 is 11:00 UTC, one hour before now
    expect(timeAgo('2026-03-10T13:00:00+02:00', now)).toBe('1 h ago');
  });

  it('uses the current time when now is not given', () => {
    expect(timeAgo(new Date(Date.now() - 3 * MIN).toISOString())).toBe('3 min ago');
  });
});

describe('durationBetween', () => {
  const from = '2026-03-10T12:00:00.000Z';
  const after = (ms: number) => new Date(Date.parse(from) + ms).toISOString();
  const MIN = 60 * 1000;
  const HOUR = 60 * MIN;

  it.each<[string, string | undefined, string | undefined, string | undefined]>([
    ['no start', undefined, after(HOUR), undefined],
    ['no end', from, undefined, undefined],
    ['neither', undefined, undefined, undefined],
    ['empty start', '', after(HOUR), undefined],
    ['empty end', from, '', undefined],
  ])('is undefined with %s', (_what, a, b, expected) => {
    expect(durationBetween(a, b)).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['zero', 0, '0 min'],
    ['29 s (rounds down)', 29 * 1000, '0 min'],
    ['30 s (rounds up)', 30 * 1000, '1 min'],
    ['12 min', 12 * MIN, '12 min'],
    ['59 min', 59 * MIN, '59 min'],
    ['59 min 30 s', 59 * MIN + 30 * 1000, '1 h'],
    ['1 h', HOUR, '1 h'],
    ['1 h 12 min', HOUR + 12 * MIN, '1 h 12 min'],
    ['2 h 59 min', 2 * HOUR + 59 * MIN, '2 h 59 min'],
    ['23 h', 23 * HOUR, '23 h'],
    ['47 h 59 min', 47 * HOUR + 59 * MIN, '47 h 59 min'],
    ['48 h', 48 * HOUR, '2 days'],
    ['71 h', 71 * HOUR, '3 days'],
    ['10 days', 240 * HOUR, '10 days'],
  ])('%s gives "%s"', (_what, ms, expected) => {
    expect(durationBetween(from, after(ms))).toBe(expected);
  });

  it('never goes negative when the end is before the start', () => {
    expect(durationBetween(after(2 * HOUR), from)).toBe('0 min');
  });
});

describe('unreadable timestamps', () => {
  it.each([['not a date'], ['']])('timeAgo(%p) says unknown instead of NaN', value => {
    expect(timeAgo(value, new Date('2026-11-23T10:00:00Z'))).toBe('unknown');
  });

  it.each([
    ['garbage', '2026-11-23T10:00:00Z'],
    ['2026-11-23T10:00:00Z', 'garbage'],
  ])('durationBetween(%p, %p) is undefined', (from, to) => {
    expect(durationBetween(from, to)).toBeUndefined();
  });
});
