// @ts-check

/**
 * The Response Reputation Score: the ledger of score events (derived from
 * incidents, post-mortems, runbooks and peer feedback; recomputed
 * idempotently: by incident, by person and source, and by `source_key`; a
 * full recompute writes a new generation beside the one readers see and
 * switches in one step), training and certification records, the
 * history of suspensions (kept for audit, never overwritten) and the
 * watermarks of the incremental ledger update.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('reputation_ledger', table => {
    table.comment('One score event: what one record says about one metric of one person');
    table.bigIncrements('id');
    table
      .integer('generation')
      .notNullable()
      .comment('the build of the ledger the row belongs to; readers see only reputation_ledger_state.generation');
    table.string('user_ref', 255).notNullable();
    table.string('incident_id', 36).nullable().comment('absent for peacetime work and feedback windows');
    table.string('metric', 32).notNullable();
    table.double('value').notNullable().comment('0-100');
    table.double('weight').notNullable().defaultTo(1);
    table.string('severity', 8).nullable();
    table.boolean('external_cause').notNullable().defaultTo(false);
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.text('reason').notNullable();
    table.string('source', 32).notNullable();
    table.string('source_key', 512).notNullable().comment('what the event was derived from; recomputation replaces by it');
    table.timestamp('computed_at', { useTz: true }).notNullable();
    table.index(['user_ref', 'occurred_at'], 'reputation_ledger_user_idx');
    table.index(['incident_id'], 'reputation_ledger_incident_idx');
    // Events without an incident are replaced by source key when they move between people.
    table.index(['source_key'], 'reputation_ledger_person_source_idx', { predicate: knex.whereNull('incident_id') });
  });

  await knex.schema.createTable('reputation_ledger_state', table => {
    table.comment('Which build of the ledger readers see; a full recompute writes the next one and then switches');
    table.string('id', 16).primary().notNullable();
    table.integer('generation').notNullable();
    table.timestamp('built_at', { useTz: true }).nullable();
  });
  await knex('reputation_ledger_state').insert({ id: 'ledger', generation: 1, built_at: null });

  await knex.schema.createTable('reputation_summaries', table => {
    table.comment(
      'Score, level, badge, workload and shown peer preference of each responder as last computed: what suggestions read instead of computing',
    );
    table.string('user_ref', 255).primary().notNullable();
    table.text('summary').notNullable().comment('JSON: score, level, badge, workload, peerPreference');
    table.timestamp('computed_at', { useTz: true }).notNullable();
    table.index(['computed_at'], 'reputation_summaries_computed_idx');
  });

  await knex.schema.createTable('responder_training', table => {
    table.comment('Training and certification records, as recorded by a responder manager');
    table.string('id', 36).primary().notNullable();
    table.string('user_ref', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.string('issuer', 200).notNullable();
    table.timestamp('completed_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.string('recorded_by', 255).notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(['user_ref'], 'responder_training_user_idx');
  });

  await knex.schema.createTable('responder_suspensions', table => {
    table.comment('Every suspension ever set, with who lifted it and why: an audit trail');
    table.string('id', 36).primary().notNullable();
    table.string('user_ref', 255).notNullable();
    table.text('reason').notNullable();
    table.string('set_by', 255).notNullable();
    table.timestamp('set_at', { useTz: true }).notNullable();
    table.timestamp('review_at', { useTz: true }).notNullable();
    table.string('lifted_by', 255).nullable();
    table.timestamp('lifted_at', { useTz: true }).nullable();
    table.text('lift_note').nullable();
    table.index(['user_ref', 'set_at'], 'responder_suspensions_user_idx');
  });

  await knex.schema.createTable('reputation_watermarks', table => {
    table.comment('How far the incremental ledger update has read each source');
    table.string('name', 64).primary().notNullable();
    table.timestamp('value', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('reputation_watermarks');
  await knex.schema.dropTable('responder_suspensions');
  await knex.schema.dropTable('responder_training');
  await knex.schema.dropTable('reputation_summaries');
  await knex.schema.dropTable('reputation_ledger_state');
  await knex.schema.dropTable('reputation_ledger');
};
