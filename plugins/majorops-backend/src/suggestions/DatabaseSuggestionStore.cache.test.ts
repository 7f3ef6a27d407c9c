import { Knex } from 'knex';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseIncidentStore, MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(180_000);

const CHECKOUT = 'component:default/checkout';
const SHOP = 'system:default/shop';
const BOOKS = 'system:default/books';
const SINCE = '2026-01-01T00:00:00.000Z';

/** An incident as the incident store writes it; `changedAt` is its `updated_at` (the declaration by default). */
async function insert(knex: Knex, id: string, declared: string, commander: string, changedAt: string = declared) {
  const at = new Date(declared);
  await knex('incidents').insert({
    id,
    title: `Incident ${id}`,
    summary: '',
    severity: 'SEV2',
    status: 'resolved',
    incident_type: 'database',
    tags: '[]',
    declared_at: at,
    resolved_at: new Date(at.getTime() + 3600_000),
    created_by: commander,
    created_at: new Date(changedAt),
    updated_at: new Date(changedAt),
  });
  await knex('incident_entities').insert({ incident_id: id, entity_ref: CHECKOUT, system_ref: SHOP, owner_ref: 'group:default/team', declared_at: at });
  await knex('incident_roles').insert({ incident_id: id, role: 'incident-commander', user_ref: commander, assigned_by: commander, assigned_at: at });
}

describe('DatabaseSuggestionStore history kept in process', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let incidents: DatabaseIncidentStore;
    let clock: number;
    let store: DatabaseSuggestionStore;
    /** The same store without a cache: what every read must equal when no change is hidden. */
    let uncached: DatabaseSuggestionStore;

    /** The test's clock, advanced by a second: when a change is made. */
    const tick = () => {
      clock += 1000;
      return new Date(clock).toISOString();
    };
    const history = (from: DatabaseSuggestionStore = store) =>
      from.listHistory({ entityRefs: [CHECKOUT], systemRefs: [], incidentType: 'database', since: SINCE, limit: 10 });

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      incidents = DatabaseIncidentStore.create(knex);
      await insert(knex, 'inc-1', '2026-10-01T10:00:00.000Z', 'user:default/bo');
      await insert(knex, 'inc-2', '2026-10-02T10:00:00.000Z', 'user:default/cy');
      clock = Date.parse('2026-11-01T00:00:00.000Z');
      store = DatabaseSuggestionStore.create(knex, { historyCache: { maxIncidents: 100, maxAgeSeconds: 3600 }, now: () => clock });
      uncached = DatabaseSuggestionStore.create(knex, { historyCache: { maxIncidents: 0, maxAgeSeconds: 60 } });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    it('reuses the records it read while their version is the same', async () => {
      const first = await history();
      expect(first.map(i => i.id)).toEqual(['inc-2', 'inc-1']);
      expect(store.cachedIncidents).toBe(2);
      const second = await history();
      // The very same objects: nothing was read again.
      expect(second[0]).toBe(first[0]);
      expect(second[1]).toBe(first[1]);
      expect(second).toEqual(await history(uncached));
      expect(uncached.cachedIncidents).toBe(0);
    });

    it('reads an incident again once the incident store changed it (role, reopening), from any instance', async () => {
      const before = await history();
      // Read well before the change: the kept record cannot be from the middle of it.
      clock += 10 * 60 * 1000;
      const roleAt = tick();
      await incidents.assignRole(
        'inc-1',
        {},
        { role: 'operations-chief', userRef: 'user:default/dee', actorRef: 'user:default/bo', at: roleAt },
        { type: 'role-assigned', occurredAt: roleAt, actorRef: 'user:default/bo', body: { text: 'dee runs operations' } },
      );
      const afterRole = await history();
      expect(afterRole[0]).toBe(before[0]);
      expect(afterRole[1].roles.map(r => r.userRef)).toEqual(['user:default/bo', 'user:default/dee']);

      const reopenAt = tick();
      await incidents.updateIncident(
        'inc-2',
        {},
        { status: 'investigating', title: 'Back again' },
        [{ type: 'status-change', occurredAt: reopenAt, actorRef: 'user:default/cy', body: { text: 'Reopened', from: 'resolved', to: 'investigating' } }],
        reopenAt,
      );
      const afterReopen = await history();
      expect(afterReopen[0]).toMatchObject({ id: 'inc-2', title: 'Back again', reopenedAt: reopenAt });
      expect(afterReopen).toEqual(await history(uncached));
    });

    it('sees a repeat link, which changes no version, at once, and its removal too', async () => {
      await history();
      await knex('incident_repeats').insert({
        incident_id: 'inc-2',
        earlier_incident_id: 'inc-1',
        failure_mode: 'connection-pool',
        linked_by: 'user:default/cy',
        linked_at: new Date('2026-10-02T11:00:00.000Z'),
      });
      const linked = await history();
      expect(linked[1]).toMatchObject({ id: 'inc-1', repeatLinkedAt: '2026-10-02T11:00:00.000Z' });
      expect(linked).toEqual(await history(uncached));
      await knex('incident_repeats').where({ earlier_incident_id: 'inc-1' }).delete();
      const unlinked = await history();
      expect(unlinked[1].repeatLinkedAt).toBeUndefined();
      expect(unlinked).toEqual(await history(uncached));
    });

    it('sees a new incident at once, and a change made without a version within the maximum age', async () => {
      await history();
      // Written now (the incident store records the moment of the write as its last change), declared earlier.
      await insert(knex, 'inc-3', '2026-10-04T10:00:00.000Z', 'user:default/eve', tick());
      expect((await history()).map(i => i.id)).toEqual(['inc-3', 'inc-2', 'inc-1']);
      expect(await history()).toEqual(await history(uncached));

      // An owner snapshot filled in later writes the entity rows only: the bounded staleness of the cache.
      clock += 10 * 60 * 1000;
      await history();
      await knex('incident_entities').where({ incident_id: 'inc-1' }).update({ system_ref: BOOKS });
      clock += 3_000_000;
      expect((await history())[2].entities[0].systemRef).toBe(SHOP);
      clock += 1_000_000;
      expect((await history())[2].entities[0].systemRef).toBe(BOOKS);
      expect(await history()).toEqual(await history(uncached));
    });

    it('looks for changed incidents through the index the migration adds and removes', async () => {
      const migration = '202611240300_suggestion_history_cache.js';
      const indexes = async () =>
        String(knex.client.config.client).includes('sqlite')
          ? knex('sqlite_master').where({ type: 'index', tbl_name: 'incidents' }).pluck('name')
          : knex('pg_indexes').where({ tablename: 'incidents' }).pluck('indexname');
      expect(await indexes()).toEqual(expect.arrayContaining(['incidents_updated_idx', 'incidents_type_declared_idx']));
      await knex.migrate.down({ directory: MIGRATIONS_DIRECTORY, name: migration });
      expect(await indexes()).not.toContain('incidents_updated_idx');
      expect(await indexes()).toContain('incidents_type_declared_idx');
      // Without the index the reads are the same, only slower.
      const expected = await history(uncached);
      expect(expected.map(i => i.id)).toEqual(['inc-3', 'inc-2', 'inc-1']);
      await knex.migrate.up({ directory: MIGRATIONS_DIRECTORY, name: migration });
      expect(await indexes()).toEqual(expect.arrayContaining(['incidents_updated_idx', 'incidents_type_declared_idx']));
      expect(await history()).toEqual(expected);
    });

    it('gives the target and the open incidents from the kept records while unchanged, and reads a changed one again at once', async () => {
      await insert(knex, 'open-1', '2026-10-20T10:00:00.000Z', 'user:default/eve');
      await knex('incidents').where({ id: 'open-1' }).update({ status: 'investigating', resolved_at: null });
      const open = await store.listOpenIncidents(10);
      expect(open.map(i => i.id)).toEqual(['open-1']);
      expect(open).toEqual(await uncached.listOpenIncidents(10));
      const again = await store.listOpenIncidents(10);
      // The very same object: nothing was read again.
      expect(again[0]).toBe(open[0]);
      expect(await store.getIncident('open-1')).toEqual(await uncached.getIncident('open-1'));
      expect(await store.getIncident('no-such-incident')).toBeUndefined();

      clock += 10 * 60 * 1000;
      const roleAt = tick();
      await incidents.assignRole(
        'open-1',
        {},
        { role: 'operations-chief', userRef: 'user:default/dee', actorRef: 'user:default/eve', at: roleAt },
        { type: 'role-assigned', occurredAt: roleAt, actorRef: 'user:default/eve', body: { text: 'dee runs operations' } },
      );
      // The target first this time: its change is seen by itself, not only through the open incidents.
      const target = await store.getIncident('open-1');
      expect(target?.roles.map(r => r.userRef)).toEqual(['user:default/eve', 'user:default/dee']);
      expect(target).toEqual(await uncached.getIncident('open-1'));
      const changed = await store.listOpenIncidents(10);
      expect(changed[0]).not.toBe(open[0]);
      expect(changed).toEqual(await uncached.listOpenIncidents(10));

      // A repeat link changes no version: read with the version, at once.
      await knex('incident_repeats').insert({
        incident_id: 'inc-2',
        earlier_incident_id: 'open-1',
        failure_mode: 'connection-pool',
        linked_by: 'user:default/cy',
        linked_at: new Date('2026-10-20T11:00:00.000Z'),
      });
      expect(await store.getIncident('open-1')).toMatchObject({ repeatLinkedAt: '2026-10-20T11:00:00.000Z' });
      expect(await store.listOpenIncidents(10)).toEqual(await uncached.listOpenIncidents(10));
      await knex('incident_repeats').where({ earlier_incident_id: 'open-1' }).delete();
      expect((await store.getIncident('open-1'))?.repeatLinkedAt).toBeUndefined();
      // Gone, for the tests after this one.
      for (const table of ['incident_roles', 'incident_entities', 'timeline_events']) await knex(table).where({ incident_id: 'open-1' }).delete();
      await knex('incidents').where({ id: 'open-1' }).delete();
    });

    it('keeps at most the configured number of incidents and still returns the whole history', async () => {
      const small = DatabaseSuggestionStore.create(knex, { historyCache: { maxIncidents: 1, maxAgeSeconds: 60 } });
      const expected = await history(uncached);
      expect(await history(small)).toEqual(expected);
      expect(await history(small)).toEqual(expected);
      expect(small.cachedIncidents).toBe(1);
    });
  });
});
