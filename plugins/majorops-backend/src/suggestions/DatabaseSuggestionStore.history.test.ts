import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { prng as random } from '../tests/prng';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(180_000);

const ENTITIES = ['component:default/a', 'component:default/b', 'component:default/c'];
const SYSTEMS = ['system:default/one', 'system:default/two'];
const TYPES = ['database', 'network'];

/**
 * The history's ids and first repeat links as the database merged them before
 * (one query: grouped by id, ordered by the newest declaration and then the id
 * in the "C" collation, with a correlated look-up of the first repeat link).
 */
async function mergedByTheDatabase(knex: Knex, filter: { entityRefs: string[]; systemRefs: string[]; incidentType: string; since: string; limit: number }) {
  const since = new Date(filter.since);
  const recent = (query: Knex.QueryBuilder, idColumn: string, alias: string) =>
    knex.select('*').from(query.where('declared_at', '>=', since).orderBy('declared_at', 'desc').limit(filter.limit).select({ id: idColumn, declared_at: 'declared_at' }).as(alias));
  const parts = [
    ...filter.entityRefs.map((ref, i) => recent(knex('incident_entities').where('entity_ref', ref), 'incident_id', `e${i}`)),
    ...filter.systemRefs.map((ref, i) => recent(knex('incident_entities').where('system_ref', ref), 'incident_id', `s${i}`)),
    recent(knex('incidents').whereRaw('lower(incident_type) = ?', [filter.incidentType]), 'id', 't'),
  ];
  const [first, ...rest] = parts;
  const ids = knex.from(first.unionAll(rest).as('h')).groupBy('id').select('id').max({ declared_at: 'declared_at' }).orderByRaw('max(declared_at) desc, id collate "C"').limit(filter.limit);
  const rows = await knex
    .from(ids.as('t'))
    .select('t.id', knex.raw('(select min(r.linked_at) from incident_repeats r where r.earlier_incident_id = t.id) as repeat_at'))
    .orderByRaw('t.declared_at desc, t.id collate "C"');
  return rows.map((row: { id: string; repeat_at: Date | null }) => ({ id: row.id, repeatLinkedAt: row.repeat_at ? row.repeat_at.toISOString() : undefined }));
}

describe('DatabaseSuggestionStore history merged in process', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId().filter(id => String(id).startsWith('POSTGRES')))(
    'gives the ids, order and first repeat links the database gave, with ties down to the microsecond and ids in any case, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      const next = random(11);
      const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
      const base = Date.parse('2026-06-01T00:00:00.000Z');
      const ids: string[] = [];
      for (let n = 0; n < 120; n++) {
        // Few distinct instants, so that many incidents tie; some differ by microseconds only.
        const ms = base + Math.floor(next() * 12) * 86_400_000;
        const micros = next() < 0.3 ? Math.floor(next() * 3) : 0;
        const declared = `${new Date(ms).toISOString().slice(0, 23)}${micros}Z`;
        const id = `${pick(['a', 'B', 'c', 'Z', '0', '_'])}${pick(['x', 'Y', '-'])}-${n}`;
        ids.push(id);
        await knex.raw(
          `insert into incidents (id, title, summary, severity, status, incident_type, tags, declared_at, created_by, created_at, updated_at)
           values (?, ?, '', 'SEV2', 'investigating', ?, '[]', ?::timestamptz, 'user:default/a', ?::timestamptz, ?::timestamptz)`,
          [id, `Incident ${n}`, pick([...TYPES, 'DataBase']), declared, declared, declared],
        );
        const entities = [...new Set([pick(ENTITIES), pick(ENTITIES)])].slice(0, next() < 0.5 ? 1 : 2);
        for (const ref of entities) {
          await knex.raw(`insert into incident_entities (incident_id, entity_ref, system_ref, declared_at) values (?, ?, ?, ?::timestamptz)`, [
            id,
            ref,
            pick(SYSTEMS),
            declared,
          ]);
        }
      }
      for (let n = 0; n < 15; n++) {
        const earlier = pick(ids);
        const later = pick(ids);
        if (earlier === later) continue;
        await knex('incident_repeats')
          .insert({
            incident_id: later,
            earlier_incident_id: earlier,
            failure_mode: 'pool',
            linked_by: 'user:default/a',
            linked_at: new Date(base + Math.floor(next() * 40) * 86_400_000),
          })
          .onConflict(['incident_id', 'earlier_incident_id'])
          .ignore();
      }
      const store = DatabaseSuggestionStore.create(knex, { historyCache: { maxIncidents: 0, maxAgeSeconds: 0 } });
      for (const filter of [
        { entityRefs: [ENTITIES[0]], systemRefs: [SYSTEMS[0]], incidentType: 'database', since: '2026-06-03T00:00:00.000Z', limit: 25 },
        { entityRefs: ENTITIES, systemRefs: SYSTEMS, incidentType: 'network', since: '2026-01-01T00:00:00.000Z', limit: 200 },
        { entityRefs: [ENTITIES[2]], systemRefs: [], incidentType: 'database', since: '2026-06-05T00:00:00.000Z', limit: 7 },
      ]) {
        const expected = await mergedByTheDatabase(knex, filter);
        expect(expected.length).toBeGreaterThan(5);
        const history = await store.listHistory(filter);
        expect(history.map(i => ({ id: i.id, repeatLinkedAt: i.repeatLinkedAt }))).toEqual(expected);
      }
    },
  );
});
