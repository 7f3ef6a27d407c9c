import { prng } from '../tests/prng';
import { HistoryIndex, IndexedIncident, IndexSelection } from './HistoryIndex';

const A = 'component:default/a';
const B = 'component:default/b';
const SHOP = 'system:default/shop';

const incident = (id: string, declared: number, more: Partial<IndexedIncident> = {}): IndexedIncident => ({
  id,
  declared,
  entityRefs: [A],
  systemRefs: [],
  version: 1,
  updatedAt: 0,
  ...more,
});

const all: IndexSelection = { entityRefs: [A, B], systemRefs: [SHOP], incidentType: 'database', since: 0, limit: 100 };

/**
 * What the database's union gives: every incident matching any part,
 * declared since `since`, newest first and then by id, at most `limit`.
 */
function expected(incidents: IndexedIncident[], selection: IndexSelection): string[] {
  return incidents
    .filter(
      i =>
        i.declared >= selection.since &&
        (i.entityRefs.some(r => selection.entityRefs.includes(r)) ||
          i.systemRefs.some(r => selection.systemRefs.includes(r)) ||
          (selection.incidentType !== undefined && i.type === selection.incidentType)),
    )
    .sort((a, b) => b.declared - a.declared || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, selection.limit)
    .map(i => i.id);
}

describe('HistoryIndex', () => {
  it.each([
    {
      what: 'newest first, ties by id as JavaScript compares strings (upper case before lower case)',
      incidents: [incident('b', 5), incident('B', 5), incident('a', 5), incident('z', 9), incident('_', 1)],
      selection: all,
      ids: ['z', 'B', 'a', 'b', '_'],
    },
    {
      what: 'an incident on several lists once',
      incidents: [incident('x', 3, { entityRefs: [A, B], systemRefs: [SHOP], type: 'database' }), incident('y', 2, { entityRefs: [B] })],
      selection: all,
      ids: ['x', 'y'],
    },
    {
      what: 'only the parts asked for',
      incidents: [
        incident('by-entity', 4),
        incident('by-system', 3, { entityRefs: ['component:default/other'], systemRefs: [SHOP] }),
        incident('by-type', 2, { entityRefs: ['component:default/other'], type: 'database' }),
        incident('unrelated', 1, { entityRefs: ['component:default/other'], type: 'network' }),
      ],
      selection: { entityRefs: [], systemRefs: [SHOP], incidentType: 'database', since: 0, limit: 10 },
      ids: ['by-system', 'by-type'],
    },
    {
      what: 'declared at or after `since`',
      incidents: [incident('new', 10), incident('edge', 7), incident('old', 6)],
      selection: { ...all, since: 7 },
      ids: ['new', 'edge'],
    },
    {
      what: 'at most `limit`, the most recent',
      incidents: [incident('1', 1), incident('2', 2), incident('3', 3), incident('4', 4)],
      selection: { ...all, limit: 2 },
      ids: ['4', '3'],
    },
    {
      what: 'nothing asked for, nothing given',
      incidents: [incident('1', 1)],
      selection: { entityRefs: [], systemRefs: [], since: 0, limit: 10 },
      ids: [],
    },
  ])('selects $what', ({ incidents, selection, ids }) => {
    expect(HistoryIndex.of(incidents).select(selection)).toEqual(ids);
    // Built one by one, in reverse, the same.
    const oneByOne = new HistoryIndex();
    [...incidents].reverse().forEach(i => oneByOne.put(i));
    expect(oneByOne.select(selection)).toEqual(ids);
  });

  it('moves a changed incident to its new lists and drops it from the old ones', () => {
    const index = HistoryIndex.of([incident('x', 5), incident('y', 4, { entityRefs: [B] })]);
    expect(index.select({ ...all, entityRefs: [A] })).toEqual(['x']);
    index.put(incident('x', 3, { entityRefs: [B], type: 'database', version: 2 }));
    expect(index.get('x')?.version).toBe(2);
    expect(index.select({ ...all, entityRefs: [A], incidentType: undefined, systemRefs: [] })).toEqual([]);
    expect(index.select({ ...all, entityRefs: [B], systemRefs: [] })).toEqual(['y', 'x']);
    index.remove('y');
    index.remove('no-such-incident');
    expect(index.select(all)).toEqual(['x']);
    expect(index.size).toBe(1);
  });

  it('agrees with a plain filter and sort after random puts, replacements and removals', () => {
    const next = prng(7);
    const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
    const entities = [A, B, 'component:default/c'];
    const systems = [SHOP, 'system:default/books'];
    const index = new HistoryIndex();
    const kept = new Map<string, IndexedIncident>();
    for (let step = 0; step < 600; step++) {
      const id = `${pick(['a', 'B', 'c', '_'])}-${Math.floor(next() * 80)}`;
      if (next() < 0.15) {
        index.remove(id);
        kept.delete(id);
      } else {
        const changed = incident(id, Math.floor(next() * 20), {
          entityRefs: [...new Set([pick(entities), pick(entities)])],
          systemRefs: next() < 0.7 ? [pick(systems)] : [],
          ...(next() < 0.8 ? { type: pick(['database', 'network']) } : {}),
        });
        index.put(changed);
        kept.set(id, changed);
      }
      if (step % 50 === 0) {
        const selection: IndexSelection = {
          entityRefs: entities.filter(() => next() < 0.5),
          systemRefs: systems.filter(() => next() < 0.5),
          ...(next() < 0.5 ? { incidentType: 'database' } : {}),
          since: Math.floor(next() * 10),
          limit: 1 + Math.floor(next() * 40),
        };
        expect(index.select(selection)).toEqual(expected([...kept.values()], selection));
        expect(HistoryIndex.of(kept.values()).select(selection)).toEqual(expected([...kept.values()], selection));
      }
    }
    expect(index.size).toBe(kept.size);
  });
});
