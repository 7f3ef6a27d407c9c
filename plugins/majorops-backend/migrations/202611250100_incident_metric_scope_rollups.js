// @ts-check

/**
 * Metric rollups per scope: a set of entities whose metrics are asked for
 * together (a system with its parts, what a group owns), so that an incident
 * touching several of them is counted once without reading every incident.
 *
 * - `incident_metric_scopes`: one row per scope, keyed by a hash of its sorted
 *   entity refs (so a scope whose membership changes in the catalog becomes a
 *   new scope; the old one is dropped when it has not been read for a while).
 *   `built_at` is set by the transaction that built the scope's rollups.
 * - `incident_metric_scope_members`: the entities of each scope. Writers look
 *   here (by `entity_ref`) for the scopes an incident's entities belong to.
 * - `incident_metric_scope_rollups`: like `incident_metric_rollups`, per scope.
 *
 * Scopes are created on demand by the plugin, so this migration creates none.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incident_metric_scopes', table => {
    table.string('scope_key', 64).primary();
    table.integer('member_count').notNullable();
    table.timestamp('built_at', { useTz: true }).notNullable();
    table.timestamp('last_read_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('incident_metric_scope_members', table => {
    table.string('scope_key', 64).notNullable();
    table.string('entity_ref').notNullable();
    table.primary(['scope_key', 'entity_ref']);
    table.index(['entity_ref'], 'incident_metric_scope_members_entity_idx');
  });
  await knex.schema.createTable('incident_metric_scope_rollups', table => {
    table.string('scope_key', 64).notNullable();
    table.string('grain', 1).notNullable();
    table.string('period', 10).notNullable();
    table.boolean('external_cause').notNullable();
    table.integer('incidents').notNullable();
    table.text('rollup').notNullable();
    table.primary(['scope_key', 'grain', 'period', 'external_cause']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_metric_scope_rollups');
  await knex.schema.dropTable('incident_metric_scope_members');
  await knex.schema.dropTable('incident_metric_scopes');
};
