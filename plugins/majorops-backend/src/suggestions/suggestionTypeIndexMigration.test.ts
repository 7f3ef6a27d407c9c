import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { createTestDatabases } from '../tests/testDatabases';
import { DatabaseSuggestionStore } from './DatabaseSuggestionStore';

jest.setTimeout(180_000);

const MIGRATION = '202611250200_suggestion_type_covering_index.js';
const TYPE_INDEX = 'incidents_type_declared_idx';

const isSqlite = (knex: Knex) => String(knex.client.config.client).includes('sqlite');

/** The definition of the type index (PostgreSQL), or only whether it exists (SQLite). */
async function typeIndexOf(knex: Knex): Promise<string | undefined> {
  if (isSqlite(knex)) {
    const row = await knex('sqlite_master').where({ type: 'index', name: TYPE_INDEX }).first('sql');
    return row?.sql;
  }
  const row = await knex('pg_indexes').where({ tablename: 'incidents', indexname: TYPE_INDEX }).first('indexdef');
  return row?.indexdef;
}

/** The plan of the history's read by type, with sequential scans discouraged (the table is tiny). */
async function planByType(knex: Knex): Promise<string> {
  const { sql, bindings } = knex('incidents')
    .whereRaw('lower(incident_type) = ?', ['database'])
    .where('declared_at', '>=', new Date('2026-01-01T00:00:00.000Z'))
    .orderBy('declared_at', 'desc')
    .limit(10)
    .select({ id: 'id', declared_at: 'declared_at' })
    .toSQL();
  return knex.transaction(async tx => {
    await tx.raw('SET LOCAL enable_seqscan = off');
    const result = await tx.raw(`EXPLAIN ${sql}`, bindings as any[]);
    return result.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  });
}

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'makes the read of recent incidents by type index-only on PostgreSQL, changes nothing on SQLite, and goes down and up on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const declared = (day: number) => new Date(Date.UTC(2026, 9, day, 10));
      for (let day = 1; day <= 6; day++) {
        await knex('incidents').insert({
          id: `i-${day}`,
          title: `Incident ${day}`,
          summary: '',
          severity: 'SEV2',
          status: 'resolved',
          incident_type: day % 2 ? 'Database' : 'network',
          tags: '[]',
          declared_at: declared(day),
          resolved_at: declared(day),
          created_by: 'user:default/a',
          created_at: declared(day),
          updated_at: declared(day),
        });
        await knex('incident_entities').insert({ incident_id: `i-${day}`, entity_ref: 'component:default/x', declared_at: declared(day) });
      }
      const uncached = DatabaseSuggestionStore.create(knex, { historyCache: { maxIncidents: 0, maxAgeSeconds: 0 } });
      const history = async () =>
        (await uncached.listHistory({ entityRefs: [], systemRefs: [], incidentType: 'database', since: '2026-01-01T00:00:00.000Z', limit: 10 })).map(
          i => i.id,
        );
      expect(await history()).toEqual(['i-5', 'i-3', 'i-1']);

      if (isSqlite(knex)) {
        const before = await typeIndexOf(knex);
        expect(before).toContain('lower(incident_type)');
        await knex.migrate.down({ ...config, name: MIGRATION });
        expect(await typeIndexOf(knex)).toBe(before);
        await knex.migrate.up({ ...config, name: MIGRATION });
        expect(await typeIndexOf(knex)).toBe(before);
        expect(await history()).toEqual(['i-5', 'i-3', 'i-1']);
        return;
      }

      // A vacuumed table, so that the planner knows the pages are all visible (as autovacuum keeps them).
      await knex.raw('VACUUM ANALYZE incidents');
      expect(await typeIndexOf(knex)).toMatch(/\(lower\(\(incident_type\)::text\), declared_at, id\) INCLUDE \(incident_type\)$/);
      expect(await planByType(knex)).toMatch(new RegExp(`Index Only Scan Backward using ${TYPE_INDEX}`));

      await knex.migrate.down({ ...config, name: MIGRATION });
      const down = await typeIndexOf(knex);
      expect(down).toMatch(/\(lower\(\(incident_type\)::text\), declared_at, id\)$/);
      expect(down).not.toContain('INCLUDE');
      await knex.raw('VACUUM ANALYZE incidents');
      // Without the included column no index-only scan is possible; the reads are the same, only slower.
      expect(await planByType(knex)).not.toContain('Index Only Scan');
      expect(await history()).toEqual(['i-5', 'i-3', 'i-1']);

      await knex.migrate.up({ ...config, name: MIGRATION });
      expect(await typeIndexOf(knex)).toContain('INCLUDE (incident_type)');
      expect(await history()).toEqual(['i-5', 'i-3', 'i-1']);
    },
  );
});
