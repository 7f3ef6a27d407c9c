// @ts-check

/**
 * Runbook revisions (every edit, with its author: a knowledge contribution)
 * and drills / game days (which keep "last tested" honest).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('runbooks', table => {
    table.string('updated_by', 255).nullable();
  });

  await knex.schema.createTable('runbook_revisions', table => {
    table.comment('Every version of every runbook, never changed after it is written');
    table
      .string('runbook_id', 36)
      .notNullable()
      .references('id')
      .inTable('runbooks')
      .onDelete('CASCADE');
    table.integer('revision').notNullable();
    table.string('title', 200).notNullable();
    table.text('body').notNullable();
    table.string('author_ref', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('change_note', 500).nullable();
    table.primary(['runbook_id', 'revision']);
    table.index(['author_ref'], 'runbook_revisions_author_idx');
  });

  await knex.schema.createTable('runbook_drills', table => {
    table.comment('Drills and game days run against a runbook');
    table.increments('id');
    table
      .string('runbook_id', 36)
      .notNullable()
      .references('id')
      .inTable('runbooks')
      .onDelete('CASCADE');
    table.string('kind', 16).notNullable();
    table.string('outcome', 16).notNullable();
    table.timestamp('performed_at', { useTz: true }).notNullable();
    table.text('participants').notNullable().defaultTo('[]').comment('JSON array of user refs');
    table.text('notes').notNullable().defaultTo('');
    table.string('recorded_by', 255).notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table.index(['runbook_id', 'performed_at'], 'runbook_drills_runbook_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('runbook_drills');
  await knex.schema.dropTable('runbook_revisions');
  if (String(knex.client.config.client).includes('sqlite')) {
    // SQLite drops the column in place; knex's copy-and-rename would cascade through foreign keys.
    await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['runbooks', 'updated_by']);
  } else {
    await knex.schema.alterTable('runbooks', table => table.dropColumn('updated_by'));
  }
};
