import { Knex } from 'knex';
import { MIGRATIONS_DIRECTORY } from '../database/DatabaseIncidentStore';
import { DatabaseRunbookStore } from '../database/DatabaseRunbookStore';
import { createTestDatabases } from './testDatabases';

// Generous: the shared test databases are dropped in an afterAll hook, slow on a loaded machine.
jest.setTimeout(180_000);

const TABLES = [
  'incidents',
  'incident_entities',
  'incident_roles',
  'timeline_events',
  'runbooks',
  'hypotheses',
  'runbook_revisions',
  'runbook_drills',
  'postmortems',
  'postmortem_groups',
  'action_items',
  'incident_repeats',
  'incident_runbooks',
  'reputation_ledger',
  'reputation_ledger_state',
  'responder_training',
  'responder_suspensions',
  'reputation_watermarks',
  'peer_survey_settings',
  'peer_survey_rounds',
  'peer_surveys',
  'peer_survey_responses',
  'suggestion_acceptances',
  'incident_metric_rollups',
  'incident_metric_rollup_state',
  'incident_metric_scopes',
  'incident_metric_scope_members',
  'incident_metric_scope_rollups',
  'incident_shadows',
];

/** What the third migration (runbook revisions and drills) adds. */
const RUNBOOK_REVISION_COLUMNS = ['runbook_id', 'revision', 'title', 'body', 'author_ref', 'created_at', 'change_note'];
const RUNBOOK_DRILL_COLUMNS = [
  'id',
  'runbook_id',
  'kind',
  'outcome',
  'performed_at',
  'participants',
  'notes',
  'recorded_by',
  'recorded_at',
];

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

/** A runbook at version 2, its two revisions, as the store writes them. */
async function insertRunbook(knex: Knex, id: string, at: Date) {
  await knex('runbooks').insert({
    id,
    entity_ref: 'component:default/x',
    title: 'Failover',
    body: '## Detection\nv2',
    last_tested_at: at,
    created_by: 'user:default/a',
    updated_by: 'user:default/b',
    created_at: at,
    updated_at: at,
    version: 2,
  });
  await knex('runbook_revisions').insert([
    { runbook_id: id, revision: 1, title: 'Failover', body: 'v1', author_ref: 'user:default/a', created_at: at, change_note: 'Created' },
    { runbook_id: id, revision: 2, title: 'Failover', body: '## Detection\nv2', author_ref: 'user:default/b', created_at: at },
  ]);
}

/** Rolls migrations back one at a time until `name` is the last one applied. */
async function downTo(knex: Knex, config: { directory: string }, name: string) {
  for (;;) {
    const applied: string[] = await knex('knex_migrations').orderBy('id').pluck('name');
    if (applied[applied.length - 1] === name) return;
    if (!applied.includes(name)) throw new Error(`${name} is not applied`);
    await knex.migrate.down(config);
  }
}

async function indexesOf(knex: Knex, table: string): Promise<string[]> {
  if (String(knex.client.config.client).includes('sqlite')) {
    const rows = await knex('sqlite_master').where({ type: 'index', tbl_name: table }).select('name');
    return rows.map(r => r.name);
  }
  const rows = await knex('pg_indexes').where({ tablename: table }).select('indexname');
  return rows.map(r => r.indexname);
}

describe('migrations', () => {
  const databases = createTestDatabases();

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
      expect.arrayContaining(['timeline_events_incident_idx', 'timeline_events_type_idx', 'timeline_events_occurred_at_idx']),
    );
    // What the incremental ledger update asks "changed since?" is answered from an index.
    expect(await indexesOf(knex, 'incident_roles')).toEqual(
      expect.arrayContaining(['incident_roles_assigned_at_idx', 'incident_roles_released_at_idx']),
    );
    expect(await indexesOf(knex, 'action_items')).toContain('action_items_updated_at_idx');
    expect(await indexesOf(knex, 'hypotheses')).toContain('hypotheses_incident_idx');
    expect(await knex.schema.hasColumn('runbooks', 'updated_by')).toBe(true);
    for (const column of RUNBOOK_REVISION_COLUMNS) {
      expect({ column, exists: await knex.schema.hasColumn('runbook_revisions', column) }).toEqual({ column, exists: true });
    }
    for (const column of RUNBOOK_DRILL_COLUMNS) {
      expect({ column, exists: await knex.schema.hasColumn('runbook_drills', column) }).toEqual({ column, exists: true });
    }
    expect(await indexesOf(knex, 'runbook_revisions')).toContain('runbook_revisions_author_idx');
    expect(await indexesOf(knex, 'runbook_drills')).toContain('runbook_drills_runbook_idx');

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

    // A runbook with its revisions and drills: one row per (runbook, revision), drills default
    // to no participants and no notes, and deleting the runbook takes both with it.
    await insertRunbook(knex, 'rb-1', now);
    await knex('runbook_drills').insert({
      runbook_id: 'rb-1',
      kind: 'drill',
      outcome: 'passed',
      performed_at: now,
      recorded_by: 'user:default/a',
      recorded_at: now,
    });
    const [drill] = await knex('runbook_drills').where({ runbook_id: 'rb-1' });
    expect(drill).toMatchObject({ participants: '[]', notes: '' });
    const twin = await knex('runbook_revisions')
      .insert({ runbook_id: 'rb-1', revision: 1, title: 't', body: 'b', author_ref: 'user:default/b', created_at: now })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(twin?.message).toMatch(/unique|duplicate/i);
    const orphanRevision = await knex('runbook_revisions')
      .insert({ runbook_id: 'no-such-runbook', revision: 1, title: 't', body: 'b', author_ref: 'user:default/b', created_at: now })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(orphanRevision?.message).toMatch(/foreign key/i);
    await knex('runbooks').where({ id: 'rb-1' }).delete();
    expect(await knex('runbook_revisions')).toHaveLength(0);
    expect(await knex('runbook_drills')).toHaveLength(0);

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

      // Down to before the second migration: the runbook migration first, then the incident-command one.
      await downTo(knex, config, '202611230900_init.js');
      expect(await knex('knex_migrations').pluck('name')).toEqual(['202611230900_init.js']);
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

  it.each(databases.eachSupportedId())(
    'takes the runbook revisions migration down and up again without touching existing runbooks on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      await insertRunbook(knex, 'rb-1', now);
      await insertRunbook(knex, 'rb-2', now);
      await knex('runbook_drills').insert({
        runbook_id: 'rb-1',
        kind: 'game-day',
        outcome: 'passed',
        performed_at: now,
        participants: '["user:default/a"]',
        recorded_by: 'user:default/a',
        recorded_at: now,
      });
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
      const columns = ['id', 'entity_ref', 'title', 'body', 'last_tested_at', 'created_by', 'created_at', 'updated_at', 'version'];
      const runbooksBefore = await knex('runbooks').select(columns).orderBy('id');
      expect(runbooksBefore).toHaveLength(2);

      // Down to before the third migration.
      await downTo(knex, config, '202611231000_incident_command.js');
      expect(await knex('knex_migrations').orderBy('id').pluck('name')).toEqual([
        '202611230900_init.js',
        '202611231000_incident_command.js',
      ]);
      expect(await knex.schema.hasTable('runbook_revisions')).toBe(false);
      expect(await knex.schema.hasTable('runbook_drills')).toBe(false);
      expect(await knex.schema.hasColumn('runbooks', 'updated_by')).toBe(false);
      // Dropping the column must not cascade into or rebuild away the runbooks themselves.
      expect(await knex('runbooks').select(columns).orderBy('id')).toEqual(runbooksBefore);
      expect(await indexesOf(knex, 'runbooks')).toContain('runbooks_entity_idx');
      expect(await knex('incidents').pluck('id')).toEqual(['i-1']);
      expect(await knex.schema.hasTable('hypotheses')).toBe(true);

      await knex.migrate.latest(config);
      expect(await knex('runbooks').select(columns).orderBy('id')).toEqual(runbooksBefore);
      // Rows from before the column have no updated_by; the store falls back to the creator.
      expect(await knex('runbooks').pluck('updated_by')).toEqual([null, null]);
      const store = DatabaseRunbookStore.create(knex);
      expect(await store.getRunbook('rb-1')).toMatchObject({
        id: 'rb-1',
        version: 2,
        updatedBy: 'user:default/a',
        lastTestedAt: now.toISOString(),
      });
      // The revision history went with its table; the runbook can be edited on from its version.
      expect((await store.listRevisions('rb-1', { limit: 10 })).items).toEqual([]);
      const edited = await store.updateRunbook('rb-1', 2, {
        title: 'Failover',
        body: 'v3',
        authorRef: 'user:default/c',
        at: now.toISOString(),
      });
      expect(edited).toMatchObject({ version: 3, updatedBy: 'user:default/c', body: 'v3' });
      expect((await store.listRevisions('rb-1', { limit: 10 })).items.map(r => r.revision)).toEqual([3]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes the post-mortem migration down and up again, cascading post-mortem rows with their incident, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      const incident = (id: string) => ({
        id,
        title: 't',
        severity: 'SEV1',
        status: 'resolved',
        declared_at: now,
        created_by: 'user:default/a',
        created_at: now,
        updated_at: now,
      });
      await knex('incidents').insert([incident('i-1'), incident('i-2')]);
      await insertRunbook(knex, 'rb-1', now);
      await knex('postmortems').insert({
        incident_id: 'i-1',
        kind: 'full',
        status: 'draft',
        executive_summary: '',
        impact: '{}',
        timeline: '[]',
        what_happened: '',
        contributing_factors: '{}',
        five_whys: '[]',
        went_well: '[]',
        went_poorly: '[]',
        lessons_learned: '',
        failure_modes: '[]',
        author_ref: 'user:default/a',
        visibility: 'restricted',
        created_at: now,
        updated_at: now,
        updated_by: 'user:default/a',
        version: 1,
      });
      await knex('postmortem_groups').insert({ incident_id: 'i-1', group_ref: 'group:default/sre' });
      await knex('action_items').insert({
        id: 'a-1',
        incident_id: 'i-1',
        title: 'Add a canary',
        owner_ref: 'group:default/sre',
        priority: 'P1',
        due_date: '2026-11-10',
        status: 'not-started',
        created_by: 'user:default/a',
        created_at: now,
        updated_by: 'user:default/a',
        updated_at: now,
        version: 1,
      });
      await knex('incident_repeats').insert({
        incident_id: 'i-2',
        earlier_incident_id: 'i-1',
        failure_mode: 'config-deploy',
        linked_by: 'user:default/a',
        linked_at: now,
      });
      await knex('incident_runbooks').insert({
        incident_id: 'i-1',
        runbook_id: 'rb-1',
        adherence: 'deviated',
        deviation_reason: 'the failover step was already done',
        recorded_by: 'user:default/a',
        recorded_at: now,
      });
      // One post-mortem per incident.
      const twin = await knex('postmortems')
        .insert({ ...(await knex('postmortems').first()), version: 2 })
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(twin?.message).toMatch(/unique|duplicate/i);
      expect(await indexesOf(knex, 'action_items')).toEqual(
        expect.arrayContaining(['action_items_incident_idx', 'action_items_owner_idx', 'action_items_due_idx']),
      );

      // Deleting the earlier incident takes every row that points at it.
      await knex('incidents').where({ id: 'i-1' }).delete();
      for (const table of ['postmortems', 'postmortem_groups', 'action_items', 'incident_repeats', 'incident_runbooks']) {
        expect({ table, rows: await knex(table).count({ n: '*' }).first().then(r => Number(r?.n)) }).toEqual({ table, rows: 0 });
      }

      await knex('incidents').insert(incident('i-1'));
      await downTo(knex, config, '202611231100_runbook_revisions_drills.js');
      for (const table of ['postmortems', 'postmortem_groups', 'action_items', 'incident_repeats', 'incident_runbooks']) {
        expect({ table, exists: await knex.schema.hasTable(table) }).toEqual({ table, exists: false });
      }
      // Earlier tables and their rows are untouched.
      expect(await knex('incidents').orderBy('id').pluck('id')).toEqual(['i-1', 'i-2']);
      expect(await knex('runbooks').pluck('id')).toEqual(['rb-1']);
      await knex.migrate.latest(config);
      expect(await knex.schema.hasTable('postmortems')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes the peer survey migration down and up again; answers have no rater column, assignments are unique, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      await knex('incidents').insert({
        id: 'i-1',
        title: 't',
        severity: 'SEV1',
        status: 'resolved',
        declared_at: now,
        created_by: 'user:default/a',
        created_at: now,
        updated_at: now,
      });
      // A random secret for the rater hash, made once by the migration.
      const [secret] = await knex('peer_survey_settings').where({ name: 'rater-key-secret' }).pluck('value');
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      for (const column of ['id', 'incident_id', 'rater_ref', 'subject_ref', 'created_at', 'closes_at', 'answered_at']) {
        expect({ column, exists: await knex.schema.hasColumn('peer_surveys', column) }).toEqual({ column, exists: true });
      }
      const responseColumns = Object.keys(await knex('peer_survey_responses').columnInfo()).sort();
      expect(responseColumns).toEqual(
        ['clear_and_calm', 'comment', 'helped_resolution', 'id', 'incident_id', 'primary_contact', 'rater_key', 'subject_ref'].sort(),
      );
      const survey = {
        incident_id: 'i-1',
        rater_ref: 'user:default/a',
        subject_ref: 'user:default/b',
        created_at: now,
        closes_at: new Date(now.getTime() + 7 * 24 * 3600_000),
      };
      await knex('peer_surveys').insert({ id: 's-1', ...survey });
      const twin = await knex('peer_surveys')
        .insert({ id: 's-2', ...survey })
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(twin?.message).toMatch(/unique|duplicate/i);
      const answer = {
        incident_id: 'i-1',
        subject_ref: 'user:default/b',
        rater_key: 'k'.repeat(64),
        clear_and_calm: 8,
        helped_resolution: 9,
        primary_contact: 7,
      };
      await knex('peer_survey_responses').insert({ id: 'r-1', ...answer });
      const secondAnswer = await knex('peer_survey_responses')
        .insert({ id: 'r-2', ...answer })
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(secondAnswer?.message).toMatch(/unique|duplicate/i);
      await knex('peer_survey_rounds').insert({ incident_id: 'i-1', required: true, reason: 'SEV1', created_at: now });

      // Deleting the incident takes its surveys, answers and round with it.
      await knex('incidents').where({ id: 'i-1' }).delete();
      for (const table of ['peer_surveys', 'peer_survey_responses', 'peer_survey_rounds']) {
        expect({ table, rows: await knex(table).count({ n: '*' }).first().then(r => Number(r?.n)) }).toEqual({ table, rows: 0 });
      }

      const applied: string[] = await knex('knex_migrations').orderBy('id').pluck('name');
      await downTo(knex, config, applied[applied.indexOf('202611231410_peer_surveys.js') - 1]);
      for (const table of ['peer_survey_settings', 'peer_survey_rounds', 'peer_surveys', 'peer_survey_responses']) {
        expect({ table, exists: await knex.schema.hasTable(table) }).toEqual({ table, exists: false });
      }
      expect(await knex.schema.hasTable('incidents')).toBe(true);
      await knex.migrate.latest(config);
      expect(await knex('peer_survey_settings').count({ n: '*' }).first().then(r => Number(r?.n))).toBe(1);
      await knex.destroy();
    },
  );
  it.each(databases.eachSupportedId())(
    'starts the ledger at generation 1, numbers its rows, and takes the reputation migration down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      expect(await knex('reputation_ledger_state').select('id', 'generation')).toEqual([{ id: 'ledger', generation: 1 }]);
      const row = {
        generation: 1,
        user_ref: 'user:default/a',
        incident_id: 'i-1',
        metric: 'responseSpeed',
        value: 100,
        weight: 1,
        severity: 'SEV2',
        external_cause: false,
        occurred_at: now,
        reason: 'Engaged at once.',
        source: 'role',
        source_key: 'incident:i-1:user:default/a:responseSpeed',
        computed_at: now,
      };
      await knex('reputation_ledger').insert(row);
      await knex('reputation_ledger').insert({ ...row, generation: 2 });
      const ids = (await knex('reputation_ledger').orderBy('id').pluck('id')).map(Number);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBeGreaterThan(ids[0]);
      const missing = await knex('reputation_ledger')
        .insert({ ...row, generation: null })
        .then(
          () => undefined,
          (error: Error) => error,
        );
      expect(missing?.message).toMatch(/null/i);
      expect(await indexesOf(knex, 'reputation_ledger')).toEqual(
        expect.arrayContaining(['reputation_ledger_user_idx', 'reputation_ledger_incident_idx', 'reputation_ledger_person_source_idx']),
      );
      await knex('responder_suspensions').insert({
        id: 's-1',
        user_ref: 'user:default/a',
        reason: 'retraining',
        set_by: 'user:default/b',
        set_at: now,
        review_at: now,
      });
      const [suspension] = await knex('responder_suspensions');
      expect(suspension).toMatchObject({ lifted_by: null, lifted_at: null, lift_note: null });

      await downTo(knex, config, '202611231300_entity_metric_columns.js');
      for (const table of ['reputation_ledger', 'reputation_ledger_state', 'responder_training', 'responder_suspensions', 'reputation_watermarks']) {
        expect({ table, exists: await knex.schema.hasTable(table) }).toEqual({ table, exists: false });
      }
      expect(await knex.schema.hasTable('incidents')).toBe(true);
      await knex.migrate.latest(config);
      expect(await knex('reputation_ledger')).toHaveLength(0);
      expect(await knex('reputation_ledger_state').pluck('generation')).toEqual([1]);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'records suggestion acceptances, removes them with their incident, and takes the suggestions migration down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      await knex.migrate.latest(config);
      const now = new Date('2026-11-01T10:00:00.000Z');
      await knex('incidents').insert({
        id: 'i-1',
        title: 't',
        severity: 'SEV1',
        status: 'declared',
        declared_at: now,
        created_by: 'user:default/a',
        created_at: now,
        updated_at: now,
      });
      const columns = Object.keys(await knex('suggestion_acceptances').columnInfo()).sort();
      expect(columns).toEqual(
        ['accepted_at', 'accepted_by', 'id', 'incident_id', 'rank_at_acceptance', 'role', 'suggested_top_n', 'user_ref'].sort(),
      );
      await knex('suggestion_acceptances').insert({
        incident_id: 'i-1',
        role: 'incident-commander',
        user_ref: 'user:default/b',
        rank_at_acceptance: 2,
        suggested_top_n: '["user:default/c","user:default/b"]',
        accepted_by: 'user:default/a',
        accepted_at: now,
      });
      // Not among the suggestions: no rank, and the list defaults to empty.
      await knex('suggestion_acceptances').insert({
        incident_id: 'i-1',
        role: 'operations-chief',
        user_ref: 'user:default/d',
        accepted_by: 'user:default/a',
        accepted_at: now,
      });
      const rows = await knex('suggestion_acceptances').orderBy('id');
      expect(rows.map(r => [r.rank_at_acceptance, r.suggested_top_n])).toEqual([
        [2, '["user:default/c","user:default/b"]'],
        [null, '[]'],
      ]);
      expect(await indexesOf(knex, 'suggestion_acceptances')).toEqual(
        expect.arrayContaining(['suggestion_acceptances_incident_idx', 'suggestion_acceptances_at_idx']),
      );
      await knex('incidents').where({ id: 'i-1' }).delete();
      expect(await knex('suggestion_acceptances').count({ n: '*' }).first().then(r => Number(r?.n))).toBe(0);

      await downTo(knex, config, '202611231410_peer_surveys.js');
      expect(await knex.schema.hasTable('suggestion_acceptances')).toBe(false);
      expect(await knex.schema.hasTable('peer_surveys')).toBe(true);
      await knex.migrate.latest(config);
      expect(await knex.schema.hasTable('suggestion_acceptances')).toBe(true);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'partitions the ledger by generation on PostgreSQL, carrying its rows up and down, and leaves SQLite as it was, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const config = { directory: MIGRATIONS_DIRECTORY };
      const postgres = !String(knex.client.config.client).includes('sqlite');
      await knex.migrate.latest(config);
      await downTo(knex, config, '202611240500_ledger_change_indexes.js');
      const at = new Date('2026-11-01T10:00:00.000Z');
      const row = (generation: number, userRef: string) => ({
        generation,
        user_ref: userRef,
        incident_id: null,
        metric: 'knowledgeContribution',
        value: 80,
        weight: 1,
        severity: null,
        external_cause: false,
        occurred_at: at,
        reason: `Wrote a runbook (${userRef}).`,
        source: 'runbook',
        source_key: `runbook:r-1:${userRef}:${generation}`,
        computed_at: at,
      });
      // The visible generation and the rows of a rebuild that never finished.
      await knex('reputation_ledger').insert([row(1, 'user:default/a'), row(1, 'user:default/b'), row(2, 'user:default/c')]);
      const stored = async () =>
        (await knex('reputation_ledger').orderBy('id').select('id', 'generation', 'user_ref')).map(r => [Number(r.id), r.generation, r.user_ref]);
      const before = await stored();
      expect(before).toHaveLength(3);

      await knex.migrate.latest(config);
      expect(await stored()).toEqual(before);
      const partitioned = async () =>
        postgres ? Number((await knex.raw(`select count(*) as n from pg_partitioned_table p join pg_class c on c.oid = p.partrelid where c.relname = 'reputation_ledger'`)).rows[0].n) : 0;
      expect(await partitioned()).toBe(postgres ? 1 : 0);
      expect(await indexesOf(knex, 'reputation_ledger')).toEqual(
        expect.arrayContaining(['reputation_ledger_user_idx', 'reputation_ledger_incident_idx', 'reputation_ledger_person_source_idx']),
      );
      // New rows keep numbering after the copied ones, from the same sequence.
      await knex('reputation_ledger').insert(row(1, 'user:default/d'));
      const ids = (await stored()).map(r => r[0] as number);
      expect(ids[3]).toBeGreaterThan(ids[2]);

      await downTo(knex, config, '202611240500_ledger_change_indexes.js');
      expect(await partitioned()).toBe(0);
      expect((await stored()).map(r => r[2])).toEqual(['user:default/a', 'user:default/b', 'user:default/c', 'user:default/d']);
      expect(await indexesOf(knex, 'reputation_ledger')).toEqual(
        expect.arrayContaining(['reputation_ledger_user_idx', 'reputation_ledger_incident_idx', 'reputation_ledger_person_source_idx']),
      );
      await knex('reputation_ledger').insert(row(1, 'user:default/e'));
      expect(await knex('reputation_ledger').count({ n: '*' }).first().then(r => Number(r?.n))).toBe(5);
      await knex.migrate.latest(config);
      expect(await knex('reputation_ledger').count({ n: '*' }).first().then(r => Number(r?.n))).toBe(5);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId().filter(([id]) => String(id).startsWith('SQLITE')))(
    "keeps SQLite reading a page's held roles through incident_roles_incident_idx, not the released-roles index, on %p",
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      // SQLite keeps no statistics: an index on every released_at would look selective for "is null".
      const plan: Array<{ detail: string }> = await knex.raw(
        "explain query plan select * from incident_roles where incident_id in ('a', 'b', 'c') and released_at is null order by id",
      );
      expect(plan.map(row => row.detail).join('\n')).toContain('incident_roles_incident_idx');
      await knex.destroy();
    },
  );
});
