// @ts-check

/**
 * Indexes for the history a suggestion reads (`DatabaseSuggestionStore.listHistory`):
 * the most recent incidents of a type and the most recent incidents touching
 * an entity of a system, each read backwards along an index range and cut at
 * the history limit, instead of scanning `incidents` or `incident_entities`.
 *
 * - `incidents_type_declared_idx` on `(lower(incident_type), declared_at)`:
 *   the type is matched case-insensitively, so the index is on the expression
 *   (PostgreSQL and SQLite both index expressions).
 * - `incident_entities_system_idx` on `(system_ref, declared_at, incident_id)`.
 * - `incidents_open_idx` on `declared_at` of the incidents not resolved yet
 *   (a partial index: open incidents are few, and who is busy is read on
 *   every suggestion).
 *
 * On PostgreSQL the table is analysed afterwards, so that the planner has
 * statistics of the indexed expression (otherwise it guesses until autovacuum runs).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(`CREATE INDEX ${TYPE_INDEX} ON incidents (lower(incident_type), declared_at)`);
  await knex.schema.alterTable('incident_entities', table => {
    table.index(['system_ref', 'declared_at', 'incident_id'], SYSTEM_INDEX);
  });
  await knex.raw(`CREATE INDEX ${OPEN_INDEX} ON incidents (declared_at) WHERE resolved_at IS NULL`);
  if (!String(knex.client.config.client).includes('sqlite')) await knex.raw('ANALYZE incidents');
};

const TYPE_INDEX = 'incidents_type_declared_idx';
const SYSTEM_INDEX = 'incident_entities_system_idx';
const OPEN_INDEX = 'incidents_open_idx';

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw(`DROP INDEX ${OPEN_INDEX}`);
  await knex.raw(`DROP INDEX ${SYSTEM_INDEX}`);
  await knex.raw(`DROP INDEX ${TYPE_INDEX}`);
};
