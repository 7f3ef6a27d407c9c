// @ts-check

/**
 * Metric rollups per affected entity, so that the metrics of an entity with
 * many incidents are read from a few hundred rows instead of every incident.
 *
 * - `incident_metric_rollups`: one row per entity, grain (`m` for a UTC month
 *   'YYYY-MM', `d` for a UTC day 'YYYY-MM-DD'), period and cause (third party
 *   or not), with the counts by severity and, per duration, the count, the
 *   sum and a histogram (JSON, see `metricsRollup.ts` in -common). Every
 *   incident is counted once per entity it touches, in its month and in its day.
 * - `incident_metric_rollup_state`: when the rollups were last built from the
 *   incidents. This migration leaves it empty (`built_at` null): the plugin
 *   builds the rollups of the incidents already stored in a background task,
 *   and reads the incidents themselves until then. Incidents written after
 *   the migration update the rollups in the same transaction.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incident_metric_rollups', table => {
    table.string('entity_ref').notNullable();
    table.string('grain', 1).notNullable();
    table.string('period', 10).notNullable();
    table.boolean('external_cause').notNullable();
    table.integer('incidents').notNullable();
    table.text('rollup').notNullable();
    table.primary(['entity_ref', 'grain', 'period', 'external_cause']);
  });
  await knex.schema.createTable('incident_metric_rollup_state', table => {
    table.string('id').primary();
    table.timestamp('built_at', { useTz: true }).nullable();
  });
  await knex('incident_metric_rollup_state').insert({ id: 'rollups', built_at: null });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_metric_rollup_state');
  await knex.schema.dropTable('incident_metric_rollups');
};
