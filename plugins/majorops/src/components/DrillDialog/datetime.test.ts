import { fromDatetimeLocal, toDatetimeLocal } from './datetime';

describe('fromDatetimeLocal', () => {
  it.each<[string, Date | undefined]>([
    ['2026-03-01T10:30', new Date(2026, 2, 1, 10, 30)],
    ['2026-03-01T10:30:15', new Date(2026, 2, 1, 10, 30, 15)],
    ['2026-03-01T10:30:15.5', new Date(2026, 2, 1, 10, 30, 15, 500)],
    ['2026-12-31T23:59', new Date(2026, 11, 31, 23, 59)],
    ['', undefined],
    ['2026-03-01', undefined],
    ['2026-02-31T10:00', undefined],
    ['2026-13-01T10:00', undefined],
    ['2026-03-01T24:00', undefined],
    ['2026-03-01T10:60', undefined],
    ['yesterday', undefined],
  ])('%j', (value, expected) => {
    expect(fromDatetimeLocal(value)).toBe(expected?.toISOString());
  });

  it('returns a UTC ISO timestamp', () => {
    expect(fromDatetimeLocal('2026-03-01T10:30')).toMatch(/^2026-03-0[12]T\d{2}:\d{2}:00\.000Z$/);
  });
});

describe('toDatetimeLocal', () => {
  it('formats local time to the minute and reads back', () => {
    const date = new Date(2026, 0, 5, 7, 3, 59);
    expect(toDatetimeLocal(date)).toBe('2026-01-05T07:03');
    expect(fromDatetimeLocal(toDatetimeLocal(date))).toBe(new Date(2026, 0, 5, 7, 3).toISOString());
  });
});
