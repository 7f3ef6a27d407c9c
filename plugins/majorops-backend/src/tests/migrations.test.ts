import { TestDatabases } from '@backstage/backend-test-utils';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';

jest.setTimeout(60_000);

const TABLES = ['incidents', 'incident_entities', 'incident_roles', 'timeline_events', 'runbooks'];

describe('migrations', () => {
  const databases = TestDatabases.create();

  it.each(databases.eachSupportedId())('go up and down cleanly on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const config = { directory: MIGRATIONS_DIRECTORY };

    await knex.migrate.latest(config);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }

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
    const [incident] = await knex('incidents').where({ id: 'i-1' });
    expect(incident.version).toBe(1);
    expect(incident.tags).toBe('[]');
    expect(Boolean(incident.external_cause)).toBe(false);

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

    await knex.migrate.rollback(config, true);
    for (const table of TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }

    // And up again: down left nothing behind that would block a re-run.
    await knex.migrate.latest(config);
    expect(await knex.schema.hasTable('incidents')).toBe(true);
    await knex.destroy();
  });
});
