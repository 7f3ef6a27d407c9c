import { Knex } from 'knex';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { prng } from '../tests/prng';
import { createTestDatabases } from '../tests/testDatabases';
import type { HistoryFilter } from './SuggestionStore';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(180_000);

const ENTITIES = ['component:default/a', 'component:default/b', 'component:default/c'];
const SYSTEMS = ['system:default/one', 'system:default/two'];
const TYPES = ['database', 'network', 'DataBase'];
const DAY = 86_400_000;
const START = Date.parse('2026-11-01T00:00:00.000Z');

/**
 * The history index (`HistoryIndex`, on by default) against the database's
 * own selection (`indexHistory: false`): the same incidents, in the same
 * order, with the same first repeat links, before and after every kind of
 * change the incident store makes, on each database.
 */
describe('DatabaseSuggestionStore history index', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let incidents: DatabaseIncidentStore;
    let clock: number;
    let indexed: DatabaseSuggestionStore;
    let byDatabase: DatabaseSuggestionStore;
    const next = prng(23);
    const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
    const created: string[] = [];

    const tick = () => {
      clock += 1000;
      return new Date(clock).toISOString();
    };

    /** An incident declared `daysAgo` before the clock, written through the incident store now. */
    async function declare(daysAgo: number, more: { type?: string; entities?: string[] } = {}) {
      const at = tick();
      const declaredAt = new Date(clock - daysAgo * DAY + Math.floor(next() * 3) * 1000).toISOString();
      const entities = more.entities ?? [...new Set([pick(ENTITIES), pick(ENTITIES)])].slice(0, next() < 0.5 ? 1 : 2);
      const type = more.type ?? (next() < 0.85 ? pick(TYPES) : undefined);
      const { id } = await incidents.createIncident({
        title: `Incident ${created.length}`,
        summary: '',
        severity: 'SEV2',
        status: 'resolved',
        ...(type ? { incidentType: type } : {}),
        tags: [],
        externalCause: false,
        customerReported: false,
        source: 'majorops',
        entities: entities.map(entityRef => ({ entityRef, ...(next() < 0.8 ? { systemRef: pick(SYSTEMS) } : {}) })),
        roles: [{ role: 'incident-commander', userRef: pick(['user:default/bo', 'user:default/cy']), assignedBy: 'user:default/bo', assignedAt: declaredAt }],
        milestones: { declaredAt, resolvedAt: new Date(Date.parse(declaredAt) + 3600_000).toISOString() },
        createdBy: 'user:default/bo',
        createdAt: at,
      });
      created.push(id);
      return id;
    }

    const randomFilter = (since: number): HistoryFilter => ({
      entityRefs: ENTITIES.filter(() => next() < 0.4),
      systemRefs: SYSTEMS.filter(() => next() < 0.4),
      ...(next() < 0.6 ? { incidentType: pick(['database', 'network', 'DATABASE']) } : {}),
      since: new Date(since).toISOString(),
      limit: 1 + Math.floor(next() * 40),
    });

    /** Many random histories, each the same from both stores. */
    async function expectSameHistories(count = 25) {
      for (let n = 0; n < count; n++) {
        const filter = randomFilter(clock - Math.floor(next() * 60) * DAY);
        expect(await indexed.listHistory(filter)).toEqual(await byDatabase.listHistory(filter));
      }
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      clock = START;
      incidents = DatabaseIncidentStore.create(knex);
      for (let n = 0; n < 60; n++) await declare(Math.floor(next() * 90));
      indexed = DatabaseSuggestionStore.create(knex, { now: () => clock });
      byDatabase = DatabaseSuggestionStore.create(knex, { indexHistory: false, now: () => clock });
      // The first history sets the window the index holds: from 120 days (and a week) back, every incident so far.
      await indexed.listHistory({ entityRefs: [], systemRefs: [], since: new Date(START - 120 * DAY).toISOString(), limit: 1 });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('selects what the database selects', async () => {
      expect(indexed.indexedIncidents).toBe(created.length);
      await expectSameHistories(40);
    });

    it('answers a window older than the one it holds from the database', async () => {
      const filter: HistoryFilter = { entityRefs: ENTITIES, systemRefs: [], since: new Date(START - 200 * DAY).toISOString(), limit: 100 };
      const all = await indexed.listHistory(filter);
      expect(all).toHaveLength(created.length);
      expect(all).toEqual(await byDatabase.listHistory(filter));
    });

    it('sees new incidents, changed types and repeat links at once', async () => {
      for (let n = 0; n < 5; n++) await declare(Math.floor(next() * 30));
      await expectSameHistories();

      for (let n = 0; n < 5; n++) {
        const id = pick(created);
        const at = tick();
        await incidents.updateIncident(id, {}, { incidentType: pick([...TYPES, null]) }, [], at);
      }
      await expectSameHistories();

      const [later, earlier] = [pick(created), pick(created)];
      if (later !== earlier) {
        await knex('incident_repeats').insert({
          incident_id: later,
          earlier_incident_id: earlier,
          failure_mode: 'pool',
          linked_by: 'user:default/bo',
          linked_at: new Date(tick()),
        });
      }
      await expectSameHistories();
    });

    it('sees a new incident declared long ago (an import) when it is written now', async () => {
      const filter: HistoryFilter = { entityRefs: ['component:default/only-here'], systemRefs: [], since: new Date(clock - 60 * DAY).toISOString(), limit: 10 };
      expect(await indexed.listHistory(filter)).toEqual([]);
      const id = await declare(50, { entities: ['component:default/only-here'] });
      expect((await indexed.listHistory(filter)).map(i => i.id)).toEqual([id]);
    });

    it('is loaded, and renewed past half its maximum age, ahead of the requests', async () => {
      const ahead = DatabaseSuggestionStore.create(knex, { now: () => clock });
      await ahead.prepareHistory(new Date(clock - 120 * DAY).toISOString());
      expect(ahead.indexedIncidents).toBe(await knex('incidents').count({ n: '*' }).first().then(row => Number(row?.n)));
      const filter: HistoryFilter = { entityRefs: [], systemRefs: ['system:default/renewed'], since: new Date(clock - 60 * DAY).toISOString(), limit: 10 };
      const id = created[0];
      await knex('incident_entities').where({ incident_id: id }).update({ system_ref: 'system:default/renewed' });
      // Not yet half an hour old: kept as it is (the entity rows changed without a new version or change time).
      clock += 20 * 60 * 1000;
      await ahead.prepareHistory(new Date(clock - 120 * DAY).toISOString());
      expect(await ahead.listHistory(filter)).toEqual([]);
      clock += 20 * 60 * 1000;
      await ahead.prepareHistory(new Date(clock - 120 * DAY).toISOString());
      expect((await ahead.listHistory(filter)).map(i => i.id)).toEqual([id]);
      expect(await ahead.listHistory(filter)).toEqual(await byDatabase.listHistory(filter));
    });

    it('sees a write that bypasses the incident store once the index is older than the maximum age', async () => {
      // A fresh index to start from (the tests before moved the clock on).
      await indexed.prepareHistory(new Date(clock - 120 * DAY).toISOString());
      const filter: HistoryFilter = { entityRefs: [], systemRefs: ['system:default/moved'], since: new Date(clock - 60 * DAY).toISOString(), limit: 10 };
      expect(await indexed.listHistory(filter)).toEqual([]);
      const id = await declare(3, { entities: ['component:default/moving'] });
      expect(await indexed.listHistory(filter)).toEqual([]);
      clock += 10 * 60 * 1000;
      // What an owner snapshot does: the entity rows only, without a new version or change time.
      await knex('incident_entities').where({ incident_id: id }).update({ system_ref: 'system:default/moved' });
      clock += 10 * 60 * 1000;
      expect(await indexed.listHistory(filter)).toEqual([]);
      // Past the maximum age (an hour) the index is read again, behind the requests it keeps answering.
      clock += 3600_000;
      let seen: string[] = [];
      for (let attempt = 0; attempt < 50 && seen.length === 0; attempt++) {
        await new Promise(resolve => setTimeout(resolve, 20));
        seen = (await indexed.listHistory(filter)).map(i => i.id);
      }
      expect(seen).toEqual([id]);
      await expectSameHistories();
    });
  });
});
