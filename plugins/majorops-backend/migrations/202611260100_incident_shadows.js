// @ts-check

/**
 * Shadows: a person following an incident role to learn it. Kept apart from
 * `incident_roles` because a shadow holds no role: every reader of held roles
 * (metrics, workload, suggestions, the ledger's response facts) stays as it
 * is. The ledger reads shadows together with the role holders to credit
 * mentoring (-common's `mentoringCredits`).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('incident_shadows', table => {
    table.comment('Every shadow of an incident role ever added; released_at is null while they shadow');
    table.increments('id');
    table.string('incident_id', 36).notNullable().references('id').inTable('incidents').onDelete('CASCADE');
    table.string('role', 32).notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('assigned_by', 255).notNullable();
    table.timestamp('assigned_at', { useTz: true }).notNullable();
    table.string('released_by', 255).nullable();
    table.timestamp('released_at', { useTz: true }).nullable();
    table.index(['incident_id'], 'incident_shadows_incident_idx');
    table.index(['user_ref'], 'incident_shadows_user_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('incident_shadows');
};
