import { createTestDatabases } from '../tests/testDatabases';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(180_000);

const MIGRATION = '202611240200_suggestion_indexes.js';
const TYPE_INDEX = 'incidents_type_declared_idx';
const SYSTEM_INDEX = 'incident_entities_system_idx';
const OPEN_INDEX = 'incidents_open_idx';

const CHECKOUT = 'component:default/checkout';
const PAYMENTS = 'component:default/payments';
const LEDGER = 'component:default/ledger';
const SHOP = 'system:default/shop';
const BOOKS = 'system:default/books';

const ODD_ID = 'g-"a\\b,c{d} e';

const isSqlite = (knex: Knex) => String(knex.client.config.client).includes('sqlite');

async function indexesOf(knex: Knex, table: string): Promise<string[]> {
  if (isSqlite(knex)) return knex('sqlite_master').where({ type: 'index', tbl_name: table }).pluck('name');
  return knex('pg_indexes').where({ tablename: table }).pluck('indexname');
}

/** The query plan of `query`, as text, with sequential scans discouraged on PostgreSQL (the tables are tiny). */
async function planOf(knex: Knex, query: Knex.QueryBuilder): Promise<string> {
  const { sql, bindings } = query.toSQL();
  if (isSqlite(knex)) {
    const rows = await knex.raw(`EXPLAIN QUERY PLAN ${sql}`, bindings as any[]);
    return rows.map((r: { detail: string }) => r.detail).join('\n');
  }
  return knex.transaction(async tx => {
    await tx.raw('SET LOCAL enable_seqscan = off');
    const result = await tx.raw(`EXPLAIN ${sql}`, bindings as any[]);
    return result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  });
}

interface Seed {
  id: string;
  declared: string;
  type?: string;
  resolved?: string;
  entities: Array<{ ref: string; system?: string }>;
  roles?: Array<{ role: string; user: string; at?: string; released?: string }>;
}

async function insert(knex: Knex, seed: Seed) {
  const declared = new Date(seed.declared);
  await knex('incidents').insert({
    id: seed.id,
    title: `Incident ${seed.id}`,
    summary: '',
    severity: 'SEV2',
    status: seed.resolved ? 'resolved' : 'investigating',
    incident_type: seed.type ?? null,
    tags: '["db"]',
    declared_at: declared,
    resolved_at: seed.resolved ? new Date(seed.resolved) : null,
    created_by: 'user:default/a',
    created_at: declared,
    updated_at: declared,
  });
  await knex('incident_entities').insert(
    seed.entities.map(e => ({ incident_id: seed.id, entity_ref: e.ref, system_ref: e.system ?? null, owner_ref: 'group:default/team', declared_at: declared })),
  );
  for (const r of seed.roles ?? []) {
    await knex('incident_roles').insert({
      incident_id: seed.id,
      role: r.role,
      user_ref: r.user,
      assigned_by: r.user,
      assigned_at: new Date(r.at ?? seed.declared),
      released_at: r.released ? new Date(r.released) : null,
    });
  }
}

describe('DatabaseSuggestionStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: DatabaseSuggestionStore;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      store = DatabaseSuggestionStore.create(knex);
      const seeds: Seed[] = [
        // On checkout, in the window, with roles, a reopen and a repeat link.
        {
          id: 'a-entity',
          declared: '2026-10-01T10:00:00.000Z',
          resolved: '2026-10-01T12:00:00.000Z',
          type: 'network',
          entities: [{ ref: CHECKOUT, system: SHOP }, { ref: LEDGER, system: BOOKS }],
          roles: [
            { role: 'incident-commander', user: 'user:default/bo', released: '2026-10-01T11:00:00.000Z' },
            { role: 'incident-commander', user: 'user:default/cy', at: '2026-10-01T11:00:00.000Z' },
            { role: 'operations-chief', user: 'user:default/dee', at: '2026-10-01T10:05:00.000Z' },
          ],
        },
        // Same system, another entity.
        { id: 'b-system', declared: '2026-10-05T10:00:00.000Z', resolved: '2026-10-05T11:00:00.000Z', entities: [{ ref: PAYMENTS, system: SHOP }] },
        // Same type, written in another case, another system.
        { id: 'c-type', declared: '2026-10-06T10:00:00.000Z', type: 'DataBase', entities: [{ ref: LEDGER, system: BOOKS }] },
        // Nothing in common.
        { id: 'd-unrelated', declared: '2026-10-07T10:00:00.000Z', type: 'network', entities: [{ ref: LEDGER, system: BOOKS }] },
        // Too old.
        { id: 'e-old', declared: '2025-01-01T10:00:00.000Z', type: 'database', entities: [{ ref: CHECKOUT, system: SHOP }] },
        // Two at the same moment: ids break the tie, byte by byte ('Z' before 'a').
        { id: 'f-tie-a', declared: '2026-10-08T10:00:00.000Z', type: 'database', entities: [{ ref: CHECKOUT, system: SHOP }] },
        { id: 'F-tie-Z', declared: '2026-10-08T10:00:00.000Z', type: 'database', entities: [{ ref: PAYMENTS, system: SHOP }] },
        // An id with the characters an array literal quotes.
        { id: ODD_ID, declared: '2026-09-01T10:00:00.123Z', resolved: '2026-09-01T10:30:00.999Z', entities: [{ ref: 'component:default/odd' }], roles: [{ role: 'scribe', user: 'user:default/eve' }] },
      ];
      for (const seed of seeds) await insert(knex, seed);
      await knex('timeline_events').insert([
        { incident_id: 'a-entity', type: 'status-change', occurred_at: new Date('2026-10-02T09:00:00.000Z'), actor_ref: 'user:default/bo', body: '{"from":"resolved","to":"investigating"}' },
        { incident_id: 'a-entity', type: 'status-change', occurred_at: new Date('2026-10-01T12:00:00.000Z'), actor_ref: 'user:default/bo', body: '{"from":"investigating","to":"resolved"}' },
      ]);
      await knex('incident_repeats').insert({
        incident_id: 'b-system',
        earlier_incident_id: 'a-entity',
        failure_mode: 'connection-pool',
        linked_by: 'user:default/bo',
        linked_at: new Date('2026-10-05T10:30:00.000Z'),
      });
    });

    afterAll(async () => {
      await knex.destroy();
    });

    const history = (filter: Partial<Parameters<DatabaseSuggestionStore['listHistory']>[0]>) =>
      store.listHistory({ entityRefs: [], systemRefs: [], since: '2026-01-01T00:00:00.000Z', limit: 100, ...filter });

    it('reads history by entity, system and type (any case), once each, most recent first and then by id', async () => {
      const found = await history({ entityRefs: [CHECKOUT], systemRefs: [SHOP], incidentType: 'database' });
      expect(found.map(i => i.id)).toEqual(['F-tie-Z', 'f-tie-a', 'c-type', 'b-system', 'a-entity']);
      expect((await history({ entityRefs: [CHECKOUT] })).map(i => i.id)).toEqual(['f-tie-a', 'a-entity']);
      expect((await history({ systemRefs: [SHOP] })).map(i => i.id)).toEqual(['F-tie-Z', 'f-tie-a', 'b-system', 'a-entity']);
      expect((await history({ incidentType: 'DATABASE' })).map(i => i.id)).toEqual(['F-tie-Z', 'f-tie-a', 'c-type']);
      expect(await history({})).toEqual([]);
    });

    it('cuts at the limit across entity, system and type, and at the start of the window', async () => {
      const found = await history({ entityRefs: [CHECKOUT, PAYMENTS], systemRefs: [SHOP], incidentType: 'database', limit: 3 });
      expect(found.map(i => i.id)).toEqual(['F-tie-Z', 'f-tie-a', 'c-type']);
      const withOld = await history({ entityRefs: [CHECKOUT], since: '2024-01-01T00:00:00.000Z' });
      expect(withOld.map(i => i.id)).toEqual(['f-tie-a', 'a-entity', 'e-old']);
    });

    it('loads each incident whole: entities, roles in order, resolution, first reopen and first repeat link', async () => {
      const [incident] = await history({ entityRefs: [CHECKOUT], limit: 2 }).then(found => found.filter(i => i.id === 'a-entity'));
      expect(incident).toMatchObject({
        id: 'a-entity',
        title: 'Incident a-entity',
        severity: 'SEV2',
        incidentType: 'network',
        declaredAt: '2026-10-01T10:00:00.000Z',
        resolvedAt: '2026-10-01T12:00:00.000Z',
        reopenedAt: '2026-10-02T09:00:00.000Z',
        repeatLinkedAt: '2026-10-05T10:30:00.000Z',
        entities: [
          { entityRef: CHECKOUT, ownerRef: 'group:default/team', systemRef: SHOP },
          { entityRef: LEDGER, ownerRef: 'group:default/team', systemRef: BOOKS },
        ],
        roles: [
          { role: 'incident-commander', userRef: 'user:default/bo', assignedAt: '2026-10-01T10:00:00.000Z', releasedAt: '2026-10-01T11:00:00.000Z' },
          { role: 'operations-chief', userRef: 'user:default/dee', assignedAt: '2026-10-01T10:05:00.000Z' },
          { role: 'incident-commander', userRef: 'user:default/cy', assignedAt: '2026-10-01T11:00:00.000Z' },
        ],
      });
      const open = await store.listOpenIncidents(10);
      // Open: not resolved, whatever their age.
      expect(open.map(i => i.id).sort()).toEqual(['F-tie-Z', 'c-type', 'd-unrelated', 'e-old', 'f-tie-a']);
      expect(await store.getIncident('c-type')).toMatchObject({ id: 'c-type', incidentType: 'DataBase', tags: ['db'], roles: [] });
      expect(await store.getIncident('nope')).toBeUndefined();
      expect(await store.getIncident(ODD_ID)).toMatchObject({
        id: ODD_ID,
        declaredAt: '2026-09-01T10:00:00.123Z',
        resolvedAt: '2026-09-01T10:30:00.999Z',
        entities: [{ entityRef: 'component:default/odd' }],
        roles: [{ role: 'scribe', userRef: 'user:default/eve', assignedAt: '2026-09-01T10:00:00.123Z' }],
      });
    });

    it('reads the type, the system and the open incidents through their indexes, which the migration adds and removes', async () => {
      expect(await indexesOf(knex, 'incidents')).toEqual(expect.arrayContaining([TYPE_INDEX, OPEN_INDEX]));
      expect(await indexesOf(knex, 'incident_entities')).toContain(SYSTEM_INDEX);
      const byType = knex('incidents')
        .whereRaw('lower(incident_type) = ?', ['database'])
        .where('declared_at', '>=', new Date('2026-01-01T00:00:00.000Z'))
        .orderBy('declared_at', 'desc')
        .limit(10)
        .select('id');
      expect(await planOf(knex, byType)).toContain(TYPE_INDEX);
      const bySystem = knex('incident_entities')
        .where('system_ref', SHOP)
        .where('declared_at', '>=', new Date('2026-01-01T00:00:00.000Z'))
        .orderBy('declared_at', 'desc')
        .limit(10)
        .select('incident_id');
      expect(await planOf(knex, bySystem)).toContain(SYSTEM_INDEX);
      const open = knex('incidents').whereNull('resolved_at').orderBy([{ column: 'declared_at', order: 'desc' }, 'id']).limit(10).select('id');
      expect(await planOf(knex, open)).toContain(OPEN_INDEX);

      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.down({ ...config, name: MIGRATION });
      expect(await indexesOf(knex, 'incidents')).not.toContain(TYPE_INDEX);
      expect(await indexesOf(knex, 'incidents')).not.toContain(OPEN_INDEX);
      expect(await indexesOf(knex, 'incident_entities')).not.toContain(SYSTEM_INDEX);
      // The reads do not depend on the indexes, only their cost does.
      expect((await history({ systemRefs: [SHOP], incidentType: 'database' })).map(i => i.id)).toEqual([
        'F-tie-Z',
        'f-tie-a',
        'c-type',
        'b-system',
        'a-entity',
      ]);
      await knex.migrate.up({ ...config, name: MIGRATION });
      expect(await indexesOf(knex, 'incidents')).toEqual(expect.arrayContaining([TYPE_INDEX, OPEN_INDEX]));
      expect(await indexesOf(knex, 'incident_entities')).toContain(SYSTEM_INDEX);
    });
  });
});
