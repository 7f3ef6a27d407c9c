// @ts-check

/**
 * Incident command: impact and trigger fields on incidents, the moment the
 * root cause was identified and the root-cause escalation was raised, and
 * timeboxed hypotheses.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('incidents', table => {
    table.double('impact_scope').nullable().comment('current impact, e.g. % of users affected');
    table.double('baseline_impact').nullable().comment('impact when the severity was last set');
    table.boolean('paying_customer').notNullable().defaultTo(false);
    table.boolean('data_integrity_concern').notNullable().defaultTo(false);
    table.timestamp('root_cause_identified_at', { useTz: true }).nullable();
    table.timestamp('root_cause_escalated_at', { useTz: true }).nullable();
  });

  await knex.schema.alterTable('timeline_events', table => {
    table.index(['incident_id', 'type'], 'timeline_events_type_idx');
  });

  await knex.schema.createTable('hypotheses', table => {
    table.comment('Investigation paths, each timeboxed');
    table.increments('id');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.text('statement').notNullable();
    table.string('opened_by', 255).notNullable();
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('timebox_ends_at', { useTz: true }).notNullable();
    table.string('status', 16).notNullable().defaultTo('open');
    table.string('resolved_by', 255).nullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(['incident_id'], 'hypotheses_incident_idx');
  });
};

const ADDED_COLUMNS = [
  'impact_scope',
  'baseline_impact',
  'paying_customer',
  'data_integrity_concern',
  'root_cause_identified_at',
  'root_cause_escalated_at',
];

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('hypotheses');
  await knex.schema.alterTable('timeline_events', table => {
    table.dropIndex(['incident_id', 'type'], 'timeline_events_type_idx');
  });
  if (String(knex.client.config.client).includes('sqlite')) {
    // knex drops SQLite columns by copying the table and dropping the original.
    // Inside the migration's transaction it cannot switch foreign keys off, so
    // dropping `incidents` would cascade and delete every entity, role and
    // timeline row. SQLite's own DROP COLUMN (3.35+) changes the table in place.
    for (const column of ADDED_COLUMNS) {
      await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['incidents', column]);
    }
    return;
  }
  await knex.schema.alterTable('incidents', table => {
    for (const column of ADDED_COLUMNS) table.dropColumn(column);
  });
};
