import { mockCredentials } from '@backstage/backend-test-utils';
import { CallerCache, callerOf } from './CallerCache';

describe('CallerCache', () => {
  function setup(maxAgeMs: number, maxEntries = 1000) {
    let now = 1_000_000;
    const cache = new CallerCache<string[]>(maxAgeMs, maxEntries, () => now);
    const calls: string[] = [];
    const load = (answer: string) => () => {
      calls.push(answer);
      return Promise.resolve([answer]);
    };
    return { cache, calls, load, advance: (ms: number) => (now += ms) };
  }
  const alice = mockCredentials.user('user:default/alice');
  const bob = mockCredentials.user('user:default/bob');

  it.each([
    ['within the age: the first answer', 30_000, 30_000, ['first']],
    ['past the age: asked again', 30_000, 30_001, ['first', 'second']],
    ['age 0: always asked', 0, 0, ['first', 'second']],
  ])('%s', async (_, maxAgeMs, after, expectedCalls) => {
    const { cache, calls, load, advance } = setup(maxAgeMs);
    await cache.get(alice, 'parts\nsystem:default/shop', load('first'));
    advance(after);
    const answer = await cache.get(alice, 'parts\nsystem:default/shop', load('second'));
    expect(calls).toEqual(expectedCalls);
    expect(answer).toEqual([expectedCalls[expectedCalls.length - 1]]);
  });

  it('keeps each caller and each key apart', async () => {
    const { cache, calls, load } = setup(30_000);
    await cache.get(alice, 'a', load('alice a'));
    await cache.get(bob, 'a', load('bob a'));
    await cache.get(alice, 'b', load('alice b'));
    expect(await cache.get(alice, 'a', load('again'))).toEqual(['alice a']);
    expect(await cache.get(bob, 'a', load('again'))).toEqual(['bob a']);
    expect(calls).toEqual(['alice a', 'bob a', 'alice b']);
    expect(callerOf(alice)).not.toBe(callerOf(bob));
    expect(callerOf(mockCredentials.service('plugin:catalog'))).toBe('service:plugin:catalog');
  });

  it('lets requests that arrive during a lookup share it, and does not keep a failed one', async () => {
    const { cache } = setup(30_000);
    let calls = 0;
    let fail: (e: Error) => void = () => {};
    const failing = () => {
      calls++;
      return new Promise<string[]>((_, reject) => (fail = reject));
    };
    const first = cache.get(alice, 'k', failing);
    const second = cache.get(alice, 'k', failing);
    fail(new Error('catalog down'));
    await expect(first).rejects.toThrow('catalog down');
    await expect(second).rejects.toThrow('catalog down');
    expect(calls).toBe(1);
    expect(await cache.get(alice, 'k', () => Promise.resolve(['back']))).toEqual(['back']);
  });

  it('holds at most maxEntries, dropping the oldest', async () => {
    const { cache, calls, load } = setup(30_000, 2);
    await cache.get(alice, 'a', load('a'));
    await cache.get(alice, 'b', load('b'));
    await cache.get(alice, 'c', load('c'));
    await cache.get(alice, 'c', load('c again'));
    await cache.get(alice, 'b', load('b again'));
    await cache.get(alice, 'a', load('a again'));
    expect(calls).toEqual(['a', 'b', 'c', 'a again']);
  });
});
