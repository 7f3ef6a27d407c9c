// @ts-check

/**
 * Incidents, the entities they touch, role assignments with history,
 * the timeline, and runbooks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incidents', table => {
    table.comment('One row per incident');
    table.string('id', 36).primary().notNullable();
    table.string('title', 200).notNullable();
    table.text('summary').notNullable().defaultTo('');
    table.string('severity', 8).notNullable();
    table.string('status', 20).notNullable();
    table.string('incident_type', 64).nullable();
    table.text('tags').notNullable().defaultTo('[]').comment('JSON array of strings');
    table.boolean('external_cause').notNullable().defaultTo(false);
    table.boolean('customer_reported').notNullable().defaultTo(false);
    table.string('source', 32).notNullable().defaultTo('majorops');
    table.string('external_id', 255).nullable();
    table.string('external_url', 1024).nullable();
    table.timestamp('impact_started_at', { useTz: true }).nullable();
    table.timestamp('detected_at', { useTz: true }).nullable();
    table.timestamp('declared_at', { useTz: true }).notNullable();
    table.timestamp('acknowledged_at', { useTz: true }).nullable();
    table.timestamp('mitigated_at', { useTz: true }).nullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.integer('version').notNullable().defaultTo(1);
    table.index(['declared_at', 'id'], 'incidents_declared_idx');
    table.index(['status'], 'incidents_status_idx');
    table.unique(['source', 'external_id'], { indexName: 'incidents_source_external_uq' });
  });

  await knex.schema.createTable('incident_entities', table => {
    table.comment('Catalog entities affected by an incident');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.string('owner_ref', 255).nullable().comment('spec.owner at declaration');
    table.string('system_ref', 255).nullable();
    table.timestamp('declared_at', { useTz: true }).notNullable().comment('copy of incidents.declared_at, for paging by entity');
    table.primary(['incident_id', 'entity_ref']);
    table.index(['entity_ref', 'declared_at', 'incident_id'], 'incident_entities_ref_idx');
    table.index(['owner_ref'], 'incident_entities_owner_idx');
  });

  await knex.schema.createTable('incident_roles', table => {
    table.comment('Every role assignment ever made; released_at is null while held');
    table.increments('id');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('role', 32).notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('assigned_by', 255).notNullable();
    table.timestamp('assigned_at', { useTz: true }).notNullable();
    table.string('released_by', 255).nullable();
    table.timestamp('released_at', { useTz: true }).nullable();
    table.index(['incident_id'], 'incident_roles_incident_idx');
    table.index(['user_ref'], 'incident_roles_user_idx');
  });

  await knex.schema.createTable('timeline_events', table => {
    table.comment('What happened during an incident, attributed and timestamped');
    table.increments('id');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('type', 32).notNullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.string('actor_ref', 255).notNullable();
    table.text('body').notNullable().defaultTo('{}').comment('JSON payload, by type');
    table.index(['incident_id', 'occurred_at'], 'timeline_events_incident_idx');
  });

  await knex.schema.createTable('runbooks', table => {
    table.comment('Runbooks per catalog entity');
    table.string('id', 36).primary().notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('title', 200).notNullable();
    table.text('body').notNullable();
    table.timestamp('last_tested_at', { useTz: true }).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.integer('version').notNullable().defaultTo(1);
    table.index(['entity_ref', 'title'], 'runbooks_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runbooks');
  await knex.schema.dropTable('timeline_events');
  await knex.schema.dropTable('incident_roles');
  await knex.schema.dropTable('incident_entities');
  await knex.schema.dropTable('incidents');
};
