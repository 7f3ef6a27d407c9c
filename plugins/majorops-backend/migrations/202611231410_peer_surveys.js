// @ts-check

const { randomBytes } = require('crypto');

/**
 * Post-incident peer surveys (seed 000, "The Feedback Loop").
 *
 * - `peer_surveys`: who is asked about whom after which incident, until when,
 *   and whether they answered. It holds no answers.
 * - `peer_survey_responses`: the answers, WITHOUT the rater. Only a keyed hash
 *   of (rater, subject) is kept, so that distinct raters of one person can be
 *   counted for the k-anonymity rule; the hash differs per subject, so one
 *   rater's answers about different people cannot be linked either. Ids are
 *   random and there is no timestamp, so neither order nor time ties an answer
 *   to the `answered_at` of an assignment.
 * - `peer_survey_rounds`: incidents whose surveys were created (or found not
 *   required), so the safety-net job looks at each resolved incident once.
 * - `peer_survey_settings`: the random secret of the keyed hash, generated
 *   here once per database.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('peer_survey_settings', table => {
    table.comment('Settings of the peer surveys, such as the secret of the rater hash');
    table.string('name', 64).primary();
    table.text('value').notNullable();
  });
  await knex('peer_survey_settings').insert({ name: 'rater-key-secret', value: randomBytes(32).toString('hex') });

  await knex.schema.createTable('peer_survey_rounds', table => {
    table.comment('Incidents whose peer surveys were created, or found not required');
    table
      .string('incident_id', 36)
      .primary()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.boolean('required').notNullable();
    table.string('reason', 300).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('peer_surveys', table => {
    table.comment('One survey: a participant asked about another participant of an incident');
    table.string('id', 36).primary();
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('rater_ref', 255).notNullable();
    table.string('subject_ref', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('closes_at', { useTz: true }).notNullable();
    table.timestamp('answered_at', { useTz: true }).nullable();
    table.unique(['incident_id', 'rater_ref', 'subject_ref'], { indexName: 'peer_surveys_assignment_uq' });
    table.index(['rater_ref', 'closes_at'], 'peer_surveys_rater_idx');
    table.index(['subject_ref'], 'peer_surveys_subject_idx');
  });

  await knex.schema.createTable('peer_survey_responses', table => {
    table.comment('Answers about a person, without who gave them');
    table.string('id', 36).primary().comment('random, says nothing of order');
    table
      .string('incident_id', 36)
      .notNullable()
      .references('id')
      .inTable('incidents')
      .onDelete('CASCADE');
    table.string('subject_ref', 255).notNullable();
    table.string('rater_key', 64).notNullable().comment('HMAC-SHA256 of (rater, subject) with the stored secret');
    table.integer('clear_and_calm').notNullable();
    table.integer('helped_resolution').notNullable();
    table.integer('primary_contact').notNullable();
    table.text('comment').nullable();
    table.unique(['incident_id', 'subject_ref', 'rater_key'], { indexName: 'peer_survey_responses_rater_uq' });
    table.index(['subject_ref'], 'peer_survey_responses_subject_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('peer_survey_responses');
  await knex.schema.dropTable('peer_surveys');
  await knex.schema.dropTable('peer_survey_rounds');
  await knex.schema.dropTable('peer_survey_settings');
};
