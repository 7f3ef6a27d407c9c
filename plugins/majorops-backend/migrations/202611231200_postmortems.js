// @ts-check

/**
 * Post-mortems (one per incident, the template's sections as JSON text),
 * the groups a restricted one is shown to, action items, links between
 * repeat incidents, and which runbooks an incident's responders used.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('postmortems', table => {
    table.comment('One post-mortem per incident, after the incident commander template');
    table
      .string('incident_id', 36)
      .primary()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('kind', 16).notNullable();
    table.string('status', 16).notNullable();
    table.text('executive_summary').notNullable();
    table.text('impact').notNullable().comment('JSON object');
    table.text('timeline').notNullable().comment('JSON array of { at, text, sourceEventId? }');
    table.text('what_happened').notNullable();
    table.text('contributing_factors').notNullable().comment('JSON { immediate, underlying, systemic }');
    table.text('five_whys').notNullable().comment('JSON array of strings');
    table.text('went_well').notNullable().comment('JSON array of strings');
    table.text('went_poorly').notNullable().comment('JSON array of strings');
    table.text('lessons_learned').notNullable();
    table.text('failure_modes').notNullable().comment('JSON array of lower-case names');
    table.string('author_ref', 255).notNullable();
    table.string('facilitator_ref', 255).nullable();
    table.string('visibility', 16).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('review_started_at', { useTz: true }).nullable();
    table.timestamp('finalized_at', { useTz: true }).nullable();
    table.integer('version').notNullable();
    table.index(['author_ref'], 'postmortems_author_idx');
    table.index(['facilitator_ref'], 'postmortems_facilitator_idx');
  });

  await knex.schema.createTable('postmortem_groups', table => {
    table.comment('Groups that may read a restricted post-mortem');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('incident_id')
      .inTable('postmortems')
      .onDelete('CASCADE');
    table.string('group_ref', 255).notNullable();
    table.primary(['incident_id', 'group_ref']);
    table.index(['group_ref'], 'postmortem_groups_group_idx');
  });

  await knex.schema.createTable('action_items', table => {
    table.comment('Follow-up work from incidents, tracked to completion');
    table.string('id', 36).primary();
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('title', 300).notNullable();
    table.string('owner_ref', 255).notNullable();
    table.string('priority', 4).notNullable();
    table.string('due_date', 10).notNullable().comment('YYYY-MM-DD, due by the end of that day UTC');
    table.string('status', 16).notNullable();
    table.timestamp('completed_at', { useTz: true }).nullable();
    table.string('tracker_url', 2000).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.integer('version').notNullable();
    table.index(['incident_id'], 'action_items_incident_idx');
    table.index(['owner_ref', 'status'], 'action_items_owner_idx');
    table.index(['status', 'due_date'], 'action_items_due_idx');
  });

  await knex.schema.createTable('incident_repeats', table => {
    table.comment('An incident that repeats the failure mode of an earlier one');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table
      .string('earlier_incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('failure_mode', 64).notNullable();
    table.string('linked_by', 255).notNullable();
    table.timestamp('linked_at', { useTz: true }).notNullable();
    table.primary(['incident_id', 'earlier_incident_id']);
    table.index(['earlier_incident_id'], 'incident_repeats_earlier_idx');
  });

  await knex.schema.createTable('incident_runbooks', table => {
    table.comment('Runbooks the responders used on an incident, and whether they followed them');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table
      .string('runbook_id', 36)
      .notNullable()
      .references('id')
      .inTable('runbooks')
      .onDelete('CASCADE');
    table.string('adherence', 16).notNullable();
    table.text('deviation_reason').nullable();
    table.string('recorded_by', 255).notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.primary(['incident_id', 'runbook_id']);
    table.index(['runbook_id'], 'incident_runbooks_runbook_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_runbooks');
  await knex.schema.dropTable('incident_repeats');
  await knex.schema.dropTable('action_items');
  await knex.schema.dropTable('postmortem_groups');
  await knex.schema.dropTable('postmortems');
};
