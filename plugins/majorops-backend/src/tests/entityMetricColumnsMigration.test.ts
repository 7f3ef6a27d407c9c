import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { createTestDatabases } from './testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const MIGRATION = '202611231300_entity_metric_columns.js';
const COPIED_COLUMNS = [
  'severity',
  'external_cause',
  'impact_started_at',
  'detected_at',
  'acknowledged_at',
  'mitigated_at',
  'resolved_at',
];

async function indexesOf(knex: Knex, table: string): Promise<string[]> {
  if (String(knex.client.config.client).includes('sqlite')) {
    return knex('sqlite_master').where({ type: 'index', tbl_name: table }).pluck('name');
  }
  return knex('pg_indexes').where({ tablename: table }).pluck('indexname');
}

/** Milliseconds of a timestamp as the driver returns it (Date on PostgreSQL, a number on SQLite). */
const millis = (value: unknown) => (value === null ? null : new Date(value as Date | number).getTime());

describe('migration 202611231300_entity_metric_columns', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'fills the copies of existing incidents, and goes down and up again without touching them, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      // Up to the migration before this one, with an incident on two entities.
      const names: string[] = (await knex.migrate.list(config))[1].map((m: { file: string }) => m.file);
      for (const name of names.slice(0, names.indexOf(MIGRATION))) {
        await knex.migrate.up({ ...config, name });
      }
      const declared = new Date('2026-11-01T10:00:00.000Z');
      const resolved = new Date('2026-11-01T11:30:00.500Z');
      await knex('incidents').insert({
        id: 'i-1',
        title: 't',
        severity: 'SEV2',
        status: 'resolved',
        external_cause: true,
        declared_at: declared,
        detected_at: declared,
        resolved_at: resolved,
        created_by: 'user:default/a',
        created_at: declared,
        updated_at: declared,
      });
      await knex('incident_entities').insert([
        { incident_id: 'i-1', entity_ref: 'component:default/x', declared_at: declared },
        { incident_id: 'i-1', entity_ref: 'component:default/y', declared_at: declared },
      ]);

      await knex.migrate.up({ ...config, name: MIGRATION });
      const rows = await knex('incident_entities').orderBy('entity_ref');
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect({
          severity: row.severity,
          externalCause: Boolean(row.external_cause),
          detected: millis(row.detected_at),
          resolved: millis(row.resolved_at),
          others: [row.impact_started_at, row.acknowledged_at, row.mitigated_at],
        }).toEqual({
          severity: 'SEV2',
          externalCause: true,
          detected: declared.getTime(),
          resolved: resolved.getTime(),
          others: [null, null, null],
        });
      }
      expect(await indexesOf(knex, 'incident_entities')).toContain('incident_entities_metrics_idx');

      await knex.migrate.down({ ...config, name: MIGRATION });
      for (const column of COPIED_COLUMNS) {
        expect({ column, exists: await knex.schema.hasColumn('incident_entities', column) }).toEqual({
          column,
          exists: false,
        });
      }
      expect(await indexesOf(knex, 'incident_entities')).not.toContain('incident_entities_metrics_idx');
      // Dropping the columns must not cascade into or rebuild away the rows.
      expect(await knex('incident_entities').orderBy('entity_ref').pluck('entity_ref')).toEqual([
        'component:default/x',
        'component:default/y',
      ]);
      expect(await knex('incidents').pluck('id')).toEqual(['i-1']);

      await knex.migrate.latest(config);
      expect((await knex('incident_entities').pluck('severity')).sort()).toEqual(['SEV2', 'SEV2']);
      await knex.destroy();
    },
  );
});
