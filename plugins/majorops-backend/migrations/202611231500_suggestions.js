// @ts-check

/**
 * Best-fit assignment (seed 000, "The Assignment Engine"): the suggestions
 * people accepted. When someone takes a suggested person for a role, the role
 * is assigned as usual (incident_roles, timeline) and one row lands here with
 * the place the person had among the suggestions at that moment, so that the
 * acceptance rate (commanders taken from the top 3) can be measured.
 *
 * - `rank_at_acceptance`: 1 for the best; null when the person was not among
 *   the suggestions (the role was still assigned).
 * - `suggested_top_n`: the refs suggested at that moment, best first (JSON
 *   array of user refs, at most the configured top N), so that the acceptance
 *   rate can be recomputed with the engine's own rule.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('suggestion_acceptances', table => {
    table.comment('A suggested person taken for a role, with their place among the suggestions');
    table.increments('id');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('role', 32).notNullable();
    table.string('user_ref', 255).notNullable();
    table.integer('rank_at_acceptance').nullable().comment('1 for the best; null when not suggested');
    table.text('suggested_top_n').notNullable().defaultTo('[]').comment('JSON array of the suggested user refs, best first');
    table.string('accepted_by', 255).notNullable();
    table.timestamp('accepted_at', { useTz: true }).notNullable();
    table.index(['incident_id', 'accepted_at'], 'suggestion_acceptances_incident_idx');
    table.index(['accepted_at'], 'suggestion_acceptances_at_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('suggestion_acceptances');
};
