import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';

jest.setTimeout(60_000);

const TABLES = ['incidents', 'incident_entities', 'incident_roles', 'timeline_events', 'runbooks', 'hypotheses'];

/** What the second migration (incident command) adds to `incidents`. */
const INCIDENT_COMMAND_COLUMNS = [
  'impact_scope',
  'baseline_impact',
  'paying_customer',
  'data_integrity_concern',
  'root_cause_identified_at',
  'root_cause_escalated_at',
];
const HYPOTHESIS_COLUMNS = [
  'id',
  'incident_id',
  'statement',
  'opened_by',
  'opened_at',
  'timebox_ends_at',
  'status',
  'resolved_by',
  'resolved_at',
];

async function indexesOf(knex: Knex, table: string): Promise<string[]> {
  if (String(knex.client.config.client).includes('sqlite')) {
    const rows = await knex('sqlite_master').where({ type: 'index', tbl_name: table }).select('name');
    return rows.map(r => r.name);
  }
  const rows = await knex('pg_indexes').where({ tablename: table }).select('indexname');
  return rows.map(r => r.indexname);
}

describe('migrations', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())('go up and down cleanly on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const config = { directory: MIGRATIONS_DIRECTORY };

    await knex.migrate.latest(config);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    for (const column of INCIDENT_COMMAND_COLUMNS) {
      expect({ column, exists: await knex.schema.hasColumn('incidents', column) }).toEqual({ column, exists: true });
    }
    for (const column of HYPOTHESIS_COLUMNS) {
      expect({ column, exists: await knex.schema.hasColumn('hypotheses', column) }).toEqual({ column, exists: true });
    }
    expect(await indexesOf(knex, 'timeline_events')).toEqual(
      expect.arrayContaining(['timeline_events_incident_idx', 'timeline_events_type_idx']),
    );
    expect(await indexesOf(knex, 'hypotheses')).toContain('hypotheses_incident_idx');

    // The schema accepts a full incident with its children, and cascades deletes.
    const now = new Date('2026-11-01T10:00:00.000Z');
    await knex('incidents').insert({
      id: 'i-1',
      title: 't',
      severity: 'SEV2',
      status: 'declared',
      declared_at: now,
      created_by: 'user:default/a',
      created_at: now,
      updated_at: now,
    });
    await knex('incident_entities').insert({
      incident_id: 'i-1',
      entity_ref: 'component:default/x',
      declared_at: now,
    });
    await knex('incident_roles').insert({
      incident_id: 'i-1',
      role: 'incident-commander',
      user_ref: 'user:default/a',
      assigned_by: 'user:default/a',
      assigned_at: now,
    });
    await knex('hypotheses').insert({
      incident_id: 'i-1',
      statement: 'pool too small',
      opened_by: 'user:default/a',
      opened_at: now,
      timebox_ends_at: new Date(now.getTime() + 15 * 60_000),
    });
    const [incident] = await knex('incidents').where({ id: 'i-1' });
    expect(incident.version).toBe(1);
    expect(incident.tags).toBe('[]');
    expect(Boolean(incident.external_cause)).toBe(false);
    // The incident-command columns default so that rows written before them stay valid.
    expect(Boolean(incident.paying_customer)).toBe(false);
    expect(Boolean(incident.data_integrity_concern)).toBe(false);
    expect(incident.impact_scope).toBeNull();
    expect(incident.root_cause_escalated_at).toBeNull();
    const [hypothesis] = await knex('hypotheses').where({ incident_id: 'i-1' });
    expect(hypothesis).toMatchObject({ status: 'open', resolved_by: null, resolved_at: null });

    // (source, external_id) is unique so that a redelivered webhook cannot create a twin.
    const external = { ...incident, source: 'pagerduty', external_id: 'P1' };
    await knex('incidents').insert({ ...external, id: 'i-2' });
    const duplicate = await knex('incidents')
      .insert({ ...external, id: 'i-3' })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(duplicate?.message).toMatch(/unique|duplicate/i);

    await knex('incidents').where({ id: 'i-1' }).delete();
    expect(await knex('incident_entities').where({ incident_id: 'i-1' })).toHaveLength(0);
    expect(await knex('incident_roles').where({ incident_id: 'i-1' })).toHaveLength(0);
    expect(await knex('hypotheses').where({ incident_id: 'i-1' })).toHaveLength(0);

    await knex.migrate.rollback(config, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }

    // And up again: down left nothing behind that would block a re-run.
    await knex.migrate.latest(config);
    expect(await knex.schema.hasTable('incidents')).toBe(true);
    await knex.destroy();
  });

  it.each(databases.eachSupportedId())(
    'takes the incident-command migration down and up again without touching existing incidents on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      await knex('incidents').insert({
        id: 'i-1',
        title: 't',
        severity: 'SEV1',
        status: 'investigating',
        declared_at: now,
        created_by: 'user:default/a',
        created_at: now,
        updated_at: now,
        impact_scope: 12.5,
        paying_customer: true,
      });
      await knex('incident_entities').insert({ incident_id: 'i-1', entity_ref: 'component:default/x', declared_at: now });
      await knex('incident_roles').insert({
        incident_id: 'i-1',
        role: 'incident-commander',
        user_ref: 'user:default/a',
        assigned_by: 'user:default/a',
        assigned_at: now,
      });
      await knex('timeline_events').insert({
        incident_id: 'i-1',
        type: 'declared',
        occurred_at: now,
        actor_ref: 'user:default/a',
        body: '{"text":"Declared"}',
      });

      // Down one step: only the second migration.
      await knex.migrate.down(config);
      expect(await knex.schema.hasTable('hypotheses')).toBe(false);
      for (const column of INCIDENT_COMMAND_COLUMNS) {
        expect({ column, exists: await knex.schema.hasColumn('incidents', column) }).toEqual({ column, exists: false });
      }
      expect(await indexesOf(knex, 'timeline_events')).not.toContain('timeline_events_type_idx');
      // Rolling back a schema change must not cascade into the data of the first migration.
      expect(await knex('incidents').select('id', 'title')).toEqual([{ id: 'i-1', title: 't' }]);
      expect(await knex('incident_entities').select('incident_id')).toEqual([{ incident_id: 'i-1' }]);
      expect(await knex('incident_roles').select('incident_id')).toEqual([{ incident_id: 'i-1' }]);
      expect(await knex('timeline_events').select('incident_id')).toEqual([{ incident_id: 'i-1' }]);
      // Foreign keys still point at the incidents table after it was altered.
      const orphan = await knex('incident_entities')
        .insert({ incident_id: 'no-such-incident', entity_ref: 'component:default/y', declared_at: now })
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(orphan?.message).toMatch(/foreign key/i);

      await knex.migrate.latest(config);
      const [incident] = await knex('incidents').where({ id: 'i-1' });
      expect(incident.impact_scope).toBeNull();
      expect(Boolean(incident.paying_customer)).toBe(false);
      expect(await knex.schema.hasTable('hypotheses')).toBe(true);
      await knex('incidents').where({ id: 'i-1' }).delete();
      expect(await knex('timeline_events')).toHaveLength(0);
      await knex.destroy();
    },
  );
});
