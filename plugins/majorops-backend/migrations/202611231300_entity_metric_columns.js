// @ts-check

/**
 * Copies of the fields the response-time metrics read (severity, third-party
 * cause and the milestones) on `incident_entities`, next to the copy of
 * `declared_at` that is already there, and an index that holds them. The
 * metrics of an entity, a system or a group are then aggregated from one
 * index range per scope instead of a primary-key lookup into `incidents` for
 * every incident. The store writes the copies in the same transaction as the
 * incident; existing rows are filled from `incidents` here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('incident_entities', table => {
    table.string('severity', 8).nullable().comment('copy of incidents.severity, for metrics');
    table.boolean('external_cause').notNullable().defaultTo(false).comment('copy of incidents.external_cause');
    for (const column of MILESTONE_COLUMNS) {
      table.timestamp(column, { useTz: true }).nullable().comment(`copy of incidents.${column}`);
    }
  });

  // UPDATE ... FROM: PostgreSQL, and SQLite since 3.33.
  await knex.raw(
    `UPDATE incident_entities SET ${COPIED_COLUMNS.map(c => `${c} = i.${c}`).join(', ')}
       FROM incidents i WHERE i.id = incident_entities.incident_id`,
  );

  if (isSqlite(knex)) {
    // SQLite has no INCLUDE; extra key columns make the index covering just the same.
    await knex.schema.alterTable('incident_entities', table => {
      table.index(['entity_ref', 'declared_at', 'incident_id', ...COPIED_COLUMNS], INDEX);
    });
  } else {
    await knex.raw(
      `CREATE INDEX ${INDEX} ON incident_entities (entity_ref, declared_at) INCLUDE (incident_id, ${COPIED_COLUMNS.join(', ')})`,
    );
  }
};

const INDEX = 'incident_entities_metrics_idx';

const MILESTONE_COLUMNS = ['impact_started_at', 'detected_at', 'acknowledged_at', 'mitigated_at', 'resolved_at'];

/** Columns of `incidents` copied here (declared_at was copied from the start). */
const COPIED_COLUMNS = ['severity', 'external_cause', ...MILESTONE_COLUMNS];

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return String(knex.client.config.client).includes('sqlite');
}

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw(`DROP INDEX ${INDEX}`);
  if (isSqlite(knex)) {
    // In place (SQLite 3.35+), not knex's copy of the table, which would cascade
    // from a dropped table inside the migration's transaction (see 202611231000).
    for (const column of COPIED_COLUMNS) {
      await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['incident_entities', column]);
    }
    return;
  }
  await knex.schema.alterTable('incident_entities', table => {
    for (const column of COPIED_COLUMNS) table.dropColumn(column);
  });
};
